"""Datasets by name, as batched ``tf.data.Dataset`` in the project's conventions.

:func:`load` resolves three kinds of names:

* embedded sets that need no network:

  - ``ring8``: 8 Gaussians on the unit circle, std 0.01, and ``grid25``: 25
    Gaussians on the grid {-4,-2,0,2,4}^2, std 0.05 -- the mode-collapse
    benchmarks of VEEGAN (Srivastava et al. 2017, "VEEGAN: Reducing Mode
    Collapse in GANs using Implicit Variational Learning") and PacGAN (Lin et
    al. 2018, "PacGAN: The power of two samples in generative adversarial
    networks"). Elements are float32 points ``[batch, 2]``.
  - ``digits``: the 1,797 real 8x8 handwritten digits bundled with
    scikit-learn; ``(images [batch, 8, 8, 1], labels [batch])``.
  - ``textures``: 32x32 grayscale patches cut from the brick, grass and gravel
    textures bundled with scikit-image, labelled by texture (3 classes).

* ``tfds:<name>[/<config>][:<split>]``: a TensorFlow Datasets dataset already
  prepared in ``data_dir`` (nothing is ever downloaded).
* ``folder:<path>``: PNG/JPEG files under a folder, labelled by class subfolder.
* image-to-image translation sets (section "Image-to-image translation sets"):
  the embedded ``digits2bold`` and ``digits2rotated`` (unpaired), ``blurred2digits`` and
  ``photos_x4`` (paired), and ``unpaired:tfds:<name>`` (splits
  ``<split>A``/``<split>B``, e.g. ``unpaired:tfds:cycle_gan/horse2zebra``),
  ``unpaired:folder:<path>`` (folders ``<split>A``/``<split>B``),
  ``paired:folder:<path>`` / ``paired_reversed:folder:<path>`` (side-by-side
  A|B images) and ``sr:folder:<path>`` (high-resolution photos).

Images are float32 NHWC in [-1, 1]; labels are int32 class ids. By default a
dataset is ONE pass over the data, batched and prefetched; repeat it for more
epochs. For a given ``seed`` the batches and their order are the same every time
a pipeline is built, and so is every later epoch under ``.repeat()``: shuffling
uses ``Dataset.shuffle(seed=seed, reshuffle_each_iteration=True)``. TensorFlow
combines that seed with its global seed, so the order is a function of
``seed`` and of the global seed in force when :func:`load` is called
(``keras.utils.set_random_seed``; ``experiment.run`` sets both from ``--seed``).

Reshuffling on every iteration means a second iterator over the same dataset
sees another order. Keras opens a throwaway iterator on a dataset before
training under ``tf.distribute``, so runs that must match a single-device run
or resume exactly use ``load(..., repeat=True)`` instead: an endless stream,
repeated and then shuffled with a fixed order, the same on every iteration
(epoch boundaries blur by the shuffle buffer, as with any shuffle after repeat).
"""

import functools
import numbers
import os

import numpy as np
import tensorflow as tf

EMBEDDED = ("ring8", "grid25", "digits", "textures", "digits2bold", "digits2rotated", "blurred2digits",
            "photos_x4")
TOY_SETS = ("ring8", "grid25")
IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg")

_EMBEDDED_SPLITS = ("train", "test")
_TOY_SIZES = {"train": 100_000, "test": 10_000}
_TEST_FRACTION = 0.2  # held-out share of digits and textures, stratified by class
_SPLIT_RANDOM_STATE = 0
_TEXTURES = ("brick", "grass", "gravel")  # class ids 0, 1, 2
_PATCH = 32
_SHUFFLE_BUFFER = 10_000  # at most, for tfds sets
_SHUFFLE_BUDGET_BYTES = 256 * 2**20  # memory the tfds shuffle buffer may use
_PIL_FORMATS = ("PNG", "JPEG", "MPO")  # what tf.io.decode_image reads among .png/.jpg/.jpeg
_GRAY_MODES = ("1", "L", "LA", "I", "I;16", "I;16B", "I;16L", "F")
_VALID_FORMS = (f"an embedded set ({', '.join(EMBEDDED)}), tfds:<name>[/<config>][:<split>] "
                "or folder:<path>")


# ----------------------------------------------------------------------------
# Names


def _parse_tfds(spec):
    """Splits ``<name>[/<config>][:<split>]`` into ``(name_with_config, split or None)``.

    Raises:
        ValueError: when a part is empty.
    """
    base, colon, split = spec.partition(":")
    name, slash, config = base.partition("/")
    if not name or (slash and not config) or (colon and not split):
        raise ValueError(f"`name`='tfds:{spec}' is not of the form tfds:<name>[/<config>][:<split>].")
    return base, (split if colon else None)


def is_known_name(name):
    """Whether ``name`` has a form :func:`load` understands.

    Only the form is checked here: whether a tfds dataset is prepared or a
    folder exists is checked by :func:`load`.

    Args:
        name: a dataset name.

    Returns:
        True for an embedded set, ``tfds:<name>[/<config>][:<split>]`` or
        ``folder:<path>`` with a non-empty path.
    """
    if not isinstance(name, str):
        return False
    if name in EMBEDDED:
        return True
    if name.startswith(tuple(TRANSLATION_SOURCES)):  # image-to-image sources, see the translation section
        return _is_translation_name(name)
    if name.startswith("tfds:"):
        try:
            _parse_tfds(name[len("tfds:"):])
        except ValueError:
            return False
        return True
    return name.startswith("folder:") and len(name) > len("folder:")


def _check_name(name):
    if not is_known_name(name):
        raise ValueError(f"Unknown dataset `name`={name!r}: use {_VALID_FORMS}.")


# ----------------------------------------------------------------------------
# Toy sets


def toy_modes(name):
    """The mixture components of a 2-D toy set.

    ``ring8``: 8 modes at angles ``2 pi i / 8``, i = 0..7, on the unit circle
    (eight distinct angles), std 0.01. ``grid25``: 25 modes at
    {-4,-2,0,2,4}^2, std 0.05. (VEEGAN, Srivastava et al. 2017, section 5.1;
    PacGAN, Lin et al. 2018, section 5.)

    Args:
        name: ``"ring8"`` or ``"grid25"``.

    Returns:
        ``(centers, std)``: float32 ``[k, 2]`` mode centers and the standard
        deviation of every mode.

    Raises:
        ValueError: for any other name.
    """
    if name == "ring8":
        angles = 2.0 * np.pi * np.arange(8) / 8.0  # not linspace(0, 2 pi, 8): that repeats angle 0
        centers = np.stack([np.cos(angles), np.sin(angles)], axis=1)  # [8, 2]
        return centers.astype(np.float32), 0.01
    if name == "grid25":
        axis = np.array([-4.0, -2.0, 0.0, 2.0, 4.0])
        xs, ys = np.meshgrid(axis, axis, indexing="ij")
        centers = np.stack([xs.ravel(), ys.ravel()], axis=1)  # [25, 2], x-major
        return centers.astype(np.float32), 0.05
    raise ValueError(f"`name`={name!r} is not a toy set; toy sets are {', '.join(TOY_SETS)}.")


