"""The shapes judge: a CNN trained on the real ``shapes`` images that reads every attribute of an image.

It predicts the shape, colour, size bin and 3x3 position cell as classes and
regresses x, y, size and the rotation, the last as ``(cos k theta, sin k theta)``
for a shape of k-fold symmetry (a rotation is only defined modulo ``2 pi / k``;
the circle's target is ``(0, 0)``). Its ``"features"`` layer is the space of
"judge FID" on shapes (:func:`keras_gans.features.shapes_classifier_features`). What
it reads in generated images is turned into figures by
:mod:`keras_gans.metrics.attributes`: accuracy against the attributes asked
for, coverage of the shape-colour pairs, and agreement with captions.
"""

import functools
import hashlib
import inspect
import os

import keras
import numpy as np
import tensorflow as tf

from keras_gans import checks, execution, files
from keras_gans.data import shapes
from keras_gans.judges.batches import generate_in_chunks
from keras_gans.judges.training import train_heads
from keras_gans.latent import fixed_latent
from keras_gans.metrics.attributes import attribute_accuracy, attribute_coverage
from keras_gans.networks.attributes import attribute_classifier

CLASS_HEADS = {"shape": len(shapes.SHAPES), "color": len(shapes.COLORS), "size_bin": len(shapes.SIZE_BINS),
               "cell": 9}
REGRESSION_HEADS = {"position": 2, "size": 1, "rotation": 2}
HEADS = {**CLASS_HEADS, **REGRESSION_HEADS}
# Regressed values are centred and scaled to about [-1, 1]: (value - centre) / half range.
_POSITION_SCALE = (0.5, 0.25)
_SIZE_SCALE = (0.16, 0.06)
_SYMMETRY = np.array(shapes.SYMMETRY, np.float32)
NUM_EXAMPLES = 16_000
# A judge of images drawn smaller than it reads (``drawn_at``) learns the upsampled outlines from twice the images
# (at 32 px: 99.89% on the shape, 98.63% from 16,000; benchmarks/shapes_judge.py --drawn_at=32).
READER_EXAMPLES = 32_000
EPOCHS = 2
LEARNING_RATE = 3e-3  # 1e-3 learns colour and position but leaves the shape near chance after 600 steps
_BATCH = 32
JUDGE_SIZES = (16, 32, 64, 128, 256)  # the sides a judge reads, or learns from images drawn at


def judge_targets(attributes):
    """The judge's training targets of an attribute record: ``{head: array [n, ...]}`` (see the module doc)."""
    order = _SYMMETRY[attributes["shape"]]
    turn = order * attributes["rotation"]
    rotation = np.stack([np.cos(turn), np.sin(turn)], axis=1) * (order > 0)[:, None]  # circle: (0, 0)
    return {
        **{head: np.asarray(attributes[head], np.int32) for head in CLASS_HEADS},
        "position": ((np.stack([attributes["x"], attributes["y"]], axis=1) - _POSITION_SCALE[0])
                     / _POSITION_SCALE[1]).astype(np.float32),
        "size": ((np.asarray(attributes["size"])[:, None] - _SIZE_SCALE[0]) / _SIZE_SCALE[1]).astype(np.float32),
        "rotation": rotation.astype(np.float32),
    }


def judge_losses():
    """``{head: loss}``: softmax cross-entropy of every class head, mean squared error of every regression head."""
    losses = {head: keras.losses.SparseCategoricalCrossentropy(from_logits=True) for head in CLASS_HEADS}
    losses.update({head: keras.losses.MeanSquaredError() for head in REGRESSION_HEADS})
    return losses


