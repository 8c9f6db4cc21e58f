"""StyleGAN2's players (Karras et al. 2020, "Analyzing and Improving the Image Quality of StyleGAN").

Config E/F of the paper: no progressive growing, a "skip" generator and a
"resnet" discriminator (section 4.1, Fig. 7), every layer with an equalized
learning rate at gain 1 and LeakyReLU(0.2) times sqrt(2).

- :func:`mapping`: z (pixel-normalized) through ``layers`` dense layers
  (8 in the paper, learning-rate multiplier 0.01, the last one with its
  activation too) to w, broadcast to ``num_ws = 2 log2(size) - 2`` copies,
  one per modulated layer.
- :func:`synthesis`: from a learned 4x4 constant, per resolution a
  (bilinear-upsampling) modulated 3x3 convolution and a second one, each
  followed by noise injection and the activation, and a toRGB (modulated 1x1,
  no demodulation) added to the upsampled running image (the skip
  connections). The toRGB at resolution r shares its w with the next
  block's first convolution, as in the authors' code.
- :func:`generator`: ``z -> mapping -> truncation (w_avg) -> synthesis``,
  the network a checkpoint, a ``.keras`` file and G's moving average hold;
  :func:`truncated_generator` and :func:`truncated_mapping` serve it with a
  truncation psi.
- :func:`discriminator`: fromRGB at the top resolution, residual blocks
  (two 3x3 convolutions and 2x2 average pooling, plus a pooled 1x1 linear
  shortcut, summed and divided by sqrt(2)), then minibatch stddev, a 3x3
  convolution and two dense layers to one raw logit.

The authors resample with the [1, 3, 3, 1] FIR filter; here upsampling is
bilinear (the same weights away from the borders) and downsampling is 2x2
average pooling. Widths are ``min(2 * fmap_base / resolution, fmap_max)``:
config F's ``fmap_base=16384`` gives 512 up to 64x64, 256 at 128, ...
"""

import math

import keras

from keras_gans import checks, layers
from keras_gans.networks.progan import BASE_SIZE, check_image_shape, resolutions, width

PSI_INPUT = "truncation_psi"


def num_ws(size):
    """Modulated layers of a generator of ``size``: ``2 log2(size) - 2`` (18 at 1024, 10 at 64)."""
    return 2 * int(math.log2(size)) - 2


def _act(name):
    return layers.ScaledLeakyReLU(name=name)


def mapping(latent_dim, num_ws, *, w_dim=512, num_layers=8, lr_multiplier=0.01, name="mapping"):
    """The mapping network ``z -> w``, broadcast: ``[N, latent_dim] -> [N, num_ws, w_dim]``.

    Args:
        latent_dim: size of z (512 in the paper); the input is named ``"z"``.
        num_ws: copies of w, one per modulated layer of the synthesis.
        w_dim: size of w (512).
        num_layers: dense layers (8).
        lr_multiplier: their learning-rate multiplier (0.01).
        name: model name.
    """
    latent_dim = checks.positive_int("latent_dim", latent_dim)
    num_ws = checks.positive_int("num_ws", num_ws)
    w_dim = checks.positive_int("w_dim", w_dim)
    num_layers = checks.positive_int("num_layers", num_layers)
    z = keras.Input((latent_dim,), name="z")
    x = layers.PixelNorm(name="normalize_z")(z)
    for i in range(num_layers):
        x = layers.EqualizedDense(w_dim, gain=1.0, lr_multiplier=lr_multiplier, name=f"dense_{i}")(x)
        x = _act(f"act_{i}")(x)
    ws = keras.layers.RepeatVector(num_ws, name="broadcast")(x)
    return keras.Model(z, ws, name=name)


def synthesis(image_shape, *, w_dim=512, fmap_base=16384, fmap_max=512, randomize_noise=True, name="synthesis"):
    """The skip-architecture synthesis network ``w [N, num_ws, w_dim] -> images``.

    Args:
        image_shape: ``(size, size, channels)``, size a power of two >= 4.
        w_dim: size of w.
        fmap_base: width numerator (16384 for config F, 8192 for E).
        fmap_max: the widest block (512).
        randomize_noise: fresh noise on every call (False: the fixed buffers).
        name: model name.

    Returns:
        A functional ``keras.Model`` with input ``w`` and linear images
        ``[N, size, size, channels]`` (no tanh, as the authors').
    """
    size, _, channels = check_image_shape(image_shape)
    w_dim = checks.positive_int("w_dim", w_dim)
    checks.positive_int("fmap_base", fmap_base)
    checks.positive_int("fmap_max", fmap_max)
    count = num_ws(size)
    ws = keras.Input((count, w_dim), name="w")
    styles = [layers.StyleSelect(i, name=f"w_{i}")(ws) for i in range(count)]

    def style_layer(x, index, filters, name, upsample=False):
        x = layers.ModulatedConv2D(filters, 3, upsample=upsample, name=name)([x, styles[index]])
        x = layers.NoiseInjection(randomize=randomize_noise, name=f"noise_{name}")(x)
        return _act(f"act_{name}")(x)

    def to_rgb(x, index, resolution):
        return layers.ModulatedConv2D(channels, 1, demodulate=False, name=f"to_rgb_{resolution}")([x, styles[index]])

    x = layers.ConstantInput(width(BASE_SIZE, fmap_base, fmap_max), BASE_SIZE, name="const")(ws)
    x = style_layer(x, 0, width(BASE_SIZE, fmap_base, fmap_max), f"conv_{BASE_SIZE}")
    images = to_rgb(x, 1, BASE_SIZE)
    for resolution in resolutions(size)[1:]:
        r = int(math.log2(resolution))
        filters = width(resolution, fmap_base, fmap_max)
        x = style_layer(x, 2 * r - 5, filters, f"conv_up_{resolution}", upsample=True)
        x = style_layer(x, 2 * r - 4, filters, f"conv_{resolution}")
        upsampled = keras.layers.UpSampling2D(2, interpolation="bilinear", name=f"skip_up_{resolution}")(images)
        images = keras.layers.Add(name=f"skip_{resolution}")([upsampled, to_rgb(x, 2 * r - 3, resolution)])
    return keras.Model(ws, images, name=name)


