"""ResNet generator and discriminator of WGAN-GP and SNGAN.

Gulrajani et al. 2017 ("Improved Training of Wasserstein GANs", appendix F)
and Miyato et al. 2018 ("Spectral Normalization for Generative Adversarial
Networks", appendix B.4) train CIFAR-10 with the same residual players:

- G: z -> dense 4x4xF -> n up-blocks (BN, ReLU, nearest 2x upsampling,
  conv3x3, BN, ReLU, conv3x3, plus a 1x1-conv shortcut of the upsampled
  input) -> BN, ReLU, conv3x3, tanh. For 32x32 images n = 3.
- D: an "optimized" first block (conv3x3, ReLU, conv3x3, 2x2 average pool;
  shortcut: pool then 1x1 conv), down-blocks (ReLU, conv3x3, ReLU, conv3x3,
  pool; shortcut: 1x1 conv then pool) down to 8x8, two blocks that keep the
  size, ReLU, global sum pooling (the layer ``"features"``) and one linear
  unit. No batch norm in D (WGAN-GP's critic must not have it); SNGAN
  spectrally normalizes every convolution and the output layer.

Any square power-of-two size from 8 to 256 works.
"""

import math

import keras

from keras_gans import checks, layers
from keras_gans.networks import dcgan

BASE_SIZE = 4  # side of G's first map
D_NORMALIZATIONS = (None, "layer")


def _generator_block(x, filters, name):
    shortcut = keras.layers.UpSampling2D(2, name=f"{name}_shortcut_up")(x)
    shortcut = keras.layers.Conv2D(filters, 1, name=f"{name}_shortcut_conv")(shortcut)
    h = keras.layers.BatchNormalization(name=f"{name}_bn_1")(x)
    h = keras.layers.ReLU(name=f"{name}_relu_1")(h)
    h = keras.layers.UpSampling2D(2, name=f"{name}_up")(h)
    h = keras.layers.Conv2D(filters, 3, padding="same", name=f"{name}_conv_1")(h)
    h = keras.layers.BatchNormalization(name=f"{name}_bn_2")(h)
    h = keras.layers.ReLU(name=f"{name}_relu_2")(h)
    h = keras.layers.Conv2D(filters, 3, padding="same", name=f"{name}_conv_2")(h)
    return keras.layers.Add(name=f"{name}_add")([shortcut, h])


