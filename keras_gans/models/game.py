"""The trainer backbone: what every keras-gans model shares.

Every model in :mod:`keras_gans.models` is an :class:`AdversarialGame`, a
subclassed ``keras.Model`` that holds the players (a discriminator and a
generator, or several of each), their two optimizers and the loss trackers.
The game owns the training step; a paper's model states only what is its own:

- :meth:`~AdversarialGame.make_fakes`: what the generator makes for a batch
  (a draw of its inputs and its outputs);
- :meth:`~AdversarialGame.discriminator_loss` and
  :meth:`~AdversarialGame.generator_loss`: each player's loss on a batch and
  those fakes, as ``(loss to minimize, {tracker name: value})``;
- optionally :meth:`~AdversarialGame.prepare_batch` (checks and unpacks a
  batch), :meth:`~AdversarialGame.after_generator_update` (state that moves
  with every generator step: a moving average, a schedule) and extra state in
  :meth:`~AdversarialGame.checkpoint_items`.

The step (:meth:`AdversarialGame.train_step`) makes ``n_critic``
discriminator updates, each on fresh fakes made outside its tape, then one
generator update whose fakes are made under its tape; ``test_step`` computes
both losses in inference mode on one draw of fakes, with no update. Models
whose updates are not alternating (BEGAN's simultaneous update, the
translators' shared forward pass) write their own ``train_step`` with the same
parts. The conventions every step keeps under ``tf.distribute`` (random draws
for the global batch sliced per replica, per-replica mean losses divided by
the replica count) are in :mod:`keras_gans.distribute`; ``docs/design.md``
shows the layers, this protocol and how to add a paper.
"""

import keras
import tensorflow as tf
from keras import ops

from keras_gans import checks, distribute


def build_optimizer(optimizer, variables):
    """Wraps for mixed precision when needed and builds the slots on ``variables``.

    Building here, inside the caller's strategy scope, is what lets a GAN with
    Adam train under ``MirroredStrategy`` (``docs/design.md``, "Distribution").
    """
    optimizer = keras.optimizers.get(optimizer)
    policy = keras.config.dtype_policy()
    if policy.name == "mixed_float16" and not isinstance(optimizer, keras.optimizers.LossScaleOptimizer):
        optimizer = keras.optimizers.LossScaleOptimizer(optimizer)
    if not optimizer.built:
        optimizer.build(variables)
    return optimizer


def serialize_network(network):
    """A network's Keras config for ``get_config`` (None stays None)."""
    return None if network is None else keras.saving.serialize_keras_object(network)


def deserialize_networks(config, names):
    """A copy of ``config`` with the networks under ``names`` rebuilt (for ``from_config``)."""
    config = dict(config)
    for name in names:
        if config.get(name) is not None:
            config[name] = keras.saving.deserialize_keras_object(config[name])
    return config


def as_float32(outputs):
    """Casts a network's output (a tensor or a list of them) to float32, for the losses."""
    if isinstance(outputs, (list, tuple)):
        return [keras.ops.cast(output, "float32") for output in outputs]
    return keras.ops.cast(outputs, "float32")


class LatestValue(keras.metrics.Metric):
    """A tracker that reports the last value it was given (a schedule's state: a resolution, alpha).

    Keras resets metrics at the start of every epoch; the value stays until
    the next update, so an epoch's log holds the value of its last step.
    """

    def __init__(self, name, **kwargs):
        super().__init__(name=name, **kwargs)
        self.value = self.add_variable(shape=(), initializer="zeros", aggregation="only_first_replica", name="value")

    def update_state(self, value, sample_weight=None):
        del sample_weight
        self.value.assign(ops.cast(value, self.value.dtype))

    def result(self):
        return ops.convert_to_tensor(self.value)


def reset_optimizer(optimizer):
    """Zeroes an optimizer's state: its iteration count and slots (Adam's moments), not its learning rate.

    What ProGAN's authors do at every new resolution (``reset_opt_for_new_lod``):
    the next step is then the first step of a fresh Adam, bias correction included.
    Call it outside a training step (e.g. between two fits).
    """
    inner = getattr(optimizer, "inner_optimizer", optimizer)  # a LossScaleOptimizer's scale is kept
    keep = [getattr(inner, "_learning_rate", None)]
    for variable in inner.variables:
        if not any(variable is kept for kept in keep):
            variable.assign(ops.zeros_like(variable))


