"""DCGAN generator and discriminator (Radford et al. 2016).

"Unsupervised Representation Learning with Deep Convolutional Generative
Adversarial Networks", section 3: all-convolutional players (strided
convolutions, no pooling, no fully connected hidden layers), batch
normalization everywhere except G's output and D's input layers, ReLU in G
with tanh output, LeakyReLU(0.2) in D. G projects z to a 4x4 map and doubles
it block by block; D halves the image down to 4x4, flattens it (the layer
``"features"``) and ends in one linear unit, a raw logit. Any square
power-of-two size from 8 to 256 works. Weights keep Keras's default
initializers unless ``weight_init="dcgan"`` asks for the paper's N(0, 0.02)
(section 4: "all weights were initialized from a zero-centered Normal
distribution with standard deviation 0.02"; here the convolution and dense
kernels, batch-norm scales keep 1).
"""

import math

import keras

from keras_gans import checks, layers

MIN_SIZE, MAX_SIZE = 8, 256
BASE_SIZE = 4  # side of G's projected map and of D's last map
WEIGHT_INITS = ("glorot_uniform", "dcgan")


def kernel_initializer(weight_init):
    """The kernel initializer a ``weight_init`` name stands for (``"dcgan"``: N(0, 0.02))."""
    if checks.one_of("weight_init", weight_init, WEIGHT_INITS) == "dcgan":
        return keras.initializers.RandomNormal(0.0, 0.02)
    return "glorot_uniform"


def check_image_shape(image_shape):
    """``(size, size, channels)`` as Python ints, or a ValueError naming ``image_shape``."""
    try:
        dims = tuple(image_shape)
    except TypeError:
        dims = None
    valid = (dims is not None and len(dims) == 3 and all(checks.is_int(d) and d > 0 for d in dims)
             and dims[0] == dims[1] and MIN_SIZE <= dims[0] <= MAX_SIZE and dims[0] & (dims[0] - 1) == 0)
    if not valid:
        raise ValueError(f"`image_shape` must be (size, size, channels) with size a power of two from "
                         f"{MIN_SIZE} to {MAX_SIZE}; received image_shape={image_shape!r}.")
    return tuple(int(d) for d in dims)


def _num_blocks(size):
    """Number of stride-2 steps between the 4x4 map and the image: size = 4 * 2**n."""
    return int(math.log2(size // BASE_SIZE))


def generator(latent_dim, image_shape, *, base_filters=64, dropout=0.0, weight_init="glorot_uniform",
              name="dcgan_generator"):
    """Builds the DCGAN generator ``z -> images`` in [-1, 1].

    Args:
        latent_dim: size of z; the input is named ``"z"``.
        image_shape: ``(size, size, channels)``, size a power of two in [8, 256].
        base_filters: channels of the last hidden block; each earlier block
            has twice as many, so the 4x4 projection has
            ``base_filters * 2**(n - 1)`` channels for ``size = 4 * 2**n``. The
            paper's 64x64 G (1024 -> 512 -> 256 -> 128 -> 3) is
            ``base_filters=128``; the default 64 halves every width.
        dropout: dropout rate after each hidden block (the "dropout in G" hack;
            0 = none, the paper's).
        weight_init: ``"glorot_uniform"`` (Keras's default) or ``"dcgan"`` (N(0, 0.02)).
        name: model name.

    Returns:
        A functional ``keras.Model`` with output ``[N, size, size, channels]``.
    """
    latent_dim = checks.positive_int("latent_dim", latent_dim)
    base_filters = checks.positive_int("base_filters", base_filters)
    dropout = checks.rate("dropout", dropout)
    init = kernel_initializer(weight_init)
    size, _, channels = check_image_shape(image_shape)
    blocks = _num_blocks(size)
    z = keras.Input((latent_dim,), name="z")
    filters = base_filters * 2 ** (blocks - 1)
    # The projection of z is the one dense layer; the paper reshapes it to a 4x4 map.
    x = keras.layers.Dense(BASE_SIZE * BASE_SIZE * filters, use_bias=False, kernel_initializer=init,
                           name="project")(z)
    x = keras.layers.Reshape((BASE_SIZE, BASE_SIZE, filters), name="project_reshape")(x)
    x = keras.layers.BatchNormalization(name="project_batch_norm")(x)
    x = keras.layers.ReLU(name="project_relu")(x)
    for i in range(1, blocks):
        filters //= 2
        x = layers.UpsampleBlock(filters, normalization="batch", activation="relu", kernel_initializer=init,
                                 name=f"up_{i}")(x)
        if dropout:
            x = layers.Dropout(dropout, name=f"up_{i}_dropout")(x)
    images = layers.UpsampleBlock(channels, normalization=None, activation="tanh", kernel_initializer=init,
                                  name="to_images")(x)
    return keras.Model(z, images, name=name)


def discriminator(image_shape, *, base_filters=64, spectral_norm=False, minibatch_discrimination=False,
                  minibatch_kernels=32, minibatch_kernel_dim=8, weight_init="glorot_uniform",
                  name="dcgan_discriminator"):
    """Builds the DCGAN discriminator ``images -> logit``.

    Args:
        image_shape: ``(size, size, channels)``, size a power of two in [8, 256].
        base_filters: channels of the first block; each later block doubles them.
        spectral_norm: spectral-normalize every convolution and the output
            layer (SNGAN, Miyato et al. 2018); batch normalization is then left
            out, as SN takes its place.
        minibatch_discrimination: append :class:`~keras_gans.layers.MinibatchDiscrimination`
            features (Salimans et al. 2016) before the output layer.
        minibatch_kernels: B of minibatch discrimination.
        minibatch_kernel_dim: C of minibatch discrimination.
        weight_init: ``"glorot_uniform"`` (Keras's default) or ``"dcgan"`` (N(0, 0.02)).
        name: model name.

    Returns:
        A functional ``keras.Model`` with input ``"images"`` and a raw logit
        ``[N, 1]``. Its layer ``"features"`` is the flattened last feature map,
        which feature matching reads.
    """
    base_filters = checks.positive_int("base_filters", base_filters)
    image_shape = check_image_shape(image_shape)
    size = image_shape[0]
    spectral_norm = checks.boolean("spectral_norm", spectral_norm)
    init = kernel_initializer(weight_init)
    if checks.boolean("minibatch_discrimination", minibatch_discrimination):
        minibatch_kernels = checks.positive_int("minibatch_kernels", minibatch_kernels)
        minibatch_kernel_dim = checks.positive_int("minibatch_kernel_dim", minibatch_kernel_dim)
    images = keras.Input(image_shape, name="images")
    x = images
    filters = base_filters
    for i in range(_num_blocks(size)):
        normalization = None if (i == 0 or spectral_norm) else "batch"  # no BN on D's input layer
        x = layers.DownsampleBlock(filters, normalization=normalization, activation="leaky_relu",
                                   spectral_norm=spectral_norm, kernel_initializer=init, name=f"down_{i + 1}")(x)
        filters *= 2
    x = keras.layers.Flatten(name="features")(x)
    if minibatch_discrimination:
        x = layers.MinibatchDiscrimination(minibatch_kernels, minibatch_kernel_dim,
                                           name="minibatch_discrimination")(x)
    output = keras.layers.Dense(1, kernel_initializer=init, name="logit")
    if spectral_norm:
        output = keras.layers.SpectralNormalization(output, name="logit_sn")
    logit = output(x)
    return keras.Model(images, logit, name=name)
