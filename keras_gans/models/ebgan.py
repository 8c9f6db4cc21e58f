"""EBGAN: an autoencoder discriminator whose reconstruction error is an energy.

Zhao, Mathieu & LeCun 2017, "Energy-based Generative Adversarial Network".
"""

import keras
import tensorflow as tf
from keras import ops

from keras_gans import losses
from keras_gans.models.gan import AdversarialModel, real_inputs, step_logs
from keras_gans.networks import _checks


def check_autoencoder(discriminator):
    """Raises ValueError unless ``discriminator`` returns ``[reconstruction, embedding]``."""
    outputs = getattr(discriminator, "outputs", None)
    if outputs is not None and len(outputs) != 2:
        raise ValueError(f"`discriminator` must be an autoencoder with two outputs [reconstruction, "
                         f"embedding] (see keras_gans.networks.autoencoder); {discriminator.name!r} "
                         f"has {len(outputs)}.")


def check_energy_power(energy_power):
    if energy_power not in (1, 2):
        raise ValueError(f"`energy_power` must be 1 or 2; received energy_power={energy_power!r}.")
    return int(energy_power)


def energies(discriminator, samples, power):
    """``([batch] energies, embeddings)`` of ``samples`` under an autoencoder discriminator."""
    reconstruction, embedding = discriminator(samples, training=True)
    energy = losses.autoencoder_energy(ops.cast(samples, "float32"), ops.cast(reconstruction, "float32"),
                                       power=power)
    return energy, ops.cast(embedding, "float32")


@keras.saving.register_keras_serializable(package="keras_gans")
class EBGAN(AdversarialModel):
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
        ema_decay: moving average of G's weights, see :class:`AdversarialModel`.
        seed: seed of the model's ``keras.random.SeedGenerator``.
        **kwargs: passed to ``keras.Model``.
    """

    def __init__(self, generator, discriminator, latent_dim, *, margin=1.0, pull_away_weight=0.0,
                 energy_power=2, latent_distribution="normal", ema_decay=0.0, seed=None, **kwargs):
        margin = _checks.positive_number("margin", margin)
        pull_away_weight = _checks.weight("pull_away_weight", pull_away_weight)
        check_autoencoder(discriminator)
        super().__init__(generator, discriminator, latent_dim, latent_distribution=latent_distribution,
                         ema_decay=ema_decay, seed=seed, **kwargs)
        self.margin = margin
        self.pull_away_weight = pull_away_weight
        self.energy_power = check_energy_power(energy_power)
        self.d_loss_tracker = keras.metrics.Mean(name="d_loss")
        self.g_loss_tracker = keras.metrics.Mean(name="g_loss")
        self.real_energy_tracker = keras.metrics.Mean(name="real_energy")
        self.fake_energy_tracker = keras.metrics.Mean(name="fake_energy")
        self.pull_away_tracker = keras.metrics.Mean(name="pull_away")
        self.built = True

    @property
    def metrics(self):
        trackers = [self.d_loss_tracker, self.g_loss_tracker, self.real_energy_tracker,
                    self.fake_energy_tracker]
        if self.pull_away_weight:
            trackers.append(self.pull_away_tracker)
        return trackers

    def train_step(self, data):
        real = real_inputs(data)
        batch_size = ops.shape(real)[0]
        d_vars = self.discriminator.trainable_variables
        g_vars = self.generator.trainable_variables

        fake = self.generator(self.sample_latent(batch_size), training=True)
        with tf.GradientTape() as tape:
            real_energy, _ = energies(self.discriminator, real, self.energy_power)
            fake_energy, _ = energies(self.discriminator, fake, self.energy_power)
            d_loss = losses.ebgan_discriminator_loss(real_energy, fake_energy, margin=self.margin)
            scaled = self._scaled(self.d_optimizer, d_loss)
        self.d_optimizer.apply(tape.gradient(scaled, d_vars), d_vars)

        z = self.sample_latent(batch_size)
        with tf.GradientTape() as tape:
            g_energy, embedding = energies(self.discriminator, self.generator(z, training=True),
                                           self.energy_power)
            g_loss = losses.ebgan_generator_loss(g_energy)
            if self.pull_away_weight:
                pull_away = losses.pull_away_term(embedding)
                g_loss = g_loss + self.pull_away_weight * pull_away
            scaled = self._scaled(self.g_optimizer, g_loss)
        self.g_optimizer.apply(tape.gradient(scaled, g_vars), g_vars)
        self._update_moving_average()

        self.d_loss_tracker.update_state(d_loss)
        self.g_loss_tracker.update_state(g_loss)
        self.real_energy_tracker.update_state(ops.mean(real_energy))
        self.fake_energy_tracker.update_state(ops.mean(fake_energy))
        if self.pull_away_weight:
            self.pull_away_tracker.update_state(pull_away)
        return step_logs(self.metrics)

    def get_config(self):
        config = super().get_config()
        config.update(margin=self.margin, pull_away_weight=self.pull_away_weight,
                      energy_power=self.energy_power)
        return config
