"""BigGAN's players (Brock et al. 2019), with SAGAN's self-attention (Zhang et al. 2019).

Widths follow the authors' code: block channels are multiples of ``channels``
(``ch``, 96 at 128 px in the paper) listed per resolution in
:data:`GENERATOR_PLANS` and :data:`DISCRIMINATOR_PLANS`.

* :func:`generator` ``[z, labels] -> images``: z split into one chunk per
  block plus one (hierarchical latent); the first chunk feeds a linear layer
  to a 4x4 map (with ``class_input``, concatenated to the class embedding
  first, as BigGAN-deep's input layer), each later one is concatenated to
  the shared class embedding and drives both conditional batch norms of a
  residual up-block (BN-ReLU-up-conv3-BN-ReLU-conv3, shortcut up-conv1);
  self-attention after the block that reaches ``attention_resolution``;
  BN-ReLU-conv3-tanh.
* :func:`discriminator` ``[images, labels] -> logit``: residual down-blocks
  (the first without a leading ReLU and with a pool-then-conv shortcut),
  self-attention at the same resolution, ReLU, global sum pooling and the
  projection head ``linear(h) + <embed(y), h>`` (Miyato & Koyama 2018);
  with ``trunk="pooled"``, 3x3 convolutions and max pools at every resolution
  (the shapes judge's trunk) and the flattened 4x4 map instead of the blocks;
  with ``"pooled_sum"``, those maps through ReLU and global sum pooling.

Every convolution and linear layer, the CBN projections and D's embedding are
spectrally normalized (:mod:`keras_gans.layers.spectral`); G's shared
embedding is not. Weights start orthogonal. G's batch norms are cross-replica
(``synchronized``), as in the paper, so a replicated step equals one device's.
"""

import keras

from keras_gans import checks, layers
from keras_gans.networks import attributes
from keras_gans.networks.conditional import labels_input

# resolution: (input channel multipliers, output channel multipliers) of G's blocks; each doubles the size from 4.
GENERATOR_PLANS = {
    16: ((4, 4), (4, 4)),
    32: ((4, 4, 4), (4, 4, 4)),
    64: ((16, 16, 8, 4), (16, 8, 4, 2)),
    128: ((16, 16, 8, 4, 2), (16, 8, 4, 2, 1)),
    256: ((16, 16, 8, 8, 4, 2), (16, 8, 8, 4, 2, 1)),
}
# resolution: (output channel multipliers, downsampling) of D's blocks.
DISCRIMINATOR_PLANS = {
    16: ((4, 4, 4), (True, False, False)),
    32: ((4, 4, 4, 4), (True, True, False, False)),
    64: ((1, 2, 4, 8, 16), (True, True, True, True, False)),
    128: ((1, 2, 4, 8, 16, 16), (True, True, True, True, True, False)),
    256: ((1, 2, 4, 8, 8, 16, 16), (True, True, True, True, True, True, False)),
}
BOTTOM_SIZE = 4
BN_MOMENTUM, BN_EPSILON = 0.9, 1e-5  # the authors' code: PyTorch momentum 0.1, eps 1e-5
INITIALIZER = "orthogonal"


def _image_size(image_shape):
    shape = checks.image_shape(image_shape)
    if shape[0] != shape[1] or shape[0] not in GENERATOR_PLANS:
        raise ValueError(f"BigGAN networks are defined for square images of sizes {sorted(GENERATOR_PLANS)}; received "
                         f"image_shape={tuple(image_shape)}.")
    return shape


def attention_sizes(image_size):
    """The resolutions where G and D both have a block output (where attention can go)."""
    generator_sizes = {BOTTOM_SIZE * 2 ** (i + 1) for i in range(len(GENERATOR_PLANS[image_size][0]))}
    size, discriminator_sizes = image_size, set()
    for downsample in DISCRIMINATOR_PLANS[image_size][1]:
        size //= 2 if downsample else 1
        discriminator_sizes.add(size)
    return sorted(generator_sizes & discriminator_sizes)


def _check_attention(attention_resolution, image_size):
    allowed = attention_sizes(image_size)
    if attention_resolution and attention_resolution not in allowed:
        raise ValueError(f"`attention_resolution` must be 0 (none) or one of {allowed} at {image_size} px; "
                         f"received attention_resolution={attention_resolution!r}.")


def _conv(filters, kernel_size, name):
    return layers.SNConv2D(filters, kernel_size, padding="same", kernel_initializer=INITIALIZER, name=name)


def _cbn(name):
    return layers.ConditionalBatchNorm(momentum=BN_MOMENTUM, epsilon=BN_EPSILON, kernel_initializer=INITIALIZER,
                                       name=name)


