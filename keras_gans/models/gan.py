"""The unconditional adversarial trainer.

One training scheme covers a family of papers that differ only in objective,
penalty, normalization or schedule: the original GAN (Goodfellow et al. 2014),
DCGAN (Radford et al. 2016), LSGAN (Mao et al. 2017), WGAN (Arjovsky et al.
2017), WGAN-GP (Gulrajani et al. 2017) and SNGAN (Miyato et al. 2018) are all
configurations of :class:`GAN`.

:class:`AdversarialModel` is what every two-player trainer with a latent prior
shares (the networks, z sampling, the two optimizers, an exponential moving
average of G, export and serialization); :class:`GAN`,
:class:`~keras_gans.models.EBGAN` and :class:`~keras_gans.models.BEGAN`
build on it.
"""

import functools
import math

import keras
import tensorflow as tf
from keras import ops

from keras_gans import losses, penalties

LATENT_DISTRIBUTIONS = ("normal", "uniform")


def num_replicas():
    """Number of replicas the current ``tf.distribute`` strategy trains on."""
    return tf.distribute.get_strategy().num_replicas_in_sync


def replica_slice(draw, batch_size):
    """Draws a random tensor for the global batch and returns this replica's rows.

    Every replica of a ``MirroredStrategy`` holds the same seed-generator state,
    so each one draws the global batch (``batch_size * replicas`` rows) and keeps
    its own slice. The samples a global batch sees are therefore the same on one
    device or many, and no two replicas share a sample.

    Args:
        draw: ``rows -> tensor`` drawing ``rows`` samples along axis 0.
        batch_size: this replica's batch size.

    Returns:
        The ``[batch_size, ...]`` slice belonging to the current replica.
    """
    replicas = num_replicas()
    if replicas == 1:
        return draw(batch_size)
    replica_id = tf.distribute.get_replica_context().replica_id_in_sync_group
    full = draw(batch_size * replicas)
    return full[replica_id * batch_size:(replica_id + 1) * batch_size]


def scale_for_replicas(loss):
    """Divides a per-replica mean loss so that summed replica gradients are the global mean."""
    return loss / ops.cast(num_replicas(), loss.dtype)


def replica_mean(value):
    """The mean of a per-replica value over every replica (the value itself on one device).

    What a statistic of the global batch is under ``tf.distribute`` when every
    replica holds an equal share of it: the feature means that feature
    matching compares, or state that every replica must update identically
    (BEGAN's k_t). Differentiable: the gradient is all-reduced back, so after
    :func:`scale_for_replicas` and the summed replica gradients the update is
    the one-device update.
    """
    context = tf.distribute.get_replica_context()
    if context is None or context.num_replicas_in_sync == 1:
        return value
    return context.all_reduce(tf.distribute.ReduceOp.MEAN, value)


def step_logs(metrics):
    """The logs a train or test step returns: each metric's current result.

    Under a multi-worker ``MultiWorkerMirroredStrategy`` Keras 3 reduces every
    log with ``strategy.reduce("MEAN", value, axis=0)``, which fails on scalars
    (tensorflow/tensorflow#72388); there each result goes out with shape
    ``[1]`` and comes back from the reduction as a scalar.

    Args:
        metrics: the metrics to report.

    Returns:
        ``{metric.name: result}``.
    """
    logs = {metric.name: metric.result() for metric in metrics}
    strategy = tf.distribute.get_strategy()
    multi_worker = (isinstance(strategy, tf.distribute.MultiWorkerMirroredStrategy)
                    and strategy.extended._in_multi_worker_mode())  # what Keras itself checks
    if multi_worker:
        logs = {name: ops.reshape(value, [1]) for name, value in logs.items()}
    return logs


def real_inputs(data):
    """The images of a batch; labels (or Keras's (x, y) packing) are ignored."""
    return data[0] if isinstance(data, (tuple, list)) else data


def _build_optimizer(optimizer, variables):
    """Wraps for mixed precision when needed and builds the slots on ``variables``.

    Building here, inside the caller's strategy scope, is what lets a GAN with
    Adam train under ``MirroredStrategy`` (DESIGN.md, Distribution).
    """
    optimizer = keras.optimizers.get(optimizer)
    policy = keras.config.dtype_policy()
    if policy.name == "mixed_float16" and not isinstance(optimizer, keras.optimizers.LossScaleOptimizer):
        optimizer = keras.optimizers.LossScaleOptimizer(optimizer)
    if not optimizer.built:
        optimizer.build(variables)
    return optimizer


