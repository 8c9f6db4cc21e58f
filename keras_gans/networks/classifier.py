"""A small convolutional image classifier: the digit judge and the SGAN discriminator.

Three stride-2 3x3 convolutions (32, 64, 128 filters, LeakyReLU 0.2) halve the
image three times; the map is flattened, a 128-unit ReLU layer named
``"features"`` gives the embedding, and a linear layer gives one raw logit per
class. The same builder serves as

* the held-out judge of generated digits (``keras_gans.evaluation``,
  :func:`~keras_gans.judges.train_digit_classifier`), whose ``"features"``
  layer also serves as an embedding for distribution distances;
* the K-class discriminator of the semi-supervised GAN (Salimans et al. 2016,
  "Improved Techniques for Training GANs", section 5), with the input noise and
  dropout that paper adds to D, and feature matching on ``"features"``.
"""

import itertools

import keras

from keras_gans import checks, layers

FILTERS = (32, 64, 128)
FEATURES = 128
LEAKY_SLOPE = 0.2


def digit_classifier(image_shape, num_classes=10, *, input_noise_std=0.0, dropout=0.0, seed=None,
                     name="digit_classifier"):
    """Builds the classifier ``images in [-1, 1] -> logits [N, num_classes]``.

    Args:
        image_shape: ``(height, width, channels)`` of the images.
        num_classes: number of classes (logits), >= 2.
        input_noise_std: std of Gaussian noise added to the input in training
            (Salimans et al. 2016 add it to the semi-supervised D); 0 = none.
        dropout: dropout rate after each convolution and the feature layer in
            training; 0 = none.
        seed: seed of the weight initializers (and of the noise and dropout
            layers), so two builds with the same seed start from the same
            weights whatever the global seed; None uses the global seed.
        name: model name.

    Returns:
        A functional ``keras.Model`` with input ``"images"`` and raw logits
        ``[N, num_classes]``; its layer ``"features"`` outputs the ``[N, 128]``
        penultimate embedding.

    Raises:
        ValueError: naming the first invalid argument.
    """
    image_shape = checks.image_shape(image_shape)
    num_classes = checks.positive_int("num_classes", num_classes, minimum=2)
    checks.weight("input_noise_std", input_noise_std, any_real=True)
    dropout = checks.rate("dropout", dropout)
    if seed is not None and not checks.is_int(seed):
        raise ValueError(f"`seed` must be an int or None; received seed={seed!r}.")
    seeds = itertools.count(1000 * int(seed)) if seed is not None else None  # one seed per layer

    def kernel_init():
        return "glorot_uniform" if seeds is None else keras.initializers.GlorotUniform(seed=next(seeds))

    def layer_seed():
        return None if seeds is None else next(seeds)

    images = keras.Input(image_shape, name="images")
    x = images
    if input_noise_std:
        x = layers.GaussianNoise(input_noise_std, seed=layer_seed(), name="input_noise")(x)
    for i, filters in enumerate(FILTERS):
        x = keras.layers.Conv2D(filters, 3, strides=2, padding="same", kernel_initializer=kernel_init(),
                                name=f"conv_{i + 1}")(x)  # halves height and width
        x = keras.layers.LeakyReLU(LEAKY_SLOPE, name=f"conv_{i + 1}_leaky_relu")(x)
        if dropout:
            x = layers.Dropout(dropout, seed=layer_seed(), name=f"conv_{i + 1}_dropout")(x)
    x = keras.layers.Flatten(name="flatten")(x)  # [N, h, w, 128] -> [N, h * w * 128]
    x = keras.layers.Dense(FEATURES, activation="relu", kernel_initializer=kernel_init(), name="features")(x)
    if dropout:
        x = layers.Dropout(dropout, seed=layer_seed(), name="features_dropout")(x)
    logits = keras.layers.Dense(num_classes, kernel_initializer=kernel_init(), name="logits")(x)
    return keras.Model(images, logits, name=name)
