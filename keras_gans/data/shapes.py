"""``shapes``: procedural images of one coloured shape on a background, with attributes and captions.

An embedded image set large and structured enough to tell generators apart,
in the spirit of dSprites (Matthey et al. 2017), which is procedurally drawn
too. Every image is drawn (:func:`render`, anti-aliased by signed distances)
from attributes sampled independently (:func:`sample_attributes`):

========== ============================================================
shape      uniform over :data:`SHAPES` (circle, square, triangle, star,
           heart, cross)
color      uniform over :data:`COLORS` (red, yellow, green, cyan, blue,
           purple)
size       the radius about the centroid that holds the shape, as a share
           of the image side: a bin uniform over small/medium/large (thirds
           of [0.10, 0.22]), then uniform over the central 75% of the bin
x, y       the area centroid (x right, y down, shares of the side): a
           column and a row uniform over the thirds of [0.25, 0.75], then
           uniform over the central 75% of each; the 3x3 ``cell`` is
           ``3 * row + column`` ("top left" = 0 ... "bottom right" = 8)
rotation   counter-clockwise radians, uniform over one period of the
           shape's symmetry, [0, 2 pi / k) (k = 4, 3, 5, 1, 4; the circle
           has none and reads 0)
background plain or a linear gradient (even odds) between colours of
           random hue, saturation <= 0.3 and value <= 0.4, darker and
           greyer than every object colour, so none hides the object
========== ============================================================

The gaps between bins (a quarter of a bin) make every categorical reading
unambiguous: a judge, or a person, never has to split hairs at a boundary.
The whole object stays inside the image at every size.

Splits are fixed: ``train`` (60,000 images, seed 0) and ``test`` (10,000,
seed 1). Loaded (:func:`load`, through ``keras_gans.data.load``) as

- ``shapes``: ``(images, labels)``, the label the shape (6 classes);
- ``shapes/shape_color``: ``(images, labels)``, the label ``6 * shape + color`` (36 classes);
- ``shapes/captions``: ``(images, captions)`` with a ``tf.string`` caption
  (:mod:`~keras_gans.data.shapes_captions`). Its ``train`` and ``test``
  splits leave out the six held-out shape-colour pairs of
  :data:`HELD_OUT_PAIRS` (one in six); ``test_unseen`` holds the test images of
  those pairs only, for combinations a text-to-image model never saw.

Images are rendered once per process, split and size and kept in memory as
uint8 when that takes at most 1 GiB (60,000 at 64x64: 703 MiB); larger
splits are drawn batch by batch as they are read, which gives the same
images. The captions and the functions of the attribute record are
re-exported here: :func:`parse_captions`, :func:`captions`.
"""

import functools
import math

import numpy as np
import tensorflow as tf

from keras_gans import checks
from keras_gans.data import pipeline
from keras_gans.data.shapes_captions import CELL_NAMES, captions, parse_captions
from keras_gans.data.shapes_render import (BACKGROUND_SATURATION, BACKGROUND_VALUE, COLOR_RGB, COLORS, MAX_SIZE,
                                           SHAPES, SYMMETRY)
from keras_gans.data.shapes_render import render as _render

SIZE_BINS = ("small", "medium", "large")
SIZE_RANGE = (0.10, MAX_SIZE)
POSITION_RANGE = (0.25, 0.75)
BAND = 0.75  # share of each bin that values are drawn from, centred
BACKGROUNDS = ("plain", "gradient")
SPLIT_SIZES = {"train": 60_000, "test": 10_000}
SPLIT_SEEDS = {"train": 0, "test": 1}
CAPTION_SEED_OFFSET = 100  # a split's captions are drawn with its seed plus this
IMAGE_SIZE_RANGE = (16, 256)  # any side in between is drawn; the models and judges use its powers of two
DEFAULT_IMAGE_SIZE = 64
# One colour per shape and one shape per colour: 6 of the 36 pairs.
HELD_OUT_PAIRS = (("circle", "blue"), ("square", "red"), ("triangle", "cyan"), ("star", "green"),
                  ("heart", "purple"), ("cross", "yellow"))
