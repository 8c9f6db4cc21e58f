"""SRResNet generator and SRGAN discriminator (Ledig et al. 2017).

"Photo-Realistic Single Image Super-Resolution Using a Generative
Adversarial Network", figure 4:

- generator (SRResNet): a 9x9 convolution with 64 filters and PReLU; B = 16
  residual blocks (3x3 conv, BatchNorm, PReLU, 3x3 conv, BatchNorm, sum); a
  3x3 conv and BatchNorm summed with the first layer's output (the long
  skip); per factor 2 of upsampling a 3x3 conv with 256 filters, the sub-pixel
  shuffle (:class:`keras_gans.layers.SubPixelUpsampling`, Shi et al. 2016) and
  PReLU; a 9x9 convolution to the image channels. The output is tanh, since
  high-resolution images are in [-1, 1] (section 3.2).
- discriminator: a 3x3 conv with 64 filters and LeakyReLU(0.2), then seven
  3x3 Conv-BatchNorm-LeakyReLU blocks with strides 2, 1, 2, 1, 2, 1, 2 and
  64, 128, 128, 256, 256, 512, 512 filters, a dense layer of 1024 units with
  LeakyReLU and one output unit (a raw logit; the paper's sigmoid lives in the loss).

PReLU learns one slope per channel (shared over height and width).

Not in the paper, and off by default: ``bicubic_skip=True`` adds the bicubic
upsampling of the input to the last convolution's output (clipped to [-1, 1]
instead of tanh), so the network learns only the residual over bicubic, as
VDSR does (Kim et al. 2016, "Accurate Image Super-Resolution Using Very Deep
Convolutional Networks"). From scratch, SRResNet needs far more steps than a
CPU affords to overtake bicubic upsampling; with the skip it starts there.
"""

import keras

from keras_gans import checks, layers


def _prelu(x, name):
    return keras.layers.PReLU(shared_axes=[1, 2], name=f"{name}_prelu")(x)


def _conv(x, filters, kernel_size, name):
    return keras.layers.Conv2D(filters, kernel_size, padding="same", name=f"{name}_conv")(x)


def _residual_block(x, filters, name):
    y = _prelu(keras.layers.BatchNormalization(name=f"{name}_a_batch_norm")(_conv(x, filters, 3, f"{name}_a")),
               f"{name}_a")
    y = keras.layers.BatchNormalization(name=f"{name}_b_batch_norm")(_conv(y, filters, 3, f"{name}_b"))
    return keras.layers.Add(name=f"{name}_add")([x, y])


def _clip_to_unit_range(x, name):
    """``clip(x, -1, 1)`` with standard layers: shift to [0, 2], ReLU capped at 2, shift back."""
    x = keras.layers.Rescaling(1.0, offset=1.0, name=f"{name}_shift_up")(x)
    x = keras.layers.ReLU(max_value=2.0, name=f"{name}_clip")(x)
    return keras.layers.Rescaling(1.0, offset=-1.0, name=f"{name}_shift_down")(x)


def generator(image_shape, *, scale=4, filters=64, num_blocks=16, bicubic_skip=False, name="srresnet_generator"):
    """Builds SRResNet ``low-resolution images -> images scale times larger``, in [-1, 1].

    Args:
        image_shape: ``(height, width, channels)`` of the low-resolution input.
        scale: upsampling factor, a power of two >= 2 (4 in the paper).
        filters: filters of the residual trunk (64).
        num_blocks: residual blocks B (16).
        bicubic_skip: learn the residual over bicubic upsampling (not in the
            paper; see the module docstring).
        name: model name.

    Returns:
        A functional ``keras.Model`` with input ``"images"`` and output
        ``[N, height * scale, width * scale, channels]``.
    """
    height, width, channels = checks.image_shape(image_shape)
    scale = checks.positive_int("scale", scale, minimum=2)
    if scale & (scale - 1):
        raise ValueError(f"`scale` must be a power of two >= 2; received scale={scale!r}.")
    filters = checks.positive_int("filters", filters)
    num_blocks = checks.positive_int("num_blocks", num_blocks, minimum=0)
    checks.boolean("bicubic_skip", bicubic_skip)

    images = keras.Input((height, width, channels), name="images")
    head = _prelu(_conv(images, filters, 9, "head"), "head")
    x = head
    for i in range(num_blocks):
        x = _residual_block(x, filters, f"residual_{i + 1}")
    x = keras.layers.BatchNormalization(name="trunk_batch_norm")(_conv(x, filters, 3, "trunk"))
    x = keras.layers.Add(name="long_skip")([head, x])
    for i in range(scale.bit_length() - 1):  # one x2 step per factor of two
        x = _conv(x, filters * 4, 3, f"upsample_{i + 1}")
        x = layers.SubPixelUpsampling(2, name=f"upsample_{i + 1}_shuffle")(x)  # [h, w, 4f] -> [2h, 2w, f]
        x = _prelu(x, f"upsample_{i + 1}")
    x = _conv(x, channels, 9, "to_images")
    if bicubic_skip:
        upsampled = keras.layers.Resizing(height * scale, width * scale, interpolation="bicubic",
                                          name="bicubic")(images)
        outputs = _clip_to_unit_range(keras.layers.Add(name="bicubic_skip")([upsampled, x]), "to_images")
    else:
        outputs = keras.layers.Activation("tanh", name="to_images_tanh")(x)
    return keras.Model(images, outputs, name=name)


BLOCK_STRIDES = (2, 1, 2, 1, 2, 1, 2)
BLOCK_WIDTHS = (1, 2, 2, 4, 4, 8, 8)  # filters as multiples of base_filters


def discriminator(image_shape, *, base_filters=64, dense_units=1024, name="srgan_discriminator"):
    """Builds the SRGAN discriminator ``images -> logit [N, 1]``.

    Args:
        image_shape: ``(height, width, channels)`` of the high-resolution
            images, height and width multiples of 16 (four stride-2 blocks).
        base_filters: filters of the first layer (64); the blocks use 1, 2, 2,
            4, 4, 8, 8 times as many.
        dense_units: units of the hidden dense layer (1024).
        name: model name.

    Returns:
        A functional ``keras.Model`` with input ``"images"`` and a raw logit
        ``[N, 1]``; its layer ``"features"`` is the flattened last map.
    """
    image_shape = checks.image_shape(image_shape, divisible_by=16)
    base_filters = checks.positive_int("base_filters", base_filters)
    dense_units = checks.positive_int("dense_units", dense_units)

    images = keras.Input(image_shape, name="images")
    x = keras.layers.LeakyReLU(layers.LEAKY_RELU_SLOPE, name="head_leaky_relu")(_conv(images, base_filters, 3, "head"))
    for i, (strides, width) in enumerate(zip(BLOCK_STRIDES, BLOCK_WIDTHS)):
        x = layers.DownsampleBlock(base_filters * width, kernel_size=3, strides=strides, normalization="batch",
                                   activation="leaky_relu", name=f"block_{i + 1}")(x)
    x = keras.layers.Flatten(name="features")(x)  # [N, h, w, c] -> [N, h * w * c]
    x = keras.layers.Dense(dense_units, name="dense")(x)
    x = keras.layers.LeakyReLU(layers.LEAKY_RELU_SLOPE, name="dense_leaky_relu")(x)
    logit = keras.layers.Dense(1, name="logit")(x)
    return keras.Model(images, logit, name=name)
