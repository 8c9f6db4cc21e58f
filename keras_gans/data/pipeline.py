"""The ``tf.data`` plumbing every source shares: argument checks, image tensors and the finish.

:func:`finish` repeats, shuffles, maps, batches and prefetches in one fixed
order, so every source gets the same determinism (see the package docstring):
one pass is reshuffled on every iteration; the endless ``repeat`` stream is
repeated, then shuffled once, in an order that every iterator sees.
:func:`endless_batches` is the endless stream of an in-memory array for sets
whose rows are too small to shuffle one by one (the 2-D points).
"""

import tensorflow as tf

from keras_gans import checks

EMBEDDED_SPLITS = ("train", "test")


def check_load_args(batch_size, seed, image_size, num_examples, split, any_image_size=False):
    """Checks the arguments of ``load`` that do not depend on the dataset; ValueError naming the first bad one.

    ``image_size`` must be a power of two >= 4 unless ``any_image_size`` (a set
    drawn at any size checks it itself).
    """
    checks.positive_int("batch_size", batch_size)
    checks.integer("seed", seed)
    if image_size is not None and not any_image_size and (not checks.is_int(image_size) or image_size < 4
                                                          or image_size & (image_size - 1)):
        raise ValueError(f"`image_size` must be a power of two >= 4 or None; received "
                         f"image_size={image_size!r}.")
    if num_examples is not None:
        checks.positive_int("num_examples", num_examples)
    if not isinstance(split, str) or not split:
        raise ValueError(f"`split` must be a non-empty string; received split={split!r}.")


def check_embedded_split(name, split, splits=EMBEDDED_SPLITS):
    """ValueError naming ``split`` unless it is one of ``splits`` (by default those of the embedded sets)."""
    if split not in splits:
        raise ValueError(f"`split`={split!r} is not a split of {name}: use one of {', '.join(splits)}.")


# ----------------------------------------------------------------------------
# Image tensors


def center_crop_square(image):
    """Crops an ``[h, w, c]`` image to its central ``[s, s, c]``, s = min(h, w)."""
    shape = tf.shape(image)
    side = tf.minimum(shape[0], shape[1])
    top = (shape[0] - side) // 2
    left = (shape[1] - side) // 2
    return image[top:top + side, left:left + side]


def resize_uint8(image, size):
    """Bilinear resize of a uint8 image (or batch) to ``size`` x ``size``, back to uint8."""
    resized = tf.image.resize(image, [size, size], method="bilinear", antialias=True)
    return tf.cast(tf.round(tf.clip_by_value(resized, 0.0, 255.0)), tf.uint8)


def to_unit_range(images, max_value, image_size=None):
    """uint8 images in [0, max_value] -> float32 in [-1, 1], optionally resized (bilinear, clipped)."""
    images = tf.cast(images, tf.float32) * (2.0 / max_value) - 1.0
    if image_size is not None and images.shape[-2] != image_size:
        images = tf.image.resize(images, [image_size, image_size], method="bilinear", antialias=True)
        images = tf.clip_by_value(images, -1.0, 1.0)
    return images


def square_float(image, size):
    """uint8 ``[h, w, c]`` -> central square, resized to ``size`` (if given), float32 in [-1, 1]."""
    image = center_crop_square(image)
    if size is not None:
        image = resize_uint8(image, size)
    return tf.cast(image, tf.float32) / 127.5 - 1.0


def images_to_float(*element):
    """``images`` or ``(images, labels)`` with uint8 images scaled to float32 [-1, 1] (a ``batch_fn``)."""
    images = to_unit_range(element[0], 255.0)
    return images if len(element) == 1 else (images, element[1])


# ----------------------------------------------------------------------------
# Finishing a dataset