VARIANTS = ("shapes", "shapes/shape_color", "shapes/captions")
CAPTION_SPLITS = ("train", "test", "test_unseen")
ATTRIBUTES = ("shape", "color", "shape_color", "size", "size_bin", "x", "y", "cell", "rotation", "background",
              "background_colors", "gradient_angle")
FIXABLE = ("shape", "color", "size_bin", "cell", "background", "size", "x", "y", "rotation")
_DRAWN = ("shape", "color", "size", "x", "y", "rotation", "background_colors", "gradient_angle")
_CACHE_BYTES = 2**30  # larger splits are drawn batch by batch

__all__ = ["ATTRIBUTES", "CELL_NAMES", "COLORS", "COLOR_RGB", "HELD_OUT_PAIRS", "SHAPES", "SIZE_BINS", "SYMMETRY",
           "captions", "held_out_mask", "load", "parse_captions", "render", "sample_attributes", "split_attributes",
           "split_captions", "split_images"]


# ----------------------------------------------------------------------------
# Attributes


def reading(values, value_range):
    """The bin (0, 1, 2) of each value among the thirds of ``value_range`` (outside: the nearest bin)."""
    low, high = value_range
    return np.clip(np.floor((np.asarray(values) - low) / ((high - low) / 3.0)), 0, 2).astype(np.int32)


def _in_band(rng, bins, value_range):
    """float32 values uniform over the central :data:`BAND` of each bin, one draw per bin."""
    low, high = value_range
    width = (high - low) / 3.0
    draws = rng.random(len(bins))
    return (low + width * (np.asarray(bins) + (1.0 - BAND) / 2.0 + BAND * draws)).astype(np.float32)


def _ids(name, value, names, count):
    """An id, a name, or ``count`` of either, as int32 ``[count]``; ValueError naming ``name`` otherwise."""
    values = [value] * count if isinstance(value, str) or np.ndim(value) == 0 else list(value)
    if len(values) != count:
        raise ValueError(f"`{name}` must be one value or {count} values; received {len(values)}.")
    ids = np.empty(count, np.int32)
    for i, v in enumerate(values):
        if isinstance(v, str) and v in names:
            ids[i] = names.index(v)
        elif checks.is_int(v) and 0 <= v < len(names):
            ids[i] = v
        else:
            raise ValueError(f"`{name}` must be ids in [0, {len(names)}) or names from {names}; "
                             f"received {name}={v!r}.")
    return ids


def _reals(name, value, count, low, high):
    """One number or ``count`` numbers in [low, high] as float32 ``[count]``; ValueError naming ``name`` otherwise."""
    values = np.asarray(value, np.float64) if np.ndim(value) else np.full(count, value, np.float64)
    if values.shape != (count,) or not np.all((values >= low) & (values <= high)):
        raise ValueError(f"`{name}` must be one number or {count} numbers in [{low}, {high}]; "
                         f"received {name}={value!r}.")
    return values.astype(np.float32)


def _hsv_to_rgb(hue, saturation, value):
    """float32 ``[n, 3]`` RGB in [0, 1] from ``[n]`` arrays in [0, 1] (hue in turns)."""
    k = np.mod(np.array([5.0, 3.0, 1.0]) + 6.0 * hue[:, None], 6.0)  # [n, 3]
    return (value[:, None] * (1.0 - saturation[:, None] * np.clip(np.minimum(k, 4.0 - k), 0.0, 1.0))
            ).astype(np.float32)


def _backgrounds(rng, count, fixed):
    kind = rng.integers(0, 2, count).astype(np.int32)
    if fixed is not None:
        kind = _ids("background", fixed, BACKGROUNDS, count)
    hue, saturation, value = rng.random((3, 2, count))  # [3 draws, 2 colours, count]
    saturation = BACKGROUND_SATURATION[0] + (BACKGROUND_SATURATION[1] - BACKGROUND_SATURATION[0]) * saturation
    value = BACKGROUND_VALUE[0] + (BACKGROUND_VALUE[1] - BACKGROUND_VALUE[0]) * value
    colors = np.stack([_hsv_to_rgb(hue[i], saturation[i], value[i]) for i in range(2)], axis=1)  # [count, 2, 3]
    colors[kind == 0, 1] = colors[kind == 0, 0]  # plain: one colour
    angle = (2.0 * math.pi * rng.random(count)).astype(np.float32)
    return {"background": kind, "background_colors": colors, "gradient_angle": angle}