def generator_block(x, condition, filters, name):
    """BigGAN's residual up-block (Fig. 15b): conditional BN-ReLU-up-conv twice, up-conv1 shortcut."""
    h = keras.layers.ReLU(name=f"{name}_relu1")(_cbn(f"{name}_cbn1")([x, condition]))
    h = keras.layers.UpSampling2D(2, name=f"{name}_up")(h)
    h = _conv(filters, 3, f"{name}_conv1")(h)
    h = keras.layers.ReLU(name=f"{name}_relu2")(_cbn(f"{name}_cbn2")([h, condition]))
    h = _conv(filters, 3, f"{name}_conv2")(h)
    shortcut = keras.layers.UpSampling2D(2, name=f"{name}_shortcut_up")(x)
    shortcut = _conv(filters, 1, f"{name}_shortcut")(shortcut)
    return keras.layers.Add(name=f"{name}_add")([h, shortcut])


def generator(latent_dim, image_shape, num_classes, *, channels=96, shared_dim=128, hierarchical=True,
              class_input=False, attention_resolution=64, name="biggan_generator"):
    """Builds BigGAN's generator ``[z, labels] -> images`` in [-1, 1].

    Args:
        latent_dim: size of z; with ``hierarchical`` a multiple of the number
            of blocks + 1 (120 = 6 x 20 at 128 px).
        image_shape: ``(size, size, channels)``, size a key of :data:`GENERATOR_PLANS`.
        num_classes: K.
        channels: width multiplier ch.
        shared_dim: size of the shared class embedding (128); 0 conditions
            every block on the one-hot class instead (the authors' CIFAR model).
        hierarchical: split z across the blocks; False feeds all of z to the
            input layer and the class alone to the blocks.
        class_input: also feed the class embedding to the input layer, so
            the 4x4 map depends on the class (BigGAN-deep, Brock et al. 2019
            appendix B); False: the class enters through the batch norms only.
        attention_resolution: where self-attention goes (0 = nowhere).
        name: model name.

    Returns:
        A functional ``keras.Model`` with inputs ``z`` and ``labels``.
    """
    size, _, out_channels = _image_size(image_shape)
    in_mult, out_mult = GENERATOR_PLANS[size]
    checks.positive_int("channels", channels)
    checks.integer("shared_dim", shared_dim, minimum=0)
    checks.positive_int("num_classes", num_classes, minimum=2)
    _check_attention(attention_resolution, size)
    num_chunks = len(in_mult) + 1
    if hierarchical and (checks.positive_int("latent_dim", latent_dim) % num_chunks):
        raise ValueError(f"A hierarchical z at {size} px is split into {num_chunks} chunks, so `latent_dim` must be "
                         f"a multiple of {num_chunks}; received latent_dim={latent_dim!r}.")
    z = keras.Input((latent_dim,), name="z")
    labels = labels_input()
    if shared_dim:
        embedded = keras.layers.Embedding(num_classes, shared_dim, embeddings_initializer=INITIALIZER,
                                          name="shared_embedding")(labels)
    else:
        embedded = layers.ClassOneHot(num_classes, name="labels_one_hot")(labels)
    if hierarchical:
        chunks = layers.LatentChunks(num_chunks, name="z_chunks")(z)
        first = chunks[0]
        conditions = [keras.layers.Concatenate(name=f"block{i + 1}_condition")([embedded, chunk])
                      for i, chunk in enumerate(chunks[1:])]
    else:
        first, conditions = z, [embedded] * len(in_mult)
    if class_input:
        first = keras.layers.Concatenate(name="input_condition")([embedded, first])
    x = layers.SNDense(BOTTOM_SIZE * BOTTOM_SIZE * in_mult[0] * channels, kernel_initializer=INITIALIZER,
                       name="input_linear")(first)
    x = keras.layers.Reshape((BOTTOM_SIZE, BOTTOM_SIZE, in_mult[0] * channels), name="input_map")(x)
    resolution = BOTTOM_SIZE
    for i, multiplier in enumerate(out_mult):
        x = generator_block(x, conditions[i], multiplier * channels, f"block{i + 1}")
        resolution *= 2
        if resolution == attention_resolution:
            x = layers.SelfAttention(kernel_initializer=INITIALIZER, name="attention")(x)
    x = keras.layers.BatchNormalization(momentum=BN_MOMENTUM, epsilon=BN_EPSILON, synchronized=True,
                                        name="output_bn")(x)
    x = keras.layers.ReLU(name="output_relu")(x)
    x = _conv(out_channels, 3, "output_conv")(x)
    images = keras.layers.Activation("tanh", dtype="float32", name="images")(x)
    return keras.Model([z, labels], images, name=name)


def discriminator_block(x, filters, downsample, first, name):
    """BigGAN's residual down-block (Fig. 15c); the first block sees the image without a ReLU."""
    h = x if first else keras.layers.ReLU(name=f"{name}_relu1")(x)
    h = _conv(filters, 3, f"{name}_conv1")(h)
    h = keras.layers.ReLU(name=f"{name}_relu2")(h)
    h = _conv(filters, 3, f"{name}_conv2")(h)
    if downsample:
        h = keras.layers.AveragePooling2D(2, name=f"{name}_pool")(h)
    if first:  # pool, then convolve (SNGAN's optimized first block)
        shortcut = keras.layers.AveragePooling2D(2, name=f"{name}_shortcut_pool")(x) if downsample else x
        shortcut = _conv(filters, 1, f"{name}_shortcut")(shortcut)
    elif downsample or x.shape[-1] != filters:
        shortcut = _conv(filters, 1, f"{name}_shortcut")(x)
        if downsample:
            shortcut = keras.layers.AveragePooling2D(2, name=f"{name}_shortcut_pool")(shortcut)
    else:
        shortcut = x
    return keras.layers.Add(name=f"{name}_add")([h, shortcut])


