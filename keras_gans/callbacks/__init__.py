"""Keras callbacks of every experiment: samples, checkpoints, a NaN guard and measures.

``experiment.run`` trains with::

    callbacks = [NonFiniteGuard(), Checkpointer(model_dir),
                 keras.callbacks.TensorBoard(log_dir=model_dir + "/logs"),
                 SampleGrid(model_dir)]          # or ToyScatter for 2-D toy sets

- :class:`SampleGrid` writes a PNG grid (and a TensorBoard image) of samples
  from a fixed z, so successive epochs show the same latent points.
- :class:`ToyScatter` does the same for the 2-D mode-collapse benchmarks
  (VEEGAN, Srivastava et al. 2017; PacGAN, Lin et al. 2018): a scatter plot of
  generated points over the true modes, and the mode-coverage measures.
- :class:`Checkpointer` saves everything an exact resume needs and restores it.
- :class:`NonFiniteGuard` stops training at the first NaN/inf metric.
- :class:`LatentCodeGrid` is InfoGAN's picture (Chen et al. 2016): one row
  per categorical code value, the continuous codes swept across the columns.
- :class:`TranslationGrid` shows image-to-image models on fixed examples:
  input | output | target (or reconstruction) rows.
- :func:`style_mixing_picture` and :func:`truncation_picture`: StyleGAN's
  style-mixing grid and truncation sweep (Karras et al. 2019).
- :class:`CaptionGrid` is the text-to-image picture (Reed et al. 2016): one
  row per caption, written above its images; :class:`CaptionAgreement` logs
  how the shapes judge reads the images made for fixed captions.
- :class:`Evaluation` measures sample quality (FID, KID, precision/recall,
  ...) every N epochs, for the logs, TensorBoard and ``ModelCheckpoint``;
  :class:`ClassAgreement` logs how often a class judge reads the class a
  conditional generator was asked for.
- :class:`KeepBest` keeps the generator of the epoch with the best logged
  measure; ``experiment.run`` measures and exports that one.

The fixed z of the sample callbacks comes from NumPy, never from the model's
``keras.random.SeedGenerator``: drawing from it would shift the training
stream, and a resumed run would no longer match an unbroken one.

Modules: ``checkpoint`` (:class:`Checkpointer`, :class:`NonFiniteGuard`),
``pictures`` (the sample callbacks and the pictures they draw), ``style_pictures``, ``captions``
(:class:`CaptionGrid`), ``evaluation`` (:class:`Evaluation`, :class:`ClassAgreement`, :class:`CaptionAgreement`),
``keep_best`` (:class:`KeepBest`) and ``logs`` (the keys they share in the epoch logs).
"""

from keras_gans.callbacks.captions import CaptionGrid
from keras_gans.callbacks.checkpoint import Checkpointer, NonFiniteGuard
from keras_gans.callbacks.evaluation import CaptionAgreement, ClassAgreement, Evaluation
from keras_gans.callbacks.keep_best import KeepBest
from keras_gans.callbacks.logs import COVERAGE_KEYS, COVERAGE_PREFIX
from keras_gans.callbacks.pictures import (LatentCodeGrid, SampleGrid, ToyScatter, TranslationGrid, fixed_latent,
                                           scatter_image, translation_picture)
from keras_gans.callbacks.style_pictures import style_mixing_picture, truncation_picture

__all__ = ["COVERAGE_KEYS", "COVERAGE_PREFIX", "CaptionAgreement", "CaptionGrid", "Checkpointer", "ClassAgreement",
           "Evaluation", "KeepBest", "LatentCodeGrid", "NonFiniteGuard", "SampleGrid", "ToyScatter", "TranslationGrid",
           "fixed_latent", "scatter_image", "style_mixing_picture", "translation_picture", "truncation_picture"]