def finish(dataset, *, batch_size, shuffle, seed, buffer_size, drop_remainder, repeat, element_fn=None,
           augment=None, batch_fn=None):
    """Repeats, shuffles, maps, batches, maps the batches and prefetches.

    Args:
        dataset: unbatched elements in their fixed order.
        batch_size: elements per batch.
        shuffle: shuffle the elements (``buffer_size`` of them at a time).
        seed: seed of the shuffle, and first half of the keys of ``augment``.
        buffer_size: shuffle buffer (at least 1 is used).
        drop_remainder: drop the last partial batch.
        repeat: the endless stream, shuffled in one order, instead of one pass.
        element_fn: maps each element after the shuffle.
        augment: ``augment(*element, key)`` after the shuffle, with the
            stateless key ``[seed, position in the stream]``, so the draws are a
            pure function of the seed (the translation sets' augmentation).
        batch_fn: maps each batch.

    Returns:
        The prefetched ``tf.data.Dataset``.
    """
    if repeat:
        dataset = dataset.repeat()
    if shuffle:
        dataset = dataset.shuffle(max(1, buffer_size), seed=seed, reshuffle_each_iteration=not repeat)
    if element_fn is not None:
        dataset = dataset.map(element_fn, num_parallel_calls=tf.data.AUTOTUNE, deterministic=True)
    if augment is not None:
        def keyed(position, element):
            return augment(*element, tf.stack([tf.constant(seed, tf.int64), position]))

        dataset = dataset.enumerate().map(keyed, num_parallel_calls=tf.data.AUTOTUNE, deterministic=True)
    dataset = dataset.batch(batch_size, drop_remainder=drop_remainder)
    if batch_fn is not None:
        dataset = dataset.map(batch_fn, num_parallel_calls=tf.data.AUTOTUNE, deterministic=True)
    return dataset.prefetch(tf.data.AUTOTUNE)


def endless_batches(array, *, batch_size, shuffle, seed):
    """The endless stream of an in-memory array, shuffled pass by pass and gathered a batch at a time.

    :func:`finish` shuffles element by element, which costs tf.data a few
    microseconds a row: for 2-D points, a large share of the CPU of a training
    step that takes a millisecond or two. Here each pass over the array is one stateless permutation
    keyed by ``(seed, pass)`` (the array's order without ``shuffle``), and
    each element of the stream is a whole batch gathered by its indices. The
    stream is the same for every iterator and ``skip`` resumes it, like the
    ``repeat`` stream of :func:`finish`; unlike it, passes do not blur into
    each other, and the ``n mod batch_size`` rows a pass ends with are left
    out of that pass (other rows in every pass; with fewer rows than a batch,
    a pass is several permutations end to end).

    Args:
        array: ``[n, ...]`` NumPy array.
        batch_size: rows per batch.
        shuffle: permute every pass; otherwise every pass is in the array's order.
        seed: integer seed of the permutations (the global seed plays no part).

    Returns:
        The endless, prefetched ``tf.data.Dataset`` of ``[batch_size, ...]`` batches.
    """
    rows = len(array)
    permutations = -(-batch_size // rows)  # per pass: enough for one batch
    batches = rows * permutations // batch_size
    table = tf.constant(array)

    def pass_indices(index):
        orders = [tf.random.experimental.stateless_shuffle(
                      tf.range(rows, dtype=tf.int64), seed=tf.stack([tf.constant(seed, tf.int64),
                                                                     index * permutations + k]))
                  if shuffle else tf.range(rows, dtype=tf.int64) for k in range(permutations)]
        order = tf.concat(orders, axis=0)[:batches * batch_size]
        return tf.data.Dataset.from_tensor_slices(tf.reshape(order, (batches, batch_size)))

    stream = tf.data.Dataset.counter().flat_map(pass_indices)
    return stream.map(lambda indices: tf.gather(table, indices)).prefetch(tf.data.AUTOTUNE)


def in_memory(images, labels, max_value, *, image_size, **stream):
    """A labelled dataset from uint8 arrays; scaling and resizing happen per batch.

    Args:
        images: uint8 ``[n, H, W, C]`` in [0, max_value].
        labels: int32 ``[n]``.
        max_value: the value that maps to 1.
        image_size: square output size, or None.
        **stream: the arguments of :func:`finish` but ``buffer_size`` (the whole set is the buffer).
    """
    dataset = tf.data.Dataset.from_tensor_slices((images, labels))

    def to_float(x, y):
        return to_unit_range(x, max_value, image_size), y

    return finish(dataset, buffer_size=len(labels), batch_fn=to_float, **stream)
