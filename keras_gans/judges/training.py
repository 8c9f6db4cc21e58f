"""The deterministic trainers of the judges: :func:`train_classifier` (one class per image) and
:func:`train_heads` (several outputs, e.g. every attribute of a shapes image)."""

import keras
import numpy as np
import tensorflow as tf

from keras_gans import checks
from keras_gans.networks import classifier

LEARNING_RATE = 1e-3


def shift_offsets(count, height, rng):
    """``[count, 2]`` random ``(dy, dx)`` in ``[0, 2 s]``, ``s = height // 16``; None when s is 0 (no shift)."""
    limit = height // 16
    return None if limit == 0 else rng.integers(0, 2 * limit + 1, size=(count, 2))


def shift_images(images, offsets, background=-1.0):
    """Each image moved by ``offsets - s`` whole pixels (``s = height // 16``); the border is ``background``.

    Args:
        images: ``[n, H, W, C]``.
        offsets: int ``[n, 2]`` from :func:`shift_offsets`, or None (no shift).
        background: value of the uncovered border.

    Returns:
        ``[n, H, W, C]`` of the dtype of ``images``.
    """
    if offsets is None:
        return images
    height, width = images.shape[1:3]
    limit = height // 16
    padded = np.pad(images, ((0, 0), (limit, limit), (limit, limit), (0, 0)), constant_values=background)
    rows = offsets[:, 0, None] + np.arange(height)  # [n, H]
    columns = offsets[:, 1, None] + np.arange(width)  # [n, W]
    return padded[np.arange(len(images))[:, None, None], rows[:, :, None], columns[:, None, :]]


def random_shifts(images, rng, background=-1.0):
    """Each image moved by whole pixels in ``[-s, s]`` per axis, ``s = height // 16``; the border is ``background``."""
    return shift_images(images, shift_offsets(len(images), images.shape[1], rng), background)


def shifted_epochs(images, labels, *, seed=0, epochs=10, batch_size=64, shifts=False):
    """The batches :func:`train_classifier` trains on, made as they are read.

    The permutations of every epoch are drawn first, then the shifts epoch
    by epoch, all from ``np.random.default_rng(seed)``. The epochs follow one
    another as one stream cut into batches of ``batch_size`` (a batch may
    span two epochs). Only the orders and offsets of the stream are held
    (24 bytes per example and epoch); each batch is gathered and shifted
    when it is read.

    Args:
        images: ``[n, H, W, C]``.
        labels: ``[n]`` class ids.
        seed: seed of the orders and shifts.
        epochs: passes over the data, >= 1.
        batch_size: examples per batch.
        shifts: move the images at random (:func:`random_shifts`).

    Returns:
        A ``tf.data.Dataset`` of ``(images [b, H, W, C], labels [b])``.
    """
    epochs = checks.positive_int("epochs", epochs)
    batch_size = checks.positive_int("batch_size", batch_size)
    rng = np.random.default_rng(seed)
    order = np.concatenate([rng.permutation(len(labels)) for _ in range(epochs)])  # [epochs * n]
    drawn = [shift_offsets(len(labels), images.shape[1], rng) for _ in range(epochs)] if shifts else [None]
    offsets = None if drawn[0] is None else np.concatenate(drawn)  # [epochs * n, 2]

    def read(positions):  # NumPy, once per batch: the arrays are never copied into TensorFlow whole
        examples = order[positions]
        return shift_images(images[examples], None if offsets is None else offsets[positions]), labels[examples]

    def batch(positions):
        dtypes = [tf.as_dtype(images.dtype), tf.as_dtype(labels.dtype)]
        inputs, targets = tf.numpy_function(read, [positions], dtypes, stateful=False)
        inputs.set_shape((None, *images.shape[1:]))
        targets.set_shape((None,))
        return inputs, targets

    return (tf.data.Dataset.range(len(order)).batch(batch_size)  # positions p: example order[p], offsets[p]
            .map(batch, num_parallel_calls=tf.data.AUTOTUNE, deterministic=True).prefetch(tf.data.AUTOTUNE))