def _position(rng, axis, count, cells, fixed):
    """``x`` or ``y`` values: drawn in the column or row of the given cells (or of drawn ones), or as fixed."""
    bins = rng.integers(0, 3, count)
    if cells is not None:
        bins = cells % 3 if axis == "x" else cells // 3
    values = _in_band(rng, bins, POSITION_RANGE)
    if axis in fixed:
        values = _reals(axis, fixed[axis], count, 0.0, 1.0)
        if cells is not None and np.any(reading(values, POSITION_RANGE) != bins):
            raise ValueError(f"`{axis}` does not lie in the given `cell`; received {axis}={fixed[axis]!r}.")
    return values


def sample_attributes(count, seed=0, **fixed):
    """Draws an attribute record, each attribute from its own stream of ``seed``.

    Fixing an attribute leaves the draws of the others unchanged. A fixed bin
    or cell draws the value inside it; a fixed value sets its bin or cell.

    Args:
        count: number of images, >= 0.
        seed: int seed >= 0 (``train`` is seed 0, ``test`` seed 1).
        **fixed: values to use instead of drawing, each one value or
            ``count`` values: ``shape``, ``color``, ``size_bin``,
            ``background`` (ids or names), ``cell`` (an id or a name of
            ``CELL_NAMES``, e.g. ``"top left"``), ``size``, ``x``, ``y``,
            ``rotation`` (numbers; a rotation is taken modulo the shape's period).

    Returns:
        ``{name: array}`` for every name of :data:`ATTRIBUTES` (module doc):
        ``background_colors`` is float32 ``[count, 2, 3]`` RGB in [0, 1] (both
        rows equal for a plain background), the others ``[count]`` int32 ids
        or float32 values.

    Raises:
        ValueError: naming an unknown attribute, a bad count or a bad value.
    """
    count = checks.integer("count", count, minimum=0)
    seed = checks.integer("seed", seed, minimum=0)
    unknown = sorted(set(fixed) - set(FIXABLE))
    if unknown:
        raise ValueError(f"Unknown attribute `{unknown[0]}`; the attributes that can be fixed are "
                         f"{', '.join(FIXABLE)}.")
    rngs = dict(zip(("shape", "color", "size", "x", "y", "rotation", "background"),
                    map(np.random.default_rng, np.random.SeedSequence(seed).spawn(7))))
    record = {}
    for name, names in (("shape", SHAPES), ("color", COLORS)):
        record[name] = (_ids(name, fixed[name], names, count) if name in fixed
                        else rngs[name].integers(0, len(names), count).astype(np.int32))
    size_bin = rngs["size"].integers(0, 3, count)
    if "size_bin" in fixed:
        size_bin = _ids("size_bin", fixed["size_bin"], SIZE_BINS, count)
    record["size"] = _in_band(rngs["size"], size_bin, SIZE_RANGE)
    if "size" in fixed:
        record["size"] = _reals("size", fixed["size"], count, *SIZE_RANGE)
        if "size_bin" in fixed and np.any(reading(record["size"], SIZE_RANGE) != size_bin):
            raise ValueError(f"`size` does not lie in the given `size_bin`; received size={fixed['size']!r}.")
    record["size_bin"] = reading(record["size"], SIZE_RANGE)
    cells = _ids("cell", fixed["cell"], CELL_NAMES, count) if "cell" in fixed else None
    for axis in ("x", "y"):
        record[axis] = _position(rngs[axis], axis, count, cells, fixed)
    record["cell"] = 3 * reading(record["y"], POSITION_RANGE) + reading(record["x"], POSITION_RANGE)
    period = np.array([2.0 * math.pi / k if k else 0.0 for k in SYMMETRY], np.float32)[record["shape"]]
    rotation = rngs["rotation"].random(count) * period
    if "rotation" in fixed:
        rotation = np.where(period > 0, np.mod(_reals("rotation", fixed["rotation"], count, -np.inf, np.inf),
                                               np.maximum(period, 1e-6)), 0.0)
    record["rotation"] = rotation.astype(np.float32)
    record["shape_color"] = (len(COLORS) * record["shape"] + record["color"]).astype(np.int32)
    record.update(_backgrounds(rngs["background"], count, fixed.get("background")))
    return {name: record[name] for name in ATTRIBUTES}


