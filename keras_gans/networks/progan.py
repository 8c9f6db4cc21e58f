"""ProGAN's growing players (Karras et al. 2018, "Progressive Growing of GANs", appendix A.1, Table 2).

Both players hold one block per resolution from 4x4 to the image size,
doubling. G: z (pixel-normalized) -> a dense layer to a 4x4 map -> blocks of
nearest-neighbour upsampling and two 3x3 convolutions, each followed by
LeakyReLU(0.2) and pixel norm; a 1x1 toRGB (linear, no tanh) per
resolution. D mirrors it: a 1x1 fromRGB per resolution, blocks of two 3x3
convolutions and 2x2 average pooling, and a 4x4 block with the minibatch
standard deviation, a 3x3 convolution and two dense layers to one linear
score. Every layer has an equalized learning rate (gain sqrt(2), 1 for the
linear outputs, sqrt(2)/4 for G's first dense layer as in the authors' code).
Widths are ``min(2 * fmap_base / resolution, fmap_max)``: 512 up to 32x32,
then halving, with the paper's ``fmap_base=8192, fmap_max=512``.

:func:`generator` and :func:`discriminator` return the networks at every
resolution at once (G: one image per resolution; D: one score per
resolution's input), which is what a checkpoint, a ``.keras`` file and G's
moving average hold. :func:`grown_generator` and :func:`grown_discriminator`
build, from the same layers, the networks of one stage of the growth with
the fade-in of Fig. 2: inputs ``[z or images, alpha]``.

With ``num_classes`` both players are class-conditional as in the authors'
code (their ``label_size``, the AC-GAN form of Odena et al. 2017): G takes
``labels`` beside z, and D's last layer gives class logits after the score.
"""

import math

import keras

from keras_gans import checks, layers
from keras_gans.layers.equalized import HE_GAIN

FIRST_DENSE_GAIN = math.sqrt(2.0) / 4  # the authors' gain for z -> 4x4 (a Theano "full" 4x4 conv's fan-in)
BASE_SIZE = 4


def check_image_shape(image_shape):
    """``(size, size, channels)``, size a power of two >= 4, or a ValueError naming ``image_shape``."""
    dims = tuple(image_shape) if isinstance(image_shape, (tuple, list)) else None
    valid = (dims is not None and len(dims) == 3 and all(checks.is_int(d) and d > 0 for d in dims)
             and dims[0] == dims[1] and dims[0] >= BASE_SIZE and dims[0] & (dims[0] - 1) == 0)
    if not valid:
        raise ValueError(f"`image_shape` must be (size, size, channels) with size a power of two >= {BASE_SIZE}; "
                         f"received image_shape={image_shape!r}.")
    return tuple(int(d) for d in dims)