def _decode(outputs):
    """The judge's raw outputs -> ``{attribute: [n]}`` (classes by argmax; values unscaled)."""
    predicted = {head: np.argmax(outputs[head], axis=-1).astype(np.int32) for head in CLASS_HEADS}
    position = outputs["position"] * _POSITION_SCALE[1] + _POSITION_SCALE[0]
    predicted["x"], predicted["y"] = position[:, 0], position[:, 1]
    predicted["size"] = outputs["size"][:, 0] * _SIZE_SCALE[1] + _SIZE_SCALE[0]
    order = _SYMMETRY[predicted["shape"]]
    angle = np.arctan2(outputs["rotation"][:, 1], outputs["rotation"][:, 0])
    period = 2.0 * np.pi / np.maximum(order, 1)
    predicted["rotation"] = np.where(order > 0, np.mod(angle / np.maximum(order, 1), period), 0.0)
    predicted["rotation_vector"] = outputs["rotation"]
    predicted["shape_color"] = predicted["shape"] * len(shapes.COLORS) + predicted["color"]
    return predicted


def predict_attributes(judge, images, batch_size=256):
    """What the judge reads in images.

    Args:
        judge: the model of :func:`train_shapes_judge`.
        images: ``[n, S, S, 3]`` in [-1, 1] (float) or uint8 in 0..255, S the judge's size.
        batch_size: images per forward pass.

    Returns:
        ``{"shape", "color", "size_bin", "cell", "shape_color"}`` int32
        ``[n]``; ``{"x", "y", "size", "rotation"}`` float ``[n]`` (rotation in
        radians modulo the predicted shape's period, 0 for a circle); and
        ``"rotation_vector"`` ``[n, 2]``, the raw ``(cos k theta, sin k theta)``.

    Raises:
        ValueError: for images of another size or an empty batch.
    """
    batch_size = checks.positive_int("batch_size", batch_size)
    images = np.asarray(keras.ops.convert_to_numpy(images))
    size = judge.inputs[0].shape[1]
    if images.ndim != 4 or images.shape[0] == 0 or images.shape[1:] != (size, size, 3):
        raise ValueError(f"`images` must be a non-empty batch [n, {size}, {size}, 3]; received shape "
                         f"{images.shape}.")
    outputs = {head: [] for head in HEADS}
    for start in range(0, len(images), batch_size):
        batch = images[start:start + batch_size]
        batch = batch.astype(np.float32) / 127.5 - 1.0 if batch.dtype == np.uint8 else batch.astype(np.float32)
        for head, values in judge.predict_on_batch(batch).items():
            outputs[head].append(np.asarray(values))
    return _decode({head: np.concatenate(values) for head, values in outputs.items()})


def check_judge_size(image_size, name="image_size"):
    """``image_size`` (None: 64) when it is one of :data:`JUDGE_SIZES`, else ValueError naming it as ``name``."""
    if image_size is None:
        return shapes.DEFAULT_IMAGE_SIZE
    if not checks.is_int(image_size) or image_size not in JUDGE_SIZES:
        raise ValueError(f"`{name}` must be a power of two from 16 to 256 for the shapes judge; received "
                         f"{name}={image_size!r}.")
    return int(image_size)


def build_shapes_judge(image_size=shapes.DEFAULT_IMAGE_SIZE, seed=0):
    """The untrained judge network (:func:`keras_gans.networks.attributes.attribute_classifier`) for ``image_size``."""
    image_size = check_judge_size(image_size)
    return attribute_classifier((image_size, image_size, 3), HEADS, seed=seed, name=f"shapes_judge_{image_size}")


