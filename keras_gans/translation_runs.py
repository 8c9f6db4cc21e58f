"""What the image-to-image apps share: data checks, the sample picture and the measures.

The apps (``apps/pix2pix.py``, ``cyclegan.py``, ``discogan.py``,
``srgan.py``) pass :func:`sample_callback` and :func:`evaluate` to
``experiment.main``; the benchmarks call the measures directly:

- paired models (:func:`paired_measures`): L1 and PSNR of the translations
  against the targets and their sharpness (gradient energy), next to the
  targets' own sharpness; for super-resolution also bicubic upsampling
  (:func:`bicubic_measures`), the baseline of Ledig et al. 2017 (table 2);
- unpaired models (:func:`cycle_measures`): the cycle reconstruction L1 both
  ways; on ``digits2bold``/``digits2rotated`` also :func:`digit_identity`, the share of
  translated digits that a classifier trained on the *target* domain
  recognizes as the digit that went in.
"""

import keras
import numpy as np
import tensorflow as tf
from absl import app, flags

from keras_gans import callbacks, data, evaluation, judges

FLAGS = flags.FLAGS

SAMPLE_EXAMPLES = 8
HELD_OUT_LIMIT = 1024  # examples measured from tfds/folder sets
_BATCH = 64
_EXAMPLE_SETS = {"paired": "blurred2digits, photos_x4, paired:folder:<path>, paired_reversed:folder:<path> "
                           "or sr:folder:<path>",
                 "unpaired": "digits2bold, digits2rotated, unpaired:tfds:<name> or unpaired:folder:<path>"}


def require_kind(spec, kind):
    """Raises a UsageError naming ``--dataset`` unless it is a ``kind`` ("paired"/"unpaired") translation set."""
    found = data.translation_kind(spec.name)
    if found != kind:
        raise app.UsageError(f"--dataset={spec.name} is not a {kind} translation set "
                             f"({found or 'not a translation set'}); use {_EXAMPLE_SETS[kind]}.")


def is_super_resolution(name):
    return name == "photos_x4" or name.startswith("sr:")


# ----------------------------------------------------------------------------
# Held-out examples