def _toy_points(name, split, num_examples):
    """``[n, 2]`` float32 points drawn from the mixture with a fixed seed per (set, split)."""
    centers, std = toy_modes(name)
    n = num_examples or _TOY_SIZES[split]
    rng = np.random.default_rng([TOY_SETS.index(name), _EMBEDDED_SPLITS.index(split)])
    modes = rng.integers(len(centers), size=n)  # uniform over modes
    points = centers[modes] + std * rng.standard_normal((n, 2))
    return points.astype(np.float32)


# ----------------------------------------------------------------------------
# Embedded image sets


def _stratified_split(labels, split):
    """Sorted indices of ``split`` in a fixed, class-stratified 80/20 partition."""
    from sklearn.model_selection import train_test_split

    train, test = train_test_split(np.arange(len(labels)), test_size=_TEST_FRACTION, stratify=labels,
                                   random_state=_SPLIT_RANDOM_STATE)
    return np.sort(train if split == "train" else test)


@functools.lru_cache(maxsize=None)
def _digits_arrays():
    """scikit-learn's digits as (uint8 [1797, 8, 8, 1] in 0..16, int32 [1797])."""
    from sklearn.datasets import load_digits

    digits = load_digits()
    images = digits.images.astype(np.uint8)[..., None]  # [n, 8, 8] -> [n, 8, 8, 1]
    return images, digits.target.astype(np.int32)


@functools.lru_cache(maxsize=None)
def _textures_arrays():
    """Non-overlapping 32x32 patches of scikit-image's brick, grass, gravel: (uint8 [768, 32, 32, 1], int32)."""
    import skimage.data

    patches, labels = [], []
    for label, texture in enumerate(_TEXTURES):
        image = getattr(skimage.data, texture)()  # [512, 512] uint8
        side = image.shape[0] // _PATCH
        image = image[:side * _PATCH, :side * _PATCH]
        tiles = image.reshape(side, _PATCH, side, _PATCH).transpose(0, 2, 1, 3)  # [s, s, 32, 32]
        patches.append(tiles.reshape(-1, _PATCH, _PATCH, 1))  # [s*s, 32, 32, 1]
        labels.append(np.full(side * side, label, np.int32))
    return np.concatenate(patches), np.concatenate(labels)


# ----------------------------------------------------------------------------
# Argument checks


def _is_int(value):
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _check_args(batch_size, seed, image_size, num_examples, split):
    if not _is_int(batch_size) or batch_size <= 0:
        raise ValueError(f"`batch_size` must be a positive integer; received batch_size={batch_size!r}.")
    if not _is_int(seed):
        raise ValueError(f"`seed` must be an integer; received seed={seed!r}.")
    if image_size is not None and (not _is_int(image_size) or image_size < 4
                                   or image_size & (image_size - 1)):
        raise ValueError(f"`image_size` must be a power of two >= 4 or None; received "
                         f"image_size={image_size!r}.")
    if num_examples is not None and (not _is_int(num_examples) or num_examples <= 0):
        raise ValueError(f"`num_examples` must be a positive integer or None; received "
                         f"num_examples={num_examples!r}.")
    if not isinstance(split, str) or not split:
        raise ValueError(f"`split` must be a non-empty string; received split={split!r}.")


def _check_embedded_split(name, split):
    if split not in _EMBEDDED_SPLITS:
        raise ValueError(f"`split`={split!r} is not a split of {name}: use one of "
                         f"{', '.join(_EMBEDDED_SPLITS)}.")


# ----------------------------------------------------------------------------
# Image helpers (tensors)


def _center_crop_square(image):
    """Crops an ``[h, w, c]`` image to its central ``[s, s, c]``, s = min(h, w)."""
    shape = tf.shape(image)
    side = tf.minimum(shape[0], shape[1])
    top = (shape[0] - side) // 2
    left = (shape[1] - side) // 2
    return image[top:top + side, left:left + side]


def _resize_uint8(image, size):
    """Bilinear resize of a uint8 image (or batch) to ``size`` x ``size``, back to uint8."""
    resized = tf.image.resize(image, [size, size], method="bilinear", antialias=True)
    return tf.cast(tf.round(tf.clip_by_value(resized, 0.0, 255.0)), tf.uint8)


def _to_unit_range(images, max_value, image_size=None):
    """uint8 images in [0, max_value] -> float32 in [-1, 1], optionally resized (bilinear, clipped)."""
    images = tf.cast(images, tf.float32) * (2.0 / max_value) - 1.0
    if image_size is not None and images.shape[-2] != image_size:
        images = tf.image.resize(images, [image_size, image_size], method="bilinear", antialias=True)
        images = tf.clip_by_value(images, -1.0, 1.0)
    return images


def _finish(dataset, *, batch_size, shuffle, seed, buffer_size, drop_remainder, repeat,
            element_fn=None, batch_fn=None):
    """Repeats, shuffles, maps ``element_fn``, batches, maps ``batch_fn`` and prefetches.

    One pass is reshuffled on every iteration; the endless ``repeat`` stream
    is shuffled once, in an order that every iterator sees (module docstring).
    """
    if repeat:
        dataset = dataset.repeat()
    if shuffle:
        dataset = dataset.shuffle(max(1, buffer_size), seed=seed, reshuffle_each_iteration=not repeat)
    if element_fn is not None:
        dataset = dataset.map(element_fn, num_parallel_calls=tf.data.AUTOTUNE, deterministic=True)
    dataset = dataset.batch(batch_size, drop_remainder=drop_remainder)
    if batch_fn is not None:
        dataset = dataset.map(batch_fn, num_parallel_calls=tf.data.AUTOTUNE, deterministic=True)
    return dataset.prefetch(tf.data.AUTOTUNE)