def train_shapes_judge(*, image_size=shapes.DEFAULT_IMAGE_SIZE, seed=0, num_examples=NUM_EXAMPLES, epochs=EPOCHS,
                       cache_dir=None, drawn_at=None):
    """Trains the shapes judge on the first images of the training split, deterministically; memoized.

    :func:`keras_gans.judges.training.train_heads` (Adam from 3e-3, cosine
    decay, batches of 32) on ``num_examples`` images for ``epochs``, with
    the sparse softmax cross-entropy of each class head plus the mean squared
    error of each regression head. The same arguments give the same weights,
    and the same model object for the life of the process (do not train it
    further). With ``cache_dir`` the weights are read from
    ``<cache_dir>/shapes_judge_<size>px_seed<seed>_n<n>_e<epochs>_<fingerprint>.weights.h5``
    (``<size>px_drawn<d>px`` with ``drawn_at``) when that file exists, else
    trained and written there; ``<fingerprint>`` digests the network, the
    training settings and the first training images (:func:`judge_fingerprint`),
    so a file written by code that trains another judge is never read.
    :func:`judge_cache_dir` is where the apps keep them.

    With the defaults (16,000 images at 64x64, two epochs) it reads the
    held-out test images' shape, colour and position cell with 99.85%, 100%
    and 100% accuracy (seed 0, ``benchmarks/shapes_judge.py``, which fails
    below 99%).

    With ``drawn_at`` it learns the training images drawn at that size and
    shown at ``image_size`` as :func:`resized_for_judge` shows them, so that
    it reads images of that size (see :func:`shape_classifier`).

    Args:
        image_size: the side of the images it judges, a power of two from 16 to 256.
        seed: seed of the initial weights and of the order.
        num_examples: training images, from the start of the training split.
        epochs: passes over them.
        cache_dir: a folder for the weights file, or None.
        drawn_at: the size the training images are drawn at, a power of two
            from 16 to 256 (None: ``image_size``).

    Returns:
        The trained ``keras.Model``: images in [-1, 1] -> ``{head: outputs}``.
    """
    image_size = check_judge_size(image_size)
    drawn_at = image_size if drawn_at is None else check_judge_size(drawn_at, "drawn_at")
    seed = checks.integer("seed", seed, minimum=0)
    num_examples = checks.positive_int("num_examples", num_examples)
    if num_examples > shapes.SPLIT_SIZES["train"]:
        raise ValueError(f"`num_examples` must be at most {shapes.SPLIT_SIZES['train']}; received "
                         f"num_examples={num_examples}.")
    epochs = checks.positive_int("epochs", epochs)
    return _trained_judge(image_size, seed, num_examples, epochs, None if cache_dir is None else os.fspath(cache_dir),
                          drawn_at)


@functools.lru_cache(maxsize=None)
def _trained_judge(image_size, seed, num_examples, epochs, cache_dir, drawn_at):
    judge = build_shapes_judge(image_size, seed)
    path = None
    if cache_dir is not None:
        drawn = "" if drawn_at == image_size else f"_drawn{drawn_at}px"
        path = os.path.join(cache_dir, f"shapes_judge_{image_size}px{drawn}_seed{seed}_n{num_examples}_e{epochs}"
                                       f"_{judge_fingerprint(judge, drawn_at)}{files.WEIGHTS_SUFFIX}")
        if os.path.isfile(path):
            judge.load_weights(path)
            return judge
    drawn = "" if drawn_at == image_size else f" (drawn at {drawn_at} px)"
    print(f"Training the shapes judge: {image_size} px{drawn}, {num_examples:,} images, {epochs} epochs "
          f"(about a minute at the default 64 px and 16,000 images).", flush=True)
    images = shown_at(shapes.split_images("train", drawn_at, num_examples), image_size)
    targets = judge_targets({name: values[:num_examples] for name, values in shapes.split_attributes().items()})
    train_heads(judge, images, targets, judge_losses(), seed=seed, epochs=epochs, batch_size=_BATCH,
                learning_rate=LEARNING_RATE, verbose=execution.fit_verbosity())
    if path is not None:
        _keep(judge, path)
    return judge


def _keep(judge, path):
    """Writes the judge's weights to ``path``; a folder that cannot be written is said once, not raised."""
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        files.save_weights(judge, path)
    except OSError as error:
        print(f"The shapes judge's weights could not be kept in {os.path.dirname(path)} ({error}); the next run "
              f"trains it again.", flush=True)


