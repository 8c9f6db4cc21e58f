"""The generator of a run's best epoch, kept for its measures and export: :class:`KeepBest`.

A GAN's last epoch is not always its best: a run can peak and then fade or
collapse. With a measure logged after each epoch (a callback placed before
this one adds it to the epoch logs), the run keeps the sampling generator
of the best epoch and, once training ends, measures and exports that one
(``experiment.run`` calls :meth:`KeepBest.restore`).
"""

import json
import math
import os

import keras
from absl import logging

from keras_gans import checks

BEST_DIR = "best"
WEIGHTS_FILE = "generator.weights.h5"
RECORD_FILE = "best.json"


class KeepBest(keras.callbacks.Callback):
    """Saves the sampling generator's weights whenever the logged ``monitor`` beats its best value so far.

    After an epoch whose logs hold a finite ``monitor`` better than the best
    so far (higher with ``mode="max"``, lower with ``"min"``), the weights of
    ``model.sampling_generator`` (G's moving average when the model keeps
    one) go to ``model_dir/best/generator.weights.h5`` and
    ``{"epoch", "monitor", "value"}`` to ``model_dir/best/best.json``, each
    written whole or not at all. Epochs without the value (a measure taken
    every few epochs) are skipped. The record is read back when the callback
    is made, so a resumed run compares with the epochs trained before it.

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

    @property
    def weights_path(self):
        return os.path.join(self.directory, WEIGHTS_FILE)

    def _read_record(self):
        path = os.path.join(self.directory, RECORD_FILE)
        if not (os.path.isfile(path) and os.path.isfile(self.weights_path)):
            return None
        with open(path) as file:
            record = json.load(file)
        return record if record.get("monitor") == self.monitor else None

    def _better(self, value):
        if self.best is None:
            return True
        return value > self.best["value"] if self.mode == "max" else value < self.best["value"]

    def on_epoch_end(self, epoch, logs=None):
        value = (logs or {}).get(self.monitor)
        if value is None or not math.isfinite(float(value)) or not self._better(float(value)):
            return
        os.makedirs(self.directory, exist_ok=True)
        partial = os.path.join(self.directory, f"partial.{os.getpid()}.weights.h5")
        self.model.sampling_generator.save_weights(partial)
        os.replace(partial, self.weights_path)
        self.best = {"epoch": epoch + 1, "monitor": self.monitor, "value": float(value)}
        record = os.path.join(self.directory, RECORD_FILE)
        with open(record + ".partial", "w") as file:
            json.dump(self.best, file)
        os.replace(record + ".partial", record)

    def restore(self, model):
        """Loads the kept weights into ``model.sampling_generator``; returns the record, or None when no epoch
        was kept (the model is left as it is)."""
        if self.best is None:
            return None
        model.sampling_generator.load_weights(self.weights_path)
        logging.info("Kept the generator of epoch %d (%s %.4f) for the measures and the export.",
                     self.best["epoch"], self.monitor, self.best["value"])
        return dict(self.best)