def generator(latent_dim, image_shape, *, filters=128, dropout=0.0, name="resnet_generator"):
    """Builds the ResNet generator ``z -> images`` in [-1, 1].

    Args:
        latent_dim: size of z; the input is named ``"z"``.
        image_shape: ``(size, size, channels)``, size a power of two in [8, 256].
        filters: channels of every block (128 in WGAN-GP, 256 in SNGAN).
        dropout: dropout rate after every block (the "dropout in G" hack,
            Isola et al. 2017 and Chintala's GAN hacks: noise through dropout).
            It is active when G runs in training mode, as in every train step.
        name: model name.

    Returns:
        A functional ``keras.Model`` with output ``[N, size, size, channels]``.
    """
    latent_dim = checks.positive_int("latent_dim", latent_dim)
    filters = checks.positive_int("filters", filters)
    dropout = checks.rate("dropout", dropout)
    size, _, channels = dcgan.check_image_shape(image_shape)
    z = keras.Input((latent_dim,), name="z")
    x = keras.layers.Dense(BASE_SIZE * BASE_SIZE * filters, name="project")(z)
    x = keras.layers.Reshape((BASE_SIZE, BASE_SIZE, filters), name="project_reshape")(x)  # [N, 4, 4, F]
    for i in range(int(math.log2(size // BASE_SIZE))):
        x = _generator_block(x, filters, name=f"up_{i + 1}")
        if dropout:
            x = layers.Dropout(dropout, name=f"up_{i + 1}_dropout")(x)
    x = keras.layers.BatchNormalization(name="out_bn")(x)
    x = keras.layers.ReLU(name="out_relu")(x)
    x = keras.layers.Conv2D(channels, 3, padding="same", name="to_images")(x)
    images = keras.layers.Activation("tanh", name="tanh")(x)
    return keras.Model(z, images, name=name)


def _conv(filters, kernel_size, spectral_norm, name):
    conv = keras.layers.Conv2D(filters, kernel_size, padding="same", name=name)
    return keras.layers.SpectralNormalization(conv, name=f"{name}_sn") if spectral_norm else conv


def _pre_activation(x, normalization, name):
    if normalization == "layer":
        x = keras.layers.LayerNormalization(name=f"{name}_layer_norm")(x)
    return keras.layers.ReLU(name=f"{name}_relu")(x)


def _discriminator_block(x, filters, *, first, downsample, spectral_norm, normalization, name):
    """One residual block of D; ``first`` is the optimized block that sees the images."""
    if first:
        h = _conv(filters, 3, spectral_norm, f"{name}_conv_1")(x)
        h = _pre_activation(h, normalization, f"{name}_mid")
        h = _conv(filters, 3, spectral_norm, f"{name}_conv_2")(h)
        h = keras.layers.AveragePooling2D(2, name=f"{name}_pool")(h)
        shortcut = keras.layers.AveragePooling2D(2, name=f"{name}_shortcut_pool")(x)
        shortcut = _conv(filters, 1, spectral_norm, f"{name}_shortcut_conv")(shortcut)
        return keras.layers.Add(name=f"{name}_add")([shortcut, h])
    h = _pre_activation(x, normalization, f"{name}_in")
    h = _conv(filters, 3, spectral_norm, f"{name}_conv_1")(h)
    h = _pre_activation(h, normalization, f"{name}_mid")
    h = _conv(filters, 3, spectral_norm, f"{name}_conv_2")(h)
    shortcut = x
    if downsample or x.shape[-1] != filters:
        shortcut = _conv(filters, 1, spectral_norm, f"{name}_shortcut_conv")(shortcut)
    if downsample:
        h = keras.layers.AveragePooling2D(2, name=f"{name}_pool")(h)
        shortcut = keras.layers.AveragePooling2D(2, name=f"{name}_shortcut_pool")(shortcut)
    return keras.layers.Add(name=f"{name}_add")([shortcut, h])


def discriminator(image_shape, *, filters=128, spectral_norm=False, normalization=None,
                  name="resnet_discriminator"):
    """Builds the ResNet discriminator (critic) ``images -> logit``.

    Args:
        image_shape: ``(size, size, channels)``, size a power of two in [8, 256].
        filters: channels of every block (128 in both papers' CIFAR-10 models).
        spectral_norm: spectrally normalize every convolution and the output
            layer (SNGAN).
        normalization: None (WGAN-GP's and SNGAN's CIFAR critics) or
            ``"layer"``, layer normalization before each ReLU of the residual
            path (WGAN-GP's suggested replacement for batch norm, section 4).
        name: model name.

    Returns:
        A functional ``keras.Model`` with input ``"images"`` and a raw logit
        ``[N, 1]``; its layer ``"features"`` is the global sum-pooled last map.
    """
    size, _, _ = dcgan.check_image_shape(image_shape)
    filters = checks.positive_int("filters", filters)
    checks.boolean("spectral_norm", spectral_norm)
    checks.one_of("normalization", normalization, D_NORMALIZATIONS)
    images = keras.Input((size, size, image_shape[2]), name="images")
    downsamples = max(1, int(math.log2(size // 8)))  # to 8x8 (to 4x4 for 8x8 images)
    x = _discriminator_block(images, filters, first=True, downsample=True, spectral_norm=spectral_norm,
                             normalization=normalization, name="block_1")
    for i in range(1, downsamples):
        x = _discriminator_block(x, filters, first=False, downsample=True, spectral_norm=spectral_norm,
                                 normalization=normalization, name=f"block_{i + 1}")
    for i in range(downsamples, downsamples + 2):
        x = _discriminator_block(x, filters, first=False, downsample=False, spectral_norm=spectral_norm,
                                 normalization=normalization, name=f"block_{i + 1}")
    x = keras.layers.ReLU(name="out_relu")(x)
    side = x.shape[1]
    x = keras.layers.GlobalAveragePooling2D(name="global_pool")(x)  # [N, h, w, F] -> [N, F]
    features = keras.layers.Rescaling(float(side * side), name="features")(x)  # mean * h * w = sum
    output = keras.layers.Dense(1, name="logit")
    if spectral_norm:
        output = keras.layers.SpectralNormalization(output, name="logit_sn")
    return keras.Model(images, output(features), name=name)
