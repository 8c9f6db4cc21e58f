"""Conditional GAN (Mirza & Osindero 2014, "Conditional Generative Adversarial Nets").

Both players see the class: G(z, y) and D(x, y). The game is the GAN game on
the joint (image, label) pairs (the paper's eq. 2):
``min_G max_D E[log D(x | y)] + E[log(1 - D(G(z | y) | y))]``, here with any
adversarial loss variant of :mod:`keras_gans.losses` (non-saturating by default).
"""

import keras
from keras import ops

from keras_gans.diff_augment import augment, check_policy
from keras_gans.models.conditional import ClassConditionalGAN, input_names
from keras_gans.models.game import as_float32


@keras.saving.register_keras_serializable(package="keras_gans")
class CGAN(ClassConditionalGAN):
    """Class-conditional GAN: D judges (image, label) pairs.

    Each step: D on the real ``(images, labels)`` and on ``G(z, y)`` for
    uniformly drawn y; then G on a fresh draw. Logged: ``d_loss``, ``g_loss``
    and D's mean logits ``d_real``, ``d_fake``.

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
        **kwargs: ``latent_distribution``, ``ema_decay``, ``seed``, ``name``
            (see :class:`keras_gans.models.gan.AdversarialModel`).
    """

    TRACKERS = ("d_loss", "g_loss", "d_real", "d_fake")

    def __init__(self, generator, discriminator, latent_dim, num_classes, *, loss="non_saturating", diff_augment=(),
                 **kwargs):
        if input_names(discriminator) != ["images", "labels"]:
            raise ValueError(f"The CGAN discriminator must take inputs [images, labels]; "
                             f"{discriminator.name!r} takes {input_names(discriminator)}.")
        super().__init__(generator, discriminator, latent_dim, num_classes, loss=loss, **kwargs)
        self.diff_augment = check_policy(diff_augment)

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
        return loss, {"d_loss": loss, "d_real": ops.mean(real_logits), "d_fake": ops.mean(fake_logits)}

    def generator_loss(self, batch, fakes, training):
        loss = self.g_loss_fn(self._judged(fakes["images"], fakes["inputs"][1], training))
        return loss, {"g_loss": loss}

    def get_config(self):
        config = super().get_config()
        config.update(diff_augment=list(self.diff_augment))
        return config
