"""``tfds:<name>[/<config>][:<split>]``: a TensorFlow Datasets dataset already prepared in ``data_dir``.

Nothing is ever downloaded: an unprepared dataset is a ``FileNotFoundError``
that says how to prepare it elsewhere. The ``image`` feature is read, with
``label`` when it is a ClassLabel; non-square images are center-cropped to a
square. The unpaired image-to-image sets read one split per domain with
:func:`domain`.
"""

import numpy as np
import tensorflow as tf
# At the top, not deferred: measured on 2 cores, importing tensorflow_datasets after TensorFlow adds
# 0.2-0.5 s to the 7-8 s of `import keras_gans.data`, less than that import's run-to-run spread.
import tensorflow_datasets as tfds

from keras_gans.data import pipeline

_SHUFFLE_BUFFER = 10_000  # at most
_SHUFFLE_BUDGET_BYTES = 256 * 2**20  # memory the shuffle buffer may use


def parse_spec(spec):
    """Splits ``<name>[/<config>][:<split>]`` into ``(name_with_config, split or None)``.

    Raises:
        ValueError: when a part is empty.
    """
    base, colon, split = spec.partition(":")
    name, slash, config = base.partition("/")
    if not name or (slash and not config) or (colon and not split):
        raise ValueError(f"`name`='tfds:{spec}' is not of the form tfds:<name>[/<config>][:<split>].")
    return base, (split if colon else None)


def is_valid(spec):
    """Whether ``tfds:<spec>`` has the form ``tfds:<name>[/<config>][:<split>]``."""
    try:
        parse_spec(spec)
    except ValueError:
        return False
    return True


def _builder(base, data_dir):
    try:
        return tfds.builder(base, data_dir=data_dir)
    except tfds.core.registered.DatasetNotFoundError as error:
        first_line = str(error).splitlines()[0] if str(error) else base
        raise ValueError(f"`name`='tfds:{base}': {first_line} (see `tfds.list_builders()`).") from None


def _label_feature(builder):
    features = builder.info.features
    feature = features["label"] if "label" in features else None
    return feature if isinstance(feature, tfds.features.ClassLabel) else None


def _image_feature(builder, name, image_size, *, fixed_channels=False):
    """``(height, width, channels)`` of the ``image`` feature (None where they vary).

    Raises:
        ValueError: naming the dataset when it has no ``image`` feature, a
            variable number of channels (with ``fixed_channels``), or images of
            varying size and no ``image_size``.
    """
    features = builder.info.features
    if "image" not in features:
        raise ValueError(f"`name`={name!r} has no 'image' feature (it has {', '.join(sorted(features.keys()))}).")
    height, width, channels = features["image"].shape
    if fixed_channels and channels is None:
        raise ValueError(f"`name`={name!r}: images with a variable number of channels are not supported.")
    if image_size is None and (height is None or width is None):
        raise ValueError(f"`name`={name!r} has images of varying size: pass `image_size`; "
                         "received image_size=None.")
    return height, width, channels


def _as_dataset(builder, base, split, data_dir, read_config, shuffle_files=False):
    """``builder.as_dataset``, with tfds's errors told in terms of what to do.

    Raises:
        FileNotFoundError: when the dataset is not prepared in ``data_dir``.
        ValueError: when the split cannot be read.
    """
    try:
        return builder.as_dataset(split=split, shuffle_files=shuffle_files, read_config=read_config)
    except AssertionError:  # tfds's way of saying the data is not prepared
        root = getattr(builder, "data_dir_root", None) or data_dir or "~/tensorflow_datasets"
        data_dir_flag = f" --data_dir={data_dir}" if data_dir else ""
        raise FileNotFoundError(
            f"tfds:{base} is not prepared in data_dir={root} and nothing is downloaded here. "
            f"Prepare it on a machine with network access with `tfds build {base}{data_dir_flag}` "
            "and copy the data folder here.") from None
    except (KeyError, ValueError) as error:
        raise ValueError(f"`split`={split!r} of tfds:{base} could not be read: {error}") from None


def num_classes(spec, data_dir=None):
    """``num_classes`` of the ``label`` ClassLabel feature of ``tfds:<spec>``, or None without one."""
    base, _ = parse_spec(spec)
    label = _label_feature(_builder(base, data_dir))
    return None if label is None else int(label.num_classes)