@keras.saving.register_keras_serializable(package="keras_gans")
class ClipWeights(keras.constraints.Constraint):
    """Clips every weight to ``[-clip_value, clip_value]`` (Arjovsky et al. 2017, Algorithm 1)."""

    def __init__(self, clip_value):
        self.clip_value = float(clip_value)

    def __call__(self, w):
        return ops.clip(w, -self.clip_value, self.clip_value)

    def get_config(self):
        return {"clip_value": self.clip_value}


def discriminator_with_features(discriminator, feature_layer):
    """``x -> [features, logits]``: the discriminator's own layers and weights, with a second output.

    What feature matching (Salimans et al. 2016, section 3.1) compares: the
    output of the layer named ``feature_layer``.

    Raises:
        ValueError: naming ``feature_layer`` when the discriminator has no such layer.
    """
    try:
        features = discriminator.get_layer(feature_layer).output
    except ValueError as error:
        raise ValueError(f"`feature_layer`={feature_layer!r} is not a layer of the "
                         f"discriminator {discriminator.name!r}.") from error
    return keras.Model(discriminator.inputs, [features, discriminator.outputs[0]])


def _averaging_copy(generator):
    """A frozen copy of ``generator`` (architecture and weights) to hold G's moving average."""
    try:
        copy = keras.models.clone_model(generator)
    except (ValueError, TypeError) as error:
        raise ValueError(f"`ema_decay` needs a functional or Sequential generator to copy; "
                         f"{generator.name!r} could not be cloned: {error}") from error
    copy.set_weights(generator.get_weights())
    copy.trainable = False
    return copy


def _check_common(*, latent_dim, latent_distribution, ema_decay):
    """Raises ValueError naming the first bad argument shared by every adversarial model."""
    if isinstance(latent_dim, bool) or not isinstance(latent_dim, int) or latent_dim <= 0:
        raise ValueError(f"`latent_dim` must be a positive int; received latent_dim={latent_dim!r}.")
    if latent_distribution not in LATENT_DISTRIBUTIONS:
        raise ValueError(f"`latent_distribution` must be one of {LATENT_DISTRIBUTIONS}; "
                         f"received latent_distribution={latent_distribution!r}.")
    if isinstance(ema_decay, bool) or not isinstance(ema_decay, (int, float)) or not 0.0 <= ema_decay < 1.0:
        raise ValueError(f"`ema_decay` must be a number in [0, 1); received ema_decay={ema_decay!r}.")


class TwoOptimizerModel(keras.Model):
    """The plumbing every trainer here shares: a discriminator and a generator optimizer, loss trackers.

    Subclasses say which variables each optimizer updates
    (:meth:`_discriminator_variables`, :meth:`_generator_variables`) and, when
    they log through :meth:`_record`, set ``self.trackers`` to
    ``{name: keras.metrics.Mean}``.
    """

    def _discriminator_variables(self):
        raise NotImplementedError

    def _generator_variables(self):
        raise NotImplementedError

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
        self.d_optimizer = _build_optimizer(
            d_optimizer or keras.optimizers.Adam(2e-4, beta_1=0.5), self._discriminator_variables())
        self.g_optimizer = _build_optimizer(
            g_optimizer or keras.optimizers.Adam(2e-4, beta_1=0.5), self._generator_variables())
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

    @staticmethod
    def _scaled(optimizer, loss):
        """The loss the tape differentiates: divided by the replicas, scaled for mixed precision."""
        return optimizer.scale_loss(scale_for_replicas(loss))

    def _record(self, values):
        """Updates the trackers named in ``values`` and returns the step's logs."""
        for name, value in values.items():
            self.trackers[name].update_state(value)
        return step_logs(self.metrics)


