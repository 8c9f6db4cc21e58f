"""Image-to-image translation sets: the embedded ones and the paired/unpaired/sr assembly of tfds and folders.

Paired sets yield ``(source, target)`` batches and unpaired sets ``(domain_a,
domain_b)`` batches, both float32 ``[batch, H, W, C]`` in [-1, 1]. The training
split is augmented as in Pix2Pix (Isola et al. 2017, appendix 6.2) and
CycleGAN (Zhu et al. 2017, appendix 7.1): resized to 286/256 of its size,
randomly cropped back and randomly mirrored, identically for the two images of
a pair. The random draws are stateless, keyed by (seed, position in the
stream), so a stream is a pure function of its seed like every other.

- Embedded: ``digits2bold`` and ``digits2rotated`` (unpaired), ``blurred2digits``
  and ``photos_x4`` (paired); :func:`translation_arrays` gives their splits as arrays.
- ``unpaired:tfds:<name>`` (splits ``<split>A``/``<split>B``, e.g.
  ``unpaired:tfds:cycle_gan/horse2zebra``) and ``unpaired:folder:<path>``
  (folders ``<split>A``/``<split>B``): :func:`load_unpaired`.
- ``paired:folder:<path>`` / ``paired_reversed:folder:<path>`` (side-by-side
  A|B images): :func:`load_paired_folder`.
- ``sr:folder:<path>`` (high-resolution photos): :func:`load_sr_folder`.
"""

import functools
import os

import numpy as np
import skimage.data
import tensorflow as tf
from scipy.ndimage import gaussian_filter, grey_dilation

from keras_gans.data import embedded, folder, pipeline, tfds_source

TRANSLATION_SETS = ("digits2bold", "digits2rotated", "blurred2digits", "photos_x4")
UNPAIRED_DIGIT_SETS = ("digits2bold", "digits2rotated")
SR_SCALE = 4  # Ledig et al. 2017 upscale by 4
JITTER_RATIO = 286 / 256
_DIGITS_TRANSLATION_SIZE = 32  # native size of the digit translation sets (8x8 digits upsampled)
_BLUR_SIGMA = 0.75  # Gaussian blur of blurred2digits, in pixels of the original 8x8 digit
_SR_TRAIN_PHOTOS = ("astronaut", "chelsea", "rocket", "hubble_deep_field", "immunohistochemistry", "retina")
_SR_TEST_PHOTOS = ("coffee",)  # held out: no training patch comes from it
_SR_PATCH = 32
_FLAT_PATCH_STD = 0.05  # patches flatter than this (spatial std per channel, [-1, 1] units) teach nothing


# ----------------------------------------------------------------------------
# Augmentation and streams


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


def _paired_stream(pairs, count, augment, *, shuffle, seed, **finish):
    """Repeats, shuffles (the whole set), augments with keys (seed, position), batches and prefetches."""
    return pipeline.finish(pairs, shuffle=shuffle, seed=seed, buffer_size=count, augment=augment, **finish)


def _unpaired_stream(domain_a, count_a, domain_b, count_b, *, augment, flip, shuffle, seed, repeat, **finish):
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
    return pipeline.finish(pairs, shuffle=False, seed=seed, buffer_size=0, repeat=False,
                           augment=jitter_both if augment else None, **finish)


# ----------------------------------------------------------------------------
# Embedded translation sets


@functools.lru_cache(maxsize=None)
def _digit_translation_arrays(split, size):
    """The split's digits at ``size`` (float32 [-1, 1]) and labels, in their fixed order."""
    images, labels = embedded.digits_arrays()
    index = embedded.stratified_split(labels, split)
    digits = pipeline.to_unit_range(images[index], 16.0, size).numpy()  # [n, size, size, 1]
    return digits, labels[index]


def _bold(images, radius):
    """Thickens bright strokes: grey dilation of ``[n, H, W, 1]`` images by a disk of ``radius`` pixels."""
    offsets = np.arange(-radius, radius + 1)
    disk = offsets[:, None] ** 2 + offsets[None, :] ** 2 <= radius ** 2  # [2r + 1, 2r + 1]
    return grey_dilation(images, footprint=disk[None, :, :, None]).astype(np.float32)


def _gaussian_blur(images, sigma):
    return gaussian_filter(images, sigma=(0, sigma, sigma, 0), mode="nearest").astype(np.float32)


@functools.lru_cache(maxsize=None)
def _photo_patches(split, size):
    """Non-overlapping ``size`` x ``size`` RGB patches (float32 [-1, 1]) of the split's photos, flat ones dropped."""
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
    pipeline.check_load_args(1, 0, image_size, None, split)
    pipeline.check_embedded_split(name, split)
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