def judge_fingerprint(judge, drawn_at, count=16):
    """Ten hex digits that change whenever the trained weights could: a digest of the network's
    configuration, the training settings, the TensorFlow version, the source of the functions that train it
    (as this process imported them), and the first ``count`` training images (as the judge is shown them)
    and their targets."""
    digest = hashlib.sha256(judge.to_json().encode())
    digest.update(repr((LEARNING_RATE, _BATCH, drawn_at, tf.__version__)).encode())
    digest.update(_training_code())
    digest.update(shown_at(shapes.split_images("train", drawn_at, count), judge.inputs[0].shape[1]).tobytes())
    first = {name: values[:count] for name, values in shapes.split_attributes().items()}
    for targets in judge_targets(first).values():
        digest.update(np.ascontiguousarray(targets).tobytes())
    return digest.hexdigest()[:10]


@functools.lru_cache(maxsize=None)
def _training_code():
    """The source of the functions that train the judge, read once (a later edit of the files is not the code
    this process runs); their bytecode where the source is not installed."""
    code = b""
    for function in (train_heads, judge_targets, judge_losses, shown_at, resized_for_judge):
        try:
            code += inspect.getsource(function).encode()
        except (OSError, TypeError):
            code += function.__code__.co_code
    return code


def judge_cache_dir():
    """Where the apps keep trained judges: ``$KERAS_HOME/keras_gans/judges``, ``~/.keras`` when
    ``KERAS_HOME`` is unset (Keras's own folder)."""
    home = os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")
    return os.path.join(home, "keras_gans", "judges")


train_shapes_judge.cache_clear = _trained_judge.cache_clear  # forget every trained judge


def shape_head(judge):
    """A trained judge reduced to its shape classifier, sharing its layers (``"features"`` included)."""
    return keras.Model(judge.inputs, judge.get_layer("shape").output, name=f"{judge.name}_shape")


def shape_classifier(image_size, *, seed=0, cache_dir=None, **training):
    """The shapes judge's shape head for images of any size: a classifier of the ``shapes`` set's labels.

    The judge is :func:`train_shapes_judge` at the set's default 64 px;
    images of another size are resized to 64 px first (bicubically and
    clipped to [-1, 1] when smaller, by area when larger). For a smaller
    power-of-two size the judge learns the training images drawn at that
    size and so upsampled (``drawn_at``, from :data:`READER_EXAMPLES` images
    unless ``num_examples`` is given): it reads the real test images' shapes
    at 99.9% at 32 px and 97.6% at 16 px, where the 64-px judge reads them at
    97.9% and 55% and a judge of the 32-px images themselves at 86%
    (``benchmarks/shapes_judge.py --drawn_at``).

    Args:
        image_size: the side of the images it is given, 8 to 256.
        seed: the judge's seed.
        cache_dir: as :func:`train_shapes_judge`.
        **training: ``num_examples`` and ``epochs`` of :func:`train_shapes_judge`.

    Returns:
        A ``keras.Model``: images ``[N, image_size, image_size, 3]`` in [-1, 1] -> shape logits ``[N, 6]``
        (at 64 px, :func:`shape_head` itself).
    """
    image_size = checks.positive_int("image_size", image_size, minimum=8)
    if image_size > 256:
        raise ValueError(f"`image_size` must be at most 256; received image_size={image_size}.")
    head = shape_head(judge_of_size(image_size, seed=seed, cache_dir=cache_dir, **training))
    if image_size == shapes.DEFAULT_IMAGE_SIZE:
        return head
    return reading_resized(head, image_size, name=f"shape_classifier_{image_size}px")


def reading_resized(model, image_size, name):
    """``model`` (a judge or a part of one) for images of ``image_size``: they are resized to the side it
    takes as :func:`resized_for_judge` shows them, then read by it."""
    images = keras.Input((image_size, image_size, 3), name="images")
    shown = keras.layers.Lambda(functools.partial(resized_for_judge, image_size=model.inputs[0].shape[1]),
                                name="to_judge_size")(images)
    return keras.Model(images, model(shown), name=name)


