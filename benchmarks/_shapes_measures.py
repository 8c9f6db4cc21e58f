"""What the shapes benchmarks share: the judge, real image sets, the judged measures and a CPU-time budget.

``biggan_shapes.py`` and ``conditional_shapes.py`` train an app in a child
process for a CPU-time budget (:func:`budgeted`; ``text2image_shapes.py``
trains its experiment so in its own process) and measure its samples with
the shapes judge trained on the real training split (:func:`judge_for`):
class agreement of its shape head, and judge FID, precision and recall (k = 3)
in its ``features`` layer (:func:`scores`); :func:`class_rows_picture` shows
the samples, a row per class asked for. These two and
``text2image_shapes.py`` read images smaller than 64 px with the 64-px judge
after upsampling them (:func:`as_judged`); the first two also read their
class with the judge that learned the training images drawn at their size and
so upsampled (:func:`reader_for`), whose features no measure uses (judge FID
stays in the 64-px judge's, comparable across runs and sizes).
"""

import contextlib
import os
import tempfile
import time

import numpy as np

NUM_SAMPLES = 1000
CHUNK = 250  # samples per generator call
PICTURE_COLUMNS = 10
JUDGE_CACHE = os.path.join(tempfile.gettempdir(), "keras_gans_judges")
JUDGE_SEED = 0  # one judge for every run and seed: the instrument stays the same
# The judge at 64 px reads the shape of real test images with 99.9% accuracy, at 32 px with 86%: smaller
# images are upsampled to it (it reads 97.65% of the first 2000 real 32-px test images so upsampled).
JUDGE_SIZE = 64


def generated(generate, *arrays):
    """``generate(*chunks of arrays)`` over the rows of ``arrays``, :data:`CHUNK` at a time, clipped to
    [-1, 1], as float16."""
    from keras_gans.judges.batches import generate_in_chunks

    return np.clip(generate_in_chunks(generate, arrays, chunk=CHUNK), -1.0, 1.0).astype(np.float16)


@contextlib.contextmanager
def generator_itself(model):
    """Inside the block ``model`` samples from G itself, not from its moving average (when it keeps one):
    for a model whose sampling goes through ``sampling_generator`` (BigGAN, StyleGAN2; not ProGAN's grown
    samplers)."""
    average = getattr(model, "ema_generator", None)
    if average is not None:
        model.ema_generator = None
    try:
        yield model
    finally:
        if average is not None:
            model.ema_generator = average


def confusion(asked, read, num_classes):
    """``[num_classes, num_classes]`` counts of the judge's readings: row = value asked for, column = value read."""
    matrix = np.zeros((num_classes, num_classes), np.int64)
    np.add.at(matrix, (np.asarray(asked), np.asarray(read)), 1)
    return matrix


def as_judged(images):
    """Images in [-1, 1] as the judge sees them: at 64 px (:data:`JUDGE_SIZE`), resized by
    :func:`keras_gans.judges.shapes.resized_for_judge` (bicubically upsampled when smaller)."""
    from keras_gans.judges import shapes as shapes_judges

    return np.asarray(shapes_judges.resized_for_judge(np.asarray(images, np.float32)))


def shapes_judge():
    """The one shapes judge of the shapes benchmarks: every head, :data:`JUDGE_SIZE` px, :data:`JUDGE_SEED`,
    weights cached in :data:`JUDGE_CACHE` (trained on the first call of the machine)."""
    from keras_gans import judges

    return judges.train_shapes_judge(image_size=JUDGE_SIZE, seed=JUDGE_SEED, cache_dir=JUDGE_CACHE)


def judge_for(dataset, image_size, seed=0):
    """The classifier of real training images that judges samples, and its accuracy on the test split.

    On ``shapes``: :func:`shapes_judge` reduced to its shape head, with its
    ``features`` layer. Elsewhere: the digit judge trained on ``dataset`` at
    ``image_size`` with ``seed``. Show it images through :func:`judge_view`.
    """
    from keras_gans import judges

    if dataset == "shapes":
        judge = judges.shape_head(shapes_judge())
    else:
        judge = judges.train_digit_classifier(dataset=dataset, image_size=image_size, seed=seed)
    return judge, real_test_accuracy(judge, dataset, image_size)


def real_test_accuracy(classifier, dataset, image_size):
    """The share of ``dataset``'s real test images of ``image_size`` that ``classifier`` labels right (shown
    through :func:`judge_view`)."""
    from keras_gans import data, judges

    images, labels = data.load_arrays(dataset, split="test", image_size=image_size)
    return float(np.mean(judges.predict_classes(classifier, judge_view(dataset)(images)) == labels))


def has_reader(dataset, image_size):
    """Whether :func:`reader_for` gives a reader of ``dataset``'s images of ``image_size``: shapes below 64 px."""
    return dataset == "shapes" and image_size < JUDGE_SIZE


