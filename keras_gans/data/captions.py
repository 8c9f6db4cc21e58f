"""``captions:<path>`` and ``captions:tfds:<name>``: images with several captions each.

The caption sets of text-to-image synthesis (Reed et al. 2016, section 5)
give every image several one-sentence descriptions (ten per image for CUB
and Oxford-102). ``captions:<path>`` reads them from a folder::

    <path>/captions.jsonl          one JSON object per line
    <path>/images/...              the images (any layout)

where each line names an image relative to ``<path>``, its captions and,
optionally, its split (``"train"`` when absent)::

    {"image": "images/001.Black_footed_Albatross/Black_Footed_Albatross_0001.jpg",
     "captions": ["a white bird with a long beak", "..."], "split": "train"}

When every image lies in a subfolder of a common folder and there are two or
more of them (CUB's ``images/<class>/``), each subfolder is a class and the
batches hold labels too. ``captions:tfds:<name>[/<config>][:<split>]``
reads a TensorFlow Datasets set with a text feature (e.g.
``coco_captions``), already prepared in ``data_dir``.

Batches are ``(images, captions)`` or ``(images, captions, labels)``: float32
images in [-1, 1], one string caption per image, drawn anew each time an
image is read (stateless, from the seed and the position in the stream, so a
stream is a pure function of its seed), and int32 labels.
"""

import json
import os

import numpy as np
import tensorflow as tf

from keras_gans.data import folder, pipeline, tfds_source

CAPTIONS_FILE = "captions.jsonl"
TFDS_PREFIX = "tfds:"


def is_valid(spec):
    """Whether ``captions:<spec>`` has a valid form: a non-empty path, or ``tfds:<name>[/<config>][:<split>]``."""
    if spec.startswith(TFDS_PREFIX):
        return tfds_source.is_valid(spec[len(TFDS_PREFIX):])
    return len(spec) > 0


def read_records(path):
    """The records of ``path/captions.jsonl``: ``(image file, [captions], split)`` per line.

    Raises:
        FileNotFoundError: when the folder or its ``captions.jsonl`` is missing.
        ValueError: naming the file and line of a bad record (not JSON, no
            image, no caption, an image that does not exist).
    """
    if not os.path.isdir(path):
        raise FileNotFoundError(f"captions:{path}: no such directory.")
    index = os.path.join(path, CAPTIONS_FILE)
    if not os.path.isfile(index):
        raise FileNotFoundError(f"captions:{path} has no {CAPTIONS_FILE} (one JSON object per line: "
                                '{"image": "<file under the folder>", "captions": ["...", ...], "split": "train"}).')
    records = []
    with open(index, encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            where = f"{index}, line {number}"
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                raise ValueError(f"{where} is not JSON: {error}.") from None
            image, texts = (record.get("image"), record.get("captions")) if isinstance(record, dict) else (None, None)
            if not isinstance(image, str) or not image:
                raise ValueError(f"{where} has no \"image\" (a file under {path}).")
            if (not isinstance(texts, list) or not texts or not all(isinstance(t, str) and t.strip() for t in texts)):
                raise ValueError(f"{where}: \"captions\" must be a non-empty list of non-empty strings.")
            file = os.path.normpath(os.path.join(path, image))
            if not os.path.isfile(file):
                raise ValueError(f"{where}: the image {file} does not exist.")
            records.append((file, texts, str(record.get("split", "train"))))
    if not records:
        raise ValueError(f"{index} holds no record.")
    return records


def class_names(path, records):
    """The sorted classes of a captions folder (the subfolders holding its images), or None without classes."""
    parents = {os.path.dirname(file) for file, _, _ in records}
    if len(parents) < 2 or len({os.path.dirname(parent) for parent in parents}) != 1:
        return None
    return sorted(os.path.basename(parent) for parent in parents)


def num_classes(spec, data_dir=None):
    """The number of classes of ``captions:<spec>``, or None when its batches hold no labels."""
    if spec.startswith(TFDS_PREFIX):
        return tfds_source.num_classes(spec[len(TFDS_PREFIX):], data_dir)
    path = os.path.expanduser(spec)
    names = class_names(path, read_records(path))
    return None if names is None else len(names)


def caption_texts(spec, split="train"):
    """Every caption of a split of ``captions:<path>``, in file order (for a vocabulary)."""
    return [text for _, texts, record_split in read_records(os.path.expanduser(spec)) if record_split == split
            for text in texts]


def _folder_examples(spec, split, image_size, num_examples):
    """``captions:<path>`` as unbatched ``(uint8 image, captions [k][, label])``, their count and label flag."""
    path = os.path.expanduser(spec)
    records = read_records(path)
    chosen = [record for record in records if record[2] == split][:num_examples]
    if not chosen:
        raise ValueError(f"`split`={split!r} is not a split of captions:{spec}: its splits are "
                         f"{', '.join(sorted({record[2] for record in records}))}.")
    names = class_names(path, records)
    files = [file for file, _, _ in chosen]
    sizes, channels = folder.check_images(path, files)
    if image_size is None and len(set(sizes)) > 1:
        raise ValueError(f"captions:{spec}: the images differ in size; pass `image_size` (received image_size=None).")
    side = image_size or min(sizes[0])
    most = max(len(texts) for _, texts, _ in chosen)
    texts = tf.constant([texts + [""] * (most - len(texts)) for _, texts, _ in chosen], tf.string)  # [n, most]
    counts = np.array([len(texts) for _, texts, _ in chosen], np.int32)

    def read(file, captions, count, *label):
        image = folder.decode(file, channels)
        image = pipeline.resize_uint8(pipeline.center_crop_square(image), side) if image_size else image
        return (tf.ensure_shape(image, [side, side, channels]), captions[:count]) + label

    columns = (files, texts, counts)
    if names is not None:
        index = {name: i for i, name in enumerate(names)}
        columns += (np.array([index[os.path.basename(os.path.dirname(file))] for file in files], np.int32),)
    examples = tf.data.Dataset.from_tensor_slices(columns).map(read, num_parallel_calls=tf.data.AUTOTUNE,
                                                               deterministic=True)
    return examples, len(files), names is not None


def _pick_caption(image, captions, *rest):
    """One caption of an example, drawn with the stateless key that ends ``rest``."""
    key = rest[-1]
    index = tf.random.stateless_uniform([], key, maxval=tf.shape(captions)[0], dtype=tf.int32)
    return (image, captions[index]) + tuple(rest[:-1])


def _to_float(images, captions, *labels):
    return (pipeline.to_unit_range(images, 255.0), captions) + labels


def load(spec, split, *, data_dir, image_size, num_examples, shuffle, seed, repeat, **finish):
    """``captions:<path>`` or ``captions:tfds:<name>``: ``(images, captions[, labels])`` batches.

    ``**finish`` are the other arguments of :func:`keras_gans.data.pipeline.finish`.
    """
    if spec.startswith(TFDS_PREFIX):
        examples, buffer, _ = tfds_source.caption_examples(
            spec[len(TFDS_PREFIX):], split, data_dir=data_dir, image_size=image_size, num_examples=num_examples,
            shuffle=shuffle, seed=seed, repeat=repeat)
    else:
        examples, buffer, _ = _folder_examples(spec, split, image_size, num_examples)
    return pipeline.finish(examples, shuffle=shuffle, seed=seed, buffer_size=buffer, repeat=repeat,
                           augment=_pick_caption, batch_fn=_to_float, **finish)
