"""The deterministic trainers of the judges: :func:`train_classifier` (one class per image) and
:func:`train_heads` (several outputs, e.g. every attribute of a shapes image)."""

import keras
import numpy as np
import tensorflow as tf

from keras_gans import checks
from keras_gans.networks import classifier

LEARNING_RATE = 1e-3
# Shifted copies held at once: every epoch of a small set (one fit, as the digits judge always did),
# a couple of epochs of MNIST (about 245 MB each at 32x32) instead of all of them.
_CHUNK_BYTES = 256 * 2**20


def random_shifts(images, rng, background=-1.0):
    """Each image moved by whole pixels in ``[-s, s]`` per axis, ``s = height // 16``; the border is ``background``."""
    limit = images.shape[1] // 16
    if limit == 0:
        return images
    height, width = images.shape[1:3]
    padded = np.pad(images, ((0, 0), (limit, limit), (limit, limit), (0, 0)), constant_values=background)
    offsets = rng.integers(0, 2 * limit + 1, size=(len(images), 2))  # [n, (dy, dx)]
    return np.stack([image[dy:dy + height, dx:dx + width] for image, (dy, dx) in zip(padded, offsets)])


def _chunks(images, labels, orders, shift_rng, batch_size):
    """Yields ``(inputs, targets)``: the epochs in their orders, cut into chunks of about ``_CHUNK_BYTES``.

    Together the chunks are the epochs one after another, so training on them
    in turn sees the batches of the concatenated epochs (they run across epoch
    boundaries); every chunk but the last is a whole number of batches. Each
    epoch is shifted (with ``shift_rng``, unless None) when the stream reaches
    it: the same draws in the same order as shifting every epoch up front.
    """
    held_images, held_labels = [images[:0]], [labels[:0]]
    for epoch, order in enumerate(orders):
        held_images.append(images[order] if shift_rng is None else random_shifts(images[order], shift_rng))
        held_labels.append(labels[order])
        last = epoch == len(orders) - 1
        if last or sum(held.nbytes for held in held_images) >= _CHUNK_BYTES:
            inputs, targets = np.concatenate(held_images), np.concatenate(held_labels)
            end = len(targets) if last else len(targets) - len(targets) % batch_size
            if end:
                yield inputs[:end], targets[:end]
            held_images, held_labels = [inputs[end:]], [targets[end:]]


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
    for inputs, targets in _chunks(images, labels, orders, rng if shifts else None, batch_size):
        model.fit(inputs, targets, batch_size=batch_size, epochs=1, shuffle=False, verbose=0)
    return model


def train_heads(model, images, targets, losses, *, seed=0, epochs=1, batch_size=64, learning_rate=LEARNING_RATE,
                loss_weights=None, run_eagerly=False):
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
    model.fit(dataset, epochs=1, shuffle=False, verbose=0)
    return model