def judge_of_size(image_size, *, seed=0, cache_dir=None, **training):
    """The 64-px judge that reads images of ``image_size`` resized to 64 px (:func:`shape_classifier`'s).

    For 16 or 32 px the judge drawn at that size (``drawn_at``, from
    :data:`READER_EXAMPLES` images unless ``num_examples`` is given), else
    :func:`train_shapes_judge`'s 64-px judge; ``training`` as there.
    """
    if image_size < shapes.DEFAULT_IMAGE_SIZE and image_size in JUDGE_SIZES:
        training = {"num_examples": READER_EXAMPLES, "drawn_at": image_size, **training}
    return train_shapes_judge(image_size=shapes.DEFAULT_IMAGE_SIZE, seed=seed, cache_dir=cache_dir, **training)


def resized_for_judge(images, image_size=shapes.DEFAULT_IMAGE_SIZE):
    """Images ``[N, size, size, 3]`` in [-1, 1] at ``image_size`` (the judge's default 64 px), as
    :func:`shape_classifier` shows them.

    Smaller images are upsampled bicubically, larger ones averaged by area,
    then clipped to [-1, 1] (bicubic overshoots); images of that size are
    returned as they are.
    """
    size = images.shape[1]
    if size == image_size:
        return images
    resized = tf.image.resize(images, (image_size, image_size), method="bicubic" if size < image_size else "area")
    return tf.clip_by_value(resized, -1.0, 1.0)


def shown_at(images, image_size, chunk=2000):
    """uint8 images ``[n, S, S, 3]`` shown at ``image_size`` as :func:`resized_for_judge` shows them, as uint8."""
    if images.shape[1] == image_size:
        return images
    shown = np.empty((len(images), image_size, image_size, images.shape[-1]), np.uint8)
    for start in range(0, len(images), chunk):
        scaled = images[start:start + chunk].astype(np.float32) / 127.5 - 1.0
        resized = np.asarray(resized_for_judge(scaled, image_size))
        shown[start:start + chunk] = np.round((resized + 1.0) * 127.5).astype(np.uint8)
    return shown


def _angle_error(predicted_vector, rotation, shape):
    """Absolute rotation errors in radians, modulo each true shape's period (non-circles only)."""
    order = _SYMMETRY[shape]
    keep = order > 0
    difference = np.arctan2(predicted_vector[:, 1], predicted_vector[:, 0]) - order * rotation
    return np.abs(np.angle(np.exp(1j * difference[keep]))) / order[keep]


def judge_report(judge, *, split="test", num_examples=None, drawn_at=None):
    """The judge's accuracy on real images of a split, per attribute.

    Args:
        judge: the model of :func:`train_shapes_judge`.
        split: ``"test"`` (held out) or ``"train"``.
        num_examples: only the first this many images (None: all).
        drawn_at: read the images drawn at this size and resized to the
            judge's (:func:`resized_for_judge`); None: drawn at the judge's size.

    Returns:
        ``{"<head>_accuracy"}`` for shape, color, size_bin and cell;
        ``"x_error_px"``, ``"y_error_px"``, ``"size_error_px"`` (mean absolute
        errors in pixels of the judge's image size), ``"rotation_error_deg"``
        (mean absolute error in degrees, modulo each shape's symmetry, circles
        left out) and ``"num_examples"``.
    """
    size = judge.inputs[0].shape[1]
    drawn_at = size if drawn_at is None else check_judge_size(drawn_at, "drawn_at")
    images = shown_at(shapes.split_images(split, drawn_at, num_examples), size)
    truth = {name: values[:len(images)] for name, values in shapes.split_attributes(split).items()}
    predicted = predict_attributes(judge, images)
    report = {f"{head}_accuracy": float(np.mean(predicted[head] == truth[head])) for head in CLASS_HEADS}
    for name in ("x", "y", "size"):
        report[f"{name}_error_px"] = float(np.mean(np.abs(predicted[name] - truth[name])) * size)
    errors = _angle_error(predicted["rotation_vector"], truth["rotation"], truth["shape"])
    report["rotation_error_deg"] = float(np.degrees(np.mean(errors)))
    report["num_examples"] = len(images)
    return report


