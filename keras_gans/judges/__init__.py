"""Judge classifiers: networks trained on real data to judge generated samples.

- ``training``: :func:`train_classifier`, the one deterministic trainer of every judge.
- ``digits``: the digit judge (:func:`train_digit_classifier`, memoized),
  :func:`predict_classes`, and the scores of class-conditional generators
  (:func:`class_conditional_scores`) and categorical latent codes
  (:func:`categorical_code_scores`).

The measures on the judges' predictions are in :mod:`keras_gans.metrics.classes`.
"""

from keras_gans.judges.digits import (categorical_code_scores, class_conditional_scores, predict_classes,
                                      train_digit_classifier)
from keras_gans.judges.training import train_classifier

__all__ = ["categorical_code_scores", "class_conditional_scores", "predict_classes", "train_classifier",
           "train_digit_classifier"]
