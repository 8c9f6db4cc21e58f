"""Ctrl-C during training: the first one asks the run to stop cleanly, the second stops it at once.

:func:`first_sigint_calls` turns the first SIGINT inside its block into a
call (the run's :class:`~keras_gans.callbacks.Checkpointer` then saves where
training is and stops it, :class:`TrainingInterrupted`); a second SIGINT
raises ``KeyboardInterrupt`` as Python always does (when the step under way
returns to Python), without saving.
"""

import contextlib
import os
import signal
import threading

STOP_MESSAGE = "Ctrl-C: stopping after this step, once its checkpoint is saved (Ctrl-C again stops at once)."


class TrainingInterrupted(KeyboardInterrupt):
    """Training stopped on request after saving a checkpoint; ``str(error)`` says where and how to resume."""


@contextlib.contextmanager
def first_sigint_calls(callback, message=None):
    """Within the block, the first SIGINT calls ``callback()`` instead of raising ``KeyboardInterrupt``.

    A second SIGINT raises ``KeyboardInterrupt``. The previous handler is put
    back when the block ends. Off the main thread, where Python delivers no
    signal, the block changes nothing.

    Args:
        callback: called with no arguments at the first SIGINT.
        message: a line written to stderr at the first SIGINT, or None.

    Yields:
        None.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received = []

    def handle(signum, frame):
        if received:
            raise KeyboardInterrupt
        received.append(signum)
        if message:  # os.write: a handler may interrupt a write to sys.stderr, which is not reentrant
            os.write(2, f"\n{message}\n".encode())  # 2: standard error
        callback()

    previous = signal.signal(signal.SIGINT, handle)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
