"""DiscoGAN's encoder-decoder generator and discriminator (Kim et al. 2017).

"Learning to Discover Cross-Domain Relations with Generative Adversarial
Networks", section 4.1: "Each generator takes image of size 64x64x3 and feeds
it through an encoder-decoder pair. The encoder part of each generator is
composed of convolution layers with 4x4 filters, each followed by leaky ReLU.
The decoder part is composed of deconvolution layers with 4x4 filters,
followed by a ReLU, and outputs a target domain image of size 64x64x3. The
discriminator is similar to the encoder part of the generator." As in the
authors' code, every layer but the first encoder layer is batch-normalized and
the encoder goes down to a 4x4 map (64 -> 32 -> 16 -> 8 -> 4 with 64, 128,
256, 512 filters); unlike a U-Net there are no skip connections, so every
translation passes through the 4x4 bottleneck.
"""

import keras

from keras_gans import checks, layers
from keras_gans.networks import dcgan

BOTTLENECK = 4  # side of the encoder's last map


def generator(image_shape, *, output_channels=None, base_filters=64, normalization="batch",
              name="discogan_generator"):
    """Builds the encoder-decoder ``images -> images`` in [-1, 1].

    Args:
        image_shape: ``(size, size, channels)``, size a power of two >= 8.
        output_channels: channels of the output; default those of the input.
        base_filters: filters of the first encoder layer; each next one doubles.
        normalization: ``"batch"`` (the authors' code), ``"instance"`` or None.
        name: model name.

    Returns:
        A functional ``keras.Model`` with input ``"images"`` and output
        ``[N, size, size, output_channels]``.
    """
    size, _, channels = dcgan.check_image_shape(image_shape)
    channels_out = checks.output_channels(output_channels, channels)
    base_filters = checks.positive_int("base_filters", base_filters)
    normalization = checks.one_of("normalization", normalization, checks.NORMALIZATIONS)
    steps = (size // BOTTLENECK).bit_length() - 1  # stride-2 layers from size down to 4

    images = keras.Input((size, size, channels), name="images")
    x = images
    for i in range(steps):
        x = layers.DownsampleBlock(base_filters * 2 ** i, kernel_size=4, strides=2,
                                   normalization=None if i == 0 else normalization,
                                   activation="leaky_relu", name=f"encode_{i + 1}")(x)
    for i in reversed(range(steps - 1)):
        x = layers.UpsampleBlock(base_filters * 2 ** i, kernel_size=4, strides=2, normalization=normalization,
                                 activation="relu", name=f"decode_{steps - 1 - i}")(x)
    outputs = layers.UpsampleBlock(channels_out, kernel_size=4, strides=2, normalization=None,
                                   activation="tanh", name="to_images")(x)
    return keras.Model(images, outputs, name=name)


def discriminator(image_shape, *, base_filters=64, name="discogan_discriminator"):
    """Builds DiscoGAN's discriminator ``images -> logit [N, 1]``.

    It is the generator's encoder (4x4 stride-2 convolutions, LeakyReLU(0.2),
    batch normalization but on the first layer, down to 4x4) and one output
    unit over the 4x4 map, which is exactly the DCGAN discriminator of
    :func:`keras_gans.networks.dcgan.discriminator`, built here under its own name.

    Args:
        image_shape: ``(size, size, channels)``, size a power of two >= 8.
        base_filters: filters of the first layer; each next one doubles.
        name: model name.

    Returns:
        A functional ``keras.Model`` with input ``"images"`` and a raw logit ``[N, 1]``.
    """
    return dcgan.discriminator(image_shape, base_filters=base_filters, name=name)
