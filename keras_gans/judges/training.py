"""The one deterministic trainer of the judge classifiers."""

import keras
import numpy as np
import tensorflow as tf

from keras_gans import checks
from keras_gans.networks import classifier

LEARNING_RATE = 1e-3


def random_shifts(images, rng, background=-1.0):
    """Each image moved by whole pixels in ``[-s, s]`` per axis, ``s = height // 16``; the border is ``background``."""
    limit = images.shape[1] // 16
    if limit == 0:
        return images
    height, width = images.shape[1:3]
    padded = np.pad(images, ((0, 0), (limit, limit), (limit, limit), (0, 0)), constant_values=background)
    offsets = rng.integers(0, 2 * limit + 1, size=(len(images), 2))  # [n, (dy, dx)]
    return np.stack([image[dy:dy + height, dx:dx + width] for image, (dy, dx) in zip(padded, offsets)])


def _stream(images, labels, orders, shift_rng, batch_size):
    """The epochs one after another, in batches of ``batch_size`` that run across epoch boundaries.

    Each epoch's (shifted) copy is made when the stream reaches it, so only the
    current epoch's copy is held, not every epoch's at once; the batches are
    those of the concatenated epochs, with the same draws from ``shift_rng``
    in the same order as shifting all epochs up front.
    """

    def epochs():
        for order in orders:
            inputs = images[order]
            yield (inputs if shift_rng is None else random_shifts(inputs, shift_rng)), labels[order]

    signature = (tf.TensorSpec((None,) + images.shape[1:], tf.as_dtype(images.dtype)),
                 tf.TensorSpec((None,), tf.as_dtype(labels.dtype)))
    steps = -(-len(orders) * len(labels) // batch_size)  # the last batch may be partial
    stream = tf.data.Dataset.from_generator(epochs, output_signature=signature).unbatch().batch(batch_size)
    return stream.apply(tf.data.experimental.assert_cardinality(steps))


def train_classifier(images, labels, *, num_classes=None, seed=0, epochs=10, batch_size=64, shifts=False,
                     name="digit_classifier"):
    """Trains :func:`keras_gans.networks.classifier.digit_classifier` on arrays, deterministically.

    Adam (1e-3) on the sparse softmax cross-entropy, in batches of
    ``batch_size`` over one fixed NumPy permutation of the examples per epoch;
    with ``shifts`` every image of every epoch is first moved by a random whole
    number of pixels in ``[-s, s]`` along each axis (``s = size // 16``, the
    border filled with the background, -1), which makes the judge tolerant of
    the small misplacements of generated images. The permutations of every
    epoch are drawn first, then the shifts epoch by epoch, all from
    ``np.random.default_rng(seed)``; the initial weights come from ``seed``
    too, so the same arguments give the same weights.

    Args:
        images: float32 ``[n, H, W, C]`` in [-1, 1].
        labels: int ``[n]`` class ids.
        num_classes: K (default ``max(labels) + 1``).
        seed: seed of the weights, of the order and of the shifts.
        epochs: passes over the data, >= 1.
        batch_size: examples per step.
        shifts: move the images at random, as above.
        name: the model's name.

    Returns:
        The trained ``keras.Model`` mapping images in [-1, 1] to logits
        ``[N, K]`` (layer ``"features"``: the embedding).
    """
    epochs = checks.positive_int("epochs", epochs)
    num_classes = int(np.max(labels)) + 1 if num_classes is None else num_classes
    model = classifier.digit_classifier(images.shape[1:], num_classes, seed=seed, name=name)
    model.compile(optimizer=keras.optimizers.Adam(LEARNING_RATE),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    rng = np.random.default_rng(seed)
    orders = [rng.permutation(len(labels)) for _ in range(epochs)]
    stream = _stream(images, labels, orders, rng if shifts else None, batch_size)
    model.fit(stream, epochs=1, shuffle=False, verbose=0)
    return model
