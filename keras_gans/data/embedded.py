"""The labelled image sets that ship with the library's dependencies: ``digits`` and ``textures``.

- ``digits``: the 1,797 real 8x8 handwritten digits bundled with scikit-learn
  (values 0..16, scaled by ``x / 8 - 1``); ``(images [batch, 8, 8, 1], labels [batch])``.
- ``textures``: 32x32 grayscale patches cut from the brick, grass and gravel
  textures bundled with scikit-image, labelled by texture (3 classes).

Their ``"train"``/``"test"`` splits are a fixed class-stratified 80/20
partition (1,437/360 digits, 614/154 texture patches).
"""

import functools

import numpy as np
import skimage.data
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

from keras_gans.data import pipeline

TEXTURES = ("brick", "grass", "gravel")  # class ids 0, 1, 2
SPLIT_RANDOM_STATE = 0
_TEST_FRACTION = 0.2  # held-out share of digits and textures, stratified by class
_PATCH = 32


def stratified_split(labels, split):
    """Sorted indices of ``split`` in a fixed, class-stratified 80/20 partition."""
    train, test = train_test_split(np.arange(len(labels)), test_size=_TEST_FRACTION, stratify=labels,
                                   random_state=SPLIT_RANDOM_STATE)
    return np.sort(train if split == "train" else test)


@functools.lru_cache(maxsize=None)
def digits_arrays():
    """scikit-learn's digits as (uint8 [1797, 8, 8, 1] in 0..16, int32 [1797])."""
    digits = load_digits()
    images = digits.images.astype(np.uint8)[..., None]  # [n, 8, 8] -> [n, 8, 8, 1]
    return images, digits.target.astype(np.int32)


@functools.lru_cache(maxsize=None)
def textures_arrays():
    """Non-overlapping 32x32 patches of scikit-image's brick, grass, gravel: (uint8 [768, 32, 32, 1], int32)."""
    patches, labels = [], []
    for label, texture in enumerate(TEXTURES):
        image = getattr(skimage.data, texture)()  # [512, 512] uint8
        side = image.shape[0] // _PATCH
        image = image[:side * _PATCH, :side * _PATCH]
        tiles = image.reshape(side, _PATCH, side, _PATCH).transpose(0, 2, 1, 3)  # [s, s, 32, 32]
        patches.append(tiles.reshape(-1, _PATCH, _PATCH, 1))  # [s*s, 32, 32, 1]
        labels.append(np.full(side * side, label, np.int32))
    return np.concatenate(patches), np.concatenate(labels)


def _load(arrays, max_value, split, *, image_size, num_examples, **stream):
    images, labels = arrays()
    index = stratified_split(labels, split)[:num_examples]
    return pipeline.in_memory(images[index], labels[index], max_value, image_size=image_size, **stream)


def load_digits_set(split, **options):
    """``(images, labels)`` batches of ``digits`` (``**options``: ``image_size``, ``num_examples`` and the stream's)."""
    return _load(digits_arrays, 16.0, split, **options)


def load_textures_set(split, **options):
    """``(images, labels)`` batches of ``textures`` (``**options`` as :func:`load_digits_set`)."""
    return _load(textures_arrays, 255.0, split, **options)
