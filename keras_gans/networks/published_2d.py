"""The players of the published 2-D mode-coverage experiments (PacGAN, Lin et al. 2018).

"PacGAN: The power of two samples in generative adversarial networks",
Appendix (and the authors' code for the 2D-ring and 2D-grid, which keeps the
VEEGAN experiments' networks): G is an MLP of four hidden layers of 400 units,
each batch-normalized (no bias) and rectified, with a linear output; D has
three maxout layers of 200 units with 5 pieces each and a linear logit; every
weight starts from N(0, 0.02) and every bias from 0. Both sets use the same
players; they are trained with Adam (rate 1e-4, beta_1 0.8) on batches of 100
(:data:`OPTIMIZER`, :data:`BATCH_SIZE`). A packed D (PacGAN) only widens the
input layer.
"""

import keras

from keras_gans import layers

GENERATOR_UNITS = (400, 400, 400, 400)
DISCRIMINATOR_UNITS = (200, 200, 200)
MAXOUT_PIECES = 5
INIT_STDDEV = 0.02
OPTIMIZER = ("adam", 1e-4, 0.8, 0.999)  # (name, learning rate, beta_1, beta_2)
BATCH_SIZE = 100


def _init():
    return keras.initializers.RandomNormal(stddev=INIT_STDDEV)


def generator(latent_dim, sample_dim, *, name="published_2d_generator"):
    """G: ``z [B, latent_dim] -> x [B, sample_dim]``, four BN-ReLU layers of 400 and a linear output."""
    z = keras.Input((latent_dim,), name="z")
    x = z
    for i, units in enumerate(GENERATOR_UNITS):
        x = keras.layers.Dense(units, use_bias=False, kernel_initializer=_init(), name=f"dense_{i}")(x)
        x = keras.layers.BatchNormalization(name=f"bn_{i}")(x)
        x = keras.layers.ReLU(name=f"act_{i}")(x)
    x = keras.layers.Dense(sample_dim, kernel_initializer=_init(), name="output")(x)
    return keras.Model(z, x, name=name)


def discriminator(input_dim, *, name="published_2d_discriminator"):
    """D: ``x [B, input_dim] -> logit [B, 1]``, three maxout layers of 200 units x 5 pieces.

    ``input_dim`` is the sample size times the pack; the last maxout layer is
    named ``"features"`` (for feature matching).
    """
    x = inputs = keras.Input((input_dim,), name="x")
    for i, units in enumerate(DISCRIMINATOR_UNITS):
        last = i == len(DISCRIMINATOR_UNITS) - 1
        x = layers.Maxout(units, MAXOUT_PIECES, kernel_initializer=_init(),
                          name="features" if last else f"maxout_{i}")(x)
    logits = keras.layers.Dense(1, kernel_initializer=_init(), name="logits")(x)
    return keras.Model(inputs, logits, name=name)