def _examples(spec, split, *, data_dir, image_size, num_examples, shuffle, seed, repeat):
    """``(examples, builder, image_fn, buffer)``: the split's examples, a map of ``example["image"]`` to a
    uint8 ``[side, side, channels]`` square, and the shuffle buffer its images allow."""
    name = f"tfds:{spec}"
    base, name_split = parse_spec(spec)
    if name_split is not None:
        if split not in ("train", name_split):
            raise ValueError(f"`split`={split!r} conflicts with the split {name_split!r} in `name`={name!r}.")
        split = name_split
    builder = _builder(base, data_dir)
    height, width, channels = _image_feature(builder, name, image_size, fixed_channels=True)
    side = image_size or min(height, width)

    known_splits = list(builder.info.splits.keys())
    if known_splits and any(part.split("[")[0].strip() not in known_splits for part in split.split("+")):
        raise ValueError(f"`split`={split!r} is not a split of tfds:{base}: use one of "
                         f"{', '.join(sorted(known_splits))}.")
    # The repeat stream reads the files in one fixed order; its element shuffle still mixes passes.
    read_config = tfds.ReadConfig(shuffle_seed=seed, shuffle_reshuffle_each_iteration=not repeat)
    dataset = _as_dataset(builder, base, split, data_dir, read_config, shuffle_files=shuffle and num_examples is None)
    if num_examples is not None:
        dataset = dataset.take(num_examples)

    def image_fn(image):
        if height is None or width is None or height != width:
            image = pipeline.center_crop_square(image)
        if image_size is not None and (height != image_size or width != image_size):
            image = pipeline.resize_uint8(image, image_size)
        return tf.ensure_shape(image, [side, side, channels])

    buffer = int(np.clip(_SHUFFLE_BUDGET_BYTES // (side * side * channels), 1024, _SHUFFLE_BUFFER))
    cardinality = int(dataset.cardinality())
    if cardinality > 0:
        buffer = min(buffer, cardinality)
    return dataset, builder, image_fn, buffer


def load(spec, split, *, data_dir, image_size, num_examples, shuffle, seed, repeat, **finish):
    """``tfds:<spec>``: its images (labels when ``label`` is a ClassLabel); a split in ``spec`` overrides ``split``.

    ``**finish`` are the other arguments of :func:`keras_gans.data.pipeline.finish`.
    """
    dataset, builder, image_fn, buffer = _examples(spec, split, data_dir=data_dir, image_size=image_size,
                                                   num_examples=num_examples, shuffle=shuffle, seed=seed,
                                                   repeat=repeat)
    label_feature = _label_feature(builder)

    def select(example):
        image = image_fn(example["image"])
        if label_feature is None:
            return image
        return image, tf.cast(example["label"], tf.int32)

    dataset = dataset.map(select, num_parallel_calls=tf.data.AUTOTUNE, deterministic=True)
    return pipeline.finish(dataset, shuffle=shuffle, seed=seed, buffer_size=buffer, batch_fn=pipeline.images_to_float,
                           repeat=repeat, **finish)


def _is_text(feature):
    """Whether a tfds feature holds one string per example (a Text, or a scalar string Tensor)."""
    if isinstance(feature, tfds.features.Text):
        return True
    return (isinstance(feature, tfds.features.Tensor) and tf.as_dtype(feature.dtype) == tf.string
            and tuple(feature.shape) == ())


def _caption_feature(builder, name):
    """``(key, sub-key or None)`` of the captions: a sequence of texts (or of dicts holding one, as
    ``coco_captions``' ``captions/text``), else a top-level text that is not a file name.

    Raises:
        ValueError: naming the dataset when it has no text feature.
    """
    features = builder.info.features
    for key in sorted(features.keys()):
        feature = features[key]
        if isinstance(feature, tfds.features.Sequence):
            inner = feature.feature
            if _is_text(inner):
                return key, None
            if isinstance(inner, tfds.features.FeaturesDict):
                texts = sorted(k for k, f in inner.items() if _is_text(f))
                if texts:
                    return key, texts[0]
    for key in sorted(features.keys()):
        if _is_text(features[key]) and "/" not in key and "filename" not in key:
            return key, None
    raise ValueError(f"`name`={name!r} has no caption (text) feature (it has {', '.join(sorted(features.keys()))}).")


def caption_examples(spec, split, *, data_dir, image_size, num_examples, shuffle, seed, repeat):
    """``captions:tfds:<spec>``: its examples as ``(uint8 image, captions [k] string[, int32 label])``, unbatched.

    The captions are every text of the example (``k >= 1``; examples without
    one are skipped); the label is its ``label`` ClassLabel, when it has one.

    Returns:
        ``(examples, shuffle buffer, whether examples hold labels)``.
    """
    dataset, builder, image_fn, buffer = _examples(spec, split, data_dir=data_dir, image_size=image_size,
                                                   num_examples=num_examples, shuffle=shuffle, seed=seed,
                                                   repeat=repeat)
    key, sub_key = _caption_feature(builder, f"captions:tfds:{spec}")
    label_feature = _label_feature(builder)

    def select(example):
        texts = example[key] if sub_key is None else example[key][sub_key]
        texts = tf.reshape(texts, [-1])
        if label_feature is None:
            return image_fn(example["image"]), texts
        return image_fn(example["image"]), texts, tf.cast(example["label"], tf.int32)

    dataset = dataset.map(select, num_parallel_calls=tf.data.AUTOTUNE, deterministic=True)
    return dataset.filter(lambda *element: tf.size(element[1]) > 0), buffer, label_feature is not None


def domain(spec, split, *, data_dir, image_size, num_examples, name):
    """One split of ``tfds:<spec>`` as a domain of the unpaired set ``name``: ``(float32 images, count)``, unbatched.

    Each image is center-cropped to a square and resized to ``image_size`` (when given).
    """
    builder = _builder(spec, data_dir)
    height, width, channels = _image_feature(builder, name, image_size)
    side = image_size or min(height, width)
    dataset = _as_dataset(builder, spec, split, data_dir, tfds.ReadConfig(shuffle_seed=0))
    if num_examples is not None:
        dataset = dataset.take(num_examples)
    count = int(dataset.cardinality())
    dataset = dataset.map(lambda example: tf.ensure_shape(pipeline.square_float(example["image"], image_size),
                                                          [side, side, channels]),
                          num_parallel_calls=tf.data.AUTOTUNE, deterministic=True)
    return dataset, count