def held_out(name, *, image_size=None, data_dir=None, limit=HELD_OUT_LIMIT):
    """The held-out pairs of a translation set as arrays.

    Embedded sets give their whole test split, aligned
    (:func:`keras_gans.data.translation_arrays`); other sets the first
    ``limit`` pairs of their test split, or of the training split when they
    have no test split.

    Args:
        name: a translation dataset name.
        image_size: as for :func:`keras_gans.data.load`.
        data_dir: where tfds datasets are prepared.
        limit: at most this many pairs from tfds/folder sets.

    Returns:
        ``(first, second, split)``: two float32 ``[n, H, W, C]`` arrays (source
        and target, or domain A and domain B) and the split they come from.
    """
    if name in data.TRANSLATION_SETS:
        arrays = data.translation_arrays(name, split="test", image_size=image_size)
        keys = ("a", "b") if "a" in arrays else ("source", "target")
        return arrays[keys[0]], arrays[keys[1]], "test"
    for split in ("test", "train"):
        try:
            dataset = data.load(name, split=split, batch_size=_BATCH, shuffle=False, drop_remainder=False,
                                image_size=image_size, data_dir=data_dir)
        except ValueError:
            continue
        firsts, seconds = [], []
        for first, second in dataset.take(-(-limit // _BATCH)).as_numpy_iterator():
            firsts.append(first)
            seconds.append(second)
        return np.concatenate(firsts)[:limit], np.concatenate(seconds)[:limit], split
    raise ValueError(f"`name`={name!r} has neither a test nor a train split to measure on.")


def sample_callback(spec, model_dir, model):
    """The ``sample_callback_fn`` of the translation apps: a :class:`~keras_gans.callbacks.TranslationGrid`.

    Its fixed examples are the first held-out pairs (:func:`held_out`).
    """
    del model
    first, second, _ = held_out(spec.name, image_size=FLAGS.image_size, data_dir=FLAGS.data_dir,
                                limit=SAMPLE_EXAMPLES)
    return callbacks.TranslationGrid(model_dir, (first[:SAMPLE_EXAMPLES], second[:SAMPLE_EXAMPLES]),
                                     every=FLAGS.sample_every)


# ----------------------------------------------------------------------------
# Measures


def translate(model, images, direction=None, batch_size=_BATCH):
    """Translates ``images`` in batches in inference mode; float32 NumPy output."""
    outputs = []
    for start in range(0, len(images), batch_size):
        batch = images[start:start + batch_size]
        out = model.translate(batch) if direction is None else model.translate(batch, direction)
        outputs.append(np.asarray(keras.ops.convert_to_numpy(out), dtype=np.float32))
    return np.concatenate(outputs)


def image_measures(outputs, targets):
    """L1, PSNR and sharpness of ``outputs`` against ``targets`` (all [-1, 1])."""
    return {"l1": evaluation.mean_absolute_error(outputs, targets), "psnr": evaluation.psnr(outputs, targets),
            "sharpness": evaluation.gradient_energy(outputs),
            "target_sharpness": evaluation.gradient_energy(targets)}


def paired_measures(model, source, target):
    """:func:`image_measures` of ``model.translate(source)`` against ``target``."""
    return image_measures(translate(model, source), target)


def bicubic_measures(source, target):
    """:func:`image_measures` of bicubic upsampling of ``source`` to the size of ``target``."""
    upsampled = tf.image.resize(source, target.shape[1:3], method="bicubic").numpy()
    return image_measures(np.clip(upsampled, -1.0, 1.0), target)


def cycle_measures(model, domain_a, domain_b):
    """Cycle reconstruction L1: ``mean |G_BA(G_AB(a)) - a|`` and ``mean |G_AB(G_BA(b)) - b|``."""
    reconstructed_a = translate(model, translate(model, domain_a, "a_to_b"), "b_to_a")
    reconstructed_b = translate(model, translate(model, domain_b, "b_to_a"), "a_to_b")
    return {"cycle_l1_a": evaluation.mean_absolute_error(reconstructed_a, domain_a),
            "cycle_l1_b": evaluation.mean_absolute_error(reconstructed_b, domain_b)}


def train_classifier(images, labels, *, seed=0, epochs=15, batch_size=64):
    """Trains :func:`keras_gans.networks.classifier.digit_classifier` on arrays, deterministically.

    Adam(1e-3), sparse softmax cross-entropy, one fixed NumPy permutation per
    epoch (:func:`keras_gans.judges.train_classifier`).

    Args:
        images: float32 ``[n, H, W, C]`` in [-1, 1].
        labels: int ``[n]`` class ids.
        seed: seed of the weights and of the order.
        epochs: passes over the data.
        batch_size: examples per step.

    Returns:
        The trained classifier (logits).
    """
    return judges.train_classifier(images, labels, seed=seed, epochs=epochs, batch_size=batch_size)


def digit_identity(model, name="digits2bold", *, image_size=None, seed=0):
    """Whether translations between two digit domains keep the digit (``digits2bold``, ``digits2rotated``).

    Two classifiers are trained on the training split, one on digits (domain
    A) and one on the same digits in domain B (bold, or turned 90 degrees). On the test
    split, ``a_to_b`` is the share of ``G_AB(a)`` that the domain-B classifier
    recognizes as the class of ``a``; ``b_to_a`` likewise with ``G_BA(b)`` and
    the domain-A classifier; ``judge_a``/``judge_b`` are the classifiers'
    accuracies on real test images of their domain.

    Args:
        model: a two-way translation model.
        name: the digit set, ``digits2bold`` or ``digits2rotated``.
        image_size: the size the model works at (default 32).
        seed: seed of the classifiers.

    Returns:
        ``{"a_to_b", "b_to_a", "judge_a", "judge_b"}`` accuracies in [0, 1].
    """
    if name not in data.UNPAIRED_DIGIT_SETS:
        raise ValueError(f"`name` must be one of {data.UNPAIRED_DIGIT_SETS}; received name={name!r}.")
    train = data.translation_arrays(name, split="train", image_size=image_size)
    test = data.translation_arrays(name, split="test", image_size=image_size)
    judges = {domain: train_classifier(train[domain], train["labels"], seed=seed) for domain in ("a", "b")}

    def accuracy(judge, images):
        return evaluation.generated_class_accuracy(evaluation.predict_classes(judge, images), test["labels"])

    return {"a_to_b": accuracy(judges["b"], translate(model, test["a"], "a_to_b")),
            "b_to_a": accuracy(judges["a"], translate(model, test["b"], "b_to_a")),
            "judge_a": accuracy(judges["a"], test["a"]), "judge_b": accuracy(judges["b"], test["b"])}


def _rounded(measures):
    return {key: round(float(value), 4) for key, value in measures.items()}


def evaluate(model, spec):
    """The ``evaluate_fn`` of the translation apps: measures on held-out pairs for ``results.json``."""
    first, second, split = held_out(spec.name, image_size=FLAGS.image_size, data_dir=FLAGS.data_dir)
    results = {"split": split, "examples": int(len(first))}
    if data.translation_kind(spec.name) == "unpaired":
        results.update(_rounded(cycle_measures(model, first, second)))
        if spec.name in data.UNPAIRED_DIGIT_SETS:
            results["digit_identity"] = _rounded(digit_identity(model, spec.name, image_size=FLAGS.image_size,
                                                                seed=FLAGS.seed))
        return results
    results.update(_rounded(paired_measures(model, first, second)))
    if is_super_resolution(spec.name):
        results["bicubic"] = _rounded(bicubic_measures(first, second))
    return results
