"""Judge classifiers: networks trained on real data to judge generated samples.

- ``training``: the deterministic trainers, :func:`train_classifier` (one
  class per image) and :func:`train_heads` (several outputs).
- ``batches``: :func:`predict_classes` and :func:`~keras_gans.judges.batches.generate_in_chunks`,
  a chunk of rows at a time.
- ``digits``: the digit judge (:func:`train_digit_classifier`, memoized)
  and the scores of class-conditional generators
  (:func:`class_conditional_scores`) and categorical latent codes
  (:func:`categorical_code_scores`).
- ``shapes``: the shapes judge (:func:`train_shapes_judge`, memoized and
  optionally saved; the apps keep it in :func:`judge_cache_dir`), which reads every attribute of a ``shapes`` image
  (:func:`predict_attributes`), its held-out :func:`judge_report`, the
  scores of generated images (:func:`attribute_scores`, :func:`caption_agreement`; for a
  text-conditional generator, :func:`images_for_captions`, :func:`text_conditional_scores`),
  and its shape head (:func:`shape_head`; for images of any size, :func:`shape_classifier`).

The measures on the judges' predictions are in :mod:`keras_gans.metrics.classes`
and :mod:`keras_gans.metrics.attributes`.
"""

from keras_gans.judges.batches import predict_classes
from keras_gans.judges.digits import categorical_code_scores, class_conditional_scores, train_digit_classifier
from keras_gans.judges.shapes import (attribute_scores, caption_agreement, images_for_captions, judge_cache_dir,
                                      judge_report, predict_attributes, shape_classifier, shape_head,
                                      text_conditional_scores, train_shapes_judge)
from keras_gans.judges.training import train_classifier, train_heads

__all__ = ["attribute_scores", "caption_agreement", "categorical_code_scores", "class_conditional_scores",
           "images_for_captions", "judge_cache_dir", "judge_report", "predict_attributes", "predict_classes",
           "shape_classifier", "shape_head", "text_conditional_scores", "train_classifier", "train_digit_classifier",
           "train_heads", "train_shapes_judge"]
