"""The generator of a run's best epoch, kept for its measures and export: :class:`KeepBest`.

A GAN's last epoch is not always its best: a run can peak and then fade or
collapse. With a measure logged after each epoch (a callback placed before
this one adds it to the epoch logs), the run keeps the sampling generator
of the best epoch and, once training ends, measures and exports that one
(``experiment.run`` calls :meth:`KeepBest.restore`).
"""

import json
import os

import keras
from absl import logging

from keras_gans import checks, files
from keras_gans.callbacks.logs import is_finite, non_finite

BEST_DIR = "best"
RECORD_FILE = "best.json"


class KeepBest(keras.callbacks.Callback):
    """Saves the sampling generator's weights whenever the logged ``monitor`` beats its best value so far.

    After an epoch whose logs hold a ``monitor`` better than the best so far
    (higher with ``mode="max"``, lower with ``"min"``) and no non-finite
    training log (a diverged epoch is never kept), the weights of
    ``model.sampling_generator`` (G's moving average when the model keeps
    one) go to ``model_dir/best/generator_epoch<N>.weights.h5``, then
    ``{"epoch", "monitor", "value", "weights"}`` to ``model_dir/best/best.json``
    (written whole or not at all, last, so it only ever names a complete
    weights file), then the previous file goes. Epochs without the value (a
    measure taken every few epochs) are skipped.

    The record is read back when the callback is made, so a resumed run
    compares with the epochs trained before it; ``experiment.run`` calls
    :meth:`resume_from` with the epoch its checkpoint restored, which drops
    (and deletes) a record of a later epoch (a fresh run in an old folder,
    or a checkpoint older than the record). Every epoch is measured in the
    same way: under an experiment with phases (ProGAN's resolutions) the
    values of different phases do not compare, so such experiments do not
    use it.

    Args:
        model_dir: the run directory.
        monitor: the epoch-log key of the measure.
        mode: ``"max"`` or ``"min"``: which way is better.
    """

    def __init__(self, model_dir, monitor, mode="max"):
        super().__init__()
        if not isinstance(monitor, str) or not monitor:
            raise ValueError(f"`monitor` must be the name of a logged measure; received monitor={monitor!r}.")
        self.monitor = monitor
        self.mode = checks.one_of("mode", mode, ("max", "min"))
        self.directory = os.path.join(os.fspath(model_dir), BEST_DIR)
        self.best = self._read_record()

    def _read_record(self):
        path = os.path.join(self.directory, RECORD_FILE)
        if not os.path.isfile(path):
            return None
        with open(path) as file:
            record = json.load(file)
        if (record.get("monitor") != self.monitor or not isinstance(record.get("weights"), str)
                or not os.path.isfile(self._path(record))):
            return None
        return record

    def _path(self, record):
        return os.path.join(self.directory, record["weights"])

    def _forget(self, record, *, with_record_file):
        """Deletes ``record``'s weights file (after ``best.json`` itself ``with_record_file``: nothing kept left)."""
        if with_record_file:
            os.remove(os.path.join(self.directory, RECORD_FILE))
        os.remove(self._path(record))

    def _better(self, value):
        if self.best is None:
            return True
        return value > self.best["value"] if self.mode == "max" else value < self.best["value"]

    def resume_from(self, epoch):
        """Drops and deletes the record when it is of a later epoch than ``epoch``, the completed epochs the run
        resumes from (0 for a fresh run)."""
        if self.best is not None and self.best["epoch"] > epoch:
            logging.warning("KeepBest: %s names epoch %d, after the %d the run resumes from; starting afresh.",
                            os.path.join(self.directory, RECORD_FILE), self.best["epoch"], epoch)
            self._forget(self.best, with_record_file=True)
            self.best = None

    def on_epoch_end(self, epoch, logs=None):
        value = (logs or {}).get(self.monitor)
        if value is None or not is_finite(value) or non_finite(logs) or not self._better(float(value)):
            return
        os.makedirs(self.directory, exist_ok=True)
        record = {"epoch": epoch + 1, "monitor": self.monitor, "value": float(value),
                  "weights": f"generator_epoch{epoch + 1}.weights.h5"}
        files.save_weights(self.model.sampling_generator, self._path(record))
        files.write_text(os.path.join(self.directory, RECORD_FILE), json.dumps(record))
        previous, self.best = self.best, record
        if previous is not None and previous["weights"] != record["weights"]:
            self._forget(previous, with_record_file=False)

    def restore(self, model):
        """Loads the kept weights into ``model.sampling_generator``; returns the record (None, the model left
        as it is, when no epoch was kept)."""
        if self.best is None:
            return None
        model.sampling_generator.load_weights(self._path(self.best))
        logging.info("Kept the generator of epoch %d (%s %.4f) for the measures and the export.",
                     self.best["epoch"], self.monitor, self.best["value"])
        return dict(self.best)
