"""Training schemes shared by the image-to-image GANs.

Two schemes cover the four papers of this family:

- :class:`PairedTranslator`: one generator ``G: source -> target`` trained on
  aligned ``(source, target)`` pairs with ``content_weight * content(target,
  G(source)) + adversarial_weight * adversarial``. Pix2Pix (Isola et al.
  2017; L1 content, a conditional PatchGAN) and SRGAN (Ledig et al. 2017;
  MSE or VGG-feature content, 1e-3 adversarial) are configurations of it
  (:mod:`keras_gans.models.pix2pix`, :mod:`keras_gans.models.srgan`).
- :class:`TwoWayTranslator`: two generators ``G_AB``, ``G_BA`` and two
  discriminators ``D_A``, ``D_B`` trained on unpaired ``(domain_a,
  domain_b)`` batches with adversarial losses both ways and the
  reconstruction ``G_BA(G_AB(a)) ~ a``, ``G_AB(G_BA(b)) ~ b``. CycleGAN (Zhu
  et al. 2017) and DiscoGAN (Kim et al. 2017) are configurations of it
  (:mod:`keras_gans.models.cyclegan`, :mod:`keras_gans.models.discogan`).

Both make one discriminator and one generator update per batch from a single
forward pass of the generator(s), as the authors' code does. Conventions of
:class:`keras_gans.models.GAN` hold: logits are cast to float32 before the
losses, per-replica mean losses are divided by the number of replicas, the
optimizers are built on their variables in ``compile`` and the model is built
once its networks exist. Scaling a loss by a constant (the papers halve D's
objective) does not change Adam's steps, so the discriminator losses are the
:mod:`keras_gans.losses` ones as they are.
"""

import keras
import tensorflow as tf
from keras import ops

from keras_gans import checks, losses
from keras_gans.image_pool import ImagePool
from keras_gans.models.game import AdversarialGame, as_float32, deserialize_networks, serialize_network

ADVERSARIAL_LOSSES = ("non_saturating", "least_squares")
UNPAIRED_NETWORKS = ("generator_ab", "generator_ba", "discriminator_a", "discriminator_b")


def _check_adversarial(loss):
    if loss not in ADVERSARIAL_LOSSES:
        raise ValueError(f"`loss` must be one of {ADVERSARIAL_LOSSES}; received loss={loss!r}.")
    return loss


def _unpack_pair(data, kind):
    if not isinstance(data, (tuple, list)) or len(data) != 2:
        raise ValueError(f"A {kind} translation batch is a pair of image batches; received {type(data).__name__} "
                         f"of length {len(data) if isinstance(data, (tuple, list)) else 'n/a'}.")
    return data[0], data[1]


class Translator(AdversarialGame):
    """What both schemes share: the objective and one forward pass for both updates.

    ``make_fakes`` runs the generator(s) once, under the generator's tape; the
    discriminator update sees those outputs (stopped), before the generator's
    loss when :attr:`DISCRIMINATOR_FIRST` (the paired scheme: G is judged by
    the updated D) or after the generator's update (the unpaired scheme). Each
    optimizer is built on the variables of all the networks it updates;
    Adam(2e-4, beta_1=0.5) by default, the setting of all four papers but
    SRGAN's 1e-4.
    """

    DISCRIMINATOR_FIRST = True

    def _init_objective(self, loss, distance):
        """Sets the adversarial loss and the image distance."""
        self.loss_name = _check_adversarial(loss)
        self.d_loss_fn, _ = losses.get(loss)
        self.distance_name = distance
        self.distance = losses.get_distance(distance)

    def update_discriminator(self, batch, fakes):
        """The discriminator's update on this step's (stopped) fakes; returns its logs."""
        raise NotImplementedError

    def train_step(self, data):
        batch = self.prepare_batch(data)
        g_vars = self.generator_variables()
        logs = {}
        with tf.GradientTape() as g_tape:
            fakes = self.make_fakes(batch, training=True)
            if self.DISCRIMINATOR_FIRST:
                with g_tape.stop_recording():
                    logs.update(self.update_discriminator(batch, fakes))
            g_loss, g_logs = self.generator_loss(batch, fakes, training=True)
            g_scaled = self.scaled_loss(self.g_optimizer, g_loss)
        self.g_optimizer.apply(g_tape.gradient(g_scaled, g_vars), g_vars)
        if not self.DISCRIMINATOR_FIRST:
            logs.update(self.update_discriminator(batch, fakes))
        return self.record({**logs, **g_logs})


