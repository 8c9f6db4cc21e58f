"""DCGAN generator and discriminator (Radford et al. 2016).

"Unsupervised Representation Learning with Deep Convolutional Generative
Adversarial Networks", section 3: all-convolutional players (strided
convolutions, no pooling, no fully connected hidden layers), batch
normalization everywhere except G's output and D's input layers, ReLU in G
with tanh output, LeakyReLU(0.2) in D. G projects z to a 4x4 map and doubles
it block by block; D halves the image down to 4x4. Any square power-of-two
size from 8 to 256 works.
"""

import math

import keras

from keras_gans import layers

MIN_SIZE, MAX_SIZE = 8, 256
BASE_SIZE = 4  # side of G's projected map and of D's last map


def _check_image_shape(image_shape):
    image_shape = tuple(image_shape)
    valid = (len(image_shape) == 3 and all(isinstance(d, int) and d > 0 for d in image_shape)
             and image_shape[0] == image_shape[1] and MIN_SIZE <= image_shape[0] <= MAX_SIZE
             and image_shape[0] & (image_shape[0] - 1) == 0)
    if not valid:
        raise ValueError(f"`image_shape` must be (size, size, channels) with size a power of two from "
                         f"{MIN_SIZE} to {MAX_SIZE}; received image_shape={image_shape!r}.")
    return image_shape


def _num_blocks(size):
    """Number of stride-2 steps between the 4x4 map and the image."""
    return int(math.log2(size // BASE_SIZE))


def _check_positive(name, value):
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError(f"`{name}` must be a positive int; received {name}={value!r}.")


def generator(latent_dim, image_shape, *, base_filters=64, name="dcgan_generator"):
    """Builds the DCGAN generator ``z -> images`` in [-1, 1].

    Args:
        latent_dim: size of z; the input is named ``"z"``.
        image_shape: ``(size, size, channels)``, size a power of two in [8, 256].
        base_filters: channels of the last hidden block; each earlier block
            has twice as many (64 in the paper, whose 64x64 G starts at 1024).
        name: model name.

    Returns:
        A functional ``keras.Model`` with output ``[N, size, size, channels]``.
    """
    _check_positive("latent_dim", latent_dim)
    _check_positive("base_filters", base_filters)
    size, _, channels = _check_image_shape(image_shape)
    blocks = _num_blocks(size)
    z = keras.Input((latent_dim,), name="z")
    filters = base_filters * 2 ** (blocks - 1)
    # The projection of z is the one dense layer; the paper reshapes it to a 4x4 map.
    x = keras.layers.Dense(BASE_SIZE * BASE_SIZE * filters, use_bias=False, name="project")(z)
    x = keras.layers.Reshape((BASE_SIZE, BASE_SIZE, filters), name="project_reshape")(x)
    x = keras.layers.BatchNormalization(name="project_batch_norm")(x)
    x = keras.layers.ReLU(name="project_relu")(x)
    for i in range(1, blocks):
        filters //= 2
        x = layers.UpsampleBlock(filters, normalization="batch", activation="relu", name=f"up_{i}")(x)
    images = layers.UpsampleBlock(channels, normalization=None, activation="tanh", name="to_images")(x)
    return keras.Model(z, images, name=name)


def discriminator(image_shape, *, base_filters=64, spectral_norm=False, minibatch_discrimination=False,
                  minibatch_kernels=32, minibatch_kernel_dim=8, name="dcgan_discriminator"):
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
        name: model name.

    Returns:
        A functional ``keras.Model`` with input ``"images"`` and a raw logit
        ``[N, 1]``. Its layer ``"features"`` is the flattened last feature map,
        which feature matching reads.
    """
    _check_positive("base_filters", base_filters)
    size, _, _ = _check_image_shape(image_shape)
    images = keras.Input(image_shape, name="images")
    x = images
    filters = base_filters
    for i in range(_num_blocks(size)):
        normalization = None if (i == 0 or spectral_norm) else "batch"  # no BN on D's input layer
        x = layers.DownsampleBlock(filters, normalization=normalization, activation="leaky_relu",
                                   spectral_norm=spectral_norm, name=f"down_{i + 1}")(x)
        filters *= 2
    x = keras.layers.Flatten(name="features")(x)
    if minibatch_discrimination:
        x = layers.MinibatchDiscrimination(minibatch_kernels, minibatch_kernel_dim,
                                           name="minibatch_discrimination")(x)
    output = keras.layers.Dense(1, name="logit")
    if spectral_norm:
        output = keras.layers.SpectralNormalization(output, name="logit_sn")
    logit = output(x)
    return keras.Model(images, logit, name=name)
