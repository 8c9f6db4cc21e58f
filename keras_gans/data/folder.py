"""``folder:<path>``: PNG/JPEG files under a folder, labelled by class subfolder.

Files are found recursively (hidden entries skipped) and every one is checked
with PIL before a pipeline is built. Images are grayscale (one channel) when
every file is grayscale, else all are read as RGB. The image-to-image sets
(``keras_gans.data.translation``) read their folders with :func:`image_files`
and :func:`domain`.
"""

import os

import numpy as np
import tensorflow as tf
from PIL import Image

from keras_gans.data import pipeline

IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg")
_PIL_FORMATS = ("PNG", "JPEG", "MPO")  # what tf.io.decode_image reads among .png/.jpg/.jpeg
_GRAY_MODES = ("1", "L", "LA", "I", "I;16", "I;16B", "I;16L", "F")


def is_valid(path):
    """Whether ``folder:<path>`` names a folder: any non-empty path (its existence is checked on loading)."""
    return len(path) > 0


def walk_images(path):
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
            files = walk_images(full)
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
    files = walk_images(path)
    if not files:
        raise ValueError(f"folder:{path} holds no image ({', '.join(IMAGE_EXTENSIONS)} files).")
    return files, None, None


def _inspect_images(root, files):
    """Opens every file with PIL; returns their sizes ``(w, h)`` and modes.

    Raises:
        ValueError: naming the first file that is not a readable PNG/JPEG.
    """
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


def _channels(modes):
    """Grayscale stays one channel when every image is grayscale; any colour image makes all RGB."""
    return 1 if all(mode in _GRAY_MODES for mode in modes) else 3


def check_images(root, files):
    """``(sizes (w, h), channels)`` of ``files`` under ``root``, each opened with PIL (see :func:`image_files`)."""
    sizes, modes = _inspect_images(root, files)
    return sizes, _channels(modes)


def decode(file, channels):
    """A PNG/JPEG file as a uint8 ``[h, w, channels]`` tensor."""
    return tf.io.decode_image(tf.io.read_file(file), channels=channels, dtype=tf.uint8, expand_animations=False)


def num_classes(path, data_dir=None):
    """The number of class subfolders of ``folder:<path>``, or None when it is unlabelled."""
    del data_dir
    _, _, class_names = _scan_folder(path)
    return None if class_names is None else len(class_names)


def load(path, split, *, data_dir, image_size, num_examples, shuffle, seed, **finish):
    """``folder:<path>``: its images (with labels when it has class subfolders); the whole folder is ``"train"``.

    Non-square images are center-cropped to a square; without ``image_size``
    all files must share one size. ``data_dir`` does not apply; ``**finish``
    are the arguments of :func:`keras_gans.data.pipeline.finish`.
    """
    del data_dir
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
    channels = _channels(modes)
    side = image_size or min(sizes[0])
    square = all(w == h for w, h in sizes)

    def read(file):
        image = decode(file, channels)
        if not square:
            image = pipeline.center_crop_square(image)
        if image_size is not None:
            image = pipeline.resize_uint8(image, image_size)
        return tf.ensure_shape(image, [side, side, channels])

    # File names are shuffled (the whole folder fits in the buffer), then read.
    if labels is None:
        dataset = tf.data.Dataset.from_tensor_slices(files)
        element_fn = read
    else:
        dataset = tf.data.Dataset.from_tensor_slices((files, np.asarray(labels, np.int32)))
        element_fn = lambda file, label: (read(file), label)  # noqa: E731

    return pipeline.finish(dataset, shuffle=shuffle, seed=seed, buffer_size=len(files), element_fn=element_fn,
                           batch_fn=pipeline.images_to_float, **finish)


# ----------------------------------------------------------------------------
# Folders of the image-to-image sets


def image_files(path, name):
    """``(files, sizes (w, h), channels)`` of every image under ``path``, for the dataset ``name``.

    Raises:
        ValueError: when ``path`` holds no image or an unreadable one.
    """
    files = walk_images(path)
    if not files:
        raise ValueError(f"{name}: {path} holds no image ({', '.join(IMAGE_EXTENSIONS)} files).")
    sizes, modes = _inspect_images(path, files)
    return files, sizes, _channels(modes)


def domain(path, name, image_size, num_examples, channels=None):
    """One domain of an unpaired set: ``(float32 images in [-1, 1], count, channels found)``, unbatched.

    Each image is center-cropped to a square and resized to ``image_size``
    (when given); ``channels`` forces a number of channels.
    """
    files, sizes, found_channels = image_files(path, name)
    files, sizes = files[:num_examples], sizes[:num_examples]
    if image_size is None and len(set(sizes)) > 1:
        raise ValueError(f"{name}: the images under {path} differ in size; pass `image_size` (received None).")
    side = image_size or min(sizes[0])
    channels = channels or found_channels

    def read(file):
        return tf.ensure_shape(pipeline.square_float(decode(file, channels), image_size), [side, side, channels])

    dataset = tf.data.Dataset.from_tensor_slices(files).map(read, num_parallel_calls=tf.data.AUTOTUNE,
                                                             deterministic=True)
    return dataset, len(files), found_channels
