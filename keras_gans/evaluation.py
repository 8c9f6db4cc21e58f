"""Sample-quality measures and judges, under the names they have always had here.

The code lives by job in two packages; this module re-exports every public name:

- :mod:`keras_gans.metrics`: the pure numerical measures -- distances between
  feature sets (FID, KID, Inception Score, improved precision/recall,
  density/coverage, :class:`FeatureStatistics`, the nearest-neighbour
  memorization check), :func:`mode_coverage` of the 2-D mixture benchmarks,
  the class measures on a judge's predictions and the image-to-image
  measures (PSNR, mean absolute error, gradient energy).
- :mod:`keras_gans.judges`: the classifiers trained on real data that judge
  generated samples (:func:`train_digit_classifier`, :func:`predict_classes`,
  :func:`class_conditional_scores`, :func:`categorical_code_scores`).

The feature extractors are in :mod:`keras_gans.features`.
"""

from keras_gans.judges import categorical_code_scores, class_conditional_scores, predict_classes, train_digit_classifier
from keras_gans.metrics import (DISTRIBUTION_MEASURES, FeatureStatistics, NearestImages, class_coverage,
                                class_histogram_kl, code_class_agreement, compare_features, density_coverage,
                                feature_statistics, fid, frechet_distance, generated_class_accuracy, gradient_energy,
                                inception_score, kernel_inception_distance, mean_absolute_error, mode_coverage,
                                nearest_training_images, precision_recall, psnr)

__all__ = ["DISTRIBUTION_MEASURES", "FeatureStatistics", "NearestImages", "categorical_code_scores",
           "class_conditional_scores", "class_coverage", "class_histogram_kl", "code_class_agreement",
           "compare_features", "density_coverage", "feature_statistics", "fid", "frechet_distance",
           "generated_class_accuracy", "gradient_energy", "inception_score", "kernel_inception_distance",
           "mean_absolute_error", "mode_coverage", "nearest_training_images", "precision_recall", "predict_classes",
           "psnr", "train_digit_classifier"]