def resolutions(size):
    """``[4, 8, ..., size]``: the stages of the growth."""
    return [BASE_SIZE * 2 ** i for i in range(int(math.log2(size // BASE_SIZE)) + 1)]


def width(resolution, fmap_base=8192, fmap_max=512):
    """Channels of the blocks at ``resolution``: ``min(2 * fmap_base / resolution, fmap_max)``, at least 1."""
    return max(1, min(2 * fmap_base // resolution, fmap_max))


def _check_widths(fmap_base, fmap_max):
    return checks.positive_int("fmap_base", fmap_base), checks.positive_int("fmap_max", fmap_max)


def _conv(filters, name, kernel_size=3, gain=HE_GAIN):
    return layers.EqualizedConv2D(filters, kernel_size, gain=gain, name=name)


def _activation(name):
    return keras.layers.LeakyReLU(0.2, name=name)


def check_num_classes(num_classes):
    """None (unconditional) or a class count >= 2, else a ValueError naming ``num_classes``."""
    return None if num_classes is None else checks.positive_int("num_classes", num_classes, minimum=2)


def _latent(generator, inputs):
    """z (with the one-hot label beside it in a conditional G), pixel-normalized when G does."""
    names = {layer.name for layer in generator.layers}
    x = inputs[0]
    if len(inputs) == 2:
        one_hot = generator.get_layer("labels_one_hot")(inputs[1])
        x = generator.get_layer("z_and_labels")([x, one_hot])
    return generator.get_layer("latent_norm")(x) if "latent_norm" in names else x


def generator(latent_dim, image_shape, *, fmap_base=8192, fmap_max=512, normalize_latents=True, num_classes=None,
              name="progan_generator"):
    """The growing generator: ``z`` (or ``[z, labels]``) ``-> [image at 4x4, image at 8x8, ..., image at size]``.

    Args:
        latent_dim: size of z; the input is named ``"z"`` (512 in the paper).
        image_shape: ``(size, size, channels)``, size a power of two >= 4.
        fmap_base: width numerator (8192 in the paper).
        fmap_max: the widest block (512 in the paper).
        normalize_latents: pixel-normalize z first (the paper's points on a hypersphere).
        num_classes: None, or K for a class-conditional G as in the authors'
            code: a second input ``labels`` (int32 ``[N]``) whose one-hot
            vector is concatenated to z before the pixel norm.
        name: model name.

    Returns:
        A functional ``keras.Model`` with one output per resolution, each the
        stage's image with its block fully faded in. Layers: ``latent_norm``,
        ``block_<r>`` and ``to_rgb_<r>`` for every resolution r (and
        ``labels_one_hot``, ``z_and_labels`` when conditional).
    """
    latent_dim = checks.positive_int("latent_dim", latent_dim)
    size, _, channels = check_image_shape(image_shape)
    fmap_base, fmap_max = _check_widths(fmap_base, fmap_max)
    normalize_latents = checks.boolean("normalize_latents", normalize_latents)
    num_classes = check_num_classes(num_classes)
    inputs = [keras.Input((latent_dim,), name="z")]
    x = inputs[0]
    if num_classes:
        inputs.append(keras.Input((), dtype="int32", name="labels"))
        one_hot = layers.ClassOneHot(num_classes, name="labels_one_hot")(inputs[1])
        x = keras.layers.Concatenate(name="z_and_labels")([x, one_hot])
    x = layers.PixelNorm(name="latent_norm")(x) if normalize_latents else x
    outputs = []
    for resolution in resolutions(size):
        filters = width(resolution, fmap_base, fmap_max)
        if resolution == BASE_SIZE:
            steps = [layers.EqualizedDense(BASE_SIZE * BASE_SIZE * filters, gain=FIRST_DENSE_GAIN, name="dense"),
                     keras.layers.Reshape((BASE_SIZE, BASE_SIZE, filters), name="to_map")]
        else:
            steps = [keras.layers.UpSampling2D(2, interpolation="nearest", name="upsample"),
                     _conv(filters, "conv0")]
        steps += [_activation("act0"), layers.PixelNorm(name="norm0"),
                  _conv(filters, "conv1"), _activation("act1"), layers.PixelNorm(name="norm1")]
        x = keras.Sequential(steps, name=f"block_{resolution}")(x)
        outputs.append(_conv(channels, f"to_rgb_{resolution}", kernel_size=1, gain=1.0)(x))
    return keras.Model(inputs if num_classes else inputs[0], outputs, name=name)


def discriminator(image_shape, *, fmap_base=8192, fmap_max=512, mbstd_group_size=4, num_classes=None,
                  name="progan_discriminator"):
    """The growing discriminator: ``[images at 4x4, ..., images at size] -> [score of each]``.

    Args:
        image_shape: ``(size, size, channels)``, size a power of two >= 4.
        fmap_base: width numerator (8192 in the paper).
        fmap_max: the widest block (512 in the paper).
        mbstd_group_size: group size of the minibatch standard deviation (4
            in the authors' code; the paper's whole minibatch is a group as
            large as the batch). Groups are runs of consecutive samples, so a
            replica's share of the batch forms the groups one device would.
        num_classes: None, or K for the authors' conditional D: the last dense
            layer gives K class logits after the score.
        name: model name.

    Returns:
        A functional ``keras.Model`` with inputs ``images_<r>`` and one raw
        score ``[N, 1]`` (``[N, 1 + K]``: score, then class logits) per
        resolution. Layers: ``from_rgb_<r>`` for every resolution,
        ``block_<r>`` for r >= 8 (to r / 2) and ``block_4`` (the minibatch
        stddev and the score).
    """
    size, _, channels = check_image_shape(image_shape)
    fmap_base, fmap_max = _check_widths(fmap_base, fmap_max)
    num_classes = check_num_classes(num_classes)
    sizes = resolutions(size)
    inputs = [keras.Input((r, r, channels), name=f"images_{r}") for r in sizes]
    from_rgb = {r: keras.Sequential([_conv(width(r, fmap_base, fmap_max), "conv", kernel_size=1), _activation("act")],
                                    name=f"from_rgb_{r}") for r in sizes}
    blocks = {r: keras.Sequential([_conv(width(r, fmap_base, fmap_max), "conv0"), _activation("act0"),
                                   _conv(width(r // 2, fmap_base, fmap_max), "conv1"), _activation("act1"),
                                   keras.layers.AveragePooling2D(2, name="downsample")], name=f"block_{r}")
              for r in sizes[1:]}
    blocks[BASE_SIZE] = keras.Sequential([
        layers.MinibatchStdDev(mbstd_group_size, contiguous_groups=True, name="minibatch_stddev"),
        _conv(width(BASE_SIZE, fmap_base, fmap_max), "conv"), _activation("act0"),
        keras.layers.Flatten(name="flatten"),
        layers.EqualizedDense(min(fmap_base, fmap_max), name="dense"), _activation("act1"),
        layers.EqualizedDense(1 + (num_classes or 0), gain=1.0, name="score")], name=f"block_{BASE_SIZE}")
    scores = []
    for r, images in zip(sizes, inputs):
        h = from_rgb[r](images)
        for q in reversed([s for s in sizes if s <= r]):
            h = blocks[q](h)
        scores.append(h)
    return keras.Model(inputs, scores, name=name)


def stage_resolutions(network):
    """The resolutions a growing network of this module (or its clone) holds, ``[4, 8, ..., size]``.

    Raises:
        ValueError: naming ``network`` when it has no ``to_rgb_<r>`` (G) or ``from_rgb_<r>`` (D) layers from 4.
    """
    for prefix in ("to_rgb_", "from_rgb_"):
        found = sorted(int(layer.name[len(prefix):]) for layer in getattr(network, "layers", [])
                       if layer.name.startswith(prefix))
        if found and found == resolutions(found[-1]):
            return found
    raise ValueError(f"`network` must be a growing network of keras_gans.networks.progan (layers to_rgb_<r> or "
                     f"from_rgb_<r> for r = 4, 8, ...); received {getattr(network, 'name', network)!r}.")


def _check_stage(resolution, sizes):
    if resolution not in sizes:
        raise ValueError(f"`resolution` must be one of the network's {sizes}; received resolution={resolution!r}.")


def grown_generator(generator, resolution, name=None):
    """G at one stage of the growth: ``[z, alpha]`` (``[z, labels, alpha]``) ``-> images [N, r, r, C]``.

    At 4x4 alpha is unused. Above it the image is the fade-in of Fig. 2,
    ``(1 - alpha) * upsample(toRGB_{r/2}(x_{r/2})) + alpha * toRGB_r(x_r)``,
    with nearest-neighbour upsampling; alpha = 1 is the stage's output of
    :func:`generator`.

    Args:
        generator: a network made by :func:`generator` (or its clone).
        resolution: the stage's image size.
        name: model name (default ``<generator>_<resolution>``).

    Returns:
        A functional ``keras.Model`` sharing ``generator``'s layers, inputs
        ``generator``'s (``z``, and ``labels`` when conditional) and the scalar ``alpha``.
    """
    sizes = stage_resolutions(generator)
    _check_stage(resolution, sizes)
    inputs = [keras.Input(tensor.shape[1:], dtype=tensor.dtype, name=tensor.name) for tensor in generator.inputs]
    alpha = keras.Input(batch_shape=(), name="alpha")
    x = _latent(generator, inputs)
    previous = None
    for r in [s for s in sizes if s <= resolution]:
        previous, x = x, generator.get_layer(f"block_{r}")(x)
    images = generator.get_layer(f"to_rgb_{resolution}")(x)
    if resolution > BASE_SIZE:
        old = generator.get_layer(f"to_rgb_{resolution // 2}")(previous)
        old = keras.layers.UpSampling2D(2, interpolation="nearest", name="fade_upsample")(old)
        images = layers.FadeIn(name="fade_in")([old, images, alpha])
    return keras.Model([*inputs, alpha], images, name=name or f"{generator.name}_{resolution}")


def grown_discriminator(discriminator, resolution, name=None):
    """D at one stage of the growth: ``[images [N, r, r, C], alpha] -> score [N, 1]``.

    Above 4x4 the features entering the next block are the fade-in of Fig. 2,
    ``(1 - alpha) * fromRGB_{r/2}(avgpool(images)) + alpha * block_r(fromRGB_r(images))``;
    alpha = 1 is the stage's score of :func:`discriminator`.

    Args:
        discriminator: a network made by :func:`discriminator`.
        resolution: the stage's image size.
        name: model name (default ``<discriminator>_<resolution>``).

    Returns:
        A functional ``keras.Model`` sharing ``discriminator``'s layers, inputs ``images`` and the scalar ``alpha``.
    """
    sizes = stage_resolutions(discriminator)
    _check_stage(resolution, sizes)
    stage_input = next(tensor for tensor in discriminator.inputs if tensor.name == f"images_{resolution}")
    images = keras.Input(tuple(stage_input.shape[1:]), name="images")
    alpha = keras.Input(batch_shape=(), name="alpha")
    h = discriminator.get_layer(f"block_{resolution}")(discriminator.get_layer(f"from_rgb_{resolution}")(images))
    if resolution > BASE_SIZE:
        old = keras.layers.AveragePooling2D(2, name="fade_downsample")(images)
        old = discriminator.get_layer(f"from_rgb_{resolution // 2}")(old)
        h = layers.FadeIn(name="fade_in")([old, h, alpha])
    for r in reversed([s for s in sizes if s < resolution]):
        h = discriminator.get_layer(f"block_{r}")(h)
    return keras.Model([images, alpha], h, name=name or f"{discriminator.name}_{resolution}")
