"""Sample quality measured during training: :class:`Evaluation` (FID, KID, precision/recall, ...), for a
class-conditional generator :class:`ClassAgreement`, and for a text-to-image generator on the captioned shapes
:class:`CaptionAgreement`."""

import os

import keras
import numpy as np
import tensorflow as tf
from absl import logging
from scipy.special import softmax

from keras_gans import checks, features, judges, metrics
from keras_gans.callbacks.pictures import FixedSampler


class MeasureEveryFewEpochs(FixedSampler):
    """Shared part of the measuring callbacks: when they measure and what they do with the value.

    After epoch ``e`` (1-based) with ``e % every == 0``, and after the last
    epoch of ``fit`` whatever ``every`` is, :meth:`evaluate` (the
    subclass's) gives the value, which is added to the epoch logs as
    :attr:`name`, written as a TensorBoard scalar at step e in
    ``model_dir/logs/evaluation`` and kept in :attr:`last_value` and
    :attr:`values` (``{epoch: value}``); a NaN (non-finite samples) is
    skipped with a warning.
    """

    def __init__(self, model_dir, seed, every, num_samples, name):
        super().__init__(model_dir, seed, every, num_samples)
        self.name = name
        self.log_dir = os.path.join(self.model_dir, "logs", "evaluation")
        self.last_value = None
        self.values = {}

    def evaluate(self, model=None):
        """The measure for the model's current weights (NaN when the samples are not finite)."""
        raise NotImplementedError

    def _due(self, epoch):
        return super()._due(epoch) or epoch + 1 == (self.params or {}).get("epochs")

    def on_epoch_end(self, epoch, logs=None):
        if not self._due(epoch):
            return
        value = self.evaluate()
        if not np.isfinite(value):
            logging.warning("%s: non-finite samples or %s after epoch %d; not logged.", type(self).__name__,
                            self.name, epoch + 1)
            return
        self.last_value = value
        self.values[epoch + 1] = value
        if logs is not None:
            logs[self.name] = value
        with self.writer.as_default():
            tf.summary.scalar(self.name, value, step=epoch + 1)
        self.writer.flush()


class Evaluation(MeasureEveryFewEpochs):
    """Measures sample quality every ``every`` epochs and after the last one.

    After epoch ``e`` (1-based) with ``e % every == 0``, and after the last
    epoch of ``fit`` whatever ``every`` is, it generates ``num_samples``
    images from a fixed z (as :class:`SampleGrid`: drawn once with NumPy from
    ``seed``; class-balanced labels for conditional models), embeds them with
    ``extractor`` and computes ``measure`` against the real images, whose
    features are computed once, at the first evaluation. The value is

    - added to the epoch logs as ``name``, so ``History`` (hence
      ``results.json``'s ``metrics`` in ``experiment.run``) records it and
      ``keras.callbacks.ModelCheckpoint(monitor=name, mode=callback.mode)``
      placed after this callback can keep the best epoch;
    - written as the TensorBoard scalar ``name`` at step e in ``model_dir/logs/evaluation``;
    - kept in :attr:`last_value` and :attr:`values` (``{epoch: value}``).

    Non-finite samples (a diverged generator) are skipped with a warning.

    Args:
        model_dir: the run directory.
        measure: ``"fid"``, ``"kid"`` (its mean), ``"precision"``, ``"recall"``,
            ``"density"``, ``"coverage"`` (see ``keras_gans.metrics``) or
            ``"inception_score"`` (its mean; ``extractor`` must output logits).
        extractor: ``images -> [n, d]`` features (``keras_gans.features``).
        real: real images: an array ``[n, H, W, C]``, a ``tf.data.Dataset`` of
            ``images`` or ``(images, labels)`` batches, or an iterable of
            batches (unused for ``"inception_score"``).
        num_samples: generated images per evaluation.
        every: evaluate after every ``every``-th epoch.
        seed: seed of the fixed z and of the measure's random subsets.
        name: the log key (default ``measure``).
        keep: real and generated feature rows kept for the measures that
            need rows (all but FID and IS).
        batch_size: images per feature batch.
        **options: keyword options of ``keras_gans.metrics.compare_features``
            (``precision_k``, ``density_k``, ``kid_subsets``, ``kid_subset_size``)
            or ``num_splits`` of ``inception_score``.
    """

    MEASURES = ("fid", "kid", "precision", "recall", "density", "coverage", "inception_score")
    _HIGHER_IS_BETTER = ("precision", "recall", "density", "coverage", "inception_score")

    def __init__(self, model_dir, measure, extractor, real, *, num_samples=1000, every=1, seed=0, name=None,
                 keep=10000, batch_size=256, **options):
        super().__init__(model_dir, seed, every, num_samples, name or measure)
        if measure not in self.MEASURES:
            raise ValueError(f"`measure` must be one of {self.MEASURES}; received measure={measure!r}.")
        if not callable(extractor):
            raise ValueError(f"`extractor` must be callable (images -> features); received {extractor!r}.")
        if real is None and measure != "inception_score":
            raise ValueError(f"`real` images are needed for measure={measure!r}.")
        self.measure = measure
        self.extractor = extractor
        self.real = real
        self.keep = checks.positive_int("keep", keep)
        self.batch_size = checks.positive_int("batch_size", batch_size)
        self.options = options
        self._real_statistics = None

    @property
    def mode(self):
        """``"min"`` or ``"max"``: the ``mode`` for ``ModelCheckpoint`` or ``EarlyStopping``."""
        return "max" if self.measure in self._HIGHER_IS_BETTER else "min"

    def _features(self, source):
        batches = (self.extractor(images) for images in features.image_batches(source, self.batch_size))
        # FID reads only the mean and covariance: no rows need keeping for it.
        keep = 0 if self.measure == "fid" else self.keep
        return metrics.feature_statistics(batches, keep=keep, seed=self.seed)

    def evaluate(self, model=None):
        """The measure for the model's current weights; logs and writes nothing.

        Args:
            model: the model; default the one being trained.

        Returns:
            The value as a float (NaN when the samples are not finite).
        """
        samples = self.generate(model)
        if not np.all(np.isfinite(samples)):
            return float("nan")
        if self.measure == "inception_score":
            logits = np.concatenate([self.extractor(samples[start:start + self.batch_size])
                                     for start in range(0, samples.shape[0], self.batch_size)])
            return metrics.inception_score(softmax(logits.astype(np.float64), axis=1),
                                              **self.options)["mean"]
        if self._real_statistics is None:
            self._real_statistics = self._features(self.real)
        value = metrics.compare_features(self._real_statistics, self._features(samples), (self.measure,),
                                            seed=self.seed, **self.options)[self.measure]
        return float(value["mean"] if self.measure == "kid" else value)


