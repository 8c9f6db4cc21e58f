"""Autoencoder discriminators (EBGAN, BEGAN) and BEGAN's decoder-shaped generator.

An autoencoder discriminator returns two outputs, ``[reconstruction,
embedding]``: the models score samples by their reconstruction energy
(:func:`keras_gans.losses.autoencoder_energy`) and EBGAN's pull-away term reads
the embedding.

The convolutional players follow BEGAN (Berthelot et al. 2017, "BEGAN:
Boundary Equilibrium Generative Adversarial Networks", section 3.5, figure 1):

- encoder: conv3x3 (n), then per scale ``repeat`` conv3x3 ELU layers and a
  stride-2 conv3x3 that subsamples and adds n channels (n, 2n, 3n, ...); at
  8x8 the map is flattened and projected to the embedding h (no activation);
- decoder: dense h -> 8x8xn, then per scale ``repeat`` conv3x3 ELU layers and
  a nearest-neighbour 2x upsampling, and a last conv3x3 to the image
  channels. G has the decoder's architecture (with its own weights) and a
  tanh, since images are in [-1, 1]; D's decoder output stays linear.

EBGAN's paper uses a convolutional autoencoder without the dense bottleneck
(Zhao et al. 2017, appendix C); this one serves both models. For vectors (the
2-D toy sets, tests) :func:`mlp_discriminator` is a fully connected autoencoder.
"""

import math

import keras

from keras_gans import checks
from keras_gans.networks import dcgan

BOTTLENECK_SIZE = 8  # side of the map at the embedding, as in BEGAN


