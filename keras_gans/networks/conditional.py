"""Class-conditional DCGAN networks: CGAN and ACGAN players.

The label enters as a one-hot vector (:class:`keras_gans.layers.ClassOneHot`),
as in Mirza & Osindero 2014 ("Conditional Generative Adversarial Nets",
section 4.1):

* :func:`generator`: ``[z, labels] -> images``; the one-hot label is
  concatenated to z and the DCGAN generator (Radford et al. 2016) does the rest.
* :func:`discriminator`: ``[images, labels] -> logit``; the one-hot label is
  spread over the image as K constant feature maps and concatenated to its
  channels, so every convolution of the DCGAN discriminator sees it.
* :func:`auxiliary_classifier_discriminator`: ``images -> [logit, class_logits]``;
  the ACGAN discriminator (Odena et al. 2017, "Conditional Image Synthesis
  with Auxiliary Classifier GANs", section 3) sees no label and predicts it
  with a second head on the shared DCGAN features, or on
  :func:`pooled_features` (``trunk="pooled"``) or :func:`pooled_sum_features`
  (``trunk="pooled_sum"``).

Either D's real/fake logit can also read minibatch discrimination features
(Salimans et al. 2016).

Inputs are named ``"z"``, ``"labels"`` (int32 ``[N]``) and ``"images"``, so an
exported generator serves ``z`` and ``labels``.
"""

import keras

from keras_gans import checks, layers
from keras_gans.networks import attributes, dcgan


def labels_input(name="labels"):
    """The int32 ``[N]`` input of class ids (or categorical codes)."""
    return keras.Input((), dtype="int32", name=name)


def dcgan_features(image_shape, *, base_filters=64, spectral_norm=False, name="dcgan_features"):
    """The DCGAN discriminator up to its flattened last map (its ``"features"`` layer).

    Args:
        image_shape: ``(size, size, channels)``, as :func:`keras_gans.networks.dcgan.discriminator`.
        base_filters: channels of the first block.
        spectral_norm: spectral normalization instead of batch normalization.
        name: model name.

    Returns:
        A functional ``keras.Model`` ``images -> [N, features]``.
    """
    full = dcgan.discriminator(image_shape, base_filters=base_filters, spectral_norm=spectral_norm,
                               name=f"{name}_full")
    return keras.Model(full.inputs, full.get_layer("features").output, name=name)


def pooled_features(image_shape, *, base_filters=64, spectral_norm=False, name="pooled_features"):
    """A trunk that convolves at every resolution and max-pools, up to its flattened 4x4 map (``"features"``).

    Blocks of a 3x3 convolution (stride 1, LeakyReLU 0.2) and a 2x2 max pool,
    the filters doubling from ``base_filters``: the shapes judge's trunk
    (:mod:`keras_gans.networks.attributes`), which tells outlines apart in far
    fewer steps than the DCGAN discriminator's stride-2 convolutions.

    Args:
        image_shape: ``(size, size, channels)``, size a power of two in [8, 256].
        base_filters: channels of the first block.
        spectral_norm: spectral-normalize every convolution.
        name: model name.

    Returns:
        A functional ``keras.Model`` ``images -> [N, 16 * filters of the last block]``.
    """
    return _pooled_trunk(image_shape, base_filters, spectral_norm, keras.layers.Flatten(name="features"), name)


def pooled_sum_features(image_shape, *, base_filters=64, spectral_norm=False, name="pooled_sum_features"):
    """:func:`pooled_features`' 4x4 map read through ReLU and summed over positions, as BigGAN's heads read theirs.

    Flattened, each of the 16 cells has its own weights, so a head learns an
    outline once per place; summed, it reads the outline wherever it lies
    (Brock et al. 2019; the summed trunk of ``biggan_shapes.cfg``). Arguments
    as :func:`pooled_features`; returns ``images -> [N, filters of the last block]``.
    """
    return _pooled_trunk(image_shape, base_filters, spectral_norm, attributes.relu_sum_pool, name)