class AdversarialGame(distribute.SkipsSymbolicBuild, keras.Model):
    """Base of every model: two optimizers, loss trackers and the alternating step.

    Subclasses set :attr:`TRACKERS` (the mean metrics a step reports, in log
    order; :meth:`track` adds optional ones), define the players' variables
    (:meth:`discriminator_variables`, :meth:`generator_variables`) and the
    losses, and implement the protocol the callbacks, the export and the apps
    rely on: :meth:`serving_endpoints`, :meth:`checkpoint_items` and
    :attr:`num_classes`.

    Args:
        n_critic: discriminator updates per generator update.
        split_real_batch: deal each batch into ``n_critic`` parts, one per
            critic step (sample ``j`` goes to step ``j mod n_critic``), as
            Algorithm 1 of the WGAN papers (a fresh real minibatch for every
            critic iteration); the generator step then sees the last part. The
            batch (per replica) must be a multiple of ``n_critic``. Dealing
            rather than cutting keeps a distributed run identical to one
            device: each replica's block starts at a multiple of ``n_critic``.
        **kwargs: passed to ``keras.Model`` (e.g. ``name``).
    """

    TRACKERS = ()
    num_classes = None  # class-conditional models set their class count
    d_optimizer = g_optimizer = None  # set by compile
    seed_generator = None  # models that draw random inputs set theirs
    xla_unsupported = None  # why XLA cannot compile the model's step, for models where it cannot

    def __init__(self, *, n_critic=1, split_real_batch=False, **kwargs):
        super().__init__(**kwargs)
        self.n_critic = checks.positive_int("n_critic", n_critic)
        self.split_real_batch = checks.boolean("split_real_batch", split_real_batch)
        self.trackers = {}
        self.track(*self.TRACKERS)

    def track(self, *names):
        """Adds mean metrics reported under ``names`` (call in ``__init__``)."""
        for name in names:
            self.trackers[name] = keras.metrics.Mean(name=name)

    def track_latest(self, *names):
        """Adds trackers reporting the last value of an epoch (:class:`LatestValue`) under ``names``."""
        for name in names:
            self.trackers[name] = LatestValue(name=name)

    # ----------------------------------------------------------------- protocol

    def discriminator_variables(self):
        """What the discriminator optimizer updates."""
        return self.discriminator.trainable_variables

    def generator_variables(self):
        """What the generator optimizer updates."""
        return self.generator.trainable_variables

    def serving_endpoints(self):
        """``{signature name: functional keras.Model}`` that :func:`keras_gans.export.export_generator`
        serves; it includes ``serving_default``."""
        raise NotImplementedError

    def checkpoint_items(self):
        """Training state beyond the networks, optimizers and seed (``{name: trackable}``),
        saved by :class:`keras_gans.callbacks.Checkpointer`."""
        return {}

    def enter_phase(self, index, phase):
        """Switches to phase ``index`` of a schedule with several phases (progressive growing).

        :func:`keras_gans.experiment.run` calls it before fitting each phase of
        an experiment whose :meth:`~keras_gans.experiments.base.Experiment.phases`
        lists more than one; the phase must be restorable from the checkpointed
        state alone, so a resumed run continues where it stopped.
        """
        raise NotImplementedError(f"{type(self).__name__} trains in a single phase; received phase {index} "
                                  f"({phase.name}).")

    # ------------------------------------------------------------- compilation

    def compile(self, d_optimizer=None, g_optimizer=None, **kwargs):
        """Configures the two optimizers.

        Call it inside the strategy scope when distributing. Each optimizer is
        built here on the variables it updates.

        Args:
            d_optimizer: discriminator optimizer (default Adam(2e-4, beta_1=0.5),
                the DCGAN setting).
            g_optimizer: generator optimizer (same default).
            **kwargs: passed to ``keras.Model.compile`` (e.g. ``jit_compile``).
        """
        self.d_optimizer = build_optimizer(
            d_optimizer or keras.optimizers.Adam(2e-4, beta_1=0.5), self.discriminator_variables())
        self.g_optimizer = build_optimizer(
            g_optimizer or keras.optimizers.Adam(2e-4, beta_1=0.5), self.generator_variables())
        # model.optimizer is what Keras callbacks read the step count from.
        super().compile(optimizer=self.g_optimizer, **kwargs)

    def get_compile_config(self):
        """Both optimizers, so a loaded ``.keras`` model is compiled as it was saved."""
        return {"d_optimizer": keras.saving.serialize_keras_object(self.d_optimizer),
                "g_optimizer": keras.saving.serialize_keras_object(self.g_optimizer)}

    def compile_from_config(self, config):
        self.compile(d_optimizer=keras.saving.deserialize_keras_object(config["d_optimizer"]),
                     g_optimizer=keras.saving.deserialize_keras_object(config["g_optimizer"]))

    @property
    def metrics(self):
        return list(self.trackers.values())

    # ------------------------------------------------------------ step parts

    def prepare_batch(self, data):
        """Checks a batch at trace time and returns what the losses take (default: as it is)."""
        return data

    def make_fakes(self, batch, training):
        """What the generator makes for ``batch``: opaque to the game, passed to both losses."""
        raise NotImplementedError

    def discriminator_loss(self, batch, fakes, training):
        """``(loss, logs)`` of the discriminator; ``training=False`` gives the plain evaluation loss."""
        raise NotImplementedError

    def generator_loss(self, batch, fakes, training):
        """``(loss, logs)`` of the generator; ``fakes`` were made under its tape when training."""
        raise NotImplementedError

    def after_generator_update(self):
        """State that moves with every generator update (called right after it)."""

    def critic_batches(self, batch):
        """The batch of each critic step: all of it ``n_critic`` times, or its dealt parts."""
        if not self.split_real_batch:
            return [batch] * self.n_critic
        return deal(batch, self.n_critic)

    @staticmethod
    def scaled_loss(optimizer, loss):
        """The loss a tape differentiates: divided by the replicas, scaled for mixed precision."""
        return optimizer.scale_loss(distribute.scale_for_replicas(loss))

    def update(self, optimizer, variables, loss_fn):
        """One optimizer step on ``loss_fn() -> (loss, logs)``; returns the logs."""
        with tf.GradientTape() as tape:
            loss, logs = loss_fn()
            scaled = self.scaled_loss(optimizer, loss)
        optimizer.apply(tape.gradient(scaled, variables), variables)
        return logs

    def record(self, values):
        """Updates the trackers named in ``values`` and returns their logs, in tracker order.

        A value given as ``(value, weight)`` counts with that weight in the
        tracker's mean (weight 0: a step where a lazy regularizer did not run).
        """
        for name, value in values.items():
            if isinstance(value, tuple):
                self.trackers[name].update_state(value[0], sample_weight=value[1])
            else:
                self.trackers[name].update_state(value)
        return distribute.step_logs([tracker for name, tracker in self.trackers.items() if name in values])

    # ----------------------------------------------------------------- steps

    def train_step(self, data):
        batch = self.prepare_batch(data)
        d_vars, g_vars = self.discriminator_variables(), self.generator_variables()
        logs = {}
        parts = self.critic_batches(batch)
        for part in parts:
            fakes = self.make_fakes(part, training=True)
            logs.update(self.update(self.d_optimizer, d_vars,
                                    lambda: self.discriminator_loss(part, fakes, training=True)))
        last = parts[-1]
        logs.update(self.update(self.g_optimizer, g_vars,
                                lambda: self.generator_loss(last, self.make_fakes(last, training=True),
                                                            training=True)))
        self.after_generator_update()
        return self.record(logs)

    def test_step(self, data):
        """Both players' losses on a held-out batch, in inference mode, with no update."""
        batch = self.prepare_batch(data)
        fakes = self.make_fakes(batch, training=False)
        _, d_logs = self.discriminator_loss(batch, fakes, training=False)
        _, g_logs = self.generator_loss(batch, fakes, training=False)
        return self.record({**d_logs, **g_logs})


def deal(batch, parts):
    """Deals a batch (a tensor or a tuple of them) into ``parts``: sample ``j`` to part ``j mod parts``."""
    if isinstance(batch, (tuple, list)):
        columns = [deal(column, parts) for column in batch]
        return [type(batch)(column[i] for column in columns) for i in range(parts)]
    rows = batch.shape[0]
    if rows is not None and rows % parts:
        raise ValueError(f"`split_real_batch` needs a batch that is a multiple of n_critic={parts}; "
                         f"received a (per-replica) batch of {rows}.")
    dealt = keras.ops.reshape(batch, (-1, parts) + tuple(batch.shape[1:]))  # [B, ...] -> [B/n, n, ...]
    return [dealt[:, i] for i in range(parts)]
