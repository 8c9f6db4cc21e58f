"""Pix2Pix (Isola et al. 2017): conditional adversarial translation of paired images.

"Image-to-Image Translation with Conditional Adversarial Networks", eq. 4:

    G* = arg min_G max_D  L_cGAN(G, D) + lambda L_L1(G),   lambda = 100,

with ``L_cGAN = E[log D(x, y)] + E[log(1 - D(x, G(x)))]`` (G trained with the
non-saturating ``-log D(x, G(x))``, section 3.3) and ``L_L1 = E[|y - G(x)|]``.
D is conditional: it judges (source, image) pairs. The paper's networks are
:func:`keras_gans.networks.unet.generator` and
:func:`keras_gans.networks.patchgan.discriminator` with ``source_channels``;
the optimizer is Adam(2e-4, beta_1=0.5), the compile default.
"""

import keras

from keras_gans.models.game import serialize_network
from keras_gans.models.translation import PairedTranslator


@keras.saving.register_keras_serializable(package="keras_gans")
class Pix2Pix(PairedTranslator):
    """Pix2Pix trainer on ``(source, target)`` batches.

    Args:
        generator: ``source images -> target images`` (a U-Net in the paper).
        discriminator: ``[source, images] -> logits`` (conditional PatchGAN);
            a one-input D gives the paper's unconditional ablation.
        l1_weight: lambda (100).
        adversarial_weight: weight of the cGAN term (1; 0 trains G with L1
            alone, the paper's baseline).
        loss: ``"non_saturating"`` (the paper) or ``"least_squares"``.
        **kwargs: passed to ``keras.Model``.
    """

    def __init__(self, generator, discriminator, *, l1_weight=100.0, adversarial_weight=1.0,
                 loss="non_saturating", **kwargs):
        super().__init__(generator, discriminator, loss=loss, content="l1", content_weight=l1_weight,
                         adversarial_weight=adversarial_weight, **kwargs)

    @property
    def l1_weight(self):
        return self.content_weight

    def get_config(self):
        config = keras.Model.get_config(self)
        config.update(generator=serialize_network(self.generator), discriminator=serialize_network(self.discriminator),
                      l1_weight=self.l1_weight, adversarial_weight=self.adversarial_weight, loss=self.loss_name)
        return config
