"""The players of text-to-image GANs (Reed et al. 2016, "Generative Adversarial Text to Image Synthesis").

Figure 2 of the paper: the text embedding phi(t) is projected by a fully
connected layer to 128 dimensions with a leaky ReLU, in each player
separately;

* :func:`generator`: ``[z, text_embedding] -> images``; the projection is
  concatenated to z and a DCGAN generator (Radford et al. 2016) does the rest
  (the paper's 1x1 -> 4x4 deconvolution is DCGAN's projection of z);
* :func:`discriminator`: ``[images, text_embedding] -> logit``; DCGAN's
  strided convolutions bring the image down to 4x4, the projection is
  replicated spatially to 4x4 and depth-concatenated, then a 1x1 convolution
  with a leaky ReLU and a 4x4 convolution give the score (a raw logit).
  ``trunk="pooled"`` brings the image down with 3x3 convolutions and max
  pools instead (:func:`pooled_trunk`), which tell small outlines apart far
  sooner (the shapes judge's trunk).

The inputs are named ``z``, ``text_embedding`` and ``images``, so an exported
generator serves ``z`` and ``text_embedding``.
"""

import keras

from keras_gans import checks, layers
from keras_gans.networks import attributes, dcgan

PROJECTION_DIM = 128  # the paper's projection of phi(t), in both players


def text_input(embedding_dim):
    """The float32 ``[N, embedding_dim]`` input of phi(t), named ``text_embedding``."""
    return keras.Input((checks.positive_int("embedding_dim", embedding_dim),), name="text_embedding")


def project_text(text, projection_dim, name, kernel_initializer="glorot_uniform"):
    """phi(t) through the paper's fully connected layer and leaky ReLU: ``[N, projection_dim]``."""
    projected = keras.layers.Dense(checks.positive_int("projection_dim", projection_dim),
                                   kernel_initializer=kernel_initializer, name=name)(text)
    return keras.layers.LeakyReLU(layers.LEAKY_RELU_SLOPE, name=f"{name}_leaky_relu")(projected)


def dcgan_trunk(image_shape, *, base_filters=64, spectral_norm=False, weight_init="glorot_uniform", name="trunk"):
    """DCGAN's discriminator up to its last feature map: ``images -> [N, 4, 4, filters]``.

    Args:
        image_shape: ``(size, size, channels)``, size a power of two in [8, 256].
        base_filters: channels of the first block, doubled at each block.
        spectral_norm: spectral normalization instead of batch normalization.
        weight_init: ``"glorot_uniform"`` or ``"dcgan"`` (N(0, 0.02)).
        name: model name.

    Returns:
        A functional ``keras.Model`` with input ``images``.
    """
    full = dcgan.discriminator(image_shape, base_filters=base_filters, spectral_norm=spectral_norm,
                               weight_init=weight_init, name=f"{name}_full")
    return keras.Model(full.inputs, full.get_layer("features").input, name=name)


def pooled_trunk(image_shape, *, base_filters=64, spectral_norm=False, weight_init="glorot_uniform", name="trunk"):
    """3x3 convolutions and 2x2 max pools down to 4x4: ``images -> [N, 4, 4, filters]``.

    The blocks of :func:`keras_gans.networks.attributes.conv_pool_blocks`
    (no normalization), the filters doubling from ``base_filters``, so the
    4x4 map is as wide as :func:`dcgan_trunk`'s.

    Args:
        image_shape: ``(size, size, channels)``, size a power of two in [8, 256].
        base_filters: channels of the first block, doubled at each block.
        spectral_norm: spectral-normalize every convolution.
        weight_init: ``"glorot_uniform"`` or ``"dcgan"`` (N(0, 0.02)).
        name: model name.

    Returns:
        A functional ``keras.Model`` with input ``images``.
    """
    base_filters = checks.positive_int("base_filters", base_filters)
    dcgan.check_image_shape(image_shape)
    init = dcgan.kernel_initializer(weight_init)
    images = keras.Input(tuple(image_shape), name="images")
    maps = attributes.conv_pool_blocks(images, base_filters, kernel_initializer=lambda: init,
                                       spectral_norm=checks.boolean("spectral_norm", spectral_norm))
    return keras.Model(images, maps, name=name)


TRUNKS = {"dcgan": dcgan_trunk, "pooled": pooled_trunk}


