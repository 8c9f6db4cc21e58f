"""EBGAN: an autoencoder discriminator whose reconstruction error is an energy.

Zhao, Mathieu & LeCun 2017, "Energy-based Generative Adversarial Network".
"""

import keras
from keras import ops

from keras_gans import checks, losses
from keras_gans.models.energy import EnergyGame


@keras.saving.register_keras_serializable(package="keras_gans")
class EBGAN(EnergyGame):
    """Energy-based GAN with an autoencoder discriminator (EBGAN, optionally EBGAN-PT).

    D's energy of a sample is its reconstruction error ``D(x) = mean (x -
    Dec(Enc(x)))^2`` (:func:`keras_gans.losses.autoencoder_energy`). Each
    ``train_step`` makes one D update on the real batch and a generated one
    with ``L_D = E[D(x)] + E[max(0, m - D(G(z)))]`` (eq. 1), then one G update
    on a fresh z with ``L_G = E[D(G(z))] + lambda_PT f_PT(S)`` (eq. 2 and
    section 2.4), where S are the encoder's embeddings of G's batch and
    ``f_PT`` is :func:`keras_gans.losses.pull_away_term`. Under a
    ``tf.distribute`` strategy the pull-away term compares the samples of each
    replica's batch among themselves.

    Logged metrics: ``d_loss``, ``g_loss``, ``real_energy``, ``fake_energy``
    (before D's update) and, with the term on, ``pull_away``.

    Args:
        generator: ``keras.Model`` mapping z to samples.
        discriminator: autoencoder ``keras.Model`` returning ``[reconstruction,
            embedding]`` (:mod:`keras_gans.networks.autoencoder`).
        latent_dim: size of z.
        margin: m, how high D pushes the energy of generated samples.
        pull_away_weight: lambda_PT (0.1 in the paper's EBGAN-PT); 0 = plain EBGAN.
        energy_power: 2 (mean squared error, the paper's) or 1 (absolute error).
        latent_distribution: ``"normal"`` or ``"uniform"`` (the paper's z is uniform).
        ema_decay: moving average of G's weights, see :class:`~keras_gans.models.AdversarialModel`.
        seed: seed of the model's ``keras.random.SeedGenerator``.
        **kwargs: passed to ``keras.Model``.
    """

    TRACKERS = ("d_loss", "g_loss", "real_energy", "fake_energy")

    def __init__(self, generator, discriminator, latent_dim, *, margin=1.0, pull_away_weight=0.0,
                 energy_power=2, latent_distribution="normal", ema_decay=0.0, seed=None, **kwargs):
        margin = checks.positive_number("margin", margin)
        pull_away_weight = checks.weight("pull_away_weight", pull_away_weight)
        super().__init__(generator, discriminator, latent_dim, energy_power=energy_power,
                         latent_distribution=latent_distribution, ema_decay=ema_decay, seed=seed, **kwargs)
        self.margin = margin
        self.pull_away_weight = pull_away_weight
        if pull_away_weight:
            self.track("pull_away")

    def discriminator_loss(self, real, fake, training):
        real_energy, _ = self.energies(real, training)
        fake_energy, _ = self.energies(fake, training)
        loss = losses.ebgan_discriminator_loss(real_energy, fake_energy, margin=self.margin)
        return loss, {"d_loss": loss, "real_energy": ops.mean(real_energy), "fake_energy": ops.mean(fake_energy)}

    def generator_loss(self, real, fake, training):
        energy, embedding = self.energies(fake, training)
        loss = losses.ebgan_generator_loss(energy)
        if not self.pull_away_weight:
            return loss, {"g_loss": loss}
        pull_away = losses.pull_away_term(embedding)
        loss = loss + self.pull_away_weight * pull_away
        return loss, {"g_loss": loss, "pull_away": pull_away}

    def get_config(self):
        config = super().get_config()
        config.update(margin=self.margin, pull_away_weight=self.pull_away_weight)
        return config