def _in_memory(images, labels, max_value, *, image_size, **finish):
    """A labelled dataset from uint8 arrays; scaling and resizing happen per batch."""
    dataset = tf.data.Dataset.from_tensor_slices((images, labels))

    def to_float(x, y):
        return _to_unit_range(x, max_value, image_size), y

    return _finish(dataset, buffer_size=len(labels), batch_fn=to_float, **finish)


# ----------------------------------------------------------------------------
# TensorFlow Datasets


def _tfds_builder(spec, data_dir):
    import tensorflow_datasets as tfds

    try:
        return tfds.builder(spec, data_dir=data_dir)
    except tfds.core.registered.DatasetNotFoundError as error:
        first_line = str(error).splitlines()[0] if str(error) else spec
        raise ValueError(f"`name`='tfds:{spec}': {first_line} (see `tfds.list_builders()`).") from None


def _tfds_label_feature(builder):
    import tensorflow_datasets as tfds

    features = builder.info.features
    feature = features["label"] if "label" in features else None
    return feature if isinstance(feature, tfds.features.ClassLabel) else None


def _load_tfds(spec, split, data_dir, image_size, num_examples, shuffle, seed, repeat, **finish):
    import tensorflow_datasets as tfds

    base, name_split = _parse_tfds(spec)
    if name_split is not None:
        if split not in ("train", name_split):
            raise ValueError(f"`split`={split!r} conflicts with the split {name_split!r} in "
                             f"`name`='tfds:{spec}'.")
        split = name_split
    builder = _tfds_builder(base, data_dir)
    features = builder.info.features
    if "image" not in features:
        raise ValueError(f"`name`='tfds:{spec}' has no 'image' feature (it has "
                         f"{', '.join(sorted(features.keys()))}).")
    height, width, channels = builder.info.features["image"].shape
    if channels is None:
        raise ValueError(f"`name`='tfds:{spec}': images with a variable number of channels are not "
                         "supported.")
    if image_size is None and (height is None or width is None):
        raise ValueError(f"`name`='tfds:{spec}' has images of varying size: pass `image_size`; "
                         "received image_size=None.")
    side = image_size or min(height, width)
    label_feature = _tfds_label_feature(builder)

    known_splits = list(builder.info.splits.keys())
    if known_splits and any(part.split("[")[0].strip() not in known_splits for part in split.split("+")):
        raise ValueError(f"`split`={split!r} is not a split of tfds:{base}: use one of "
                         f"{', '.join(sorted(known_splits))}.")
    # The repeat stream reads the files in one fixed order; its element shuffle still mixes passes.
    read_config = tfds.ReadConfig(shuffle_seed=seed, shuffle_reshuffle_each_iteration=not repeat)
    try:
        dataset = builder.as_dataset(split=split, shuffle_files=shuffle and num_examples is None,
                                     read_config=read_config)
    except AssertionError:  # tfds's way of saying the data is not prepared
        root = getattr(builder, "data_dir_root", None) or data_dir or "~/tensorflow_datasets"
        data_dir_flag = f" --data_dir={data_dir}" if data_dir else ""
        raise FileNotFoundError(
            f"tfds:{base} is not prepared in data_dir={root} and nothing is downloaded here. "
            f"Prepare it on a machine with network access with `tfds build {base}{data_dir_flag}` "
            "and copy the data folder here.") from None
    except (KeyError, ValueError) as error:
        raise ValueError(f"`split`={split!r} of tfds:{base} could not be read: {error}") from None
    if num_examples is not None:
        dataset = dataset.take(num_examples)

    def select(example):
        image = example["image"]
        if height is None or width is None or height != width:
            image = _center_crop_square(image)
        if image_size is not None and (height != image_size or width != image_size):
            image = _resize_uint8(image, image_size)
        image = tf.ensure_shape(image, [side, side, channels])
        if label_feature is None:
            return image
        return image, tf.cast(example["label"], tf.int32)

    dataset = dataset.map(select, num_parallel_calls=tf.data.AUTOTUNE, deterministic=True)
    buffer = int(np.clip(_SHUFFLE_BUDGET_BYTES // (side * side * channels), 1024, _SHUFFLE_BUFFER))
    cardinality = int(dataset.cardinality())
    if cardinality > 0:
        buffer = min(buffer, cardinality)

    def to_float(*element):
        images = _to_unit_range(element[0], 255.0)
        return images if len(element) == 1 else (images, element[1])

    return _finish(dataset, shuffle=shuffle, seed=seed, buffer_size=buffer, batch_fn=to_float,
                   repeat=repeat, **finish)


# ----------------------------------------------------------------------------
# Folders of images


def _walk_images(path):
    """Image files under ``path``, recursively, in sorted order; hidden entries skipped."""
    found = []
    for root, dirs, files in os.walk(path, followlinks=True):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found.extend(os.path.join(root, f) for f in sorted(files)
                     if not f.startswith(".") and f.lower().endswith(IMAGE_EXTENSIONS))
    return found


def _scan_folder(path):
    """``(files, labels or None, class_names or None)`` of a ``folder:`` dataset.

    The folder is labelled when it holds at least two subfolders that contain
    images (recursively); each such subfolder, in sorted order, is a class.
    Otherwise every image under it, recursively, is one unlabelled set.

    Raises:
        FileNotFoundError: when ``path`` is not a directory.
        ValueError: when it holds no image, or images beside class subfolders.
    """
    if not os.path.isdir(path):
        raise FileNotFoundError(f"folder:{path}: no such directory.")
    entries = sorted(e for e in os.listdir(path) if not e.startswith("."))
    class_files = {}
    for entry in entries:
        full = os.path.join(path, entry)
        if os.path.isdir(full):
            files = _walk_images(full)
            if files:
                class_files[entry] = files
    top_images = [e for e in entries if os.path.isfile(os.path.join(path, e))
                  and e.lower().endswith(IMAGE_EXTENSIONS)]
    if len(class_files) >= 2:
        if top_images:
            raise ValueError(f"folder:{path} holds class subfolders and also images at its top level "
                             f"(e.g. {os.path.join(path, top_images[0])}): move them into a class "
                             "subfolder, or point folder: at a folder without class subfolders.")
        names = sorted(class_files)
        files = [f for name in names for f in class_files[name]]
        labels = [i for i, name in enumerate(names) for _ in class_files[name]]
        return files, labels, names
    files = _walk_images(path)
    if not files:
        raise ValueError(f"folder:{path} holds no image ({', '.join(IMAGE_EXTENSIONS)} files).")
    return files, None, None


def _inspect_images(root, files):
    """Opens every file with PIL; returns their sizes ``(w, h)`` and modes.

    Raises:
        ValueError: naming the first file that is not a readable PNG/JPEG.
    """
    from PIL import Image

    sizes, modes = [], []
    for path in files:
        try:
            with Image.open(path) as image:
                image_format, size, mode = image.format, image.size, image.mode
                image.verify()  # structure and checksums, without a full decode
        except Exception as error:  # PIL raises many types for broken files
            raise ValueError(f"folder:{root}: {path} is not a readable image: "
                             f"{type(error).__name__}: {error}") from None
        if image_format not in _PIL_FORMATS:
            raise ValueError(f"folder:{root}: {path} is a {image_format} file; only PNG and JPEG are read.")
        sizes.append(size)
        modes.append(mode)
    return sizes, modes


def _load_folder(path, split, image_size, num_examples, shuffle, seed, **finish):
    if split != "train":
        raise ValueError(f"`split`={split!r}: folder:{path} is a single split, 'train'; point folder: "
                         "at another folder for held-out images.")
    files, labels, _ = _scan_folder(path)
    if num_examples is not None:
        files = files[:num_examples]
        labels = None if labels is None else labels[:num_examples]
    sizes, modes = _inspect_images(path, files)
    if image_size is None:
        for file, size in zip(files, sizes):
            if size != sizes[0]:
                raise ValueError(f"folder:{path}: {file} is {size[0]}x{size[1]} but {files[0]} is "
                                 f"{sizes[0][0]}x{sizes[0][1]}; pass `image_size` to resize them all "
                                 "(received image_size=None).")
    # Grayscale stays one channel when every image is grayscale; any colour image makes all RGB.
    channels = 1 if all(mode in _GRAY_MODES for mode in modes) else 3
    side = image_size or min(sizes[0])
    square = all(w == h for w, h in sizes)

    def read(file):
        image = tf.io.decode_image(tf.io.read_file(file), channels=channels, dtype=tf.uint8,
                                   expand_animations=False)
        if not square:
            image = _center_crop_square(image)
        if image_size is not None:
            image = _resize_uint8(image, image_size)
        return tf.ensure_shape(image, [side, side, channels])

    # File names are shuffled (the whole folder fits in the buffer), then read.
    if labels is None:
        dataset = tf.data.Dataset.from_tensor_slices(files)
        element_fn = read
    else:
        dataset = tf.data.Dataset.from_tensor_slices((files, np.asarray(labels, np.int32)))
        element_fn = lambda file, label: (read(file), label)  # noqa: E731

    def to_float(*element):
        images = _to_unit_range(element[0], 255.0)
        return images if len(element) == 1 else (images, element[1])

    return _finish(dataset, shuffle=shuffle, seed=seed, buffer_size=len(files), element_fn=element_fn,
                   batch_fn=to_float, **finish)


# ----------------------------------------------------------------------------
# Public entry points


def num_classes(name, data_dir=None):
    """Number of classes of a labelled dataset.

    Args:
        name: a dataset name accepted by :func:`load`.
        data_dir: where tfds datasets are prepared.

    Returns:
        10 for ``digits``, 3 for ``textures``; for ``tfds:`` sets the
        ``num_classes`` of their ``label`` ClassLabel feature; for ``folder:``
        sets the number of class subfolders; ``None`` for unlabelled sets and
        the toy sets.

    Raises:
        ValueError: for an unknown name.
        FileNotFoundError: for a ``folder:`` that does not exist.
    """
    _check_name(name)
    if translation_kind(name) is not None:
        return None
    if name == "digits":
        return 10
    if name == "textures":
        return len(_TEXTURES)
    if name in TOY_SETS:
        return None
    if name.startswith("tfds:"):
        base, _ = _parse_tfds(name[len("tfds:"):])
        label = _tfds_label_feature(_tfds_builder(base, data_dir))
        return None if label is None else int(label.num_classes)
    _, _, class_names = _scan_folder(name[len("folder:"):])
    return None if class_names is None else len(class_names)


def load(name, *, split="train", batch_size, shuffle=True, seed=0, data_dir=None, image_size=None,
         drop_remainder=True, num_examples=None, repeat=False):
    """A dataset by name: batched, one epoch, prefetched, deterministic for a seed.

    Elements: ``[batch, 2]`` float32 points for the toy sets; ``(images,
    labels)`` for labelled image sets; ``images`` for unlabelled ones;
    ``(source, target)`` for paired and ``(domain_a, domain_b)`` for unpaired
    translation sets (:func:`translation_kind`). Images are float32
    ``[batch, H, W, C]`` in [-1, 1]; labels int32 ``[batch]``.

    Translation sets: ``digits2bold`` pairs digits (domain A) with bold digits
    (domain B, strokes thickened by a grey dilation) and ``digits2rotated``
    with digits turned 90 degrees, drawn from disjoint halves of the split;
    ``blurred2digits`` pairs each digit blurred (Gaussian, std 0.75 original
    pixel) with itself; both are 32x32 by default. ``photos_x4`` pairs
    32x32 patches of six scikit-image photos (test split: the held-out
    ``coffee`` photo) with their bicubic x4 downscales. One pass of an
    unpaired set holds as many pairs as its larger domain. Training splits
    are augmented (:func:`jitter_pair`; no mirroring for digits; mirroring
    only for super-resolution).

    * ``ring8``/``grid25``: points drawn from the mixture of :func:`toy_modes`
      (uniform over modes) with a fixed seed per split: 100,000 for
      ``"train"``, 10,000 for ``"test"``.
    * ``digits``: scikit-learn's 8x8 digits (values 0..16) scaled by
      ``x / 8 - 1``; ``digits``/``textures`` splits ``"train"``/``"test"`` are a
      fixed class-stratified 80/20 partition (1,437/360 digits, 614/154
      texture patches).
    * ``tfds:<name>[/<config>][:<split>]``: the ``image`` feature, with
      ``label`` when it is a ClassLabel. A split in the name overrides
      ``split``. Non-square images are center-cropped to a square.
    * ``folder:<path>``: .png/.jpg/.jpeg files found recursively (hidden
      files skipped). With two or more subfolders holding images, each
      subfolder (sorted by name) is a class. Every file is checked with PIL
      before the pipeline is built. Images are grayscale (one channel) when
      every file is grayscale, else all are converted to RGB; non-square
      images are center-cropped to a square. Without ``image_size`` all files
      must share one size. The whole folder is the ``"train"`` split.

    Resizing to ``image_size`` is bilinear (``tf.image.resize``), clipped to
    the input range.

    Args:
        name: an embedded set, ``tfds:...`` or ``folder:...``.
        split: ``"train"`` or ``"test"`` for embedded sets; any tfds split
            (e.g. ``"train[:10%]"``); only ``"train"`` for folders.
        batch_size: positive number of examples per batch.
        shuffle: shuffle (reshuffling every epoch) when True.
        seed: seed of the shuffle order.
        data_dir: where tfds datasets are prepared (tfds's default if None).
        image_size: square output size, a power of two >= 4, or None to keep
            the native size.
        drop_remainder: drop the last partial batch, so the number of batches
            is ``n // batch_size`` and every batch has ``batch_size`` rows.
        num_examples: use only this many examples (toy sets: draw this many
            points; other sets: the first ones in their fixed order).
        repeat: False for one pass, reshuffled each time it is iterated.
            True for an endless stream (repeated, then shuffled) whose order
            is the same every time it is iterated: ``stream.skip(n)`` is
            exactly what an unbroken run sees after ``n`` batches.

    Returns:
        A ``tf.data.Dataset``: one pass whose cardinality is known, or the
        endless stream when ``repeat`` is True.

    Raises:
        ValueError: for an unknown name, a bad split or argument, an empty
            folder or an unreadable image.
        FileNotFoundError: for a missing folder or an unprepared tfds dataset.
    """
    _check_name(name)
    _check_args(batch_size, seed, image_size, num_examples, split)
    finish = dict(batch_size=int(batch_size), drop_remainder=bool(drop_remainder), repeat=bool(repeat))
    shuffle = bool(shuffle)
    seed = int(seed)

    if translation_kind(name) is not None:
        return _load_translation(name, split, data_dir, image_size, num_examples, shuffle=shuffle, seed=seed,
                                 **finish)
    if name in TOY_SETS:
        _check_embedded_split(name, split)
        points = _toy_points(name, split, num_examples)
        dataset = tf.data.Dataset.from_tensor_slices(points)
        return _finish(dataset, shuffle=shuffle, seed=seed, buffer_size=len(points), **finish)
    if name in ("digits", "textures"):
        _check_embedded_split(name, split)
        images, labels = _digits_arrays() if name == "digits" else _textures_arrays()
        index = _stratified_split(labels, split)[:num_examples]
        max_value = 16.0 if name == "digits" else 255.0
        return _in_memory(images[index], labels[index], max_value, image_size=image_size,
                          shuffle=shuffle, seed=seed, **finish)
    if name.startswith("tfds:"):
        return _load_tfds(name[len("tfds:"):], split, data_dir, image_size, num_examples, shuffle, seed,
                          **finish)
    return _load_folder(name[len("folder:"):], split, image_size, num_examples, shuffle, seed, **finish)


# ----------------------------------------------------------------------------
# Whole splits as arrays; few-label subsets for semi-supervised learning


def load_arrays(name, *, split="train", data_dir=None, image_size=None, num_examples=None):
    """A labelled set's split as NumPy arrays, in its fixed (unshuffled) order.

    For measures and small supervised tasks that want the whole split at once
    (the digit judge of ``keras_gans.evaluation``, the labelled examples of a
    semi-supervised GAN).

    Args:
        name: a labelled dataset name accepted by :func:`load`.
        split: the split, as in :func:`load`.
        data_dir: where tfds datasets are prepared.
        image_size: square output size, as in :func:`load`.
        num_examples: only the first this many examples.

    Returns:
        ``(images, labels)``: float32 ``[n, H, W, C]`` in [-1, 1] and int32 ``[n]``.

    Raises:
        ValueError: for an unlabelled set (or anything :func:`load` rejects).
    """
    dataset = load(name, split=split, batch_size=1024, shuffle=False, data_dir=data_dir,
                   image_size=image_size, drop_remainder=False, num_examples=num_examples)
    if not isinstance(dataset.element_spec, tuple):
        raise ValueError(f"`name`={name!r} is not a labelled dataset: load_arrays returns (images, labels).")
    batches = list(dataset.as_numpy_iterator())
    return (np.concatenate([images for images, _ in batches]),
            np.concatenate([labels for _, labels in batches]).astype(np.int32))


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
    if not _is_int(per_class) or per_class < 1:
        raise ValueError(f"`per_class` must be a positive integer; received per_class={per_class!r}.")
    rng = np.random.default_rng(seed)
    chosen = []
    for label in np.unique(labels):
        members = np.flatnonzero(labels == label)
        if len(members) < per_class:
            raise ValueError(f"`per_class`={per_class} exceeds the {len(members)} examples of class {label}.")
        chosen.append(rng.choice(members, size=per_class, replace=False))
    return np.sort(np.concatenate(chosen))


# ----------------------------------------------------------------------------
# Image-to-image translation sets
#
# Paired sets yield (source, target) batches and unpaired sets (domain_a,
# domain_b) batches, both float32 [batch, H, W, C] in [-1, 1] (DESIGN.md, Data).
# The training split is augmented as in Pix2Pix (Isola et al. 2017, appendix
# 6.2) and CycleGAN (Zhu et al. 2017, appendix 7.1): resized to 286/256 of its
# size, randomly cropped back and randomly mirrored, identically for the two
# images of a pair. The random draws are stateless, keyed by (seed, position
# in the stream), so a stream is a pure function of its seed like every other.

TRANSLATION_SETS = ("digits2bold", "digits2rotated", "blurred2digits", "photos_x4")
UNPAIRED_DIGIT_SETS = ("digits2bold", "digits2rotated")
# Wrappers of a tfds:/folder: source and the sources each accepts.
TRANSLATION_SOURCES = {"paired:": ("folder:",), "paired_reversed:": ("folder:",),
                       "unpaired:": ("tfds:", "folder:"), "sr:": ("folder:",)}
SR_SCALE = 4  # Ledig et al. 2017 upscale by 4
JITTER_RATIO = 286 / 256
_DIGITS_TRANSLATION_SIZE = 32  # native size of the digit translation sets (8x8 digits upsampled)
_BLUR_SIGMA = 0.75  # Gaussian blur of blurred2digits, in pixels of the original 8x8 digit
_SR_TRAIN_PHOTOS = ("astronaut", "chelsea", "rocket", "hubble_deep_field", "immunohistochemistry", "retina")
_SR_TEST_PHOTOS = ("coffee",)  # held out: no training patch comes from it
_SR_PATCH = 32
_FLAT_PATCH_STD = 0.05  # patches flatter than this (spatial std per channel, [-1, 1] units) teach nothing


def translation_kind(name):
    """``"paired"``, ``"unpaired"`` or None (not a translation set) for a dataset name.

    Args:
        name: a dataset name.

    Returns:
        ``"unpaired"`` for ``digits2bold``, ``digits2rotated`` and ``unpaired:...``; ``"paired"``
        for ``blurred2digits``, ``photos_x4``, ``paired:...``,
        ``paired_reversed:...`` and ``sr:...``; None otherwise.
    """
    if not isinstance(name, str):
        return None
    if name in UNPAIRED_DIGIT_SETS or name.startswith("unpaired:"):
        return "unpaired"
    if name in TRANSLATION_SETS or name.startswith(tuple(TRANSLATION_SOURCES)):
        return "paired"
    return None


def _split_translation_name(name):
    """``(wrapper, source)`` of a wrapped name such as ``unpaired:tfds:cycle_gan/horse2zebra``."""
    for wrapper, sources in TRANSLATION_SOURCES.items():
        if name.startswith(wrapper):
            source = name[len(wrapper):]
            if source.startswith(sources) and is_known_name(source):
                return wrapper, source
            raise ValueError(f"`name`={name!r}: {wrapper}<source> takes {' or '.join(s + '...' for s in sources)}; "
                             f"received source {source!r}.")
    raise ValueError(f"`name`={name!r} is not a translation set.")


def _is_translation_name(name):
    if name in TRANSLATION_SETS:
        return True
    try:
        _split_translation_name(name)
    except ValueError:
        return False
    return True


# Augmentation ------------------------------------------------------------


def _jitter(image, key, flip):
    """Resize to 286/256 of the size, random crop back to the size, random horizontal flip."""
    height, width = image.shape[0], image.shape[1]
    crop_key, flip_key = tf.unstack(tf.random.experimental.stateless_split(key, 2))
    larger = tf.image.resize(image, [round(height * JITTER_RATIO), round(width * JITTER_RATIO)], method="bilinear")
    image = tf.image.stateless_random_crop(larger, tf.shape(image), seed=crop_key)
    if flip:
        image = tf.image.stateless_random_flip_left_right(image, seed=flip_key)
    return image


def jitter_pair(source, target, key, *, flip=True):
    """The papers' augmentation, identical for both images of an aligned pair.

    Both are stacked along the channels, resized to 286/256 of their size
    (bilinear), cropped at one random position back to the size and, when
    ``flip``, mirrored together with probability 1/2 (Isola et al. 2017,
    appendix 6.2).

    Args:
        source: ``[H, W, C1]`` float image.
        target: ``[H, W, C2]`` float image of the same height and width.
        key: ``[2]`` int seed of the stateless random ops.
        flip: mirror at random (False for digits, whose mirror images are no digits).

    Returns:
        The augmented ``(source, target)``.
    """
    channels = source.shape[-1]
    stacked = _jitter(tf.concat([source, target], axis=-1), key, flip)  # [H, W, C1 + C2]
    return stacked[..., :channels], stacked[..., channels:]


def _flip_pair(source, target, key):
    """Mirrors both images (of any sizes) with one draw: probability 1/2."""
    mirror = tf.random.stateless_uniform([], seed=key) < 0.5
    return (tf.cond(mirror, lambda: tf.reverse(source, [1]), lambda: source),
            tf.cond(mirror, lambda: tf.reverse(target, [1]), lambda: target))


def _finish_translation(dataset, *, count, augment, batch_size, shuffle, seed, drop_remainder, repeat):
    """Repeats, shuffles, augments with keys (seed, position), batches and prefetches."""
    if repeat:
        dataset = dataset.repeat()
    if shuffle:
        dataset = dataset.shuffle(max(1, count), seed=seed, reshuffle_each_iteration=not repeat)
    if augment is not None:
        def keyed(position, element):
            return augment(*element, tf.stack([tf.constant(seed, tf.int64), position]))

        dataset = dataset.enumerate().map(keyed, num_parallel_calls=tf.data.AUTOTUNE, deterministic=True)
    return dataset.batch(batch_size, drop_remainder=drop_remainder).prefetch(tf.data.AUTOTUNE)


def _unpaired_stream(domain_a, count_a, domain_b, count_b, *, augment, flip, batch_size, shuffle, seed,
                     drop_remainder, repeat):
    """Zips two independently shuffled endless streams; one pass is max(count_a, count_b) pairs."""

    def endless(dataset, count, salt):
        dataset = dataset.repeat()
        if shuffle:
            dataset = dataset.shuffle(max(1, count), seed=seed + salt, reshuffle_each_iteration=not repeat)
        return dataset

    pairs = tf.data.Dataset.zip((endless(domain_a, count_a, 0), endless(domain_b, count_b, 1)))
    if not repeat:
        pairs = pairs.take(max(count_a, count_b))

    def jitter_both(a, b, key):
        key_a, key_b = tf.unstack(tf.random.experimental.stateless_split(key, 2))
        return _jitter(a, key_a, flip), _jitter(b, key_b, flip)

    # The zipped streams are endless (and shuffled) already: no repeat or shuffle on top.
    return _finish_translation(pairs, count=0, augment=jitter_both if augment else None, batch_size=batch_size,
                               shuffle=False, seed=seed, drop_remainder=drop_remainder, repeat=False)


# Embedded translation sets ------------------------------------------------


@functools.lru_cache(maxsize=None)
def _digit_translation_arrays(split, size):
    """The split's digits at ``size`` (float32 [-1, 1]) and labels, in their fixed order."""
    images, labels = _digits_arrays()
    index = _stratified_split(labels, split)
    digits = _to_unit_range(images[index], 16.0, size).numpy()  # [n, size, size, 1]
    return digits, labels[index]


def _bold(images, radius):
    """Thickens bright strokes: grey dilation of ``[n, H, W, 1]`` images by a disk of ``radius`` pixels."""
    from scipy.ndimage import grey_dilation

    offsets = np.arange(-radius, radius + 1)
    disk = offsets[:, None] ** 2 + offsets[None, :] ** 2 <= radius ** 2  # [2r + 1, 2r + 1]
    return grey_dilation(images, footprint=disk[None, :, :, None]).astype(np.float32)


def _gaussian_blur(images, sigma):
    from scipy.ndimage import gaussian_filter

    return gaussian_filter(images, sigma=(0, sigma, sigma, 0), mode="nearest").astype(np.float32)


@functools.lru_cache(maxsize=None)
def _photo_patches(split, size):
    """Non-overlapping ``size`` x ``size`` RGB patches (float32 [-1, 1]) of the split's photos, flat ones dropped."""
    import skimage.data

    patches = []
    for photo in (_SR_TRAIN_PHOTOS if split == "train" else _SR_TEST_PHOTOS):
        image = getattr(skimage.data, photo)()[..., :3]  # [h, w, 3] uint8
        rows, cols = image.shape[0] // size, image.shape[1] // size
        tiles = image[:rows * size, :cols * size].reshape(rows, size, cols, size, 3).transpose(0, 2, 1, 3, 4)
        patches.append(tiles.reshape(-1, size, size, 3))  # [rows * cols, size, size, 3]
    patches = np.concatenate(patches).astype(np.float32) / 127.5 - 1.0
    return patches[patches.std(axis=(1, 2)).mean(axis=-1) >= _FLAT_PATCH_STD]


def downscale(images, scale=SR_SCALE):
    """Bicubic downscaling by ``scale`` (antialiased), as SRGAN makes its inputs (Ledig et al. 2017, section 3.2).

    Args:
        images: ``[..., H, W, C]`` float images in [-1, 1], H and W multiples of ``scale``.
        scale: the factor.

    Returns:
        ``[..., H / scale, W / scale, C]`` float32 images clipped to [-1, 1].
    """
    images = tf.convert_to_tensor(images, tf.float32)
    height, width = images.shape[-3], images.shape[-2]
    small = tf.image.resize(images, [height // scale, width // scale], method="bicubic", antialias=True)
    return tf.clip_by_value(small, -1.0, 1.0)


def translation_arrays(name, *, split="train", image_size=None):
    """A whole split of an embedded translation set as NumPy arrays, aligned and labelled.

    For measures: ``digits2bold`` and ``digits2rotated`` are trained on
    unpaired halves, but each test digit's twin in the other domain and its
    class are what tell whether a translation kept the digit.

    Args:
        name: ``digits2bold``, ``digits2rotated``, ``blurred2digits`` or ``photos_x4``.
        split: ``"train"`` or ``"test"``.
        image_size: square size (the high-resolution one for ``photos_x4``);
            default 32.

    Returns:
        ``digits2bold``/``digits2rotated``: ``{"a": digits, "b": the same
        digits in bold (grey dilation with a disk of radius size/16) or
        turned 90 degrees counter-clockwise, "labels"}``; ``blurred2digits``:
        ``{"source": blurred, "target": sharp, "labels"}``; ``photos_x4``:
        ``{"source": low resolution, "target": high resolution}``. Images are
        float32 ``[n, H, W, C]`` in [-1, 1]; labels int32 ``[n]``.

    Raises:
        ValueError: for another name or a bad split or size.
    """
    if name not in TRANSLATION_SETS:
        raise ValueError(f"`name`={name!r} is not an embedded translation set: use one of "
                         f"{', '.join(TRANSLATION_SETS)}.")
    _check_args(1, 0, image_size, None, split)
    _check_embedded_split(name, split)
    if name == "photos_x4":
        high = _photo_patches(split, image_size or _SR_PATCH)
        return {"source": downscale(high).numpy(), "target": high}
    size = image_size or _DIGITS_TRANSLATION_SIZE
    digits, labels = _digit_translation_arrays(split, size)
    if name == "digits2rotated":
        return {"a": digits, "b": np.rot90(digits, k=1, axes=(1, 2)).copy(), "labels": labels}
    if name == "digits2bold":
        return {"a": digits, "b": _bold(digits, radius=max(1, size // 16)), "labels": labels}
    sigma = _BLUR_SIGMA * size / 8.0  # the blur covers the same share of the digit at every size
    return {"source": _gaussian_blur(digits, sigma), "target": digits, "labels": labels}


def _load_embedded_translation(name, split, image_size, num_examples, **stream):
    arrays = translation_arrays(name, split=split, image_size=image_size)
    train = split == "train"
    if name in UNPAIRED_DIGIT_SETS:
        # Disjoint halves of the split: no digit appears in both domains, so nothing is paired.
        order = np.random.default_rng(_SPLIT_RANDOM_STATE).permutation(len(arrays["labels"]))
        domain_a, domain_b = arrays["a"][order[0::2]][:num_examples], arrays["b"][order[1::2]][:num_examples]
        return _unpaired_stream(tf.data.Dataset.from_tensor_slices(domain_a), len(domain_a),
                                tf.data.Dataset.from_tensor_slices(domain_b), len(domain_b),
                                augment=train, flip=False, **stream)
    source, target = arrays["source"][:num_examples], arrays["target"][:num_examples]
    if name == "blurred2digits":
        augment = (lambda s, t, key: jitter_pair(s, t, key, flip=False)) if train else None
    else:
        augment = _flip_pair if train else None
    return _finish_translation(tf.data.Dataset.from_tensor_slices((source, target)), count=len(source),
                               augment=augment, **stream)


# Translation sets from tfds and folders -----------------------------------


def _translation_folder(path, split, name):
    """``path/<split>`` when it exists, else ``path`` itself for the train split."""
    if not os.path.isdir(path):
        raise FileNotFoundError(f"{name}: no such directory {path}.")
    nested = os.path.join(path, split)
    if os.path.isdir(nested):
        return nested
    if split == "train":
        return path
    raise ValueError(f"`split`={split!r}: {name} has no folder {nested}.")


def _image_files(path, name):
    files = _walk_images(path)
    if not files:
        raise ValueError(f"{name}: {path} holds no image ({', '.join(IMAGE_EXTENSIONS)} files).")
    sizes, modes = _inspect_images(path, files)
    channels = 1 if all(mode in _GRAY_MODES for mode in modes) else 3
    return files, sizes, channels


def _decode(file, channels):
    return tf.io.decode_image(tf.io.read_file(file), channels=channels, dtype=tf.uint8, expand_animations=False)


def _square_float(image, size):
    """uint8 ``[h, w, c]`` -> central square, resized to ``size`` (if given), float32 in [-1, 1]."""
    image = _center_crop_square(image)
    if size is not None:
        image = _resize_uint8(image, size)
    return tf.cast(image, tf.float32) / 127.5 - 1.0


def _folder_domain(path, name, image_size, num_examples, channels=None):
    files, sizes, found_channels = _image_files(path, name)
    files, sizes = files[:num_examples], sizes[:num_examples]
    if image_size is None and len(set(sizes)) > 1:
        raise ValueError(f"{name}: the images under {path} differ in size; pass `image_size` (received None).")
    side = image_size or min(sizes[0])
    channels = channels or found_channels

    def read(file):
        return tf.ensure_shape(_square_float(_decode(file, channels), image_size), [side, side, channels])

    dataset = tf.data.Dataset.from_tensor_slices(files).map(read, num_parallel_calls=tf.data.AUTOTUNE,
                                                             deterministic=True)
    return dataset, len(files), found_channels


def _tfds_domain(spec, split, data_dir, image_size, num_examples, name):
    import tensorflow_datasets as tfds

    builder = _tfds_builder(spec, data_dir)
    if "image" not in builder.info.features:
        raise ValueError(f"{name}: tfds:{spec} has no 'image' feature.")
    height, width, channels = builder.info.features["image"].shape
    if image_size is None and (height is None or width is None):
        raise ValueError(f"{name}: tfds:{spec} has images of varying size: pass `image_size`; received None.")
    side = image_size or min(height, width)
    try:
        dataset = builder.as_dataset(split=split, read_config=tfds.ReadConfig(shuffle_seed=0))
    except AssertionError:
        raise FileNotFoundError(f"{name}: tfds:{spec} is not prepared in data_dir={data_dir or '~/tensorflow_datasets'} "
                                f"and nothing is downloaded here; run `tfds build {spec}` on a connected machine "
                                "and copy the data folder here.") from None
    except (KeyError, ValueError) as error:
        raise ValueError(f"{name}: split {split!r} of tfds:{spec} could not be read: {error}") from None
    if num_examples is not None:
        dataset = dataset.take(num_examples)
    count = int(dataset.cardinality())
    dataset = dataset.map(lambda example: tf.ensure_shape(_square_float(example["image"], image_size),
                                                          [side, side, channels]),
                          num_parallel_calls=tf.data.AUTOTUNE, deterministic=True)
    return dataset, count


def _load_unpaired_source(name, source, split, data_dir, image_size, num_examples, **stream):
    """``(domain_a, domain_b)`` from the splits ``<split>A``/``<split>B`` (tfds) or folders (CycleGAN's layout)."""
    domains = []
    if source.startswith("tfds:"):
        spec, _ = _parse_tfds(source[len("tfds:"):])
        for domain in "AB":
            domains.append(_tfds_domain(spec, f"{split}{domain}", data_dir, image_size, num_examples, name))
    else:
        root = source[len("folder:"):]
        if not os.path.isdir(root):
            raise FileNotFoundError(f"{name}: no such directory {root}.")
        for domain in "AB":
            folder = os.path.join(root, f"{split}{domain}")
            if not os.path.isdir(folder):
                raise ValueError(f"{name}: expected the folders {split}A and {split}B under {root} "
                                 f"(CycleGAN's layout); {folder} is missing.")
            dataset, count, _ = _folder_domain(folder, name, image_size, num_examples, channels=3)
            domains.append((dataset, count))
    (domain_a, count_a), (domain_b, count_b) = domains
    return _unpaired_stream(domain_a, count_a, domain_b, count_b, augment=split == "train", flip=True, **stream)


def _load_paired_folder(name, source, split, image_size, num_examples, reverse, **stream):
    """Side-by-side ``A|B`` images (the Pix2Pix datasets): left half -> right half (or the reverse)."""
    path = _translation_folder(source[len("folder:"):], split, name)
    files, sizes, channels = _image_files(path, name)
    files, sizes = files[:num_examples], sizes[:num_examples]
    for file, (width, height) in zip(files, sizes):
        if width % 2:
            raise ValueError(f"{name}: {file} is {width}x{height}; a side-by-side pair needs an even width.")
    if image_size is None and len(set(sizes)) > 1:
        raise ValueError(f"{name}: the images under {path} differ in size; pass `image_size` (received None).")
    side = image_size or min(sizes[0][0] // 2, sizes[0][1])

    def read(file):
        image = _decode(file, channels)
        half = tf.shape(image)[1] // 2
        left, right = (tf.ensure_shape(_square_float(part, side), [side, side, channels])
                       for part in (image[:, :half], image[:, half:]))
        return (right, left) if reverse else (left, right)

    pairs = tf.data.Dataset.from_tensor_slices(files).map(read, num_parallel_calls=tf.data.AUTOTUNE,
                                                           deterministic=True)
    augment = (lambda s, t, key: jitter_pair(s, t, key, flip=True)) if split == "train" else None
    return _finish_translation(pairs, count=len(files), augment=augment, **stream)


def _load_sr_folder(name, source, split, image_size, num_examples, **stream):
    """High-resolution crops of ``image_size`` (random in training, central otherwise) and their x4 downscales."""
    path = _translation_folder(source[len("folder:"):], split, name)
    files, sizes, _ = _image_files(path, name)
    files, sizes = files[:num_examples], sizes[:num_examples]
    side = image_size or _SR_PATCH * 3  # 96x96 high-resolution crops, as in the paper
    for file, (width, height) in zip(files, sizes):
        if min(width, height) < side:
            raise ValueError(f"{name}: {file} is {width}x{height}, smaller than the {side}x{side} crops "
                             f"(image_size={image_size!r}).")
    train = split == "train"
    dataset = tf.data.Dataset.from_tensor_slices(files)

    def crop(file, key):
        image = _decode(file, 3)
        if train:
            image = tf.image.stateless_random_crop(image, [side, side, 3], seed=key)
            image = tf.image.stateless_random_flip_left_right(image, seed=key[::-1])
        else:
            shape = tf.shape(image)
            top, left = (shape[0] - side) // 2, (shape[1] - side) // 2
            image = image[top:top + side, left:left + side]
        high = tf.ensure_shape(tf.cast(image, tf.float32) / 127.5 - 1.0, [side, side, 3])
        return downscale(high), high

    return _finish_translation(dataset.map(lambda file: (file,)), count=len(files), augment=crop, **stream)


def _load_translation(name, split, data_dir, image_size, num_examples, **stream):
    if name in TRANSLATION_SETS:
        _check_embedded_split(name, split)
        return _load_embedded_translation(name, split, image_size, num_examples, **stream)
    wrapper, source = _split_translation_name(name)
    if wrapper == "unpaired:":
        return _load_unpaired_source(name, source, split, data_dir, image_size, num_examples, **stream)
    if wrapper == "sr:":
        return _load_sr_folder(name, source, split, image_size, num_examples, **stream)
    return _load_paired_folder(name, source, split, image_size, num_examples, reverse=wrapper == "paired_reversed:",
                               **stream)