def held_out_mask(attributes):
    """bool ``[n]``: whether each image's shape-colour pair is one of :data:`HELD_OUT_PAIRS`."""
    pairs = [len(COLORS) * SHAPES.index(shape) + COLORS.index(color) for shape, color in HELD_OUT_PAIRS]
    return np.isin(np.asarray(attributes["shape"]) * len(COLORS) + np.asarray(attributes["color"]), pairs)


# ----------------------------------------------------------------------------
# Drawing


def check_image_size(image_size, name="image_size"):
    """``image_size`` (None: 64) when it is an integer from 16 to 256, else ValueError naming it as ``name``."""
    if image_size is None:
        return DEFAULT_IMAGE_SIZE
    low, high = IMAGE_SIZE_RANGE
    if not checks.is_int(image_size) or not low <= image_size <= high:
        raise ValueError(f"`{name}` must be an integer from {low} to {high} for shapes; received "
                         f"{name}={image_size!r}.")
    return int(image_size)


def render(attributes, image_size=DEFAULT_IMAGE_SIZE):
    """Draws the images of an attribute record, e.g. one of :func:`sample_attributes` with fixed values.

    Only ``shape``, ``color``, ``size``, ``x``, ``y``, ``rotation``,
    ``background_colors`` and ``gradient_angle`` are read (the readings
    follow from them); other keys are ignored.

    Args:
        attributes: the record.
        image_size: the side in pixels, from 16 to 256.

    Returns:
        uint8 ``[n, image_size, image_size, 3]``; the same attributes always give the same pixels.

    Raises:
        ValueError: naming a missing or bad attribute, or a bad ``image_size``.
    """
    image_size = check_image_size(image_size)
    missing = [name for name in _DRAWN if name not in attributes]
    if missing:
        raise ValueError(f"`attributes` lacks `{missing[0]}`; render needs {', '.join(_DRAWN)}.")
    record = {name: np.asarray(attributes[name]) for name in _DRAWN}
    count = len(record["shape"])
    for name, shape in record.items():
        if shape.shape[:1] != (count,):
            raise ValueError(f"`{name}` must have one row per image ({count}); received shape {shape.shape}.")
    for name, names in (("shape", SHAPES), ("color", COLORS)):
        if not np.issubdtype(record[name].dtype, np.integer) or np.any((record[name] < 0)
                                                                       | (record[name] >= len(names))):
            raise ValueError(f"`{name}` must be int ids in [0, {len(names)}); received {name}={record[name]!r}.")
    _reals("size", record["size"], count, 1e-3, MAX_SIZE)
    _reals("x", record["x"], count, 0.0, 1.0)
    _reals("y", record["y"], count, 0.0, 1.0)
    return _render(record, image_size)


# ----------------------------------------------------------------------------
# Splits


def _check_split(split, splits=pipeline.EMBEDDED_SPLITS):
    pipeline.check_embedded_split("shapes", split, splits)
    return split


def _read_only(record):
    for values in record.values():
        values.flags.writeable = False
    return record


@functools.cache
def _split_record(split):
    return _read_only(sample_attributes(SPLIT_SIZES[split], SPLIT_SEEDS[split]))


