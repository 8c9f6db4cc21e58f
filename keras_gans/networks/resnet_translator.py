"""CycleGAN's ResNet generator (Zhu et al. 2017, after Johnson et al. 2016).

"Unpaired Image-to-Image Translation using Cycle-Consistent Adversarial
Networks", appendix 7.2: ``c7s1-64, d128, d256, R256 x 9, u128, u64, c7s1-3``
for 256x256 images (6 residual blocks for 128x128), where

- ``c7s1-k``: reflection padding 3, 7x7 convolution with k filters and stride
  1, instance normalization, ReLU (the last one: tanh, no normalization);
- ``dk``: 3x3 convolution, stride 2, instance normalization, ReLU;
- ``Rk``: a residual block of two reflection-padded 3x3 convolutions with k
  filters, instance normalization after each and ReLU after the first;
- ``uk``: 3x3 fractionally-strided convolution, stride 1/2, instance
  normalization, ReLU.

Instance normalization is ``keras.layers.GroupNormalization(groups=-1)`` (one
group per channel); reflection padding is
:class:`keras_gans.layers.ReflectionPadding2D`.
"""

import keras

from keras_gans import checks, layers


def _reflected_conv(x, filters, kernel_size, normalization, activation, name):
    """Reflection padding, a 'valid' stride-1 convolution (same size out), normalization, activation."""
    x = layers.ReflectionPadding2D(kernel_size // 2, name=f"{name}_pad")(x)
    x = keras.layers.Conv2D(filters, kernel_size, padding="valid", use_bias=normalization is None,
                            name=f"{name}_conv")(x)
    # The normalization and activation layers (and their names) of keras_gans.layers' conv blocks.
    for layer in (layers.normalization_layer(normalization, name), layers.activation_layer(activation, name)):
        if layer is not None:
            x = layer(x)
    return x


def _residual_block(x, filters, normalization, name):
    """``Rk``: x + (pad, conv3x3, norm, ReLU, pad, conv3x3, norm)(x)."""
    y = _reflected_conv(x, filters, 3, normalization, "relu", f"{name}_a")
    y = _reflected_conv(y, filters, 3, normalization, None, f"{name}_b")
    return keras.layers.Add(name=f"{name}_add")([x, y])


def generator(image_shape, *, output_channels=None, base_filters=64, num_blocks=9, num_downsampling=2,
              normalization="instance", name="resnet_translator"):
    """Builds the ResNet translator ``images -> images`` in [-1, 1].

    Args:
        image_shape: ``(height, width, channels)``, height and width multiples
            of ``2**num_downsampling``.
        output_channels: channels of the output; default those of the input.
        base_filters: filters of the first ``c7s1`` layer (64); each ``d``
            layer doubles them.
        num_blocks: residual blocks (9 for 256x256, 6 for 128x128 images).
        num_downsampling: stride-2 ``d`` layers, mirrored by ``u`` layers (2).
        normalization: ``"instance"`` (the paper), ``"batch"`` or None.
        name: model name.

    Returns:
        A functional ``keras.Model`` with input ``"images"`` and output of
        the same height and width with ``output_channels`` channels.
    """
    num_downsampling = checks.positive_int("num_downsampling", num_downsampling, minimum=0)
    height, width, channels = checks.image_shape(image_shape, divisible_by=2 ** num_downsampling)
    channels_out = checks.output_channels(output_channels, channels)
    base_filters = checks.positive_int("base_filters", base_filters)
    num_blocks = checks.positive_int("num_blocks", num_blocks, minimum=0)
    normalization = checks.one_of("normalization", normalization, checks.NORMALIZATIONS)

    images = keras.Input((height, width, channels), name="images")
    x = _reflected_conv(images, base_filters, 7, normalization, "relu", "c7s1")
    filters = base_filters
    for i in range(num_downsampling):
        filters *= 2
        x = layers.DownsampleBlock(filters, kernel_size=3, strides=2, normalization=normalization,
                                   activation="relu", name=f"down_{i + 1}")(x)
    for i in range(num_blocks):
        x = _residual_block(x, filters, normalization, f"residual_{i + 1}")
    for i in range(num_downsampling):
        filters //= 2
        x = layers.UpsampleBlock(filters, kernel_size=3, strides=2, normalization=normalization,
                                 activation="relu", name=f"up_{i + 1}")(x)
    outputs = _reflected_conv(x, channels_out, 7, None, "tanh", "to_images")
    return keras.Model(images, outputs, name=name)