def train_classifier(images, labels, *, num_classes=None, seed=0, epochs=10, batch_size=64, shifts=False,
                     name="digit_classifier"):
    """Trains :func:`keras_gans.networks.classifier.digit_classifier` on arrays, deterministically.

    Adam (1e-3) on the sparse softmax cross-entropy, in batches of
    ``batch_size`` over one fixed NumPy permutation of the examples per epoch;
    with ``shifts`` every image of every epoch is moved by a random whole
    number of pixels in ``[-s, s]`` along each axis (``s = size // 16``, the
    border filled with the background, -1), which makes the judge tolerant of
    the small misplacements of generated images. The batches are made as
    they are read (:func:`shifted_epochs`), so no epoch is ever copied whole.
    The orders and shifts come from ``seed``, the initial weights too, so the
    same arguments give the same weights.

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
    batches = shifted_epochs(images, labels, seed=seed, epochs=epochs, batch_size=batch_size, shifts=shifts)
    num_classes = int(np.max(labels)) + 1 if num_classes is None else num_classes
    model = classifier.digit_classifier(images.shape[1:], num_classes, seed=seed, name=name)
    model.compile(optimizer=keras.optimizers.Adam(LEARNING_RATE),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    model.fit(batches, epochs=1, shuffle=False, verbose=0)  # the stream has its own order
    return model


def train_heads(model, images, targets, losses, *, seed=0, epochs=1, batch_size=64, learning_rate=LEARNING_RATE,
                loss_weights=None, run_eagerly=False, verbose=0):
    """Trains a model with several outputs on uint8 images, deterministically.

    Adam, its learning rate decayed from ``learning_rate`` to 0 along a
    cosine over the run, in batches of ``batch_size`` over one fixed NumPy
    permutation of the examples per epoch (all drawn from
    ``np.random.default_rng(seed)``). The images stay uint8 in memory; each
    batch is gathered and scaled to [-1, 1] as it is read, so a large set
    never exists in float32 at once. The model's initial weights must be
    seeded by its builder for the run to repeat exactly.

    Args:
        model: a functional ``keras.Model`` whose outputs are named as ``targets``.
        images: uint8 ``[n, H, W, C]``.
        targets: ``{output: array [n, ...]}``.
        losses: ``{output: loss}``, as ``keras.Model.compile`` takes them.
        seed: seed of the order.
        epochs: passes over the data, >= 1.
        batch_size: examples per step.
        learning_rate: the initial learning rate.
        loss_weights: ``{output: weight}`` (None: all 1).
        run_eagerly: run the steps eagerly (no tracing: faster for a few steps of a tiny run).
        verbose: ``fit``'s verbosity (0: silent; 1: a progress bar over all the steps).

    Returns:
        ``model``, trained.
    """
    epochs = checks.positive_int("epochs", epochs)
    batch_size = checks.positive_int("batch_size", batch_size)
    rng = np.random.default_rng(seed)
    order = np.concatenate([rng.permutation(len(images)) for _ in range(epochs)])
    steps = -(-len(order) // batch_size)
    model.compile(optimizer=keras.optimizers.Adam(keras.optimizers.schedules.CosineDecay(learning_rate, steps)),
                  loss=losses, loss_weights=loss_weights, run_eagerly=bool(run_eagerly))
    constants = {name: tf.constant(values) for name, values in targets.items()}
    height, width, channels = images.shape[1:]

    def batch(indices):
        pixels = tf.numpy_function(lambda i: images[i], [indices], tf.uint8, stateful=False)
        pixels.set_shape([None, height, width, channels])
        return (tf.cast(pixels, tf.float32) / 127.5 - 1.0,
                {name: tf.gather(values, indices) for name, values in constants.items()})

    dataset = (tf.data.Dataset.from_tensor_slices(order).batch(batch_size)
               .map(batch, num_parallel_calls=tf.data.AUTOTUNE, deterministic=True).prefetch(tf.data.AUTOTUNE))
    model.fit(dataset, epochs=1, shuffle=False, verbose=verbose)
    return model
