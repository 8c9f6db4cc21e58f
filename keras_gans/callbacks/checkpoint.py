"""Checkpoint state and training health: :class:`Checkpointer` and :class:`NonFiniteGuard`.

- :class:`Checkpointer` saves everything an exact resume needs and restores it,
  after every epoch and where training is when it is asked to stop (Ctrl-C).
- :class:`NonFiniteGuard` stops training at the first NaN/inf metric.
"""

import os
import shutil

import keras
import numpy as np
import tensorflow as tf
from absl import logging

from keras_gans import checks, protocols
from keras_gans.callbacks.logs import is_finite, non_finite
from keras_gans.interrupts import TrainingInterrupted

INTERRUPTED = "interrupted"
RESUME_HINT = "Run the same command again to resume from there."


class Checkpointer(keras.callbacks.Callback):
    """Saves and restores everything an exact resume needs, after every epoch.

    A ``tf.train.Checkpoint`` in ``model_dir/checkpoints`` managed by
    ``tf.train.CheckpointManager`` (the newest ``max_to_keep`` are kept) holds:

    - ``generator``, ``discriminator``: the networks' variables, BatchNorm
      moving statistics and spectral-norm vectors included (Keras 3 layers and
      variables are TensorFlow trackables on the TF backend);
    - ``d_optimizer``, ``g_optimizer`` (and ``optimizer`` when it is a third
      one): iteration counts and slots (e.g. Adam's moments), also trackable;
    - ``seed_generator``: the state of the model's ``keras.random.SeedGenerator``,
      so the resumed run draws the same z and noise as an unbroken one;
    - ``model_variables``: every variable of ``model.variables`` by position.
      This adds the states of the networks' own seed generators (Dropout,
      GaussianNoise), which are not trackables and would otherwise be lost;
    - ``epoch``: the number of completed epochs;
    - whatever the model returns from ``checkpoint_items()``
      (``{name: trackable}``), e.g. a model's extra training state.

    Saving is atomic: TensorFlow writes the data and index files first and the
    ``checkpoint`` state file last (an atomic rename), so ``latest_checkpoint``
    only ever names a complete checkpoint; an interrupted save leaves the
    previous one in place. A save is skipped, with a warning, when an epoch's
    training logs hold a NaN or infinity, so divergence never overwrites the last good
    checkpoint. Sample-quality measures under ``mode_coverage/`` are not
    training health and are not checked (reverse KL is infinite when no sample
    is of high quality).

    Asked to stop (:meth:`request_stop`, which a run calls at Ctrl-C), it
    saves at the end of the current step (or execution of steps) into
    ``model_dir/checkpoints/interrupted``: the same items, ``epoch`` the
    epochs completed and ``epoch_step`` the steps of the next one already
    trained; then it raises :class:`~keras_gans.interrupts.TrainingInterrupted`.
    On an epoch's last step it saves that epoch as usual and ends the fit
    (``stop_training``, :attr:`stopped_at`), so the epoch's pictures and logs
    are still written.
    :meth:`restore` takes that checkpoint when it is newer than the last
    epoch's and sets :attr:`epoch_step`; the run then trains the rest of that
    epoch on the batches an unbroken run would (see
    ``keras_gans.experiment``), and the Checkpointer prints where in the
    epoch it goes on (``Epoch 2: resuming at step 12 of 20``). The next
    epoch's checkpoint removes it. The epochs' checkpoints keep the layout
    they always had, so runs saved before keep resuming.

    Restore after ``compile`` and before ``fit``. ``GAN.compile`` builds both
    optimizers, so their slots exist and are restored at once; slots of an
    optimizer built later are restored when they are created (deferred
    restoration). Under a ``tf.distribute`` strategy the mirrored variables are
    saved and restored like plain ones.

    Args:
        model_dir: the run directory.
        max_to_keep: number of checkpoints kept.
    """

    _RESERVED = ("generator", "discriminator", "d_optimizer", "g_optimizer", "optimizer",
                 "seed_generator", "model_variables", "epoch", "epoch_step", "save_counter")

    def __init__(self, model_dir, max_to_keep=3):
        super().__init__()
        self.max_to_keep = checks.positive_int("max_to_keep", max_to_keep)
        self._directory = os.path.join(os.fspath(model_dir), "checkpoints")
        self._attached_to = None
        self._checkpoint = None
        self._manager = None
        self._epoch = None
        self._epoch_step = None
        self._interrupted = None  # the CheckpointManager of the stop's checkpoint
        self._stop_requested = False
        self._stopped_at = None
        self._resumed_epoch = None
        self._offset = 0
        self._current_epoch = 0
        self.epoch_step = 0

    @property
    def directory(self):
        """The checkpoint folder, ``model_dir/checkpoints``."""
        return self._directory

    @property
    def interrupted_directory(self):
        """Where a stop mid-epoch saves, ``model_dir/checkpoints/interrupted``."""
        return os.path.join(self._directory, INTERRUPTED)

    @property
    def latest_checkpoint(self):
        """Path prefix of the newest checkpoint, or None."""
        return tf.train.latest_checkpoint(self._directory)

    def _items(self, model):
        """What to save of ``model``: its players and state (:class:`keras_gans.protocols.Checkpointable`),
        or, for a plain ``keras.Model``, its optimizer and variables."""
        items, optimizers = {}, {}
        if isinstance(model, protocols.Checkpointable):
            items.update({name: network for name, network in (("generator", model.generator),
                                                                ("discriminator", model.discriminator))
                          if network is not None})
            optimizers = {name: optimizer for name, optimizer in (("d_optimizer", model.d_optimizer),
                                                                  ("g_optimizer", model.g_optimizer))
                          if optimizer is not None}
        optimizer = model.optimizer if model.compiled else None  # Keras sets it in compile
        if optimizer is not None and all(optimizer is not o for o in optimizers.values()):
            optimizers["optimizer"] = optimizer
        if not optimizers:
            raise ValueError(f"Checkpointer needs a compiled model: {model.name!r} has no optimizer. "
                             "Call compile() before restore() or fit().")
        items.update(optimizers)
        if isinstance(model, protocols.Checkpointable) and model.seed_generator is not None:
            items["seed_generator"] = model.seed_generator.state
        unique, seen = [], set()
        for variable in model.variables:
            if id(variable) not in seen:
                seen.add(id(variable))
                unique.append(variable)
        items["model_variables"] = unique
        extra = model.checkpoint_items() if isinstance(model, protocols.Checkpointable) else {}
        for name, trackable in dict(extra).items():
            if name in self._RESERVED:
                raise ValueError(f"`checkpoint_items()` of {model.name!r} uses the reserved name "
                                 f"{name!r}; reserved: {self._RESERVED}.")
            items[name] = trackable
        return items

    def _attach(self, model):
        if self._attached_to is model:
            return
        if self._epoch is None:
            with tf.init_scope():
                self._epoch = tf.Variable(0, dtype=tf.int64, trainable=False, name="epoch")
                self._epoch_step = tf.Variable(0, dtype=tf.int64, trainable=False, name="epoch_step")
        items = self._items(model)
        self._checkpoint = tf.train.Checkpoint(epoch=self._epoch, **items)
        self._manager = tf.train.CheckpointManager(self._checkpoint, self._directory,
                                                   max_to_keep=self.max_to_keep)
        self._interrupted = tf.train.CheckpointManager(
            tf.train.Checkpoint(epoch=self._epoch, epoch_step=self._epoch_step, **items),
            self.interrupted_directory, max_to_keep=1)
        self._attached_to = model

    def restore(self, model):
        """Restores the newest checkpoint into ``model``, if there is one.

        Call after ``compile`` and before ``fit``.

        Args:
            model: the compiled model.

        Returns:
            The number of completed epochs of the restored checkpoint (0 if none),
            to pass as ``initial_epoch`` to ``fit``. :attr:`epoch_step` is then
            the steps of the next epoch already trained (0 but after a stop mid-epoch).

        Raises:
            ValueError: if the checkpoint does not match the model.
        """
        self._attach(model)
        checkpoint, latest = self._checkpoint, self._manager.latest_checkpoint
        interrupted = self._interrupted.latest_checkpoint
        if interrupted is not None and (latest is None or _completed_epochs(interrupted)
                                        >= _completed_epochs(latest)):
            checkpoint, latest = self._interrupted.checkpoint, interrupted
        self._epoch_step.assign(0)
        if latest is None:
            return 0
        status = checkpoint.restore(latest)
        try:
            status.assert_existing_objects_matched()
        except AssertionError as error:
            raise ValueError(f"The checkpoint {latest} does not match the model {model.name!r} "
                             f"(a different architecture?): {error}") from error
        epoch = int(self._epoch.numpy())
        self._resumed_epoch, self.epoch_step = epoch, int(self._epoch_step.numpy())
        logging.info("Restored %s (epoch %d, step %d of the next).", latest, epoch, self.epoch_step)
        return epoch

    def request_stop(self):
        """Save and stop at the end of the current step (or execution of steps); safe in a signal handler."""
        self._stop_requested = True

    @property
    def stop_requested(self):
        """Whether :meth:`request_stop` was called."""
        return self._stop_requested

    @property
    def stopped_at(self):
        """After a stop at an epoch's end: ``(epochs completed, what to tell the user)``; else None."""
        return self._stopped_at

    def set_model(self, model):
        super().set_model(model)
        self._attach(model)

    def on_epoch_begin(self, epoch, logs=None):
        # A resumed epoch that a stop cut short: its fit trains only the rest of it (Keras numbers that fit's
        # epochs N/N, so the line says where in the epoch it goes on).
        self._current_epoch = epoch
        self._offset = self.epoch_step if epoch == self._resumed_epoch else 0
        if self._offset and self.params.get("steps") is not None:
            print(f"Epoch {epoch + 1}: resuming at step {self._offset + 1} of {self._offset + self.params['steps']}",
                  flush=True)

    def on_train_batch_end(self, batch, logs=None):
        total = self.params.get("steps")  # None for a stream of unknown length
        if not self._stop_requested or (total is not None and batch + 1 >= total):
            return  # a stop on an epoch's last step saves at the epoch's end
        steps = self._offset + batch + 1
        where = f"step {steps} of epoch {self._current_epoch + 1}"
        if total is not None:
            where += f" ({self._offset + total} steps)"
        bad = non_finite(logs)
        if bad:
            raise TrainingInterrupted(f"Training stopped at {where} without saving it: {', '.join(bad)} not "
                                      f"finite. The last good checkpoint is {self.latest_checkpoint}.")
        self._attach(self.model)
        self._epoch.assign(self._current_epoch)
        self._epoch_step.assign(steps)
        path = self._interrupted.save()
        raise TrainingInterrupted(f"Training stopped at {where}, saved in {path}. {RESUME_HINT}")

    def on_epoch_end(self, epoch, logs=None):
        bad = non_finite(logs)
        if bad:
            logging.warning("Checkpointer: not saving epoch %d, non-finite %s; the last good "
                            "checkpoint %s stays.", epoch + 1, ", ".join(bad), self.latest_checkpoint)
            return
        self._attach(self.model)
        self._epoch.assign(epoch + 1)
        path = self._manager.save(checkpoint_number=epoch + 1)
        logging.info("Saved checkpoint %s.", path)
        self.epoch_step, self._offset = 0, 0
        shutil.rmtree(self.interrupted_directory, ignore_errors=True)  # older than this one now
        if self._stop_requested:  # the other callbacks still see this epoch's end; fit then returns
            self._stopped_at = (epoch + 1, f"Training stopped at the end of epoch {epoch + 1}, saved in {path}. "
                                           f"{RESUME_HINT}")
            self.model.stop_training = True


