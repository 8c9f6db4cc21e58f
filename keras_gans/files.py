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
    """``model.save_weights(path)``; ``path`` ends in ``.weights.h5``, as Keras requires."""
    with _replacing(path, path[:-len(WEIGHTS_SUFFIX)] + f".{os.getpid()}.partial{WEIGHTS_SUFFIX}") as partial:
        model.save_weights(partial)


@contextlib.contextmanager
def _replacing(path, partial):
    try:
        yield partial
    except BaseException:
        with contextlib.suppress(OSError):
            os.remove(partial)
        raise
    os.replace(partial, path)