def attribute_scores(judge, images, requested):
    """How well generated images show the attributes they were generated for, and which pairs they cover.

    Args:
        judge: the model of :func:`train_shapes_judge`.
        images: generated images (see :func:`predict_attributes`).
        requested: ``{attribute: int [n]}`` asked of the generator (any of
            shape, color, size_bin, cell, shape_color; -1: not asked).

    Returns:
        :func:`~keras_gans.metrics.attributes.attribute_accuracy` of the
        requested attributes, plus ``"coverage"``: the shape-colour
        :func:`~keras_gans.metrics.attributes.attribute_coverage` of what the judge reads.
    """
    predicted = predict_attributes(judge, images)
    scores = attribute_accuracy(requested, predicted)
    scores["coverage"] = attribute_coverage(predicted["shape"], predicted["color"], len(shapes.SHAPES),
                                            len(shapes.COLORS))
    return scores


def caption_agreement(judge, images, captions):
    """Agreement of images with the captions they were made for: the attributes a caption names, read back.

    Args:
        judge: the model of :func:`train_shapes_judge`.
        images: ``[n, S, S, 3]`` images, one per caption.
        captions: ``n`` captions (strings or bytes), read with
            :func:`keras_gans.data.shapes.parse_captions`.

    Returns:
        :func:`~keras_gans.metrics.attributes.attribute_accuracy` of the named
        attributes against the judge's reading (``"all"``: every named one right).
    """
    named = shapes.parse_captions(captions)
    if len(named["shape"]) != len(images):
        raise ValueError(f"`captions` must hold one caption per image; received {len(named['shape'])} captions "
                         f"for {len(images)} images.")
    return attribute_accuracy(named, predict_attributes(judge, images))


def images_for_captions(model, captions, *, seed=0):
    """One image per caption from a text-conditional generator, at the judge's 64 px (:func:`resized_for_judge`).

    Args:
        model: a model with ``latent_dim`` and ``generate(z, captions)``
            (:class:`keras_gans.models.TextToImageGAN`).
        captions: ``n`` captions.
        seed: seed of z, one row per caption, from the model's prior as the sample pictures draw it
            (:func:`keras_gans.latent.fixed_latent`).

    Returns:
        float32 ``[n, 64, 64, C]`` in [-1, 1].
    """
    captions = [caption.decode() if isinstance(caption, bytes) else str(caption) for caption in captions]
    if not captions:
        raise ValueError("`captions` must hold at least one caption; received none.")
    z = fixed_latent(seed, len(captions), int(model.latent_dim), getattr(model, "latent_distribution", "normal"))
    generated = generate_in_chunks(model.generate, [z, captions], chunk=250)
    return np.asarray(resized_for_judge(generated.astype(np.float32)))


def text_conditional_scores(model, judge, captions, *, seed=0):
    """How well a text-conditional generator draws what its captions name, as Reed et al. 2016 ask of
    GAN-CLS and GAN-INT: :func:`caption_agreement` of :func:`images_for_captions` (one image per caption).

    Args:
        model: as :func:`images_for_captions`.
        judge: the model of :func:`train_shapes_judge` at 64 px.
        captions: ``n`` shapes captions.
        seed: seed of z.

    Returns:
        ``{"shape", "color", "size_bin", "cell", "all", "count"}``: the share
        of images whose attribute is read as their caption names it.
    """
    return caption_agreement(judge, images_for_captions(model, captions, seed=seed), captions)