def _completed_epochs(path):
    """The ``epoch`` saved in a checkpoint (epochs completed)."""
    return int(tf.train.load_checkpoint(path).get_tensor("epoch/.ATTRIBUTES/VARIABLE_VALUE"))


class NonFiniteGuard(keras.callbacks.Callback):
    """Stops training at the first NaN or infinite value in the batch logs.

    After every training batch it checks each logged value. On the first
    non-finite one it sets ``model.stop_training = True`` and :attr:`message`
    to ``"<metric> became <nan|inf> at step <step> (epoch <e>)"``, where the
    step is the model's optimizer iteration count (the generator step of a
    GAN, the step TensorBoard plots against) and the epoch is 1-based, and
    logs the message as an error. :attr:`message` is None until then. With
    several steps per execution (``steps_per_execution``) Keras reports the
    logs once per execution: the step named is the last of the execution in
    which the value appeared.
    """

    def __init__(self):
        super().__init__()
        self.message = None
        self._epoch = 0
        self._batches = 0

    def on_train_begin(self, logs=None):
        self.message = None

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch

    def _step(self):
        optimizer = getattr(self.model, "optimizer", None)
        if optimizer is not None and getattr(optimizer, "iterations", None) is not None:
            return int(keras.ops.convert_to_numpy(optimizer.iterations))
        return self._batches

    def on_train_batch_end(self, batch, logs=None):
        self._batches += 1
        if self.message is not None:
            return
        for name, value in (logs or {}).items():
            if is_finite(value):
                continue
            array = np.asarray(value, dtype=np.float64)
            kind = "nan" if np.any(np.isnan(array)) else "inf"
            self.message = f"{name} became {kind} at step {self._step()} (epoch {self._epoch + 1})"
            logging.error("NonFiniteGuard: %s; stopping training.", self.message)
            self.model.stop_training = True
            return
