"""What EBGAN and BEGAN share: an autoencoder discriminator whose reconstruction error is an energy.

Zhao, Mathieu & LeCun 2017, "Energy-based Generative Adversarial Network";
Berthelot, Schumm & Metz 2017, "BEGAN". D maps a sample to ``[reconstruction,
embedding]`` (:mod:`keras_gans.networks.autoencoder`); the energy of a sample
is its reconstruction error (:func:`keras_gans.losses.autoencoder_energies`).
"""

from keras import ops

from keras_gans import losses
from keras_gans.models.adversarial import AdversarialModel, real_inputs


def _check_autoencoder(discriminator):
    """Raises ValueError unless ``discriminator`` returns ``[reconstruction, embedding]``."""
    outputs = getattr(discriminator, "outputs", None)
    if outputs is not None and len(outputs) != 2:
        raise ValueError(f"`discriminator` must be an autoencoder with two outputs [reconstruction, "
                         f"embedding] (see keras_gans.networks.autoencoder); {discriminator.name!r} "
                         f"has {len(outputs)}.")


def _check_energy_power(energy_power):
    if energy_power not in (1, 2):
        raise ValueError(f"`energy_power` must be 1 or 2; received energy_power={energy_power!r}.")
    return int(energy_power)


class EnergyGame(AdversarialModel):
    """An :class:`AdversarialModel` whose discriminator is an autoencoder.

    Args:
        generator: ``keras.Model`` mapping z to samples.
        discriminator: autoencoder ``keras.Model`` returning ``[reconstruction, embedding]``.
        latent_dim: size of z.
        energy_power: 2 (mean squared error) or 1 (absolute error).
        **kwargs: passed to :class:`AdversarialModel`.
    """

    def __init__(self, generator, discriminator, latent_dim, *, energy_power, **kwargs):
        _check_autoencoder(discriminator)
        energy_power = _check_energy_power(energy_power)
        super().__init__(generator, discriminator, latent_dim, **kwargs)
        self.energy_power = energy_power

    def energies(self, samples, training):
        """``([batch] energies, embeddings)`` of ``samples`` under D."""
        return losses.autoencoder_energies(self.discriminator, samples, self.energy_power, training=training)

    def prepare_batch(self, data):
        return real_inputs(data)

    def make_fakes(self, batch, training):
        return self.generator(self.sample_latent(ops.shape(batch)[0]), training=training)

    def get_config(self):
        config = super().get_config()
        config.update(energy_power=self.energy_power)
        return config