def generator(latent_dim, image_shape, *, w_dim=512, mapping_layers=8, mapping_lr_multiplier=0.01, fmap_base=16384,
              fmap_max=512, randomize_noise=True, name="stylegan2_generator"):
    """The generator ``z -> images``: mapping, truncation (identity here; it holds w_avg), synthesis.

    Args:
        latent_dim: size of z; the input is named ``"z"``.
        image_shape: ``(size, size, channels)``.
        w_dim: size of w.
        mapping_layers: dense layers of the mapping network.
        mapping_lr_multiplier: their learning-rate multiplier.
        fmap_base: width numerator of the synthesis.
        fmap_max: its widest block.
        randomize_noise: fresh noise on every call.
        name: model name.

    Returns:
        A functional ``keras.Model`` whose layers ``mapping`` and ``synthesis``
        are the two networks and ``truncation`` a :class:`keras_gans.layers.Truncation`.
    """
    size, _, _ = check_image_shape(image_shape)
    mapper = mapping(latent_dim, num_ws(size), w_dim=w_dim, num_layers=mapping_layers,
                     lr_multiplier=mapping_lr_multiplier)
    synthesizer = synthesis(image_shape, w_dim=w_dim, fmap_base=fmap_base, fmap_max=fmap_max,
                            randomize_noise=randomize_noise)
    z = keras.Input((latent_dim,), name="z")
    ws = layers.Truncation(name="truncation")(mapper(z))
    return keras.Model(z, synthesizer(ws), name=name)


def _truncated_ws(generator):
    z = keras.Input(generator.inputs[0].shape[1:], name="z")
    psi = keras.Input(batch_shape=(), name=PSI_INPUT)
    ws = generator.get_layer("truncation")([generator.get_layer("mapping")(z), psi])
    return z, psi, ws


def truncated_mapping(generator, name="mapping_truncated"):
    """``[z, truncation_psi] -> {"w": [N, num_ws, w_dim]}`` from ``generator``'s layers (psi a scalar)."""
    z, psi, ws = _truncated_ws(generator)
    return keras.Model([z, psi], {"w": ws}, name=name)


def truncated_generator(generator, name="generator_truncated"):
    """``[z, truncation_psi] -> images`` from ``generator``'s layers (psi a scalar; 1 = no truncation)."""
    z, psi, ws = _truncated_ws(generator)
    return keras.Model([z, psi], generator.get_layer("synthesis")(ws), name=name)


def discriminator(image_shape, *, fmap_base=16384, fmap_max=512, mbstd_group_size=4, name="stylegan2_discriminator"):
    """The residual discriminator ``images -> logit [N, 1]`` (config E/F).

    Args:
        image_shape: ``(size, size, channels)``, size a power of two >= 4.
        fmap_base: width numerator (16384 for config F).
        fmap_max: the widest block (512).
        mbstd_group_size: group size of the minibatch standard deviation (4),
            over runs of consecutive samples (a replica's share of the batch
            forms the groups one device would).
        name: model name.
    """
    size, _, channels = check_image_shape(image_shape)
    checks.positive_int("fmap_base", fmap_base)
    checks.positive_int("fmap_max", fmap_max)
    images = keras.Input((size, size, channels), name="images")
    x = layers.EqualizedConv2D(width(size, fmap_base, fmap_max), 1, gain=1.0, name="from_rgb")(images)
    x = _act("act_from_rgb")(x)
    for resolution in reversed(resolutions(size)[1:]):
        here, below = width(resolution, fmap_base, fmap_max), width(resolution // 2, fmap_base, fmap_max)
        shortcut = keras.layers.AveragePooling2D(2, name=f"skip_down_{resolution}")(x)
        shortcut = layers.EqualizedConv2D(below, 1, gain=1.0, use_bias=False, name=f"skip_{resolution}")(shortcut)
        x = _act(f"act0_{resolution}")(layers.EqualizedConv2D(here, 3, gain=1.0, name=f"conv0_{resolution}")(x))
        x = layers.EqualizedConv2D(below, 3, gain=1.0, name=f"conv1_{resolution}")(x)
        x = _act(f"act1_{resolution}")(keras.layers.AveragePooling2D(2, name=f"down_{resolution}")(x))
        x = keras.layers.Add(name=f"residual_{resolution}")([x, shortcut])
        x = keras.layers.Rescaling(1.0 / math.sqrt(2.0), name=f"residual_scale_{resolution}")(x)
    x = layers.MinibatchStdDev(mbstd_group_size, contiguous_groups=True, name="minibatch_stddev")(x)
    x = _act("act_epilogue")(layers.EqualizedConv2D(width(BASE_SIZE, fmap_base, fmap_max), 3, gain=1.0,
                                                     name="conv_epilogue")(x))
    x = keras.layers.Flatten(name="features")(x)
    x = _act("act_dense")(layers.EqualizedDense(min(fmap_base, fmap_max), gain=1.0, name="dense")(x))
    logits = layers.EqualizedDense(1, gain=1.0, name="logit")(x)
    return keras.Model(images, logits, name=name)
