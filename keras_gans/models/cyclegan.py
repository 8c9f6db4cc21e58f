"""CycleGAN (Zhu et al. 2017): unpaired translation with cycle consistency.

"Unpaired Image-to-Image Translation using Cycle-Consistent Adversarial
Networks", eq. 3 and sections 4-5.2: two generators ``G: A -> B`` and
``F: B -> A`` and discriminators ``D_B``, ``D_A`` trained with

    L = L_GAN(G, D_B) + L_GAN(F, D_A) + lambda L_cyc(G, F) + 0.5 lambda L_identity,

lambda = 10, least-squares adversarial losses (G minimizes
``E[(D(G(x)) - 1)^2]``), ``L_cyc = E|F(G(a)) - a| + E|G(F(b)) - b|`` and
``L_identity = E|G(b) - b| + E|F(a) - a|``. The discriminators learn from a
history of the 50 last generated images (:mod:`keras_gans.image_pool`).
The networks are :func:`keras_gans.networks.resnet_translator.generator` and
:func:`keras_gans.networks.patchgan.discriminator` with instance
normalization; Adam(2e-4, beta_1=0.5) with the learning rate constant for 100
epochs and decaying linearly to zero over the next 100
(:class:`keras_gans.schedules.ConstantThenLinearDecay`).
"""

import keras

from keras_gans.models.game import serialize_network
from keras_gans.models.translation import UNPAIRED_NETWORKS, TwoWayTranslator

@keras.saving.register_keras_serializable(package="keras_gans")
class CycleGAN(TwoWayTranslator):
    """CycleGAN trainer on ``(domain_a, domain_b)`` batches.

    Args:
        generator_ab: G, from domain A to domain B.
        generator_ba: F, from domain B to domain A.
        discriminator_a: D_A, judges domain A images.
        discriminator_b: D_B, judges domain B images.
        cycle_weight: lambda (10).
        identity_weight: weight of the identity loss (0.5 lambda = 5; 0 = off).
        pool_size: history of generated images per discriminator (50).
        loss: ``"least_squares"`` (the paper) or ``"non_saturating"``.
        seed: seed of the pools' draws.
        **kwargs: passed to ``keras.Model``.
    """

    def __init__(self, generator_ab, generator_ba, discriminator_a, discriminator_b, *, cycle_weight=10.0,
                 identity_weight=5.0, pool_size=50, loss="least_squares", seed=None, **kwargs):
        super().__init__(generator_ab, generator_ba, discriminator_a, discriminator_b, loss=loss,
                         cycle_weight=cycle_weight, identity_weight=identity_weight, distance="l1",
                         pool_size=pool_size, seed=seed, **kwargs)

    def get_config(self):
        config = keras.Model.get_config(self)
        config.update({name: serialize_network(getattr(self, name)) for name in UNPAIRED_NETWORKS})
        config.update(cycle_weight=self.cycle_weight, identity_weight=self.identity_weight,
                      pool_size=self.pool_size, loss=self.loss_name, seed=self.seed)
        return config