def load_embedded(name, split, *, image_size, num_examples, **stream):
    """Batches of the embedded translation set ``name``; the training split is augmented.

    ``digits2bold``/``digits2rotated`` draw their domains from disjoint halves
    of the split (one pass holds as many pairs as the larger half);
    ``blurred2digits`` is jittered without mirroring, ``photos_x4`` only mirrored.
    ``**stream`` are the arguments of :func:`keras_gans.data.pipeline.finish`
    but ``buffer_size``.
    """
    arrays = translation_arrays(name, split=split, image_size=image_size)
    train = split == "train"
    if name in UNPAIRED_DIGIT_SETS:
        # Disjoint halves of the split: no digit appears in both domains, so nothing is paired.
        order = np.random.default_rng(embedded.SPLIT_RANDOM_STATE).permutation(len(arrays["labels"]))
        domain_a, domain_b = arrays["a"][order[0::2]][:num_examples], arrays["b"][order[1::2]][:num_examples]
        return _unpaired_stream(tf.data.Dataset.from_tensor_slices(domain_a), len(domain_a),
                                tf.data.Dataset.from_tensor_slices(domain_b), len(domain_b),
                                augment=train, flip=False, **stream)
    source, target = arrays["source"][:num_examples], arrays["target"][:num_examples]
    if name == "blurred2digits":
        augment = (lambda s, t, key: jitter_pair(s, t, key, flip=False)) if train else None
    else:
        augment = _flip_pair if train else None
    return _paired_stream(tf.data.Dataset.from_tensor_slices((source, target)), len(source), augment, **stream)


# ----------------------------------------------------------------------------
# Translation sets assembled from tfds and folders


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


def load_unpaired(name, source, split, *, data_dir, image_size, num_examples, **stream):
    """``unpaired:<source>``: domains from the splits ``<split>A``/``<split>B`` (tfds) or folders (CycleGAN's layout)."""
    domains = []
    if source.startswith("tfds:"):
        spec, _ = tfds_source.parse_spec(source[len("tfds:"):])
        for domain in "AB":
            domains.append(tfds_source.domain(spec, f"{split}{domain}", data_dir=data_dir, image_size=image_size,
                                              num_examples=num_examples, name=name))
    else:
        root = source[len("folder:"):]
        if not os.path.isdir(root):
            raise FileNotFoundError(f"{name}: no such directory {root}.")
        for domain in "AB":
            path = os.path.join(root, f"{split}{domain}")
            if not os.path.isdir(path):
                raise ValueError(f"{name}: expected the folders {split}A and {split}B under {root} "
                                 f"(CycleGAN's layout); {path} is missing.")
            dataset, count, _ = folder.domain(path, name, image_size, num_examples, channels=3)
            domains.append((dataset, count))
    (domain_a, count_a), (domain_b, count_b) = domains
    return _unpaired_stream(domain_a, count_a, domain_b, count_b, augment=split == "train", flip=True, **stream)


def load_paired_folder(name, source, split, *, data_dir, image_size, num_examples, reverse=False, **stream):
    """Side-by-side ``A|B`` images (the Pix2Pix datasets): left half -> right half (or the reverse)."""
    del data_dir
    path = _translation_folder(source[len("folder:"):], split, name)
    files, sizes, channels = folder.image_files(path, name)
    files, sizes = files[:num_examples], sizes[:num_examples]
    for file, (width, height) in zip(files, sizes):
        if width % 2:
            raise ValueError(f"{name}: {file} is {width}x{height}; a side-by-side pair needs an even width.")
    if image_size is None and len(set(sizes)) > 1:
        raise ValueError(f"{name}: the images under {path} differ in size; pass `image_size` (received None).")
    side = image_size or min(sizes[0][0] // 2, sizes[0][1])

    def read(file):
        image = folder.decode(file, channels)
        half = tf.shape(image)[1] // 2
        left, right = (tf.ensure_shape(pipeline.square_float(part, side), [side, side, channels])
                       for part in (image[:, :half], image[:, half:]))
        return (right, left) if reverse else (left, right)

    pairs = tf.data.Dataset.from_tensor_slices(files).map(read, num_parallel_calls=tf.data.AUTOTUNE,
                                                           deterministic=True)
    augment = (lambda s, t, key: jitter_pair(s, t, key, flip=True)) if split == "train" else None
    return _paired_stream(pairs, len(files), augment, **stream)


def load_sr_folder(name, source, split, *, data_dir, image_size, num_examples, **stream):
    """High-resolution crops of ``image_size`` (random in training, central otherwise) and their x4 downscales."""
    del data_dir
    path = _translation_folder(source[len("folder:"):], split, name)
    files, sizes, _ = folder.image_files(path, name)
    files, sizes = files[:num_examples], sizes[:num_examples]
    side = image_size or _SR_PATCH * 3  # 96x96 high-resolution crops, as in the paper
    for file, (width, height) in zip(files, sizes):
        if min(width, height) < side:
            raise ValueError(f"{name}: {file} is {width}x{height}, smaller than the {side}x{side} crops "
                             f"(image_size={image_size!r}).")
    train = split == "train"
    dataset = tf.data.Dataset.from_tensor_slices(files)

    def crop(file, key):
        image = folder.decode(file, 3)
        if train:
            image = tf.image.stateless_random_crop(image, [side, side, 3], seed=key)
            image = tf.image.stateless_random_flip_left_right(image, seed=key[::-1])
        else:
            shape = tf.shape(image)
            top, left = (shape[0] - side) // 2, (shape[1] - side) // 2
            image = image[top:top + side, left:left + side]
        high = tf.ensure_shape(tf.cast(image, tf.float32) / 127.5 - 1.0, [side, side, 3])
        return downscale(high), high

    return _paired_stream(dataset.map(lambda file: (file,)), len(files), crop, **stream)
