"""The unconditional adversarial trainer.

One training scheme covers a family of papers that differ only in objective,
penalty, normalization or schedule: the original GAN (Goodfellow et al. 2014),
DCGAN (Radford et al. 2016), LSGAN (Mao et al. 2017), WGAN (Arjovsky et al.
2017), WGAN-GP (Gulrajani et al. 2017) and SNGAN (Miyato et al. 2018) are all
configurations of :class:`GAN`.
"""

import functools
import math

import keras
import tensorflow as tf
from keras import ops

from keras_gans import checks, distribute, draws, layers, losses, penalties
from keras_gans.diff_augment import augment, check_policy
from keras_gans.models.adversarial import AdversarialModel, real_inputs
from keras_gans.networks.taps import discriminator_with_features, sublayers
from keras_gans.packing import pack_samples

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
    ``diff_augment`` augments every image D judges in training, real or
    generated, in both players' steps (DiffAugment, Zhao et al. 2020), for
    small training sets.

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
        pack: m, samples D judges at once (PacGAN, Lin et al. 2018): D's input
            is ``m`` real or ``m`` generated samples concatenated along the last
            axis (:mod:`keras_gans.packing`; build D on ``packed_shape``). The
            (per-replica) batch must be a multiple of ``m``; 1 = off.
        unrolled_steps: k, the steps of the unrolled discriminator G is
            trained against (Metz et al. 2017, "Unrolled GANs", section 2):
            G's loss is taken with D's weights after k more gradient steps on
            the current real batch and fresh fakes, while D itself is updated
            as usual. The lookahead takes plain gradient steps of
            ``unrolled_learning_rate`` and treats the unrolled weights as
            constants for G's gradient (the first-order surrogate). 0 = off.
        unrolled_learning_rate: the lookahead's step size; None = D's optimizer's
            current learning rate.
        diff_augment: DiffAugment's policy: names from
            :data:`keras_gans.diff_augment.POLICIES` (``"color"``,
            ``"translation"``, ``"cutout"``), applied in the order given to
            every image D judges in training, after any instance noise; the
            penalties are taken on the images as drawn. Empty = off.
        top_k_fraction: top-k training (Sinha et al. 2020): G's loss is taken
            over the samples (or packs) D scores highest, a share of the
            batch that starts at 1 and is multiplied by ``top_k_decay`` every
            ``top_k_decay_steps`` generator steps down to this floor (the
            paper's nu); the rest give no gradient
            (:mod:`keras_gans.losses.top_k`; ranked over the global batch in
            a distributed run). 1 = off.
        top_k_decay: the paper's gamma, in (0, 1].
        top_k_decay_steps: generator steps between two decays (an epoch in StudioGAN's implementation).
        latent_distribution: ``"normal"`` (N(0, I)) or ``"uniform"`` (U[-1, 1]).
        ema_decay: decay of the moving average of G's weights; 0 = off
            (see :class:`AdversarialModel`).
        seed: seed of the model's ``keras.random.SeedGenerator``.
        **kwargs: passed to ``keras.Model``.
    """

    TRACKERS = ("d_loss", "g_loss", "d_real", "d_fake")

    def __init__(self, generator, discriminator, latent_dim, *, loss="non_saturating",
                 n_critic=1, gradient_penalty_weight=0.0, r1_weight=0.0, clip_value=None,
                 label_smoothing=0.0, label_noise=0.0, instance_noise_std=0.0,
                 instance_noise_decay_steps=0, feature_matching=False,
                 feature_layer="features", least_squares_targets=None, split_real_batch=False, pack=1,
                 unrolled_steps=0, unrolled_learning_rate=None, diff_augment=(), top_k_fraction=1.0,
                 top_k_decay=0.99, top_k_decay_steps=1000, latent_distribution="normal",
                 ema_decay=0.0, seed=None, **kwargs):
        d_loss_fn, g_loss_fn = losses.get(loss)
        _validate(n_critic=n_critic, gradient_penalty_weight=gradient_penalty_weight,
                  r1_weight=r1_weight, clip_value=clip_value, instance_noise_std=instance_noise_std,
                  instance_noise_decay_steps=instance_noise_decay_steps)
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
                         ema_decay=ema_decay, seed=seed, n_critic=n_critic, split_real_batch=split_real_batch,
                         **kwargs)
        self.d_loss_fn, self.g_loss_fn = d_loss_fn, g_loss_fn
        self.loss_name = loss
        self.least_squares_targets = least_squares_targets
        self.gradient_penalty_weight = float(gradient_penalty_weight)
        self.r1_weight = float(r1_weight)
        self.clip_value = clip_value
        self.label_smoothing = float(label_smoothing)
        self.label_noise = float(label_noise)
        self.instance_noise_std = float(instance_noise_std)
        self.instance_noise_decay_steps = int(instance_noise_decay_steps)
        self.feature_matching = bool(feature_matching)
        self.feature_layer = feature_layer
        self.pack = checks.positive_int("pack", pack)
        self.diff_augment = check_policy(diff_augment)
        self.top_k_fraction = checks.share("top_k_fraction", top_k_fraction)
        self.top_k_decay = checks.share("top_k_decay", top_k_decay)
        self.top_k_decay_steps = checks.positive_int("top_k_decay_steps", top_k_decay_steps)
        if self.top_k_fraction < 1.0 and feature_matching:
            raise ValueError(f"`top_k_fraction` keeps the samples D scores highest in G's adversarial loss, which "
                             f"feature matching replaces; received top_k_fraction={top_k_fraction!r} with "
                             f"feature_matching=True.")
        self.unrolled_steps = checks.positive_int("unrolled_steps", unrolled_steps, minimum=0)
        self.unrolled_learning_rate = (None if unrolled_learning_rate is None
                                       else checks.positive_number("unrolled_learning_rate", unrolled_learning_rate))
        if feature_matching:
            self._discriminator_with_features = discriminator_with_features(discriminator, feature_layer)
        if clip_value is not None:
            for variable in discriminator.trainable_variables:
                variable.constraint = penalties.ClipWeights(clip_value)
        self._judges_samples_alone = judges_samples_alone(discriminator)
        if self.gradient_penalty_weight:
            self.track("gradient_penalty")
        if self.r1_weight:
            self.track("r1_penalty")

    # ------------------------------------------------------------------ hacks

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
        noise = distribute.replica_slice(
            lambda rows: draws.normal((rows,) + shape, seed=self.seed_generator),
            ops.shape(samples)[0])
        return samples + ops.cast(self.instance_noise_stddev(), samples.dtype) * noise

    def _as_judged(self, samples, training):
        """What D sees of samples: with instance noise and DiffAugment in training, packed."""
        if training:
            samples = augment(self._with_instance_noise(samples), self.diff_augment, self.seed_generator)
        return pack_samples(samples, self.pack)

    def _judged(self, samples, training, network=None):
        """What D (or ``network``, a view of it) says of samples: as :meth:`_as_judged` makes them."""
        return (network or self.discriminator)(self._as_judged(samples, training), training=training)

    def _judged_real_and_fake(self, real, fake, training):
        """D's logits on the real and the fake batch: one call on both when D judges each sample alone.

        One call on the concatenated batch does the work of two with fewer, larger kernels; it gives
        the same logits when no layer of D looks across the batch or keeps state (batch norm, spectral
        norm's power iteration, minibatch layers): only its dropout masks are drawn once for both.
        """
        if not self._judges_samples_alone:
            return self._judged(real, training), self._judged(fake, training)
        packed_real, packed_fake = self._as_judged(real, training), self._as_judged(fake, training)
        logits = self.discriminator(ops.concatenate([ops.cast(packed_real, packed_fake.dtype), packed_fake]),
                                    training=training)
        rows = ops.shape(packed_real)[0]
        return logits[:rows], logits[rows:]

    def _unrolled_weights(self, real):
        """D's weights after ``unrolled_steps`` gradient steps on ``real`` and fresh fakes, as constants.

        Each step's gradient is the global batch's (the replicas' mean), so a
        distributed run looks ahead as one device does.
        """
        trainable = [variable.value for variable in self.discriminator.trainable_variables]
        non_trainable = [variable.value for variable in self.discriminator.non_trainable_variables]
        rate = (self.unrolled_learning_rate if self.unrolled_learning_rate is not None
                else ops.cast(self.d_optimizer.learning_rate, "float32"))
        packed_real = pack_samples(real, self.pack)
        for _ in range(self.unrolled_steps):
            fake = tf.stop_gradient(self.generator(self.sample_latent(ops.shape(real)[0]), training=True))
            with tf.GradientTape() as tape:
                tape.watch(trainable)
                real_logits, non_trainable = self.discriminator.stateless_call(trainable, non_trainable,
                                                                               packed_real, training=True)
                fake_logits, non_trainable = self.discriminator.stateless_call(
                    trainable, non_trainable, pack_samples(fake, self.pack), training=True)
                loss = self.d_loss_fn(ops.cast(real_logits, "float32"), ops.cast(fake_logits, "float32"))
            gradients = tape.gradient(loss, trainable)
            trainable = [weight - rate * distribute.replica_mean(gradient)
                         for weight, gradient in zip(trainable, gradients)]
        return [tf.stop_gradient(weight) for weight in trainable], non_trainable

    # ----------------------------------------------------------------- losses

    def prepare_batch(self, data):
        return real_inputs(data)

    def make_fakes(self, batch, training):
        return self.generator(self.sample_latent(ops.shape(batch)[0]), training=training)

    def discriminator_loss(self, real, fake, training):
        """The adversarial loss plus the penalties; in evaluation the plain loss, no hack or penalty."""
        real_logits, fake_logits = (ops.cast(logits, "float32")
                                    for logits in self._judged_real_and_fake(real, fake, training))
        if not training:
            loss = self.d_loss_fn(real_logits, fake_logits)
            return loss, {"d_loss": loss, "d_real": ops.mean(real_logits), "d_fake": ops.mean(fake_logits)}
        options = {}
        if self.loss_name in losses.CROSS_ENTROPY_VARIANTS:
            options = dict(label_smoothing=self.label_smoothing, label_noise=self.label_noise,
                           seed=self.seed_generator)
        adversarial = self.d_loss_fn(real_logits, fake_logits, **options)
        total = adversarial
        logs = {"d_loss": adversarial, "d_real": ops.mean(real_logits), "d_fake": ops.mean(fake_logits)}
        if self.gradient_penalty_weight:
            logs["gradient_penalty"] = penalties.gradient_penalty(
                self.discriminator, pack_samples(real, self.pack), pack_samples(fake, self.pack), self.seed_generator)
            total = total + self.gradient_penalty_weight * logs["gradient_penalty"]
        if self.r1_weight:
            logs["r1_penalty"] = penalties.r1_penalty(self.discriminator, pack_samples(real, self.pack))
            total = total + 0.5 * self.r1_weight * logs["r1_penalty"]
        return total, logs

    def generator_loss(self, real, fake, training):
        """Fooling D (or D unrolled ahead), or with ``feature_matching`` matching its mean features (training only)."""
        if not training:
            loss = self.g_loss_fn(ops.cast(self._judged(fake, training=False), "float32"))
            return loss, {"g_loss": loss}
        if self.feature_matching:
            real_features, _ = self._judged(real, True, self._discriminator_with_features)
            fake_features, _ = self._judged(fake, True, self._discriminator_with_features)
            # The means of the global batch: each replica's mean, averaged over the replicas.
            loss = losses.feature_matching_loss(
                distribute.replica_mean(ops.mean(ops.cast(real_features, "float32"), axis=0, keepdims=True)),
                distribute.replica_mean(ops.mean(ops.cast(fake_features, "float32"), axis=0, keepdims=True)))
            return loss, {"g_loss": loss}
        if self.unrolled_steps:
            trainable, non_trainable = self._unrolled_weights(real)
            fake_logits, _ = self.discriminator.stateless_call(trainable, non_trainable,
                                                               self._as_judged(fake, True), training=True)
        else:
            fake_logits = self._judged(fake, training=True)
        if self.top_k_fraction < 1.0:
            share = losses.top_k_share(self.g_optimizer.iterations, fraction=self.top_k_fraction,
                                       decay=self.top_k_decay, decay_steps=self.top_k_decay_steps)
            loss = losses.top_k_generator_loss(self.g_loss_fn, fake_logits, share)
        else:
            loss = self.g_loss_fn(ops.cast(fake_logits, "float32"))
        return loss, {"g_loss": loss}

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
            split_real_batch=self.split_real_batch, pack=self.pack, unrolled_steps=self.unrolled_steps,
            unrolled_learning_rate=self.unrolled_learning_rate, diff_augment=list(self.diff_augment),
            top_k_fraction=self.top_k_fraction, top_k_decay=self.top_k_decay,
            top_k_decay_steps=self.top_k_decay_steps,
            least_squares_targets=(None if self.least_squares_targets is None
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


def judges_samples_alone(discriminator):
    """Whether D's output for a sample depends on that sample only, and a call changes no state of D.

    True when D's only non-trainable variables are random-seed states (its dropout) and it has no
    minibatch layer: no batch norm (batch statistics, moving averages), no spectral norm (a power
    iteration per call), no minibatch discrimination or standard deviation.
    """
    seeds_only = all(variable.path.endswith("seed_generator_state")
                     for variable in discriminator.non_trainable_variables)
    minibatch = any(isinstance(layer, (layers.MinibatchDiscrimination, layers.MinibatchStdDev))
                    for layer in sublayers(discriminator))
    return seeds_only and not minibatch


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