class AdversarialModel(TwoOptimizerModel):
    """What every unconditional two-player trainer with a latent prior shares.

    It holds the networks, draws z from the model's ``keras.random.SeedGenerator``
    (so a restored checkpoint continues the same stream), configures the two
    optimizers, keeps an optional exponential moving average (EMA) of the
    generator's weights, samples, exports and serializes. Subclasses write the
    training step.

    Moving average of G (Yazici et al. 2019, "The Unusual Effectiveness of
    Averaging in GAN Training"; Karras et al. 2018 sample from such an
    average). With ``ema_decay = d > 0``, after the t-th
    generator update every trainable weight ``w`` of G updates its average as
    ``avg <- decay_t * avg + (1 - decay_t) * w`` with
    ``decay_t = min(d, (1 + t) / (10 + t))``, the warm-up of
    ``tf.train.ExponentialMovingAverage`` with ``num_updates``, so early
    averages are not dominated by the random initial weights. Non-trainable
    weights (batch-norm statistics) are copied. The averaged network,
    :attr:`ema_generator`, is what :meth:`generate`, the sample callbacks and
    the export use; it is saved in checkpoints and ``.keras`` files.

    Args:
        generator: ``keras.Model`` mapping ``z`` ``[batch, latent_dim]`` to samples.
        discriminator: ``keras.Model``; what it outputs depends on the subclass.
        latent_dim: size of z.
        latent_distribution: ``"normal"`` (N(0, I)) or ``"uniform"`` (U[-1, 1]).
        ema_decay: decay d of G's moving average; 0 = off. Needs a functional
            or Sequential generator (it is copied with ``keras.models.clone_model``).
        seed: seed of the model's ``keras.random.SeedGenerator``.
        **kwargs: passed to ``keras.Model``.
    """

    def __init__(self, generator, discriminator, latent_dim, *, latent_distribution="normal",
                 ema_decay=0.0, seed=None, **kwargs):
        super().__init__(**kwargs)
        _check_common(latent_dim=latent_dim, latent_distribution=latent_distribution, ema_decay=ema_decay)
        self.generator = generator
        self.discriminator = discriminator
        self.latent_dim = latent_dim
        self.latent_distribution = latent_distribution
        self.ema_decay = float(ema_decay)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.ema_generator = _averaging_copy(generator) if self.ema_decay else None

    # ------------------------------------------------------------------ setup

    def _discriminator_variables(self):
        return self.discriminator.trainable_variables

    def _generator_variables(self):
        return self.generator.trainable_variables

    # --------------------------------------------------------------- sampling

    @property
    def sampling_generator(self):
        """The network samples come from: the moving average of G when kept, else G."""
        return self.ema_generator if self.ema_generator is not None else self.generator

    def _draw_latent(self, rows):
        shape = (rows, self.latent_dim)
        if self.latent_distribution == "uniform":
            return keras.random.uniform(shape, minval=-1.0, maxval=1.0, seed=self.seed_generator)
        return keras.random.normal(shape, seed=self.seed_generator)

    def sample_latent(self, batch_size):
        """Draws ``[batch_size, latent_dim]`` latent vectors from the model's seed generator."""
        return replica_slice(self._draw_latent, batch_size)

    def generate(self, z_or_num, training=False):
        """Generates samples with :attr:`sampling_generator` (G's moving average when kept).

        Args:
            z_or_num: an int (number of samples, z drawn from the model's seed
                generator) or an array of latent vectors ``[n, latent_dim]``.
            training: run the generator in training mode.

        Returns:
            Generated samples ``[n, ...]``.
        """
        if isinstance(z_or_num, int):
            if z_or_num <= 0:
                raise ValueError(f"`z_or_num` must be a positive count or a z array; received {z_or_num!r}.")
            z = self._draw_latent(z_or_num)
        else:
            z = ops.convert_to_tensor(z_or_num, dtype="float32")
            if len(z.shape) != 2 or z.shape[-1] != self.latent_dim:
                raise ValueError(f"`z_or_num` must have shape [n, {self.latent_dim}]; "
                                 f"received shape {tuple(z.shape)}.")
        return self.sampling_generator(z, training=training)

    def call(self, z, training=False):
        return self.sampling_generator(z, training=training)

    def serving_endpoints(self):
        """What :func:`keras_gans.export.export_generator` serves: the sampling generator."""
        return {"serving_default": self.sampling_generator}

    def checkpoint_items(self):
        """Extra state for :class:`keras_gans.callbacks.Checkpointer`: G's moving average."""
        return {"ema_generator": self.ema_generator} if self.ema_generator is not None else {}

    # --------------------------------------------------------------- training

    def _update_moving_average(self):
        """One EMA step of G's weights; call right after each generator update."""
        if self.ema_generator is None:
            return
        updates = ops.cast(self.g_optimizer.iterations, "float32")  # t, this update included
        decay = ops.minimum(self.ema_decay, (1.0 + updates) / (10.0 + updates))
        for average, weight in zip(self.ema_generator.weights, self.generator.weights):
            if weight.trainable:
                average.assign(decay * average + (1.0 - decay) * weight)
            else:
                average.assign(weight)

    # ---------------------------------------------------------- serialization

    def get_config(self):
        config = super().get_config()
        config.update(
            generator=keras.saving.serialize_keras_object(self.generator),
            discriminator=keras.saving.serialize_keras_object(self.discriminator),
            latent_dim=self.latent_dim, latent_distribution=self.latent_distribution,
            ema_decay=self.ema_decay, seed=self.seed)
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["generator"] = keras.saving.deserialize_keras_object(config["generator"])
        config["discriminator"] = keras.saving.deserialize_keras_object(config["discriminator"])
        return cls(**config)