@keras.saving.register_keras_serializable(package="keras_gans")
class PairedTranslator(Translator):
    """Paired translation ``G: source -> target`` with a content and an adversarial loss.

    Per batch ``(source, target)``: ``fake = G(source)``; D is updated on
    ``(target, fake)`` (both paired with ``source`` when D is conditional);
    then G on ``content_weight * content + adversarial_weight * adversarial``
    with the updated D. With ``adversarial_weight=0`` D is never updated and G
    is plain regression (the "L1 alone" baseline of Isola et al. 2017, table 1).
    For the first ``pretrain_steps`` generator steps G learns from the content
    loss alone and D receives zero gradients: SRGAN starts from a trained
    SRResNet (Ledig et al. 2017, section 3.2).

    Args:
        generator: ``keras.Model`` mapping source images to target images.
        discriminator: ``keras.Model`` from ``[source, images]`` (conditional,
            two inputs) or ``images`` (one input) to logits of any shape.
        loss: ``"non_saturating"`` (default) or ``"least_squares"``.
        content: ``"l1"`` or ``"mse"``, the pixel distance of the content loss.
        content_weight: weight of the content loss.
        adversarial_weight: weight of G's adversarial loss (0 = regression only).
        feature_extractor: optional ``keras.Model``; when given the content
            loss compares ``feature_extractor(target)`` and
            ``feature_extractor(G(source))`` instead of pixels (SRGAN's VGG loss).
        feature_scale: features are multiplied by this before the distance
            (SRGAN rescales VGG features by 1/12.75).
        pretrain_steps: generator steps trained on the content loss alone first.
        **kwargs: passed to ``keras.Model``.
    """

    TRACKERS = ("d_loss", "g_loss", "g_adversarial", "content_loss", "d_real", "d_fake")

    def __init__(self, generator, discriminator, *, loss="non_saturating", content="l1", content_weight=1.0,
                 adversarial_weight=1.0, feature_extractor=None, feature_scale=1.0, pretrain_steps=0, **kwargs):
        super().__init__(**kwargs)
        self._init_objective(loss, content)
        self.content_weight = checks.weight("content_weight", content_weight)
        self.adversarial_weight = checks.weight("adversarial_weight", adversarial_weight)
        self.feature_scale = checks.weight("feature_scale", feature_scale)
        if isinstance(pretrain_steps, bool) or not isinstance(pretrain_steps, int) or pretrain_steps < 0:
            raise ValueError(f"`pretrain_steps` must be an int >= 0; received pretrain_steps={pretrain_steps!r}.")
        self.pretrain_steps = pretrain_steps
        self.generator = generator
        self.discriminator = discriminator
        self.feature_extractor = feature_extractor
        if feature_extractor is not None:
            feature_extractor.trainable = False
        self.conditional = len(discriminator.inputs) == 2
        self.built = True  # the networks exist (docs/design.md, "Distribution")

    def prepare_batch(self, data):
        return _unpack_pair(data, "paired")

    def _discriminate(self, source, images, training=True):
        inputs = [source, images] if self.conditional else images
        return ops.cast(self.discriminator(inputs, training=training), "float32")

    def content_loss(self, target, fake):
        """The content distance between target images and generated ones (pixels or features)."""
        if self.feature_extractor is not None:
            scale = self.feature_scale
            return self.distance(scale * as_float32(self.feature_extractor(target, training=False)),
                                 scale * as_float32(self.feature_extractor(fake, training=False)))
        return self.distance(as_float32(target), as_float32(fake))

    def _adversarial_on(self):
        """1.0 once the pretraining steps are over, else 0.0 (a float32 scalar)."""
        if not self.pretrain_steps:
            return ops.ones((), "float32")
        return ops.cast(self.g_optimizer.iterations >= self.pretrain_steps, "float32")

    def make_fakes(self, batch, training):
        return self.generator(batch[0], training=training)

    def discriminator_loss(self, batch, fake, training):
        source, target = batch
        real_logits = self._discriminate(source, target, training)
        fake_logits = self._discriminate(source, fake, training)
        loss = self.d_loss_fn(real_logits, fake_logits)
        return loss, {"d_loss": loss, "d_real": ops.mean(real_logits), "d_fake": ops.mean(fake_logits)}

    def update_discriminator(self, batch, fake):
        """D on (target, G(source)); none at all without an adversarial term, zero gradients while pretraining."""
        if not self.adversarial_weight:
            return {}

        def loss():
            d_loss, logs = self.discriminator_loss(batch, tf.stop_gradient(fake), training=True)
            return self._adversarial_on() * d_loss, logs

        return self.update(self.d_optimizer, self.discriminator_variables(), loss)

    def generator_loss(self, batch, fake, training):
        source, target = batch
        content = self.content_loss(target, fake)
        adversarial = losses.translation_generator_loss(self.loss_name, self._discriminate(source, fake, training))
        total = self.content_weight * content
        if self.adversarial_weight:
            total = total + self.adversarial_weight * self._adversarial_on() * adversarial
        return total, {"g_loss": total, "content_loss": content, "g_adversarial": adversarial}

    def translate(self, images, training=False):
        """``G(images)``: source images to target images."""
        return self.generator(images, training=training)

    def call(self, images, training=False):
        return self.generator(images, training=training)

    def serving_endpoints(self):
        """``serving_default``: the generator, input ``images`` (source), output ``images``."""
        return {"serving_default": self.generator}

    def sample_rows(self, batch):
        """The rows of a sample picture: sources, their translations, the targets.

        Args:
            batch: a ``(source, target)`` pair of image batches.

        Returns:
            A list of three NumPy arrays ``[n, H, W, C]`` in [-1, 1].
        """
        source, target = _unpack_pair(batch, "paired")
        fake = self.translate(source)
        return [ops.convert_to_numpy(x) for x in (source, as_float32(fake), target)]

    def get_config(self):
        config = super().get_config()
        config.update(generator=serialize_network(self.generator),
                      discriminator=serialize_network(self.discriminator),
                      loss=self.loss_name, content=self.distance_name, content_weight=self.content_weight,
                      adversarial_weight=self.adversarial_weight,
                      feature_extractor=serialize_network(self.feature_extractor), feature_scale=self.feature_scale,
                      pretrain_steps=self.pretrain_steps)
        return config

    @classmethod
    def from_config(cls, config):
        return cls(**deserialize_networks(config, ("generator", "discriminator", "feature_extractor")))


