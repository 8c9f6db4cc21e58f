"""Adversarial and auxiliary GAN losses: pure functions on tensors.

- ``adversarial``: the ``<variant>_discriminator_loss`` / ``<variant>_generator_loss``
  pairs (minimax, non-saturating, least squares, Wasserstein, hinge), :func:`get`
  to choose one by name, and feature matching.
- ``distances``: the L1 and MSE reconstruction losses of the image-to-image
  models and :func:`get_distance`.
- ``classes``: the class terms of ACGAN, the code and clustering terms of InfoGAN and the
  losses of the semi-supervised K+1-class discriminator.
- ``regularizers``: ProGAN's drift term and the pure parts of StyleGAN2's
  lazy and path length regularization.
- ``text``: the matching-aware discriminator loss and the interpolation
  generator loss of text-to-image GANs, and the joint embedding loss that
  pre-trains their text encoder (Reed et al. 2016).
- ``top_k``: G's loss over the samples D scores highest (top-k training,
  Sinha et al. 2020) and the share of the batch it keeps.
- ``energy``: the autoencoder energy (of samples, or through an autoencoder
  discriminator) and the losses of EBGAN and BEGAN.

Every loss returns the mean over every element of its inputs, so a PatchGAN map
of logits ``[batch, h, w, 1]`` works like a vector of logits ``[batch, 1]``.
"""

from keras_gans.losses.adversarial import (CROSS_ENTROPY_VARIANTS, VARIANTS, feature_matching_loss, get,
                                           hinge_discriminator_loss, hinge_generator_loss,
                                           least_squares_discriminator_loss, least_squares_generator_loss,
                                           minimax_discriminator_loss, minimax_generator_loss,
                                           non_saturating_discriminator_loss, non_saturating_generator_loss,
                                           translation_generator_loss, wasserstein_discriminator_loss,
                                           wasserstein_generator_loss)
from keras_gans.losses.classes import (acgan_discriminator_loss, acgan_generator_loss, infogan_categorical_loss,
                                       infogan_continuous_loss, invariant_clustering_loss,
                                       semi_supervised_generator_loss, semi_supervised_labelled_loss,
                                       semi_supervised_unlabelled_loss)
from keras_gans.losses.distances import DISTANCES, get_distance, l1_loss, mse_loss
from keras_gans.losses.energy import (autoencoder_energies, autoencoder_energy, began_convergence,
                                      began_discriminator_loss, began_generator_loss, began_k_update, ebgan_discriminator_loss,
                                      ebgan_generator_loss, pull_away_term)
from keras_gans.losses.regularizers import drift_penalty, lazy_weight, path_length_penalty, update_path_length_mean
from keras_gans.losses.top_k import top_k_generator_loss, top_k_share
from keras_gans.losses.text import (interpolation_generator_loss, joint_embedding_loss,
                                    matching_aware_discriminator_loss)

__all__ = ["interpolation_generator_loss", "joint_embedding_loss", "matching_aware_discriminator_loss",
           "CROSS_ENTROPY_VARIANTS", "DISTANCES", "VARIANTS", "acgan_discriminator_loss", "acgan_generator_loss",
           "autoencoder_energies", "autoencoder_energy", "began_convergence", "began_discriminator_loss",
           "began_generator_loss",
           "began_k_update", "drift_penalty", "ebgan_discriminator_loss", "ebgan_generator_loss", "feature_matching_loss",
           "get",
           "get_distance", "hinge_discriminator_loss", "hinge_generator_loss", "infogan_categorical_loss",
           "infogan_continuous_loss", "invariant_clustering_loss", "l1_loss", "lazy_weight", "least_squares_discriminator_loss", "least_squares_generator_loss",
           "minimax_discriminator_loss", "minimax_generator_loss", "mse_loss", "non_saturating_discriminator_loss",
           "non_saturating_generator_loss", "path_length_penalty", "pull_away_term", "semi_supervised_generator_loss",
           "semi_supervised_labelled_loss", "semi_supervised_unlabelled_loss", "translation_generator_loss",
           "top_k_generator_loss", "top_k_share", "update_path_length_mean", "wasserstein_discriminator_loss",
           "wasserstein_generator_loss"]