def image_trunk(kind, image_shape, **kwargs):
    """The trunk named ``kind`` (a key of :data:`TRUNKS`), built with ``kwargs``."""
    return TRUNKS[checks.one_of("trunk", kind, sorted(TRUNKS))](image_shape, **kwargs)


def generator(latent_dim, embedding_dim, image_shape, *, projection_dim=PROJECTION_DIM, base_filters=64,
              weight_init="glorot_uniform", name="text2image_generator"):
    """Builds ``[z, text_embedding] -> images`` in [-1, 1].

    Args:
        latent_dim: size of z (100 in the paper).
        embedding_dim: size of phi(t) (1024 in the paper).
        image_shape: ``(size, size, channels)``, size a power of two in [8, 256].
        projection_dim: size of the projected text (128 in the paper).
        base_filters: as :func:`keras_gans.networks.dcgan.generator`; the
            paper's G (1024-512-256-128 at 64x64) is ``base_filters=128``.
        weight_init: ``"glorot_uniform"`` or ``"dcgan"`` (N(0, 0.02), the authors').
        name: model name.

    Returns:
        A functional ``keras.Model`` with inputs ``z`` and ``text_embedding``.
    """
    z = keras.Input((checks.positive_int("latent_dim", latent_dim),), name="z")
    text = text_input(embedding_dim)
    init = dcgan.kernel_initializer(weight_init)
    projected = project_text(text, projection_dim, "text_projection", init)
    joint = keras.layers.Concatenate(name="z_and_text")([z, projected])
    body = dcgan.generator(latent_dim + projection_dim, image_shape, base_filters=base_filters,
                           weight_init=weight_init, name=f"{name}_body")
    return keras.Model([z, text], body(joint), name=name)


def discriminator(image_shape, embedding_dim, *, projection_dim=PROJECTION_DIM, base_filters=64,
                  spectral_norm=False, weight_init="glorot_uniform", trunk="dcgan", name="text2image_discriminator"):
    """Builds ``[images, text_embedding] -> logit``, the text joining the image features at 4x4.

    Args:
        image_shape: ``(size, size, channels)``, size a power of two in [8, 256].
        embedding_dim: size of phi(t).
        projection_dim: size of the projected text, replicated over the 4x4 map.
        base_filters: channels of the first block (64 in the paper).
        spectral_norm: spectral normalization (Miyato et al. 2018) instead of
            batch normalization.
        weight_init: ``"glorot_uniform"`` or ``"dcgan"`` (N(0, 0.02)).
        trunk: the image features: ``"dcgan"`` (:func:`dcgan_trunk`, the
            paper's) or ``"pooled"`` (:func:`pooled_trunk`).
        name: model name.

    Returns:
        A functional ``keras.Model`` with inputs ``images`` and ``text_embedding``
        and a raw logit ``[N, 1]``.
    """
    features = image_trunk(trunk, image_shape, base_filters=base_filters, spectral_norm=spectral_norm,
                           weight_init=weight_init, name=f"{name}_trunk")
    size, channels = dcgan.BASE_SIZE, int(features.outputs[0].shape[-1])
    images = keras.Input(tuple(features.inputs[0].shape[1:]), name="images")
    text = text_input(embedding_dim)
    init = dcgan.kernel_initializer(weight_init)
    projected = project_text(text, projection_dim, "text_projection", init)
    maps = keras.layers.Reshape((1, 1, projection_dim), name="text_pixel")(projected)
    maps = keras.layers.UpSampling2D(size, name="text_maps")(maps)  # [N, 4, 4, projection_dim]
    joint = keras.layers.Concatenate(name="features_and_text")([features(images), maps])
    x = layers.DownsampleBlock(channels, kernel_size=1, strides=1, normalization=None if spectral_norm else "batch",
                               activation="leaky_relu", spectral_norm=spectral_norm, kernel_initializer=init,
                               name="joint")(joint)
    score = keras.layers.Conv2D(1, size, padding="valid", kernel_initializer=init, name="score")
    if spectral_norm:
        score = keras.layers.SpectralNormalization(score, name="score_sn")
    logit = keras.layers.Flatten(name="logit")(score(x))  # [N, 1, 1, 1] -> [N, 1]
    return keras.Model([images, text], logit, name=name)
