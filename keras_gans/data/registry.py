"""The one registry of dataset names: which loader serves which name or prefix.

Three kinds of entries:

- :data:`EMBEDDED_SETS`: a name served by a function of its module (no
  network needed). A new embedded set is its module plus one entry here.
- :data:`SOURCES`: a prefix (``tfds:``, ``folder:``) whose rest names a
  dataset read from outside.
- :data:`WRAPPERS`: a prefix (``paired:``, ``paired_reversed:``,
  ``unpaired:``, ``sr:``) that assembles an image-to-image set from a source.

:func:`load` checks the name and the arguments and dispatches to the entry;
:func:`is_known_name`, :func:`translation_kind` and :func:`num_classes` read
the same table.
"""

import dataclasses
import functools
from typing import Callable, Optional

from keras_gans.data import captions, embedded, folder, pipeline, shapes, tfds_source, toy, translation


@dataclasses.dataclass(frozen=True)
class Embedded:
    """An embedded set.

    Attributes:
        load: ``load(split, *, image_size, num_examples, batch_size, shuffle,
            seed, drop_remainder, repeat)`` -> the batched dataset; ``split``
            is already checked to be one of ``splits``.
        num_classes: its number of classes, None when unlabelled.
        kind: ``"paired"`` or ``"unpaired"`` for a translation set, else None.
        splits: its splits.
        captioned: whether its batches hold captions.
        any_image_size: whether it is drawn at any ``image_size`` its
            ``load`` accepts, rather than at powers of two only.
    """

    load: Callable
    num_classes: Optional[int] = None
    kind: Optional[str] = None
    splits: tuple = pipeline.EMBEDDED_SPLITS
    captioned: bool = False
    any_image_size: bool = False


@dataclasses.dataclass(frozen=True)
class Source:
    """A prefix such as ``tfds:`` whose rest (the spec) names a dataset.

    Attributes:
        is_valid: ``is_valid(spec)``: whether the spec has the right form.
        load: ``load(spec, split, *, data_dir, image_size, num_examples,
            batch_size, shuffle, seed, drop_remainder, repeat)``.
        num_classes: ``num_classes(spec, data_dir)``, None when unlabelled.
    """

    is_valid: Callable
    load: Callable
    num_classes: Callable


@dataclasses.dataclass(frozen=True)
class Wrapper:
    """A prefix such as ``unpaired:`` that makes a translation set of a source.

    Attributes:
        sources: the source prefixes it accepts.
        kind: ``"paired"`` or ``"unpaired"``.
        load: ``load(name, source, split, *, data_dir, image_size,
            num_examples, batch_size, shuffle, seed, drop_remainder, repeat)``.
    """

    sources: tuple
    kind: str
    load: Callable


EMBEDDED_SETS = {
    "ring8": Embedded(functools.partial(toy.load, "ring8")),
    "grid25": Embedded(functools.partial(toy.load, "grid25")),
    "digits": Embedded(embedded.load_digits_set, num_classes=10),
    "textures": Embedded(embedded.load_textures_set, num_classes=len(embedded.TEXTURES)),
    "digits2bold": Embedded(functools.partial(translation.load_embedded, "digits2bold"), kind="unpaired"),
    "digits2rotated": Embedded(functools.partial(translation.load_embedded, "digits2rotated"), kind="unpaired"),
    "blurred2digits": Embedded(functools.partial(translation.load_embedded, "blurred2digits"), kind="paired"),
    "photos_x4": Embedded(functools.partial(translation.load_embedded, "photos_x4"), kind="paired"),
    "shapes": Embedded(functools.partial(shapes.load, "shapes"), num_classes=len(shapes.SHAPES),
                       any_image_size=True),
    "shapes/shape_color": Embedded(functools.partial(shapes.load, "shapes/shape_color"),
                                   num_classes=len(shapes.SHAPES) * len(shapes.COLORS), any_image_size=True),
    "shapes/captions": Embedded(functools.partial(shapes.load, "shapes/captions"), splits=shapes.CAPTION_SPLITS,
                                captioned=True, any_image_size=True),
}
SOURCES = {
    "tfds:": Source(tfds_source.is_valid, tfds_source.load, tfds_source.num_classes),
    "folder:": Source(folder.is_valid, folder.load, folder.num_classes),
    "captions:": Source(captions.is_valid, captions.load, captions.num_classes),
}
WRAPPERS = {
    "paired:": Wrapper(("folder:",), "paired", translation.load_paired_folder),
    "paired_reversed:": Wrapper(("folder:",), "paired",
                                functools.partial(translation.load_paired_folder, reverse=True)),
    "unpaired:": Wrapper(("tfds:", "folder:"), "unpaired", translation.load_unpaired),
    "sr:": Wrapper(("folder:",), "paired", translation.load_sr_folder),
}

EMBEDDED = tuple(EMBEDDED_SETS)
# Wrappers of a tfds:/folder: source and the sources each accepts.
TRANSLATION_SOURCES = {prefix: wrapper.sources for prefix, wrapper in WRAPPERS.items()}
_VALID_FORMS = (f"an embedded set ({', '.join(EMBEDDED)}), tfds:<name>[/<config>][:<split>], "
                "folder:<path> or captions:<path>")