def _pooled_trunk(image_shape, base_filters, spectral_norm, read_maps, name):
    """``images -> read_maps(the 4x4 maps of the shapes judge's convolution and max-pool blocks)``."""
    base_filters = checks.positive_int("base_filters", base_filters)
    dcgan.check_image_shape(image_shape)
    images = keras.Input(tuple(image_shape), name="images")
    maps = attributes.conv_pool_blocks(images, base_filters,
                                       spectral_norm=checks.boolean("spectral_norm", spectral_norm))
    return keras.Model(images, read_maps(maps), name=name)


TRUNKS = {"dcgan": dcgan_features, "pooled": pooled_features, "pooled_sum": pooled_sum_features}


def trunk_features(trunk, image_shape, **kwargs):
    """The shared features named ``trunk`` (a key of :data:`TRUNKS`), built with ``kwargs``."""
    return TRUNKS[checks.one_of("trunk", trunk, sorted(TRUNKS))](image_shape, **kwargs)


def logit_layer(units, name, spectral_norm=False):
    """A linear output layer, spectral-normalized when asked."""
    layer = keras.layers.Dense(units, name=name)
    return keras.layers.SpectralNormalization(layer, name=f"{name}_sn") if spectral_norm else layer


def real_fake_features(shared, minibatch_discrimination=False, minibatch_kernels=32, minibatch_kernel_dim=8):
    """What D reads its real/fake logit from: the shared features, followed by
    :class:`~keras_gans.layers.MinibatchDiscrimination` ones (Salimans et al. 2016, section 3.2) when
    ``minibatch_discrimination``, so D can tell a batch of near-copies from a varied one."""
    if not checks.boolean("minibatch_discrimination", minibatch_discrimination):
        return shared
    return layers.MinibatchDiscrimination(minibatch_kernels, minibatch_kernel_dim,
                                          name="minibatch_discrimination")(shared)


def generator(latent_dim, image_shape, num_classes, *, base_filters=64, name="conditional_generator"):
    """Builds the conditional generator ``[z, labels] -> images`` in [-1, 1].

    Args:
        latent_dim: size of z.
        image_shape: ``(size, size, channels)``, size a power of two in [8, 256].
        num_classes: number of classes K, >= 2.
        base_filters: as :func:`keras_gans.networks.dcgan.generator`.
        name: model name.

    Returns:
        A functional ``keras.Model`` with inputs ``z`` float32 ``[N, latent_dim]``
        and ``labels`` int32 ``[N]``, output ``[N, size, size, channels]``.
    """
    num_classes = checks.positive_int("num_classes", num_classes, minimum=2)
    body = dcgan.generator(checks.positive_int("latent_dim", latent_dim) + num_classes, image_shape,
                           base_filters=base_filters, name=f"{name}_body")
    z = keras.Input((latent_dim,), name="z")
    labels = labels_input()
    one_hot = layers.ClassOneHot(num_classes, name="labels_one_hot")(labels)  # [N, K]
    joint = keras.layers.Concatenate(name="z_and_labels")([z, one_hot])     # [N, latent_dim + K]
    return keras.Model([z, labels], body(joint), name=name)