def _scales(size):
    """Number of 2x steps between the 8x8 bottleneck and a ``size`` image (0 for 8x8)."""
    return int(math.log2(size // BOTTLENECK_SIZE))


def _conv_elu(x, filters, name, strides=1):
    x = keras.layers.Conv2D(filters, 3, strides=strides, padding="same", name=name)(x)
    return keras.layers.ELU(name=f"{name}_elu")(x)


def _decoder(h, filters, scales, repeat, channels, prefix):
    """BEGAN's decoder from an embedding ``h`` to a linear ``[N, 8 * 2**scales, ..., channels]`` map."""
    x = keras.layers.Dense(BOTTLENECK_SIZE * BOTTLENECK_SIZE * filters, name=f"{prefix}_project")(h)
    x = keras.layers.Reshape((BOTTLENECK_SIZE, BOTTLENECK_SIZE, filters), name=f"{prefix}_reshape")(x)
    for scale in range(scales + 1):
        for r in range(repeat):
            x = _conv_elu(x, filters, f"{prefix}_{scale}_conv_{r}")
        if scale < scales:
            x = keras.layers.UpSampling2D(2, name=f"{prefix}_{scale}_up")(x)
    return keras.layers.Conv2D(channels, 3, padding="same", name=f"{prefix}_to_images")(x)


def _check_args(filters, embedding_dim, repeat):
    return (checks.positive_int("filters", filters), checks.positive_int("embedding_dim", embedding_dim),
            checks.positive_int("repeat", repeat))


def discriminator(image_shape, *, filters=64, embedding_dim=64, repeat=2,
                  name="autoencoder_discriminator"):
    """Builds BEGAN's convolutional autoencoder ``images -> [reconstruction, embedding]``.

    Args:
        image_shape: ``(size, size, channels)``, size a power of two in [8, 256].
        filters: n, the channels of the first scale (64 in the paper's 64x64 model).
        embedding_dim: h, the size of the bottleneck (64 in the paper).
        repeat: conv layers per scale (2 in the paper).
        name: model name.

    Returns:
        A functional ``keras.Model`` with input ``"images"`` and outputs
        ``[reconstruction [N, size, size, channels], embedding [N, h]]``.
    """
    filters, embedding_dim, repeat = _check_args(filters, embedding_dim, repeat)
    size, _, channels = dcgan.check_image_shape(image_shape)
    scales = _scales(size)
    images = keras.Input((size, size, channels), name="images")
    x = _conv_elu(images, filters, "encoder_in")
    for scale in range(scales + 1):
        width = filters * (scale + 1)
        for r in range(repeat):
            x = _conv_elu(x, width, f"encoder_{scale}_conv_{r}")
        if scale < scales:
            x = _conv_elu(x, filters * (scale + 2), f"encoder_{scale}_down", strides=2)
    x = keras.layers.Flatten(name="encoder_flatten")(x)  # [N, 8, 8, C] -> [N, 64 C]
    embedding = keras.layers.Dense(embedding_dim, name="embedding")(x)
    reconstruction = _decoder(embedding, filters, scales, repeat, channels, prefix="decoder")
    reconstruction = keras.layers.Identity(name="reconstruction")(reconstruction)
    return keras.Model(images, [reconstruction, embedding], name=name)


def generator(latent_dim, image_shape, *, filters=64, repeat=2, name="began_generator"):
    """Builds BEGAN's generator: the decoder's architecture ``z -> images`` ending in tanh.

    Args:
        latent_dim: size of z (Nz = h = 64 in the paper); the input is named ``"z"``.
        image_shape: ``(size, size, channels)``, size a power of two in [8, 256].
        filters: n, the channels of every scale.
        repeat: conv layers per scale.
        name: model name.

    Returns:
        A functional ``keras.Model`` with output ``[N, size, size, channels]`` in [-1, 1].
    """
    latent_dim = checks.positive_int("latent_dim", latent_dim)
    filters, _, repeat = _check_args(filters, 1, repeat)
    size, _, channels = dcgan.check_image_shape(image_shape)
    z = keras.Input((latent_dim,), name="z")
    x = _decoder(z, filters, _scales(size), repeat, channels, prefix="decoder")
    images = keras.layers.Activation("tanh", name="tanh")(x)
    return keras.Model(z, images, name=name)


def mlp_discriminator(input_shape, *, hidden_units=(128,), embedding_dim=16,
                      name="mlp_autoencoder_discriminator"):
    """Builds a fully connected autoencoder ``x -> [reconstruction, embedding]``.

    Encoder: the hidden layers (ELU) then a linear embedding; decoder: the
    hidden layers in reverse (ELU) then a linear layer back to the input shape.

    Args:
        input_shape: shape of one sample, e.g. ``(2,)`` or ``(8, 8, 1)``.
        hidden_units: widths of the encoder's hidden layers.
        embedding_dim: size of the embedding.
        name: model name.

    Returns:
        A functional ``keras.Model`` with input ``"x"`` and outputs
        ``[reconstruction (input shape), embedding [N, embedding_dim]]``.
    """
    try:
        input_shape = tuple(int(checks.positive_int("input_shape", d)) for d in input_shape)
    except TypeError:
        input_shape = ()
    if not input_shape:
        raise ValueError(f"`input_shape` must be a non-empty tuple of positive ints; "
                         f"received input_shape={input_shape!r}.")
    hidden_units = tuple(hidden_units)
    if not hidden_units:
        raise ValueError("`hidden_units` must be a non-empty sequence of positive ints; received ().")
    hidden_units = tuple(checks.positive_int("hidden_units", u) for u in hidden_units)
    embedding_dim = checks.positive_int("embedding_dim", embedding_dim)
    inputs = keras.Input(input_shape, name="x")
    x = keras.layers.Flatten(name="flatten")(inputs) if len(input_shape) > 1 else inputs
    for i, units in enumerate(hidden_units):
        x = keras.layers.Dense(units, activation="elu", name=f"encoder_{i}")(x)
    embedding = keras.layers.Dense(embedding_dim, name="embedding")(x)
    x = embedding
    for i, units in enumerate(reversed(hidden_units)):
        x = keras.layers.Dense(units, activation="elu", name=f"decoder_{i}")(x)
    x = keras.layers.Dense(math.prod(input_shape), name="decoder_out")(x)
    reconstruction = keras.layers.Reshape(input_shape, name="reconstruction")(x)  # [N, prod] -> [N, *shape]
    return keras.Model(inputs, [reconstruction, embedding], name=name)