def split_attributes(split="train"):
    """The attribute record of a fixed split (read-only arrays, in the split's order).

    The record the judge learns, InfoGAN's codes are compared with and the
    benchmarks read: see :func:`sample_attributes` for the keys.

    Args:
        split: ``"train"`` (60,000 images) or ``"test"`` (10,000).
    """
    return dict(_split_record(_check_split(split)))


@functools.cache
def split_captions(split="train"):
    """The caption of every image of a fixed split, in its order (a tuple of strings)."""
    split = _check_split(split)
    return tuple(captions(_split_record(split), SPLIT_SEEDS[split] + CAPTION_SEED_OFFSET))


@functools.lru_cache(maxsize=4)
def _images(split, image_size, count):
    images = render({name: values[:count] for name, values in _split_record(split).items()}, image_size)
    images.flags.writeable = False
    return images


def split_images(split="train", image_size=DEFAULT_IMAGE_SIZE, num_examples=None):
    """The images of a fixed split as uint8 ``[n, S, S, 3]``, drawn once per process and arguments.

    Args:
        split: ``"train"`` or ``"test"``.
        image_size: the side in pixels, from 16 to 256.
        num_examples: only the first this many (None: all).

    Returns:
        A read-only uint8 array; 60,000 images take 703 MiB at 64x64 (mind
        the memory at larger sizes).
    """
    split = _check_split(split)
    count = SPLIT_SIZES[split] if num_examples is None else checks.positive_int("num_examples", num_examples)
    return _images(split, check_image_size(image_size), min(count, SPLIT_SIZES[split]))


def _rows(variant, split):
    """``(base split, indices into it)`` of a variant's split."""
    if variant != "shapes/captions":
        return split, np.arange(SPLIT_SIZES[split])
    base = "test" if split == "test_unseen" else split
    held_out = held_out_mask(_split_record(base))
    return base, np.flatnonzero(held_out if split == "test_unseen" else ~held_out)


def _drawer(split, image_size, rows):
    """``draw(indices) -> uint8 images`` of the split: from the in-memory cache when it fits, else rendered."""
    count = int(rows.max()) + 1
    if count * image_size * image_size * 3 <= _CACHE_BYTES:
        cached = split_images(split, image_size, count)
        return lambda indices: cached[indices]
    record = _split_record(split)
    return lambda indices: _render({name: record[name][indices] for name in _DRAWN}, image_size)


def load(variant, split, *, image_size, num_examples, **stream):
    """Batches of a ``shapes`` variant (module doc).

    Args:
        variant: one of :data:`VARIANTS`.
        split: ``"train"``, ``"test"`` or (``shapes/captions`` only) ``"test_unseen"``.
        image_size: the side in pixels, from 16 to 256, None for 64.
        num_examples: only the first this many of the split (None: all).
        **stream: the arguments of :func:`keras_gans.data.pipeline.finish` but ``buffer_size``.

    Returns:
        The ``tf.data.Dataset`` of ``(images, labels)`` or ``(images, captions)``.
    """
    image_size = check_image_size(image_size)
    _check_split(split, CAPTION_SPLITS if variant == "shapes/captions" else pipeline.EMBEDDED_SPLITS)
    base, rows = _rows(variant, split)
    if num_examples is not None:
        if num_examples > len(rows):
            raise ValueError(f"`num_examples`={num_examples} exceeds the {len(rows)} examples of "
                             f"{variant} {split}.")
        rows = rows[:num_examples]
    if variant == "shapes/captions":
        targets = tf.constant(np.array(split_captions(base), dtype=object)[rows], tf.string)
    else:
        targets = _split_record(base)["shape" if variant == "shapes" else "shape_color"][rows]
    draw = _drawer(base, image_size, rows)

    def to_images(indices, batch_targets):
        images = tf.numpy_function(draw, [indices], tf.uint8, stateful=False)
        images.set_shape([None, image_size, image_size, 3])
        return pipeline.to_unit_range(images, 255.0), batch_targets

    dataset = tf.data.Dataset.from_tensor_slices((rows.astype(np.int64), targets))
    return pipeline.finish(dataset, buffer_size=len(rows), batch_fn=to_images, **stream)