def reader_for(dataset, image_size):
    """The reader of the class of ``dataset``'s images of ``image_size``, or None when :func:`judge_for`'s
    judge reads them itself.

    On ``shapes`` below the judge's 64 px: the shape head of the judge that
    learned the training images drawn at ``image_size`` and upsampled to 64 px
    as :func:`as_judged` shows them (``keras_gans.judges.shape_classifier``'s,
    ``judges.shapes.judge_of_size``; weights cached in :data:`JUDGE_CACHE`).
    Show it images through :func:`judge_view`.
    """
    from keras_gans import judges

    if not has_reader(dataset, image_size):
        return None
    return judges.shape_head(judges.shapes.judge_of_size(image_size, seed=JUDGE_SEED, cache_dir=JUDGE_CACHE))


def gated_agreement(row):
    """The class agreement a benchmark's target reads in ``row``: the reader's where there is one."""
    return "reader_agreement" if "reader_agreement" in row else "class_agreement"


def judge_view(dataset):
    """How :func:`judge_for`'s judge of ``dataset`` is shown images in [-1, 1]: :func:`as_judged` on shapes."""
    return as_judged if dataset == "shapes" else np.asarray


def real_sets(dataset, image_size, seed):
    """Two disjoint random sets of :data:`NUM_SAMPLES` real training images (fewer for a small set)."""
    from keras_gans import data

    images, _ = data.load_arrays(dataset, image_size=image_size)
    order = np.random.default_rng(seed).permutation(len(images))
    n = min(NUM_SAMPLES, len(images) // 2)
    return images[order[:n]], images[order[n:2 * n]]


def scores(judge, extractor, reference, images, labels=None, reader=None):
    """Judge FID, precision and recall (k = 3) of ``images`` against ``reference`` features, and, when
    ``labels`` are given, the share the judge labels with them (``class_agreement``) and the share
    ``reader`` (:func:`reader_for`) labels with them (``reader_agreement``, when there is one)."""
    from keras_gans import judges, metrics

    generated = extractor(images)
    row = {"fid": float(metrics.fid(reference, generated)), **metrics.precision_recall(reference, generated, k=3)}
    if labels is not None:
        row["class_agreement"] = metrics.generated_class_accuracy(judges.predict_classes(judge, images), labels)
        if reader is not None:
            row["reader_agreement"] = metrics.generated_class_accuracy(judges.predict_classes(reader, images),
                                                                       labels)
    return row


def class_rows_picture(path, samples, asked):
    """Writes the first :data:`PICTURE_COLUMNS` samples of each class (or code value) asked for, a row per
    class in increasing order, at twice their size, to the PNG ``path``; returns ``path``."""
    from keras_gans import images

    asked = np.asarray(asked)
    picks = np.concatenate([np.flatnonzero(asked == value)[:PICTURE_COLUMNS] for value in np.unique(asked)])
    grid = images.make_grid(np.asarray(samples[picks], np.float32), nrow=PICTURE_COLUMNS)
    return images.save_png(grid.repeat(2, axis=0).repeat(2, axis=1), path)


def checkpoint_minutes(parser, text, budget_flag, budget):
    """The sorted CPU-minutes of a ``--checkpoint_minutes`` value ``text`` (comma-separated), each above 0 and
    below ``budget`` (the value of ``budget_flag``); ``parser.error`` naming the flag otherwise."""
    try:
        values = sorted(float(value) for value in text.split(",") if value)
    except ValueError:
        parser.error(f"--checkpoint_minutes: must be comma-separated numbers; received {text!r}")
    if any(not 0 < value < budget for value in values):
        parser.error(f"--checkpoint_minutes: each must be above 0 and below {budget_flag}={budget:g}; received "
                     f"{','.join(f'{value:g}' for value in values)}")
    return values


def budgeted(experiment, seconds, evaluate, checkpoints=(), on_checkpoint=None):
    """``experiment`` stopped after ``seconds`` of CPU time and evaluated by ``evaluate(ctx, model)``.

    The clock is the process's CPU time (the machine is shared: wall-clock
    shares vary) and starts after the first step, which traces the step
    function. The evaluation also holds ``cpu_train_s``, the CPU seconds counted.
    ``on_checkpoint(model, seconds_trained, steps)`` is called when the count
    first passes each of ``checkpoints`` (seconds below ``seconds``); the CPU
    time it takes is not counted.
    """
    import keras
    from _timed_training import TimeLimit

    stop = TimeLimit(seconds, batch_size=None, clock=time.process_time)
    pending = sorted(checkpoints)

    class Checkpoints(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            if pending and stop.elapsed() >= pending[0]:
                started = time.process_time()
                on_checkpoint(self.model, pending.pop(0), stop.steps)
                stop.exclude(time.process_time() - started)

    class Budgeted(type(experiment)):
        def callbacks(self, ctx, model):
            return super().callbacks(ctx, model) + [stop] + ([Checkpoints()] if pending else [])

        def evaluate(self, ctx, model):
            spent = round(stop.elapsed(), 1)
            return {"cpu_train_s": spent, **evaluate(ctx, model)}

    return Budgeted()
