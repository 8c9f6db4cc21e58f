"""InfoGAN networks: a generator fed latent codes and a discriminator with a Q head.

Chen et al. 2016, "InfoGAN: Interpretable Representation Learning by
Information Maximizing Generative Adversarial Nets", section 6 and appendix
C.1: G takes incompressible noise z plus a categorical code (one-hot) and
continuous codes; D and the auxiliary distribution Q share every layer but the
last, Q adding one hidden layer (128 units, batch normalization, LeakyReLU)
and its outputs: the categorical code's logits and the continuous codes'
means. (Q's Gaussian has unit variance here; see
:func:`keras_gans.losses.infogan_continuous_loss`.) The convolutional layers
are the DCGAN ones (Radford et al. 2016), as in the paper's MNIST model.

Inputs are named ``"z"``, ``"categorical_code"`` (int32 ``[N]``) and
``"continuous_code"`` (float32 ``[N, d]``), so an exported generator serves
its codes by name.
"""

import keras

from keras_gans import checks, layers
from keras_gans.networks import conditional, dcgan

Q_UNITS = 128


def generator(latent_dim, image_shape, num_categories, num_continuous, *, base_filters=64,
              name="infogan_generator"):
    """Builds ``[z, categorical_code, continuous_code] -> images`` in [-1, 1].

    Args:
        latent_dim: size of the noise z.
        image_shape: ``(size, size, channels)``, size a power of two in [8, 256].
        num_categories: values of the categorical code, >= 2.
        num_continuous: number of continuous codes, >= 1.
        base_filters: as :func:`keras_gans.networks.dcgan.generator`.
        name: model name.

    Returns:
        A functional ``keras.Model`` with inputs ``z`` ``[N, latent_dim]``,
        ``categorical_code`` int32 ``[N]`` and ``continuous_code``
        ``[N, num_continuous]``.
    """
    num_categories = checks.positive_int("num_categories", num_categories, minimum=2)
    num_continuous = checks.positive_int("num_continuous", num_continuous)
    latent_dim = checks.positive_int("latent_dim", latent_dim)
    body = dcgan.generator(latent_dim + num_categories + num_continuous, image_shape,
                           base_filters=base_filters, name=f"{name}_body")
    z = keras.Input((latent_dim,), name="z")
    categorical = conditional.labels_input("categorical_code")
    continuous = keras.Input((num_continuous,), name="continuous_code")
    one_hot = layers.ClassOneHot(num_categories, name="categorical_one_hot")(categorical)  # [N, K]
    joint = keras.layers.Concatenate(name="z_and_codes")([z, one_hot, continuous])  # [N, latent + K + d]
    return keras.Model([z, categorical, continuous], body(joint), name=name)


def discriminator(image_shape, num_categories, num_continuous, *, base_filters=64, q_units=Q_UNITS, trunk="dcgan",
                  minibatch_discrimination=False, name="infogan_discriminator"):
    """Builds D and Q on shared features: ``images -> [logit, categorical_logits, continuous_mean]``.

    Args:
        image_shape: ``(size, size, channels)``, size a power of two in [8, 256].
        num_categories: values of the categorical code, >= 2.
        num_continuous: number of continuous codes, >= 1.
        base_filters: as :func:`keras_gans.networks.dcgan.discriminator`.
        q_units: width of Q's hidden layer (128 in the paper).
        trunk: the shared features: ``"dcgan"`` (the paper's stride-2 blocks) or
            ``"pooled"`` (:func:`keras_gans.networks.conditional.pooled_features`).
        minibatch_discrimination: D's logit also reads minibatch discrimination
            features (:func:`keras_gans.networks.conditional.real_fake_features`);
            Q reads the shared features alone.
        name: model name.

    Returns:
        A functional ``keras.Model`` with input ``images`` and three outputs:
        D's real/fake logit ``[N, 1]``, Q's categorical logits
        ``[N, num_categories]`` and Q's continuous means ``[N, num_continuous]``.
    """
    num_categories = checks.positive_int("num_categories", num_categories, minimum=2)
    num_continuous = checks.positive_int("num_continuous", num_continuous)
    q_units = checks.positive_int("q_units", q_units)
    features = conditional.trunk_features(trunk, image_shape, base_filters=base_filters, name=f"{name}_features")
    images = keras.Input(tuple(features.inputs[0].shape[1:]), name="images")
    shared = features(images)
    logit = keras.layers.Dense(1, name="logit")(conditional.real_fake_features(shared, minibatch_discrimination))
    q = keras.layers.Dense(q_units, use_bias=False, name="q_hidden")(shared)
    q = keras.layers.BatchNormalization(name="q_batch_norm")(q)
    q = keras.layers.LeakyReLU(layers.LEAKY_RELU_SLOPE, name="q_leaky_relu")(q)
    categorical_logits = keras.layers.Dense(num_categories, name="categorical_logits")(q)
    continuous_mean = keras.layers.Dense(num_continuous, name="continuous_mean")(q)
    return keras.Model(images, [logit, categorical_logits, continuous_mean], name=name)
