"""The classic Keras GAN recipe, beside the ``train_step`` way the rest of keras-gans uses.

Before Keras let a model override ``train_step``, a GAN was trained with two
compiled models and a Python loop, and many tutorials still teach it that way:

1. the discriminator D is compiled on its own (binary cross-entropy, RMSprop);
2. a combined model ``z -> D(G(z))`` is built and compiled with D frozen
   (``D.trainable = False`` before ``compile``), so that its
   ``train_on_batch`` moves G only;
3. each step draws z, makes a fake batch with ``G.predict_on_batch``,
   concatenates it with a real batch, and trains D with ``train_on_batch`` on
   the concatenation (fake labelled 0, real 1); then trains the combined model
   on fresh z with the label "real", which is G's non-saturating loss;
4. G's learning rate is half D's.

:class:`ClassicRecipe` is that recipe, small and tested
(``tests/test_classic.py``: D does not move during the combined update, and it
learns the ring8 modes). It is what :class:`keras_gans.models.GAN` does in one
traced ``train_step`` per batch; the recipe pays four Keras calls and two
NumPy round trips per step instead (``benchmarks/throughput.py`` measures the
difference).
"""

import keras
import numpy as np

from keras_gans import checks


class ClassicRecipe:
    """A compiled D, a combined model with D frozen, and ``train_on_batch`` in a Python loop.

    Args:
        generator: ``keras.Model`` ``z [N, latent_dim] -> samples``.
        discriminator: ``keras.Model`` ``samples -> logit [N, 1]`` (raw logits).
        latent_dim: size of z.
        d_learning_rate: RMSprop rate of D; G's is half of it.
        seed: seed of the NumPy draws of z.
    """

    def __init__(self, generator, discriminator, latent_dim, *, d_learning_rate=8e-4, seed=0):
        self.latent_dim = checks.positive_int("latent_dim", latent_dim)
        d_learning_rate = checks.positive_number("d_learning_rate", d_learning_rate)
        bce = keras.losses.BinaryCrossentropy(from_logits=True)
        self.generator = generator
        self.discriminator = discriminator
        discriminator.compile(optimizer=keras.optimizers.RMSprop(d_learning_rate), loss=bce)
        discriminator.trainable = False  # frozen inside the combined model, which is compiled now
        z = keras.Input((self.latent_dim,), name="z")
        self.combined = keras.Model(z, discriminator(generator(z)), name="combined")
        self.combined.compile(optimizer=keras.optimizers.RMSprop(d_learning_rate / 2), loss=bce)
        self.rng = np.random.default_rng(seed)

    def sample_latent(self, rows):
        """``[rows, latent_dim]`` z drawn from N(0, I) with the recipe's NumPy generator."""
        return self.rng.standard_normal((rows, self.latent_dim)).astype(np.float32)

    def train_discriminator(self, real):
        """D on the concatenation of a fake batch (label 0) and ``real`` (label 1); returns D's loss."""
        rows = len(real)
        fake = self.generator.predict_on_batch(self.sample_latent(rows))
        samples = np.concatenate([fake, np.asarray(real, np.float32)])               # [2N, ...]
        labels = np.concatenate([np.zeros((rows, 1)), np.ones((rows, 1))]).astype(np.float32)
        self.discriminator.trainable = True
        loss = self.discriminator.train_on_batch(samples, labels)
        self.discriminator.trainable = False
        return float(np.asarray(loss))

    def train_generator(self, rows):
        """The combined model on fresh z labelled "real": G's non-saturating step; returns its loss."""
        loss = self.combined.train_on_batch(self.sample_latent(rows), np.ones((rows, 1), np.float32))
        return float(np.asarray(loss))

    def train_step(self, real):
        """One D step and one G step on a real batch; returns ``(d_loss, g_loss)``."""
        return self.train_discriminator(real), self.train_generator(len(real))

    def generate(self, z):
        """G's samples for z, as NumPy."""
        return self.generator.predict_on_batch(np.asarray(z, np.float32))
