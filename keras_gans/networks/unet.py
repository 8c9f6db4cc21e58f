"""The U-Net generator of Pix2Pix (Isola et al. 2017).

"Image-to-Image Translation with Conditional Adversarial Networks", section
3.2.1 and appendix 6.1.1: an encoder of 4x4 stride-2 convolutions
(Convolution-BatchNorm-LeakyReLU(0.2), no BatchNorm on the first layer) down to
a 1x1 bottleneck, C64-C128-C256-C512-C512-C512-C512-C512 for 256x256 images,
and a mirrored decoder of 4x4 stride-2 transposed convolutions
(Convolution-BatchNorm-ReLU) whose every block is concatenated with the
encoder block of the same size (the skip connections). The first three
decoder blocks have 50% dropout, the paper's only source of noise. A last
transposed convolution maps to the output channels and tanh.

The innermost encoder block has no normalization: its map is 1x1, where
instance normalization would erase it (as in the authors' code).
"""

import keras

from keras_gans import checks, layers

DROPOUT_BLOCKS = 3  # decoder blocks with dropout (appendix 6.1.1)


def generator(image_shape, *, output_channels=None, base_filters=64, max_filters=512, depth=None,
              normalization="batch", dropout=0.5, name="unet_generator"):
    """Builds the U-Net ``images -> images`` in [-1, 1].

    Args:
        image_shape: ``(height, width, channels)`` of the source images, height
            and width multiples of ``2**depth``.
        output_channels: channels of the output; default those of the source.
        base_filters: filters of the first encoder block; block ``i`` has
            ``min(base_filters * 2**i, max_filters)``.
        max_filters: the cap on filters (512 in the paper).
        depth: number of stride-2 encoder blocks; default ``log2(min(height,
            width))``, down to a 1x1 bottleneck as in the paper.
        normalization: ``"batch"`` (the paper), ``"instance"`` or None.
        dropout: dropout rate of the first three decoder blocks (0.5 in the
            paper; 0 = none). Active only in training mode.
        name: model name.

    Returns:
        A functional ``keras.Model`` with input ``"images"`` and output
        ``[N, height, width, output_channels]``.
    """
    height, width, channels = checks.image_shape(image_shape)
    if depth is None:
        depth = max(1, min(height, width).bit_length() - 1)
    depth = checks.positive_int("depth", depth)
    height, width, channels = checks.image_shape(image_shape, divisible_by=2 ** depth)
    channels_out = checks.output_channels(output_channels, channels)
    base_filters = checks.positive_int("base_filters", base_filters)
    max_filters = checks.positive_int("max_filters", max_filters)
    normalization = checks.one_of("normalization", normalization, checks.NORMALIZATIONS)
    dropout = checks.rate("dropout", dropout)

    def filters_at(level):
        return min(base_filters * 2 ** level, max_filters)

    images = keras.Input((height, width, channels), name="images")
    x, skips = images, []
    for level in range(depth):
        outermost, innermost = level == 0, level == depth - 1
        x = layers.DownsampleBlock(filters_at(level), kernel_size=4, strides=2,
                                   normalization=None if outermost or innermost else normalization,
                                   activation="leaky_relu", name=f"down_{level + 1}")(x)
        skips.append(x)
    for step, level in enumerate(reversed(range(depth - 1))):
        x = layers.UpsampleBlock(filters_at(level), kernel_size=4, strides=2, normalization=normalization,
                                 activation="relu", name=f"up_{level + 1}")(x)
        if dropout and step < DROPOUT_BLOCKS:
            x = layers.Dropout(dropout, name=f"up_{level + 1}_dropout")(x)
        x = keras.layers.Concatenate(name=f"skip_{level + 1}")([x, skips[level]])  # channels add up
    outputs = layers.UpsampleBlock(channels_out, kernel_size=4, strides=2, normalization=None,
                                   activation="tanh", name="to_images")(x)
    return keras.Model(images, outputs, name=name)