@keras.saving.register_keras_serializable(package="keras_gans")
class GAN(AdversarialModel):
    """Unconditional GAN trained with alternating gradient steps.

    Each ``train_step`` makes ``n_critic`` discriminator updates, each on a
    real batch and a freshly generated fake batch (D sees real and fake as
    separate batches), then one generator update. By default the real batch is
    reused across the critic steps, as in the Keras WGAN-GP example; with
    ``split_real_batch=True`` the batch is dealt into ``n_critic`` equal parts,
    one per critic step, which is Algorithm 1 of both WGAN papers (a fresh real
    minibatch for every critic iteration): feed batches of ``n_critic * m``
    to train the critic on ``m`` real samples per update. The fake batch and any
    noise are redrawn each time.

    The papers as configurations (see ``apps/``): LSGAN is
    ``loss="least_squares"`` (with ``least_squares_targets`` for the paper's
    a, b, c); WGAN is ``loss="wasserstein", clip_value=0.01, n_critic=5`` with
    RMSProp(5e-5); WGAN-GP is ``loss="wasserstein", gradient_penalty_weight=10,
    n_critic=5`` with a critic without batch norm; SNGAN is ``loss="hinge"``
    with a spectrally normalized discriminator.

    The "GAN hacks" are options: ``label_smoothing`` (one-sided),
    ``label_noise`` (flipped targets), ``instance_noise_std`` with
    ``instance_noise_decay_steps`` (annealed to 0), ``feature_matching``,
    ``ema_decay`` (a moving average of G for sampling and export); minibatch
    discrimination and dropout in G are options of the network builders.

    Args:
        generator: ``keras.Model`` mapping ``z`` ``[batch, latent_dim]`` to samples.
        discriminator: ``keras.Model`` mapping samples to raw logits.
        latent_dim: size of z.
        loss: adversarial loss variant, see :func:`keras_gans.losses.get`.
        n_critic: discriminator updates per generator update (5 for WGAN).
        gradient_penalty_weight: WGAN-GP lambda (Gulrajani et al. 2017); 0 = off.
        r1_weight: R1 gamma (Mescheder et al. 2018); the term is ``gamma/2 * R1``.
        clip_value: WGAN weight clipping c; every discriminator weight is kept in
            ``[-c, c]`` after each update. ``None`` = off.
        label_smoothing: one-sided label smoothing (cross-entropy losses only).
        label_noise: probability of flipping D's targets (cross-entropy losses only).
        instance_noise_std: std of Gaussian noise added to D's real and fake inputs
            (Sonderby et al. 2017, "Amortised MAP Inference", section 5).
        instance_noise_decay_steps: the std falls linearly to 0 over this many
            generator steps; 0 keeps it constant.
        feature_matching: train G to match D's mean features on real and fake
            data instead of fooling D (Salimans et al. 2016, section 3.1).
        feature_layer: name of the discriminator layer whose output is matched.
        split_real_batch: deal each batch into ``n_critic`` parts, one per critic
            step (sample ``j`` goes to step ``j mod n_critic``); the generator
            step then uses ``batch / n_critic`` latent vectors. The batch (per
            replica) must be a multiple of ``n_critic``. Dealing rather than
            cutting keeps a distributed run identical to one device: each
            replica's block starts at a multiple of ``n_critic``.
        least_squares_targets: LSGAN's ``(a, b, c)`` (Mao et al. 2017, eq. 2):
            D's targets for fake (a) and real (b) data and the value G wants D
            to give its samples (c). ``None`` keeps the 0-1 coding (0, 1, 1);
            (-1, 1, 0) is the Pearson chi-squared choice of eq. 8. Only with
            ``loss="least_squares"``.
        latent_distribution: ``"normal"`` (N(0, I)) or ``"uniform"`` (U[-1, 1]).
        ema_decay: decay of the moving average of G's weights; 0 = off
            (see :class:`AdversarialModel`).
        seed: seed of the model's ``keras.random.SeedGenerator``.
        **kwargs: passed to ``keras.Model``.
    """

    def __init__(self, generator, discriminator, latent_dim, *, loss="non_saturating",
                 n_critic=1, gradient_penalty_weight=0.0, r1_weight=0.0, clip_value=None,
                 label_smoothing=0.0, label_noise=0.0, instance_noise_std=0.0,
                 instance_noise_decay_steps=0, feature_matching=False,
                 feature_layer="features", least_squares_targets=None, split_real_batch=False,
                 latent_distribution="normal", ema_decay=0.0, seed=None, **kwargs):
        d_loss_fn, g_loss_fn = losses.get(loss)
        _validate(n_critic=n_critic, gradient_penalty_weight=gradient_penalty_weight,
                  r1_weight=r1_weight, clip_value=clip_value, instance_noise_std=instance_noise_std,
                  instance_noise_decay_steps=instance_noise_decay_steps)
        if not isinstance(split_real_batch, bool):
            raise ValueError(f"`split_real_batch` must be True or False; received "
                             f"split_real_batch={split_real_batch!r}.")
        if (label_smoothing or label_noise) and loss not in losses.CROSS_ENTROPY_VARIANTS:
            raise ValueError(
                f"`label_smoothing` and `label_noise` apply to the cross-entropy losses "
                f"{losses.CROSS_ENTROPY_VARIANTS}; received loss={loss!r} with "
                f"label_smoothing={label_smoothing!r}, label_noise={label_noise!r}.")
        if least_squares_targets is not None:
            least_squares_targets = _check_least_squares_targets(least_squares_targets, loss)
            a, b, c = least_squares_targets
            d_loss_fn = functools.partial(losses.least_squares_discriminator_loss, a=a, b=b)
            g_loss_fn = functools.partial(losses.least_squares_generator_loss, c=c)
        super().__init__(generator, discriminator, latent_dim, latent_distribution=latent_distribution,
                         ema_decay=ema_decay, seed=seed, **kwargs)
        self.d_loss_fn, self.g_loss_fn = d_loss_fn, g_loss_fn
        self.loss_name = loss
        self.least_squares_targets = least_squares_targets
        self.n_critic = n_critic
        self.split_real_batch = split_real_batch
        self.gradient_penalty_weight = float(gradient_penalty_weight)
        self.r1_weight = float(r1_weight)
        self.clip_value = clip_value
        self.label_smoothing = float(label_smoothing)
        self.label_noise = float(label_noise)
        self.instance_noise_std = float(instance_noise_std)
        self.instance_noise_decay_steps = int(instance_noise_decay_steps)
        self.feature_matching = bool(feature_matching)
        self.feature_layer = feature_layer

        if feature_matching:
            self._discriminator_with_features = discriminator_with_features(discriminator, feature_layer)
        if clip_value is not None:
            for variable in discriminator.trainable_variables:
                variable.constraint = ClipWeights(clip_value)

        self.d_loss_tracker = keras.metrics.Mean(name="d_loss")
        self.g_loss_tracker = keras.metrics.Mean(name="g_loss")
        self.d_real_tracker = keras.metrics.Mean(name="d_real")
        self.d_fake_tracker = keras.metrics.Mean(name="d_fake")
        self.gp_tracker = keras.metrics.Mean(name="gradient_penalty")
        self.r1_tracker = keras.metrics.Mean(name="r1_penalty")
        # The networks exist, so the model is built; fit under a strategy would
        # otherwise try to call it symbolically (DESIGN.md, Distribution).
        self.built = True

    @property
    def metrics(self):
        trackers = [self.d_loss_tracker, self.g_loss_tracker, self.d_real_tracker,
                    self.d_fake_tracker]
        if self.gradient_penalty_weight:
            trackers.append(self.gp_tracker)
        if self.r1_weight:
            trackers.append(self.r1_tracker)
        return trackers

    # --------------------------------------------------------------- training

    def instance_noise_stddev(self):
        """Current instance-noise std: linear decay to 0 over the set generator steps."""
        if not self.instance_noise_std:
            return 0.0
        if not self.instance_noise_decay_steps:
            return self.instance_noise_std
        step = ops.cast(self.g_optimizer.iterations, "float32")
        remaining = ops.maximum(0.0, 1.0 - step / float(self.instance_noise_decay_steps))
        return self.instance_noise_std * remaining

    def _with_instance_noise(self, samples):
        if not self.instance_noise_std:
            return samples
        shape = tuple(samples.shape[1:])
        noise = replica_slice(
            lambda rows: keras.random.normal((rows,) + shape, seed=self.seed_generator),
            ops.shape(samples)[0])
        return samples + ops.cast(self.instance_noise_stddev(), samples.dtype) * noise

    def _discriminator_loss(self, real, fake):
        real_logits = ops.cast(self.discriminator(self._with_instance_noise(real), training=True), "float32")
        fake_logits = ops.cast(self.discriminator(self._with_instance_noise(fake), training=True), "float32")
        options = {}
        if self.loss_name in losses.CROSS_ENTROPY_VARIANTS:
            options = dict(label_smoothing=self.label_smoothing, label_noise=self.label_noise,
                           seed=self.seed_generator)
        adversarial = self.d_loss_fn(real_logits, fake_logits, **options)
        total, extras = adversarial, {}
        if self.gradient_penalty_weight:
            extras["gp"] = penalties.gradient_penalty(self.discriminator, real, fake, self.seed_generator)
            total = total + self.gradient_penalty_weight * extras["gp"]
        if self.r1_weight:
            extras["r1"] = penalties.r1_penalty(self.discriminator, real)
            total = total + 0.5 * self.r1_weight * extras["r1"]
        return total, adversarial, real_logits, fake_logits, extras

    def _generator_loss(self, real, z):
        fake = self.generator(z, training=True)
        if self.feature_matching:
            real_features, _ = self._discriminator_with_features(self._with_instance_noise(real), training=True)
            fake_features, _ = self._discriminator_with_features(self._with_instance_noise(fake), training=True)
            # The means of the global batch: each replica's mean, averaged over the replicas.
            return losses.feature_matching_loss(
                replica_mean(ops.mean(ops.cast(real_features, "float32"), axis=0, keepdims=True)),
                replica_mean(ops.mean(ops.cast(fake_features, "float32"), axis=0, keepdims=True)))
        fake_logits = self.discriminator(self._with_instance_noise(fake), training=True)
        return self.g_loss_fn(ops.cast(fake_logits, "float32"))

    def _critic_batches(self, real):
        """The real batch of each critic step: all of it, or its ``n_critic`` dealt parts."""
        if not self.split_real_batch:
            return [real] * self.n_critic
        rows = real.shape[0]
        if rows is not None and rows % self.n_critic:
            raise ValueError(f"`split_real_batch` needs a batch that is a multiple of n_critic="
                             f"{self.n_critic}; received a (per-replica) batch of {rows}.")
        dealt = ops.reshape(real, (-1, self.n_critic) + tuple(real.shape[1:]))  # [B, ...] -> [B/n, n, ...]
        return [dealt[:, i] for i in range(self.n_critic)]                     # sample j -> part j mod n

    def train_step(self, data):
        reals = self._critic_batches(real_inputs(data))
        batch_size = ops.shape(reals[0])[0]
        d_vars = self.discriminator.trainable_variables
        g_vars = self.generator.trainable_variables

        for real in reals:
            fake = self.generator(self.sample_latent(batch_size), training=True)
            with tf.GradientTape() as tape:
                total, d_loss, real_logits, fake_logits, extras = self._discriminator_loss(real, fake)
                scaled = self._scaled(self.d_optimizer, total)
            self.d_optimizer.apply(tape.gradient(scaled, d_vars), d_vars)

        z = self.sample_latent(batch_size)
        with tf.GradientTape() as tape:
            g_loss = self._generator_loss(real, z)
            scaled = self._scaled(self.g_optimizer, g_loss)
        self.g_optimizer.apply(tape.gradient(scaled, g_vars), g_vars)
        self._update_moving_average()

        self.d_loss_tracker.update_state(d_loss)
        self.g_loss_tracker.update_state(g_loss)
        self.d_real_tracker.update_state(ops.mean(real_logits))
        self.d_fake_tracker.update_state(ops.mean(fake_logits))
        if "gp" in extras:
            self.gp_tracker.update_state(extras["gp"])
        if "r1" in extras:
            self.r1_tracker.update_state(extras["r1"])
        return step_logs(self.metrics)

    def test_step(self, data):
        """Adversarial losses on a held-out batch, with no update."""
        real = real_inputs(data)
        fake = self.generator(self.sample_latent(ops.shape(real)[0]), training=False)
        real_logits = ops.cast(self.discriminator(real, training=False), "float32")
        fake_logits = ops.cast(self.discriminator(fake, training=False), "float32")
        self.d_loss_tracker.update_state(self.d_loss_fn(real_logits, fake_logits))
        self.g_loss_tracker.update_state(self.g_loss_fn(fake_logits))
        self.d_real_tracker.update_state(ops.mean(real_logits))
        self.d_fake_tracker.update_state(ops.mean(fake_logits))
        return step_logs(self.metrics[:4])

    # ---------------------------------------------------------- serialization

    def get_config(self):
        config = super().get_config()
        config.update(
            loss=self.loss_name, n_critic=self.n_critic,
            gradient_penalty_weight=self.gradient_penalty_weight, r1_weight=self.r1_weight,
            clip_value=self.clip_value, label_smoothing=self.label_smoothing,
            label_noise=self.label_noise, instance_noise_std=self.instance_noise_std,
            instance_noise_decay_steps=self.instance_noise_decay_steps,
            feature_matching=self.feature_matching, feature_layer=self.feature_layer,
            split_real_batch=self.split_real_batch, least_squares_targets=(None if self.least_squares_targets is None
                                   else list(self.least_squares_targets)))
        return config


