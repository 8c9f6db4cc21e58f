"""The PatchGAN discriminator of Pix2Pix and CycleGAN (Isola et al. 2017).

"Image-to-Image Translation with Conditional Adversarial Networks", section
3.2.2 and appendix 6.1.2: a fully convolutional discriminator that classifies
every N x N patch of the image as real or fake and outputs a map of logits.
The 70x70 PatchGAN is C64-C128-C256-C512 followed by a convolution to one
channel: ``num_layers`` = 3 stride-2 4x4 blocks, one stride-1 4x4 block and
the stride-1 4x4 output convolution, with BatchNorm on every block but the
first and LeakyReLU(0.2). Changing ``num_layers`` changes the receptive field
(:func:`receptive_field`): 1 -> 16x16, 3 -> 70x70, 5 -> 286x286 (the paper's
"ImageGAN" for 256x256 inputs). CycleGAN (Zhu et al. 2017, appendix 7.2) uses
the same 70x70 PatchGAN with instance normalization.

Pix2Pix's discriminator is conditional: it sees the source image and the
(real or generated) target, concatenated along the channels.
"""

import keras

from keras_gans import checks, layers

KERNEL_SIZE = 4


def receptive_field(num_layers, kernel_size=KERNEL_SIZE):
    """Side of the input patch that one output logit sees.

    Walking back from one output pixel: the two stride-1 convolutions see
    ``2 (kernel_size - 1) + 1`` pixels, and every stride-2 block before them
    maps a field ``r`` to ``2 r + kernel_size - 2``.

    Args:
        num_layers: number of stride-2 blocks, >= 1.
        kernel_size: the square kernel side (4 in the paper).

    Returns:
        The receptive field in pixels (70 for ``num_layers=3``).
    """
    num_layers = checks.positive_int("num_layers", num_layers)
    kernel_size = checks.positive_int("kernel_size", kernel_size)
    field = 2 * (kernel_size - 1) + 1
    for _ in range(num_layers):
        field = 2 * field + kernel_size - 2
    return field


def discriminator(image_shape, *, source_channels=0, base_filters=64, max_filters=512, num_layers=3,
                  normalization="batch", name="patchgan_discriminator"):
    """Builds the PatchGAN ``images -> logits [N, h, w, 1]``.

    Args:
        image_shape: ``(height, width, channels)`` of the judged images, height
            and width multiples of ``2**num_layers``.
        source_channels: 0 for an unconditional D (CycleGAN); otherwise the
            channels of the source image it is conditioned on (Pix2Pix). The
            model then takes ``[source, images]`` of the same height and width.
        base_filters: filters of the first block; block ``i`` has
            ``min(base_filters * 2**i, max_filters)``.
        max_filters: the cap on filters (512 in the paper).
        num_layers: stride-2 blocks; sets the receptive field
            (:func:`receptive_field`), 3 for the 70x70 PatchGAN.
        normalization: ``"batch"`` (Pix2Pix), ``"instance"`` (CycleGAN) or None.
        name: model name.

    Returns:
        A functional ``keras.Model`` with input ``"images"`` (and first
        ``"source"`` when conditional) and raw logits
        ``[N, height / 2**num_layers, width / 2**num_layers, 1]``.
    """
    num_layers = checks.positive_int("num_layers", num_layers)
    height, width, channels = checks.image_shape(image_shape, divisible_by=2 ** num_layers)
    source_channels = checks.positive_int("source_channels", source_channels, minimum=0)
    base_filters = checks.positive_int("base_filters", base_filters)
    max_filters = checks.positive_int("max_filters", max_filters)
    normalization = checks.one_of("normalization", normalization, checks.NORMALIZATIONS)

    images = keras.Input((height, width, channels), name="images")
    inputs = [images]
    x = images
    if source_channels:
        source = keras.Input((height, width, source_channels), name="source")
        inputs = [source, images]
        x = keras.layers.Concatenate(name="pair")([source, images])  # [N, H, W, source + channels]
    for level in range(num_layers + 1):
        last_block = level == num_layers  # the stride-1 block before the output
        x = layers.DownsampleBlock(min(base_filters * 2 ** level, max_filters), kernel_size=KERNEL_SIZE,
                                   strides=1 if last_block else 2,
                                   normalization=None if level == 0 else normalization,
                                   activation="leaky_relu", name=f"block_{level + 1}")(x)
    logits = keras.layers.Conv2D(1, KERNEL_SIZE, padding="same", name="logits")(x)
    return keras.Model(inputs if source_channels else images, logits, name=name)
