"""Whole splits as arrays, the captions of a captioned set, and the few-label subsets of semi-supervised learning."""

import numpy as np

from keras_gans import checks
from keras_gans.data import captions, registry


def load_arrays(name, *, split="train", data_dir=None, image_size=None, num_examples=None):
    """A labelled set's split as NumPy arrays, in its fixed (unshuffled) order.

    For measures and small supervised tasks that want the whole split at once
    (the digit judge of ``keras_gans.judges``, the labelled examples of a
    semi-supervised GAN).

    Args:
        name: a labelled dataset name accepted by :func:`~keras_gans.data.load`.
        split: the split, as in :func:`~keras_gans.data.load`.
        data_dir: where tfds datasets are prepared.
        image_size: square output size, as in :func:`~keras_gans.data.load`.
        num_examples: only the first this many examples.

    Returns:
        ``(images, labels)``: float32 ``[n, H, W, C]`` in [-1, 1] and int32 ``[n]``.

    Raises:
        ValueError: for an unlabelled set (or anything :func:`~keras_gans.data.load` rejects).
    """
    dataset = registry.load(name, split=split, batch_size=1024, shuffle=False, data_dir=data_dir,
                            image_size=image_size, drop_remainder=False, num_examples=num_examples)
    if not isinstance(dataset.element_spec, tuple):
        raise ValueError(f"`name`={name!r} is not a labelled dataset: load_arrays returns (images, labels).")
    batches = list(dataset.as_numpy_iterator())
    return (np.concatenate([images for images, _ in batches]),
            np.concatenate([labels for _, labels in batches]).astype(np.int32))


def load_captions(name, *, split="train", data_dir=None, num_examples=None):
    """The captions of a captioned set's split (what a text encoder's vocabulary is built from).

    A ``captions:<path>`` folder gives every caption of every image (read
    from its ``captions.jsonl``); other sets give the caption of each
    example in their fixed order (read at the smallest image size).

    Args:
        name: a captioned dataset name (:func:`~keras_gans.data.has_captions`).
        split: the split, as in :func:`~keras_gans.data.load`.
        data_dir: where tfds datasets are prepared.
        num_examples: only the first this many examples.

    Returns:
        A list of str.

    Raises:
        ValueError: naming ``name`` when its batches hold no captions.
    """
    if not registry.has_captions(name):
        raise ValueError(f"`name`={name!r} is not a captioned dataset (e.g. captions:<path>).")
    spec = name[len("captions:"):]
    if name.startswith("captions:") and not spec.startswith(captions.TFDS_PREFIX):
        texts = captions.caption_texts(spec, split)
        return texts if num_examples is None else texts[:num_examples]
    dataset = registry.load(name, split=split, batch_size=1024, shuffle=False, data_dir=data_dir, image_size=16,
                            drop_remainder=False, num_examples=num_examples)
    return [text.decode() for batch in dataset.map(lambda *element: element[1]).as_numpy_iterator()
            for text in batch]


def class_balanced_indices(labels, per_class, *, seed=0):
    """Indices of ``per_class`` examples of every class, drawn without replacement.

    The labelled subset of semi-supervised benchmarks: Salimans et al. 2016
    ("Improved Techniques for Training GANs", section 5) keep 100 MNIST labels,
    10 per class, and treat the rest of the training set as unlabelled.

    Args:
        labels: int ``[n]`` class ids 0..K-1.
        per_class: examples kept per class, >= 1.
        seed: seed of ``np.random.default_rng`` choosing them.

    Returns:
        Sorted int64 ``[K * per_class]`` indices into ``labels``.

    Raises:
        ValueError: naming ``per_class`` when a class has fewer examples, or
            ``labels`` when it is not a 1-D array of non-negative ints.
    """
    labels = np.asarray(labels)
    if labels.ndim != 1 or labels.size == 0 or not np.issubdtype(labels.dtype, np.integer) or labels.min() < 0:
        raise ValueError(f"`labels` must be a non-empty 1-D array of class ids >= 0; received "
                         f"shape {labels.shape}, dtype {labels.dtype}.")
    per_class = checks.positive_int("per_class", per_class)
    rng = np.random.default_rng(seed)
    chosen = []
    for label in np.unique(labels):
        members = np.flatnonzero(labels == label)
        if len(members) < per_class:
            raise ValueError(f"`per_class`={per_class} exceeds the {len(members)} examples of class {label}.")
        chosen.append(rng.choice(members, size=per_class, replace=False))
    return np.sort(np.concatenate(chosen))
