"""Files written whole or not at all: a reader in another process, or a run interrupted mid-write, never sees
half of one. Each is written beside its final path and renamed over it (``os.replace``, atomic on one file
system); a write that fails leaves the old file as it was and nothing beside it."""

import contextlib
import os

WEIGHTS_SUFFIX = ".weights.h5"


def write_text(path, text):
    """Writes ``text`` to ``path``."""
    with _replacing(path, f"{path}.{os.getpid()}.partial") as partial:
        with open(partial, "w") as file:
            file.write(text)


def save_weights(model, path):
    """``model.save_weights(path)``.

    Raises:
        ValueError: naming ``path`` when it does not end in ``.weights.h5``, as Keras requires.
    """
    if not str(path).endswith(WEIGHTS_SUFFIX):
        raise ValueError(f"`path` must end in {WEIGHTS_SUFFIX}; received path={path!r}.")
    with _replacing(path, str(path)[:-len(WEIGHTS_SUFFIX)] + f".{os.getpid()}.partial{WEIGHTS_SUFFIX}") as partial:
        model.save_weights(partial)


@contextlib.contextmanager
def _replacing(path, partial):
    """Yields ``partial``, to be written; then renames it over ``path``, or removes it if anything failed."""
    try:
        yield partial
        os.replace(partial, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.remove(partial)
        raise