class CaptionAgreement(MeasureEveryFewEpochs):
    """Logs how the shapes judge reads what a text-to-image generator draws for fixed captions.

    As :class:`Evaluation` does with its measure (every ``every`` epochs and
    after the last, the value in the epoch logs as ``name``, in TensorBoard
    and in :attr:`values`): one image per caption
    (:func:`keras_gans.judges.images_for_captions`, z from ``seed``) is read
    by the judge, and the value is the share with all the caption's
    attributes read as named (:func:`keras_gans.judges.caption_agreement`).
    A :class:`~keras_gans.callbacks.KeepBest` placed after this callback sees
    it. Images that are not finite (a diverged generator) are not read.

    Args:
        model_dir: the run directory.
        captions: shapes captions (:mod:`keras_gans.data.shapes_captions`).
        judge: a callable returning the judge, called at each reading (the memoized
            :func:`keras_gans.judges.train_shapes_judge` trains it at the first).
        seed: seed of z.
        every: read after every ``every``-th epoch.
        name: the log key.
    """

    def __init__(self, model_dir, captions, judge, *, seed=0, every=1, name="caption_agreement"):
        captions = list(captions)
        if not captions:
            raise ValueError("`captions` must hold at least one caption; received none.")
        if not callable(judge):
            raise ValueError(f"`judge` must be callable (returning the shapes judge); received {judge!r}.")
        super().__init__(model_dir, seed, every, len(captions), name)
        self.captions = captions
        self.judge = judge

    def evaluate(self, model=None):
        """The share of the captions read right on all their attributes (NaN when the images are not finite)."""
        images = judges.images_for_captions(model if model is not None else self.model, self.captions,
                                            seed=self.seed)
        if not np.all(np.isfinite(images)):
            return float("nan")
        return float(judges.caption_agreement(self.judge(), images, self.captions)["all"])


class ClassAgreement(MeasureEveryFewEpochs):
    """Logs how often a class judge reads the class a class-conditional generator was asked for.

    As :class:`Evaluation` does with its measure (every ``every`` epochs and
    after the last, the value in the epoch logs as ``name``, in TensorBoard
    and in :attr:`values`): ``num_samples // K`` samples of each of the K
    classes from a fixed z (``seed``, as :class:`SampleGrid` draws it) are
    read by the judge, and the value is the share read as the class asked
    for (:func:`keras_gans.metrics.generated_class_accuracy`). A
    :class:`~keras_gans.callbacks.KeepBest` placed after this callback sees
    it. Samples that are not finite (a diverged generator) are not read.

    Args:
        model_dir: the run directory.
        judge: a callable returning the class judge (images -> logits), called
            once, at the first reading.
        seed: seed of z.
        every: read after every ``every``-th epoch.
        num_samples: samples per reading, split evenly between the classes.
        prepare: called with the model before each reading (e.g. BigGAN's
            standing statistics), or None. What it changes of the model's
            ``sampling_generator``'s non-trainable weights (batch-norm
            statistics) is put back after the reading, so the sample
            pictures, the checkpoints and a resumed run do not depend on it.
        name: the log key.
    """

    def __init__(self, model_dir, judge, *, seed=0, every=1, num_samples=600, prepare=None,
                 name="class_agreement"):
        if not callable(judge):
            raise ValueError(f"`judge` must be callable (returning the class judge); received {judge!r}.")
        if prepare is not None and not callable(prepare):
            raise ValueError(f"`prepare` must be callable (model -> None) or None; received {prepare!r}.")
        super().__init__(model_dir, seed, every, num_samples, name)
        self.judge, self.prepare, self._judge = judge, prepare, None

    def evaluate(self, model=None):
        """The share of samples read as their class (NaN when the samples are not finite)."""
        model = model if model is not None else self.model
        if self.prepare is None:
            return self._read(model)
        statistics = model.sampling_generator.non_trainable_weights
        kept = [keras.ops.convert_to_numpy(weight) for weight in statistics]
        try:
            self.prepare(model)
            return self._read(model)
        finally:
            for weight, value in zip(statistics, kept):
                weight.assign(value)

    def _read(self, model):
        samples = self.generate(model)
        if not np.all(np.isfinite(samples)):
            return float("nan")
        if self._judge is None:
            self._judge = self.judge()
        _, labels = self._fixed_inputs(model)
        return float(metrics.generated_class_accuracy(judges.predict_classes(self._judge, samples), labels))
