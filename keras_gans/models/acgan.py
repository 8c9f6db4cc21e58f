"""Auxiliary classifier GAN (Odena et al. 2017, "Conditional Image Synthesis with Auxiliary Classifier GANs").

G(z, c) draws an image of class c; D sees only the image and outputs both a
source probability P(S | X) and a class distribution P(C | X). With (section 3)

    L_S = E[log P(S = real | X_real)] + E[log P(S = fake | X_fake)]
    L_C = E[log P(C = c | X_real)] + E[log P(C = c | X_fake)]

D maximizes ``L_S + L_C`` and G maximizes ``L_C - L_S``. Here ``-L_S`` is the
adversarial loss of the chosen variant (G's side non-saturating by default)
and ``-L_C`` is :func:`keras_gans.losses.acgan_discriminator_loss` /
:func:`keras_gans.losses.acgan_generator_loss`, weighted by ``class_weight``.
"""

import keras
from keras import ops

from keras_gans import checks, losses
from keras_gans.models.conditional import ClassConditionalGAN, class_accuracy
from keras_gans.models.game import as_float32


@keras.saving.register_keras_serializable(package="keras_gans")
class ACGAN(ClassConditionalGAN):
    """Class-conditional G, and a D with an auxiliary class head.

    Logged: ``d_loss`` (D's total), ``g_loss`` (G's total), the class terms
    ``d_class_loss`` and ``g_class_loss``, D's mean source logits ``d_real``,
    ``d_fake``, and ``real_accuracy``, the share of real images D's class
    head labels correctly.

    Args:
        generator: ``keras.Model`` ``[z, labels] -> images``.
        discriminator: ``keras.Model`` ``images -> [logit [N, 1], class_logits [N, K]]``
            (e.g. :func:`keras_gans.networks.conditional.auxiliary_classifier_discriminator`).
        latent_dim: size of z.
        num_classes: number of classes K, >= 2.
        loss: adversarial loss variant for the source term.
        class_weight: weight of the class terms (1 in the paper).
        fake_class_weight: weight, within D's class term, of the generated
            images (1 in the paper; 0 trains D's class head on real images only).
        **kwargs: ``latent_distribution``, ``ema_decay``, ``seed``, ``name``.
    """

    TRACKERS = ("d_loss", "g_loss", "d_class_loss", "g_class_loss", "d_real", "d_fake", "real_accuracy")

    def __init__(self, generator, discriminator, latent_dim, num_classes, *, loss="non_saturating",
                 class_weight=1.0, fake_class_weight=1.0, **kwargs):
        outputs = discriminator.outputs
        if len(outputs) != 2 or outputs[1].shape[-1] != num_classes:
            shapes = [tuple(output.shape) for output in outputs]
            raise ValueError(f"The ACGAN discriminator must output [logit [N, 1], class_logits [N, "
                             f"num_classes={num_classes}]]; {discriminator.name!r} outputs {shapes}.")
        self.class_weight = checks.weight("class_weight", class_weight, any_real=True)
        self.fake_class_weight = checks.weight("fake_class_weight", fake_class_weight, any_real=True)
        super().__init__(generator, discriminator, latent_dim, num_classes, loss=loss, **kwargs)

    def discriminator_loss(self, batch, fakes, training):
        images, labels = batch
        real_logit, real_classes = as_float32(self.discriminator(images, training=training))
        fake_logit, fake_classes = as_float32(self.discriminator(fakes["images"], training=training))
        class_loss = losses.acgan_discriminator_loss(real_classes, labels, fake_classes, fakes["inputs"][1],
                                                     fake_weight=self.fake_class_weight)
        loss = self.d_loss_fn(real_logit, fake_logit) + self.class_weight * class_loss
        accuracy = class_accuracy(real_classes, labels)
        return loss, {"d_loss": loss, "d_class_loss": class_loss, "d_real": ops.mean(real_logit),
                      "d_fake": ops.mean(fake_logit), "real_accuracy": accuracy}

    def generator_loss(self, batch, fakes, training):
        fake_logit, fake_classes = as_float32(self.discriminator(fakes["images"], training=training))
        class_loss = losses.acgan_generator_loss(fake_classes, fakes["inputs"][1])
        loss = self.g_loss_fn(fake_logit) + self.class_weight * class_loss
        return loss, {"g_loss": loss, "g_class_loss": class_loss}

    def get_config(self):
        config = super().get_config()
        config.update(class_weight=self.class_weight, fake_class_weight=self.fake_class_weight)
        return config
