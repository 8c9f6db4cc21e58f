"""DiscoGAN (Kim et al. 2017): discovering cross-domain relations with two coupled GANs.

"Learning to Discover Cross-Domain Relations with Generative Adversarial
Networks", section 3.2, eq. 5-6: generators ``G_AB``, ``G_BA`` and
discriminators ``D_A``, ``D_B`` with

    L_G = L_GAN_B + L_CONST_A + L_GAN_A + L_CONST_B,
    L_D = L_D_A + L_D_B,

where ``L_CONST_A = d(G_BA(G_AB(x_A)), x_A)`` with the distance ``d`` the
MSE, ``L_GAN_B = -E[log D_B(G_AB(x_A))]`` and each ``L_D`` the standard
cross-entropy. Unlike CycleGAN there is no identity loss, no history of fakes
and the reconstruction has weight 1. The networks are the encoder-decoder of
:mod:`keras_gans.networks.discogan`; Adam(2e-4, beta_1=0.5, beta_2=0.999).
"""

import keras

from keras_gans.models.game import serialize_network
from keras_gans.models.translation import UNPAIRED_NETWORKS, TwoWayTranslator


@keras.saving.register_keras_serializable(package="keras_gans")
class DiscoGAN(TwoWayTranslator):
    """DiscoGAN trainer on ``(domain_a, domain_b)`` batches.

    Args:
        generator_ab: G_AB, from domain A to domain B.
        generator_ba: G_BA, from domain B to domain A.
        discriminator_a: D_A, judges domain A images.
        discriminator_b: D_B, judges domain B images.
        reconstruction_weight: weight of ``L_CONST_A + L_CONST_B`` (1 in eq. 5).
        distance: ``"mse"`` (the paper) or ``"l1"``.
        loss: ``"non_saturating"`` (the paper) or ``"least_squares"``.
        **kwargs: passed to ``keras.Model``.
    """

    def __init__(self, generator_ab, generator_ba, discriminator_a, discriminator_b, *,
                 reconstruction_weight=1.0, distance="mse", loss="non_saturating", **kwargs):
        super().__init__(generator_ab, generator_ba, discriminator_a, discriminator_b, loss=loss,
                         cycle_weight=reconstruction_weight, identity_weight=0.0, distance=distance,
                         pool_size=0, **kwargs)

    @property
    def reconstruction_weight(self):
        return self.cycle_weight

    def get_config(self):
        config = keras.Model.get_config(self)
        config.update({name: serialize_network(getattr(self, name)) for name in UNPAIRED_NETWORKS})
        config.update(reconstruction_weight=self.reconstruction_weight, distance=self.distance_name,
                      loss=self.loss_name)
        return config