def _lookup(name):
    """``(entry, rest)`` for a known name (``rest``: the spec or source after the prefix), else None."""
    if not isinstance(name, str):
        return None
    if name in EMBEDDED_SETS:
        return EMBEDDED_SETS[name], None
    for prefix, wrapper in WRAPPERS.items():
        if name.startswith(prefix):
            source = name[len(prefix):]
            return (wrapper, source) if source.startswith(wrapper.sources) and _lookup(source) else None
    for prefix, source in SOURCES.items():
        if name.startswith(prefix):
            spec = name[len(prefix):]
            return (source, spec) if source.is_valid(spec) else None
    return None


def _entry(name):
    found = _lookup(name)
    if found is None:
        raise ValueError(f"Unknown dataset `name`={name!r}: use {_VALID_FORMS}.")
    return found


def is_known_name(name):
    """Whether ``name`` has a form :func:`load` understands.

    Only the form is checked here: whether a tfds dataset is prepared or a
    folder exists is checked by :func:`load`.

    Args:
        name: a dataset name.

    Returns:
        True for an embedded set, ``tfds:<name>[/<config>][:<split>]``,
        ``folder:<path>`` with a non-empty path, ``captions:<path>``,
        ``captions:tfds:<name>...``, or a translation wrapper
        (``paired:``, ``paired_reversed:``, ``unpaired:``, ``sr:``) of a source it accepts.
    """
    return _lookup(name) is not None


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
    if name in EMBEDDED_SETS:
        return EMBEDDED_SETS[name].kind
    for prefix, wrapper in WRAPPERS.items():
        if name.startswith(prefix):
            return wrapper.kind
    return None


def has_captions(name):
    """Whether the batches of dataset ``name`` hold captions: ``captions:...`` and the captioned embedded sets."""
    found = _lookup(name)
    if found is None:
        return False
    return found[0] is SOURCES["captions:"] or getattr(found[0], "captioned", False)


def num_classes(name, data_dir=None):
    """Number of classes of a labelled dataset.

    Args:
        name: a dataset name accepted by :func:`load`.
        data_dir: where tfds datasets are prepared.

    Returns:
        10 for ``digits``, 3 for ``textures``, 6 for ``shapes``, 36 for
        ``shapes/shape_color``; for ``tfds:`` sets the
        ``num_classes`` of their ``label`` ClassLabel feature; for ``folder:``
        sets the number of class subfolders; ``None`` for unlabelled sets,
        translation sets and the toy sets.

    Raises:
        ValueError: for an unknown name.
        FileNotFoundError: for a ``folder:`` that does not exist.
    """
    entry, rest = _entry(name)
    if isinstance(entry, Source):
        return entry.num_classes(rest, data_dir)
    return entry.num_classes if isinstance(entry, Embedded) else None


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
    are augmented (:func:`~keras_gans.data.jitter_pair`; no mirroring for
    digits; mirroring only for super-resolution).

    * ``ring8``/``grid25``: points drawn from the mixture of
      :func:`~keras_gans.data.toy_modes` (uniform over modes) with a fixed
      seed per split: 100,000 for ``"train"``, 10,000 for ``"test"``.
    * ``digits``: scikit-learn's 8x8 digits (values 0..16) scaled by
      ``x / 8 - 1``; ``digits``/``textures`` splits ``"train"``/``"test"`` are a
      fixed class-stratified 80/20 partition (1,437/360 digits, 614/154
      texture patches).
    * ``shapes``, ``shapes/shape_color``, ``shapes/captions``: one coloured
      shape on a background (:mod:`keras_gans.data.shapes`), RGB at
      ``image_size`` 16 to 256 (64 when None); labels the shape (6 classes)
      or the shape-colour pair (36), or a ``tf.string`` caption. Splits
      ``"train"`` (60,000) and ``"test"`` (10,000); the captioned set leaves
      the held-out shape-colour pairs out of both and has them in
      ``"test_unseen"``.
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
    * ``captions:<path>``: ``(images, captions)`` (string ``[batch]``; with
      ``labels`` when the images lie in class subfolders) from a folder of
      images and its ``captions.jsonl``, several captions per image, one
      drawn each time the image is read; ``captions:tfds:<name>...``: the
      same from a tfds set with a text feature (:mod:`keras_gans.data.captions`).

    Resizing to ``image_size`` is bilinear (``tf.image.resize``), clipped to
    the input range.

    Args:
        name: an embedded set, ``tfds:...``, ``folder:...`` or ``captions:...``.
        split: ``"train"`` or ``"test"`` for embedded sets (and
            ``"test_unseen"`` for ``shapes/captions``); any tfds split
            (e.g. ``"train[:10%]"``); only ``"train"`` for folders; the
            splits its ``captions.jsonl`` names for a ``captions:`` folder.
        batch_size: positive number of examples per batch.
        shuffle: shuffle (reshuffling every epoch) when True.
        seed: seed of the shuffle order.
        data_dir: where tfds datasets are prepared (tfds's default if None).
        image_size: square output size, a power of two >= 4 (the shapes
            sets: any side from 16 to 256), or None to keep the native size.
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
    entry, rest = _entry(name)
    pipeline.check_load_args(batch_size, seed, image_size, num_examples, split,
                             any_image_size=isinstance(entry, Embedded) and entry.any_image_size)
    options = dict(image_size=image_size, num_examples=num_examples, batch_size=int(batch_size),
                   shuffle=bool(shuffle), seed=int(seed), drop_remainder=bool(drop_remainder), repeat=bool(repeat))
    if isinstance(entry, Embedded):
        pipeline.check_embedded_split(name, split, entry.splits)
        return entry.load(split, **options)
    if isinstance(entry, Wrapper):
        return entry.load(name, rest, split, data_dir=data_dir, **options)
    return entry.load(rest, split, data_dir=data_dir, **options)