def _pooled_maps(images, channels, attention_resolution):
    """3x3 convolutions (LeakyReLU 0.2) and 2x2 max pools at every resolution down to 4x4."""
    x, resolution, filters, block = images, int(images.shape[1]), 4 * channels, 0
    while resolution > BOTTOM_SIZE:
        block, resolution = block + 1, resolution // 2
        x = _conv(filters, 3, f"pooled{block}_conv")(x)
        x = keras.layers.LeakyReLU(0.2, name=f"pooled{block}_leaky_relu")(x)
        x = keras.layers.MaxPooling2D(name=f"pooled{block}_pool")(x)
        if resolution == attention_resolution:
            x = layers.SelfAttention(kernel_initializer=INITIALIZER, name="attention")(x)
        filters *= 2
    return x


def pooled_trunk(images, channels, attention_resolution):
    """The shapes judge's trunk (:mod:`keras_gans.networks.attributes`) with BigGAN's spectral norm, flattened.

    3x3 convolutions and 2x2 max pools at every resolution down to 4x4: it
    tells outlines apart in far fewer steps than the residual blocks, whose
    average pools blur them. Widths double from ``4 * channels``;
    self-attention follows the pool that reaches ``attention_resolution``.
    """
    return keras.layers.Flatten(name="features")(_pooled_maps(images, channels, attention_resolution))


def pooled_sum_trunk(images, channels, attention_resolution):
    """:func:`pooled_trunk`'s 4x4 maps read as the paper's heads read theirs: ReLU and global sum pooling.

    The flattened map ties each class's projection to the cells of the 4x4
    grid; summed over positions, the projection reads a shape wherever it lies.
    """
    return attributes.relu_sum_pool(_pooled_maps(images, channels, attention_resolution))


def residual_trunk(images, channels, attention_resolution):
    """BigGAN's residual down-blocks of :data:`DISCRIMINATOR_PLANS`, ReLU and global sum pooling."""
    size = int(images.shape[1])
    out_mult, downsampling = DISCRIMINATOR_PLANS[size]
    x, resolution = images, size
    for i, (multiplier, downsample) in enumerate(zip(out_mult, downsampling)):
        x = discriminator_block(x, multiplier * channels, downsample, i == 0, f"block{i + 1}")
        resolution //= 2 if downsample else 1
        if resolution == attention_resolution and i == _first_at(downsampling, size, attention_resolution):
            x = layers.SelfAttention(kernel_initializer=INITIALIZER, name="attention")(x)
    return attributes.relu_sum_pool(x)


TRUNKS = {"residual": residual_trunk, "pooled": pooled_trunk, "pooled_sum": pooled_sum_trunk}


def discriminator(image_shape, num_classes, *, channels=96, attention_resolution=64, trunk="residual",
                  name="biggan_discriminator"):
    """Builds BigGAN's projection discriminator ``[images, labels] -> logit [N, 1]``.

    Args:
        image_shape: ``(size, size, channels)``, size a key of :data:`DISCRIMINATOR_PLANS`.
        num_classes: K.
        channels: width multiplier ch.
        attention_resolution: where self-attention goes (0 = nowhere).
        trunk: the features the heads read, a key of :data:`TRUNKS`: the
            paper's ``"residual"`` blocks, the ``"pooled"`` trunk or ``"pooled_sum"``.
        name: model name.

    Returns:
        A functional ``keras.Model`` with inputs ``images`` and ``labels``.
    """
    shape = _image_size(image_shape)
    checks.positive_int("channels", channels)
    checks.positive_int("num_classes", num_classes, minimum=2)
    checks.one_of("trunk", trunk, sorted(TRUNKS))
    _check_attention(attention_resolution, shape[0])
    images = keras.Input(shape, name="images")
    labels = labels_input()
    features = TRUNKS[trunk](images, channels, attention_resolution)
    unconditional = layers.SNDense(1, kernel_initializer=INITIALIZER, name="linear_logit")(features)
    projection = layers.ClassProjection(num_classes, name="projection")([features, labels])
    logit = keras.layers.Add(dtype="float32", name="logit")([unconditional, projection])
    return keras.Model([images, labels], logit, name=name)


def _first_at(downsampling, size, resolution):
    """The index of D's first block whose output has ``resolution``."""
    for i, downsample in enumerate(downsampling):
        size //= 2 if downsample else 1
        if size == resolution:
            return i
    return -1