def _check_least_squares_targets(targets, loss):
    """``(a, b, c)`` as floats, or a ValueError naming ``least_squares_targets``."""
    if loss != "least_squares":
        raise ValueError(f"`least_squares_targets` applies to loss='least_squares'; received "
                         f"loss={loss!r} with least_squares_targets={targets!r}.")
    try:
        values = tuple(float(v) for v in targets)
    except (TypeError, ValueError):
        values = ()
    if len(values) != 3 or not all(math.isfinite(v) for v in values):
        raise ValueError(f"`least_squares_targets` must be three finite numbers (a, b, c); "
                         f"received least_squares_targets={targets!r}.")
    return values


def _validate(*, n_critic, gradient_penalty_weight, r1_weight, clip_value,
              instance_noise_std, instance_noise_decay_steps):
    """Raises ValueError naming the first bad constructor argument of :class:`GAN`."""
    checks = [
        ("n_critic", n_critic, isinstance(n_critic, int) and n_critic >= 1, "an int >= 1"),
        ("gradient_penalty_weight", gradient_penalty_weight, gradient_penalty_weight >= 0, ">= 0"),
        ("r1_weight", r1_weight, r1_weight >= 0, ">= 0"),
        ("clip_value", clip_value, clip_value is None or clip_value > 0, "None or > 0"),
        ("instance_noise_std", instance_noise_std, instance_noise_std >= 0, ">= 0"),
        ("instance_noise_decay_steps", instance_noise_decay_steps,
         isinstance(instance_noise_decay_steps, int) and instance_noise_decay_steps >= 0, "an int >= 0"),
    ]
    for name, value, ok, expected in checks:
        if not ok:
            raise ValueError(f"`{name}` must be {expected}; received {name}={value!r}.")