@keras.saving.register_keras_serializable(package="keras_gans")
class TwoWayTranslator(Translator):
    """Unpaired translation both ways with cycle reconstruction.

    Per batch ``(a, b)`` of unpaired images: ``fake_b = G_AB(a)``, ``fake_a =
    G_BA(b)``, ``rec_a = G_BA(fake_b)``, ``rec_b = G_AB(fake_a)``. The
    generators are updated first on

        adversarial(D_B(fake_b)) + adversarial(D_A(fake_a))
        + cycle_weight * (d(a, rec_a) + d(b, rec_b))
        + identity_weight * (d(b, G_AB(b)) + d(a, G_BA(a)))

    (``d`` = ``distance``), then the discriminators on the real images and the
    same fakes, passed through an :class:`~keras_gans.image_pool.ImagePool` of
    past fakes per domain when ``pool_size > 0``.

    Args:
        generator_ab: ``keras.Model`` from domain A images to domain B images.
        generator_ba: ``keras.Model`` from domain B to domain A.
        discriminator_a: logits for domain A images.
        discriminator_b: logits for domain B images.
        loss: ``"least_squares"`` or ``"non_saturating"``.
        cycle_weight: weight of the reconstruction loss.
        identity_weight: weight of the identity loss (0 = off); needs domains
            with the same number of channels.
        distance: ``"l1"`` or ``"mse"``.
        pool_size: past fakes kept per discriminator (0 = none).
        seed: seed of the pools' random draws.
        **kwargs: passed to ``keras.Model``.
    """

    TRACKERS = ("d_loss", "g_loss", "g_adversarial", "cycle_loss", "identity_loss", "d_real", "d_fake")
    DISCRIMINATOR_FIRST = False

    def __init__(self, generator_ab, generator_ba, discriminator_a, discriminator_b, *, loss="least_squares",
                 cycle_weight=10.0, identity_weight=0.0, distance="l1", pool_size=0, seed=None, **kwargs):
        super().__init__(**kwargs)
        self._init_objective(loss, distance)
        self.cycle_weight = checks.weight("cycle_weight", cycle_weight)
        self.identity_weight = checks.weight("identity_weight", identity_weight)
        channels_a, channels_b = generator_ab.inputs[0].shape[-1], generator_ba.inputs[0].shape[-1]
        if self.identity_weight and channels_a != channels_b:
            raise ValueError(f"`identity_weight`={identity_weight!r} needs domains with the same channels; "
                             f"domain A has {channels_a} and domain B {channels_b}.")
        self.generator_ab = generator_ab
        self.generator_ba = generator_ba
        self.discriminator_a = discriminator_a
        self.discriminator_b = discriminator_b
        self.seed = seed
        # Built here, inside the caller's strategy scope: variables cannot be created in a replica.
        self.pool_a = ImagePool(pool_size, seed=seed, name="pool_a")
        self.pool_b = ImagePool(pool_size, seed=None if seed is None else seed + 1, name="pool_b")
        self.pool_a.build((None,) + tuple(generator_ba.outputs[0].shape[1:]))
        self.pool_b.build((None,) + tuple(generator_ab.outputs[0].shape[1:]))
        self.built = True

    @property
    def pool_size(self):
        return self.pool_a.pool_size

    @property
    def generator(self):
        """``G_AB``: what the Checkpointer saves as ``generator`` and a plain export serves."""
        return self.generator_ab

    @property
    def discriminator(self):
        """``D_B``, the discriminator that judges ``G_AB``."""
        return self.discriminator_b

    def checkpoint_items(self):
        """The networks that ``generator``/``discriminator`` do not name, for the Checkpointer."""
        return {"generator_ba": self.generator_ba, "discriminator_a": self.discriminator_a}

    def generator_variables(self):
        return self.generator_ab.trainable_variables + self.generator_ba.trainable_variables

    def discriminator_variables(self):
        return self.discriminator_a.trainable_variables + self.discriminator_b.trainable_variables

    def prepare_batch(self, data):
        return _unpack_pair(data, "unpaired")

    def make_fakes(self, batch, training):
        """``(G_BA(b), G_AB(a))``: the fakes of domain A and of domain B."""
        a, b = batch
        fake_b = self.generator_ab(a, training=training)
        fake_a = self.generator_ba(b, training=training)
        return fake_a, fake_b

    def generator_loss(self, batch, fakes, training):
        a, b = batch
        fake_a, fake_b = fakes
        rec_a = self.generator_ba(fake_b, training=training)
        rec_b = self.generator_ab(fake_a, training=training)
        adversarial = (
            losses.translation_generator_loss(self.loss_name, self.discriminator_b(fake_b, training=training))
            + losses.translation_generator_loss(self.loss_name, self.discriminator_a(fake_a, training=training)))
        cycle = (self.distance(as_float32(a), as_float32(rec_a))
                 + self.distance(as_float32(b), as_float32(rec_b)))
        total = adversarial + self.cycle_weight * cycle
        identity = ops.zeros((), "float32")
        if self.identity_weight:
            identity = (self.distance(as_float32(b), as_float32(self.generator_ab(b, training=training)))
                        + self.distance(as_float32(a), as_float32(self.generator_ba(a, training=training))))
            total = total + self.identity_weight * identity
        return total, {"g_loss": total, "g_adversarial": adversarial, "cycle_loss": cycle,
                       "identity_loss": identity}

    def discriminator_loss(self, batch, fakes, training):
        a, b = batch
        fake_a, fake_b = fakes
        real_a = ops.cast(self.discriminator_a(a, training=training), "float32")
        real_b = ops.cast(self.discriminator_b(b, training=training), "float32")
        judged_a = ops.cast(self.discriminator_a(fake_a, training=training), "float32")
        judged_b = ops.cast(self.discriminator_b(fake_b, training=training), "float32")
        d_loss = self.d_loss_fn(real_a, judged_a) + self.d_loss_fn(real_b, judged_b)
        return d_loss, {"d_loss": d_loss, "d_real": 0.5 * (ops.mean(real_a) + ops.mean(real_b)),
                        "d_fake": 0.5 * (ops.mean(judged_a) + ops.mean(judged_b))}

    def update_discriminator(self, batch, fakes):
        """Both discriminators on the real images and the fakes through the history pools."""
        fake_a, fake_b = fakes
        pooled = (self.pool_a(tf.stop_gradient(fake_a)), self.pool_b(tf.stop_gradient(fake_b)))
        return self.update(self.d_optimizer, self.discriminator_variables(),
                           lambda: self.discriminator_loss(batch, pooled, training=True))

    def translate(self, images, direction="a_to_b", training=False):
        """Translates images: ``direction`` ``"a_to_b"`` (``G_AB``) or ``"b_to_a"`` (``G_BA``)."""
        if direction not in ("a_to_b", "b_to_a"):
            raise ValueError(f"`direction` must be 'a_to_b' or 'b_to_a'; received direction={direction!r}.")
        network = self.generator_ab if direction == "a_to_b" else self.generator_ba
        return network(images, training=training)

    def call(self, images, training=False):
        return self.generator_ab(images, training=training)

    def serving_endpoints(self):
        """``a_to_b`` (also ``serving_default``) and ``b_to_a``: input ``images``, output ``images``."""
        return {"serving_default": self.generator_ab, "a_to_b": self.generator_ab, "b_to_a": self.generator_ba}

    def sample_rows(self, batch):
        """The rows of a sample picture: ``a, G_AB(a), G_BA(G_AB(a)), b, G_BA(b), G_AB(G_BA(b))``.

        Args:
            batch: an ``(a, b)`` pair of image batches of the same size.

        Returns:
            A list of six NumPy arrays ``[n, H, W, C]`` in [-1, 1].
        """
        a, b = _unpack_pair(batch, "unpaired")
        fake_b = self.translate(a, "a_to_b")
        fake_a = self.translate(b, "b_to_a")
        rows = (a, fake_b, self.translate(fake_b, "b_to_a"), b, fake_a, self.translate(fake_a, "a_to_b"))
        return [ops.convert_to_numpy(as_float32(x)) for x in rows]

    def get_config(self):
        config = super().get_config()
        config.update({name: serialize_network(getattr(self, name)) for name in UNPAIRED_NETWORKS})
        config.update(loss=self.loss_name,
                      cycle_weight=self.cycle_weight, identity_weight=self.identity_weight,
                      distance=self.distance_name, pool_size=self.pool_size, seed=self.seed)
        return config

    @classmethod
    def from_config(cls, config):
        return cls(**deserialize_networks(config, UNPAIRED_NETWORKS))
