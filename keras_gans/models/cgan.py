"""Conditional GAN (Mirza & Osindero 2014, "Conditional Generative Adversarial Nets").

Both players see the class: G(z, y) and D(x, y). The game is the GAN game on
the joint (image, label) pairs (the paper's eq. 2):
``min_G max_D E[log D(x | y)] + E[log(1 - D(G(z | y) | y))]``, here with any
adversarial loss variant of :mod:`keras_gans.losses` (non-saturating by default).

With ``wrong_label_weight`` w > 0, D is also matching-aware, as GAN-CLS
(Reed et al. 2016, "Generative Adversarial Text to Image Synthesis",
Algorithm 1) makes it for captions: a real image paired with a label other
than its own is a fake too, and D's loss is ``w * L_D(real, wrong) + (1 - w)
* L_D(real, fake)``; for a loss that sums a real and a fake term this is
GAN-CLS's ``real + w * wrong + (1 - w) * fake``. D must then read the class
from the image, whether or not G's images already look real.
"""

import keras
from keras import ops

from keras_gans import checks, draws
from keras_gans.diff_augment import augment, check_policy
from keras_gans.models.conditional import ClassConditionalGAN, input_names
from keras_gans.models.game import as_float32


@keras.saving.register_keras_serializable(package="keras_gans")
class CGAN(ClassConditionalGAN):
    """Class-conditional GAN: D judges (image, label) pairs.

    Each step: D on the real ``(images, labels)`` and on ``G(z, y)`` for
    uniformly drawn y (and, with ``wrong_label_weight``, on the real images
    with labels drawn uniformly from the other classes); then G on a fresh
    draw. Logged: ``d_loss``, ``g_loss`` and D's mean logits ``d_real``,
    ``d_fake`` (and ``d_wrong``).

    Args:
        generator: ``keras.Model`` ``[z, labels] -> images`` (e.g.
            :func:`keras_gans.networks.conditional.generator`).
        discriminator: ``keras.Model`` ``[images, labels] -> logit`` (e.g.
            :func:`keras_gans.networks.conditional.discriminator`).
        latent_dim: size of z.
        num_classes: number of classes K, >= 2.
        loss: adversarial loss variant, see :func:`keras_gans.losses.get`.
        diff_augment: DiffAugment's policy (Zhao et al. 2020; names from
            :data:`keras_gans.diff_augment.POLICIES`): the images D judges in
            training, real or generated, are transformed; their labels are not.
            Empty = off.
        wrong_label_weight: w in [0, 1], the weight of the (real image,
            wrong label) pairs in D's loss, the generated ones keeping 1 - w
            (so at 1 G has no adversary; the apps refuse it); 0 = the
            paper's game.
        **kwargs: ``latent_distribution``, ``ema_decay``, ``seed``, ``name``
            (see :class:`keras_gans.models.gan.AdversarialModel`).
    """

    TRACKERS = ("d_loss", "g_loss", "d_real", "d_fake")

    def __init__(self, generator, discriminator, latent_dim, num_classes, *, loss="non_saturating", diff_augment=(),
                 wrong_label_weight=0.0, **kwargs):
        if input_names(discriminator) != ["images", "labels"]:
            raise ValueError(f"The CGAN discriminator must take inputs [images, labels]; "
                             f"{discriminator.name!r} takes {input_names(discriminator)}.")
        super().__init__(generator, discriminator, latent_dim, num_classes, loss=loss, **kwargs)
        self.diff_augment = check_policy(diff_augment)
        self.wrong_label_weight = checks.unit_weight("wrong_label_weight", wrong_label_weight)
        if self.wrong_label_weight:
            self.track("d_wrong")

    def _judged(self, images, labels, training):
        """D's logits for (image, label) pairs, the images augmented in training."""
        if training:
            images = augment(images, self.diff_augment, self.seed_generator)
        return as_float32(self.discriminator([images, labels], training=training))

    def discriminator_loss(self, batch, fakes, training):
        images, labels = batch
        real_logits = self._judged(images, labels, training)
        fake_logits = self._judged(fakes["images"], fakes["inputs"][1], training)
        loss = self.d_loss_fn(real_logits, fake_logits)
        logs = {"d_real": ops.mean(real_logits), "d_fake": ops.mean(fake_logits)}
        if self.wrong_label_weight:
            wrong_logits = self._judged(images, self.wrong_labels(labels), training)
            loss = (self.wrong_label_weight * self.d_loss_fn(real_logits, wrong_logits)
                    + (1.0 - self.wrong_label_weight) * loss)
            logs["d_wrong"] = ops.mean(wrong_logits)
        return loss, {"d_loss": loss, **logs}

    def wrong_labels(self, labels):
        """For each label, one drawn uniformly from the other classes."""
        offsets = draws.randint(ops.shape(labels), 1, self.num_classes, seed=self.seed_generator)
        return ops.mod(ops.cast(labels, "int32") + offsets, self.num_classes)

    def generator_loss(self, batch, fakes, training):
        loss = self.g_loss_fn(self._judged(fakes["images"], fakes["inputs"][1], training))
        return loss, {"g_loss": loss}

    def get_config(self):
        config = super().get_config()
        config.update(diff_augment=list(self.diff_augment), wrong_label_weight=self.wrong_label_weight)
        return config