def discriminator(image_shape, num_classes, *, base_filters=64, spectral_norm=False, trunk="dcgan",
                  minibatch_discrimination=False, name="conditional_discriminator"):
    """Builds the conditional discriminator ``[images, labels] -> logit``.

    Args:
        image_shape: ``(size, size, channels)``, size a power of two in [8, 256].
        num_classes: number of classes K, >= 2.
        base_filters: as :func:`keras_gans.networks.dcgan.discriminator`.
        spectral_norm: spectral normalization (Miyato et al. 2018) instead of
            batch normalization.
        trunk: what reads the image and its label maps: ``"dcgan"`` (the DCGAN
            discriminator, the paper's), ``"pooled"`` (:func:`pooled_features`
            and a linear logit) or ``"pooled_sum"`` (:func:`pooled_sum_features`
            and a linear logit).
        minibatch_discrimination: the logit also reads
            :class:`~keras_gans.layers.MinibatchDiscrimination` features
            (Salimans et al. 2016, section 3.2) of the trunk's features of the
            image and its label maps, so D can see a batch of near-copies.
        name: model name.

    Returns:
        A functional ``keras.Model`` with inputs ``images`` and ``labels``
        (int32 ``[N]``) and a raw logit ``[N, 1]``.
    """
    num_classes = checks.positive_int("num_classes", num_classes, minimum=2)
    size, _, channels = dcgan.check_image_shape(image_shape)
    joint_shape = (size, size, channels + num_classes)
    if trunk == "dcgan":  # the whole DCGAN discriminator, its own logit included, as models saved before hold
        body = dcgan.discriminator(joint_shape, base_filters=base_filters, spectral_norm=spectral_norm,
                                   minibatch_discrimination=minibatch_discrimination, name=f"{name}_body")
    else:
        features = trunk_features(trunk, joint_shape, base_filters=base_filters, spectral_norm=spectral_norm,
                                  name=f"{name}_features")
        logit = logit_layer(1, "logit", spectral_norm)(real_fake_features(features.output,
                                                                          minibatch_discrimination))
        body = keras.Model(features.inputs, logit, name=f"{name}_body")
    images = keras.Input((size, size, channels), name="images")
    labels = labels_input()
    one_hot = layers.ClassOneHot(num_classes, name="labels_one_hot")(labels)       # [N, K]
    maps = keras.layers.Reshape((1, 1, num_classes), name="labels_pixel")(one_hot)  # [N, 1, 1, K]
    maps = keras.layers.UpSampling2D(size, name="labels_maps")(maps)                # [N, size, size, K]
    joint = keras.layers.Concatenate(name="images_and_labels")([images, maps])      # [N, size, size, C + K]
    return keras.Model([images, labels], body(joint), name=name)


def auxiliary_classifier_discriminator(image_shape, num_classes, *, base_filters=64, spectral_norm=False,
                                       trunk="dcgan", minibatch_discrimination=False, minibatch_kernels=32,
                                       minibatch_kernel_dim=8, name="acgan_discriminator"):
    """Builds the ACGAN discriminator ``images -> [logit, class_logits]``.

    Args:
        image_shape: ``(size, size, channels)``, size a power of two in [8, 256].
        num_classes: number of classes K, >= 2.
        base_filters: as :func:`keras_gans.networks.dcgan.discriminator`.
        spectral_norm: spectral normalization instead of batch normalization.
        trunk: the shared features: ``"dcgan"`` (:func:`dcgan_features`, the
            paper's), ``"pooled"`` (:func:`pooled_features`) or ``"pooled_sum"``
            (:func:`pooled_sum_features`).
        minibatch_discrimination: the real/fake logit also reads
            :class:`~keras_gans.layers.MinibatchDiscrimination` features of the
            shared ones (Salimans et al. 2016, section 3.2), so D can see a
            batch of near-copies; the class head reads the shared features alone.
        minibatch_kernels: B of minibatch discrimination.
        minibatch_kernel_dim: C of minibatch discrimination.
        name: model name.

    Returns:
        A functional ``keras.Model`` with input ``images`` and two outputs:
        the real/fake logit ``[N, 1]`` and the class logits ``[N, K]``, both
        read from the same features.
    """
    num_classes = checks.positive_int("num_classes", num_classes, minimum=2)
    features = trunk_features(trunk, image_shape, base_filters=base_filters, spectral_norm=spectral_norm,
                              name=f"{name}_features")
    images = keras.Input(tuple(features.inputs[0].shape[1:]), name="images")
    shared = features(images)
    source = real_fake_features(shared, minibatch_discrimination, minibatch_kernels, minibatch_kernel_dim)
    logit = logit_layer(1, "logit", spectral_norm)(source)
    class_logits = logit_layer(num_classes, "class_logits", spectral_norm)(shared)
    return keras.Model(images, [logit, class_logits], name=name)
