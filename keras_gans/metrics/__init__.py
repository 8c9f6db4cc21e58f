"""Sample-quality measures: pure numerical functions of arrays (no Keras model, no training).

- ``distribution``: distances between real and generated feature sets -- FID
  (:func:`fid`, :func:`frechet_distance`), KID, the Inception Score and
  :func:`compare_features` (several at once, :data:`DISTRIBUTION_MEASURES`);
  ``statistics``: the streaming :class:`FeatureStatistics` they read;
  ``neighbours``: improved precision/recall, density/coverage and the
  nearest-neighbour memorization check (:class:`NearestImages`, streaming).
  The feature extractors are in ``keras_gans.features``.
- ``modes``: :func:`mode_coverage`, the mode-collapse measure of the 2-D
  mixture benchmarks (VEEGAN, Srivastava et al. 2017; PacGAN, Lin et al. 2018).
- ``classes``: measures on a judge's class predictions (generated-class
  accuracy, class coverage, KL of the class histogram to uniform, agreement
  of a categorical code with the classes). The judges are in ``keras_gans.judges``.
- ``attributes``: measures on a judge's reading of several attributes per
  image (accuracy against the attributes asked for or named by a caption,
  coverage of combinations such as the shape-colour pairs, correlation of
  continuous latent codes with continuous attributes).
- ``images``: PSNR, mean absolute error and gradient energy (sharpness) of
  image-to-image outputs.
- ``path_length``: the distances and the outlier-filtered mean of the
  perceptual path length (StyleGAN, Karras et al. 2019).
"""

from keras_gans.metrics.attributes import attribute_accuracy, attribute_coverage, code_attribute_correlation
from keras_gans.metrics.classes import (class_coverage, class_histogram_kl, code_class_agreement,
                                        generated_class_accuracy)
from keras_gans.metrics.distribution import (DISTRIBUTION_MEASURES, compare_features, fid, frechet_distance,
                                             inception_score, kernel_inception_distance)
from keras_gans.metrics.images import gradient_energy, mean_absolute_error, psnr
from keras_gans.metrics.modes import mode_coverage
from keras_gans.metrics.path_length import filtered_mean, path_length_distances
from keras_gans.metrics.neighbours import (NearestImages, density_coverage, nearest_training_images,
                                           precision_recall)
from keras_gans.metrics.statistics import FeatureStatistics, feature_statistics

__all__ = ["DISTRIBUTION_MEASURES", "FeatureStatistics", "NearestImages", "attribute_accuracy",
           "attribute_coverage", "class_coverage", "class_histogram_kl", "code_attribute_correlation",
           "code_class_agreement",
           "compare_features", "density_coverage", "feature_statistics", "fid", "filtered_mean", "frechet_distance",
           "generated_class_accuracy", "gradient_energy", "inception_score", "kernel_inception_distance",
           "mean_absolute_error", "mode_coverage", "nearest_training_images", "path_length_distances", "psnr",
           "precision_recall"]
