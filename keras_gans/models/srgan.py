"""SRGAN (Ledig et al. 2017): super-resolution with a content and an adversarial loss.

"Photo-Realistic Single Image Super-Resolution Using a Generative Adversarial
Network", eq. 3: the perceptual loss of G is

    l_SR = l_content + 1e-3 * l_Gen,

with ``l_Gen = -log D(G(I_LR))`` (eq. 6) and ``l_content`` either the
pixel-wise MSE (eq. 4; SRGAN-MSE) or the MSE between VGG19 feature maps
phi_5,4 of the real and generated images (eq. 5; SRGAN-VGG54), which the paper
rescales by 1/12.75 to make it comparable to the pixel MSE. D is trained with
the standard cross-entropy. The networks are
:func:`keras_gans.networks.srresnet.generator` and
:func:`~keras_gans.networks.srresnet.discriminator`; the VGG features come
from :func:`keras_gans.networks.vgg_features.feature_extractor`.
"""

import keras

from keras_gans.models.game import serialize_network
from keras_gans.models.translation import PairedTranslator

VGG_FEATURE_SCALE = 1.0 / 12.75  # Ledig et al. 2017, section 3.4


@keras.saving.register_keras_serializable(package="keras_gans")
class SRGAN(PairedTranslator):
    """SRGAN trainer on ``(low_resolution, high_resolution)`` batches.

    Args:
        generator: ``low-resolution images -> high-resolution images`` (SRResNet).
        discriminator: ``high-resolution images -> logit``.
        feature_extractor: None for the pixel MSE content loss (SRGAN-MSE), or a
            frozen ``keras.Model`` giving VGG19 features of images in [-1, 1]
            (SRGAN-VGG54).
        content_weight: weight of the content loss (1).
        adversarial_weight: weight of ``l_Gen`` (1e-3; 0 trains SRResNet alone).
        feature_scale: factor on the features before the MSE (1/12.75).
        loss: ``"non_saturating"`` (the paper) or ``"least_squares"``.
        pretrain_steps: generator steps on the content loss alone before the
            adversarial term and D start (the paper initializes G with a
            trained SRResNet).
        **kwargs: passed to ``keras.Model``.
    """

    def __init__(self, generator, discriminator, *, feature_extractor=None, content_weight=1.0,
                 adversarial_weight=1e-3, feature_scale=VGG_FEATURE_SCALE, loss="non_saturating", pretrain_steps=0,
                 **kwargs):
        super().__init__(generator, discriminator, loss=loss, content="mse", content_weight=content_weight,
                         adversarial_weight=adversarial_weight, feature_extractor=feature_extractor,
                         feature_scale=feature_scale, pretrain_steps=pretrain_steps, **kwargs)

    def get_config(self):
        config = keras.Model.get_config(self)
        config.update(generator=serialize_network(self.generator), discriminator=serialize_network(self.discriminator),
                      feature_extractor=serialize_network(self.feature_extractor), content_weight=self.content_weight,
                      adversarial_weight=self.adversarial_weight, feature_scale=self.feature_scale,
                      loss=self.loss_name, pretrain_steps=self.pretrain_steps)
        return config
