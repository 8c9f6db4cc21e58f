"""Class-conditional, latent-code and semi-supervised losses: pure functions on tensors.

ACGAN's auxiliary classifier (Odena et al. 2017), InfoGAN's mutual-information
bound (Chen et al. 2016) with the clustering term its Q can add on real images
(Ji et al. 2019), and the K+1-class discriminator of the semi-supervised GAN
(Salimans et al. 2016, section 5).
"""

import math

import keras
from keras import ops

from keras_gans import distribute


def _class_cross_entropy(logits, labels):
    """Per-example ``-log softmax(logits)[label]``: ``[batch]``."""
    return keras.losses.sparse_categorical_crossentropy(
        ops.cast(labels, "int32"), ops.convert_to_tensor(logits), from_logits=True)


def acgan_discriminator_loss(real_class_logits, real_labels, fake_class_logits, fake_labels, *, fake_weight=1.0):
    """The class term of the ACGAN discriminator: ``-L_C``.

    Odena et al. 2017, "Conditional Image Synthesis with Auxiliary Classifier
    GANs", section 3: ``L_C = E[log P(C = c | X_real)] + E[log P(C = c | X_fake)]``
    and D maximizes ``L_S + L_C``. This returns ``-L_C``, the softmax
    cross-entropy of D's auxiliary class head on real images (their data
    labels) plus on generated images (the labels they were generated for).
    The source term ``-L_S`` is the adversarial loss of the chosen variant.

    Args:
        real_class_logits: ``[batch, K]`` class logits of D on real images.
        real_labels: int ``[batch]`` labels of the real images.
        fake_class_logits: ``[batch, K]`` class logits of D on generated images.
        fake_labels: int ``[batch]`` labels the images were generated for.
        fake_weight: weight of the generated-image term (1 in the paper; 0
            trains the class head on real images only, a common variant that
            keeps D from learning the class from G's own artifacts).

    Returns:
        Scalar ``mean(CE(real)) + fake_weight * mean(CE(fake))``.
    """
    return (ops.mean(_class_cross_entropy(real_class_logits, real_labels))
            + fake_weight * ops.mean(_class_cross_entropy(fake_class_logits, fake_labels)))


def acgan_generator_loss(fake_class_logits, fake_labels):
    """The class term of the ACGAN generator.

    Odena et al. 2017, section 3: G maximizes ``L_C - L_S``; of ``L_C`` only
    the generated-image term depends on G, so G minimizes the cross-entropy of
    D's class head on its samples against the labels they were generated for.
    (The source term is the adversarial generator loss of the chosen variant.)

    Args:
        fake_class_logits: ``[batch, K]`` class logits of D on generated images.
        fake_labels: int ``[batch]`` labels the images were generated for.

    Returns:
        Scalar ``mean(CE(fake))``.
    """
    return ops.mean(_class_cross_entropy(fake_class_logits, fake_labels))


def infogan_categorical_loss(code_logits, codes):
    """The categorical-code term of InfoGAN's mutual-information bound.

    Chen et al. 2016, "InfoGAN", eq. 5 and section 5: ``L_I(G, Q) =
    E[log Q(c | x)] + H(c) <= I(c; G(z, c))`` with ``x = G(z, c)``. For a
    categorical code Q is a softmax, and G and Q minimize ``-E[log Q(c | x)]``,
    the cross-entropy returned here; ``H(c) = log K`` for a uniform code is a
    constant, so the bound is ``log K`` minus this loss.

    Args:
        code_logits: ``[batch, K]`` logits of Q on generated images.
        codes: int ``[batch]`` code values the images were generated from.

    Returns:
        Scalar ``-mean(log softmax(code_logits)[codes])``.
    """
    return ops.mean(_class_cross_entropy(code_logits, codes))


def invariant_clustering_loss(logits, augmented_logits, *, epsilon=1e-8):
    """Invariant Information Clustering: minus the mutual information of two views' cluster assignments.

    Ji et al. 2019, "Invariant Information Clustering for Unsupervised Image
    Classification and Segmentation", eq. 3: with ``p = softmax(logits)`` and
    ``q = softmax(augmented_logits)`` the soft assignments of an image and of
    a transformed copy, the joint ``P = mean_b p_b q_b^T`` (symmetrized) and
    its marginals ``P_i``, ``P_j``, ``I = sum_ij P_ij log(P_ij / (P_i P_j))``.
    It is largest (``log K``) when each image is assigned with certainty, to
    the same cluster as its copy, and the clusters are equally used. Under
    ``tf.distribute`` ``P`` is the mean over every replica's rows, so the
    loss is the one-device loss.

    Args:
        logits: ``[batch, K]`` cluster logits of the images.
        augmented_logits: ``[batch, K]`` cluster logits of their transformed copies.
        epsilon: the floor of ``P`` before the logarithm.

    Returns:
        Scalar ``-I`` in nats, in ``[-log K, 0]``.
    """
    p = ops.softmax(ops.convert_to_tensor(logits), axis=-1)
    q = ops.softmax(ops.convert_to_tensor(augmented_logits), axis=-1)
    joint = distribute.replica_mean(ops.mean(p[:, :, None] * q[:, None, :], axis=0))  # [K, K]
    joint = ops.maximum((joint + ops.transpose(joint)) / 2.0, epsilon)
    rows = ops.sum(joint, axis=1, keepdims=True)
    columns = ops.sum(joint, axis=0, keepdims=True)
    return -ops.sum(joint * (ops.log(joint) - ops.log(rows) - ops.log(columns)))


def infogan_continuous_loss(codes, mean, log_std=None):
    """The continuous-code term of InfoGAN's bound: Gaussian negative log-likelihood.

    Chen et al. 2016, section 5: "for continuous latent code c_j ... we simply
    treat Q(c_j | x) as a factored Gaussian". This returns ``-E[log Q(c | x)]``
    summed over the code dimensions and averaged over the batch::

        sum_j 0.5 ((c_j - mu_j) / sigma_j)^2 + log sigma_j + 0.5 log(2 pi)

    With ``log_std=None`` sigma is 1 (a fixed-variance Q), and the loss is half
    the squared error plus a constant.

    Args:
        codes: ``[batch, d]`` continuous code values the images were generated from.
        mean: ``[batch, d]`` Q's predicted means.
        log_std: ``[batch, d]`` Q's predicted log standard deviations, or None.

    Returns:
        Scalar loss.
    """
    codes = ops.convert_to_tensor(codes)
    mean = ops.cast(ops.convert_to_tensor(mean), codes.dtype)
    log_std = ops.zeros_like(mean) if log_std is None else ops.cast(ops.convert_to_tensor(log_std), codes.dtype)
    standardized = (codes - mean) * ops.exp(-log_std)
    nll = 0.5 * ops.square(standardized) + log_std + 0.5 * math.log(2.0 * math.pi)  # [batch, d]
    return ops.mean(ops.sum(nll, axis=-1))


def semi_supervised_labelled_loss(class_logits, labels):
    """Supervised loss of the semi-supervised GAN discriminator.

    Salimans et al. 2016, "Improved Techniques for Training GANs", section 5:
    D has K class logits ``l_1..l_K`` and an implicit fake class K+1 whose
    logit is fixed at 0. On labelled real data,
    ``L_supervised = -E[log p(y | x, y < K + 1)]``, the softmax cross-entropy
    over the K real classes.

    Args:
        class_logits: ``[batch, K]`` D's logits on labelled real images.
        labels: int ``[batch]`` their labels.

    Returns:
        Scalar mean cross-entropy.
    """
    return ops.mean(_class_cross_entropy(class_logits, labels))


def semi_supervised_unlabelled_loss(real_class_logits, fake_class_logits):
    """Unsupervised loss of the semi-supervised GAN discriminator.

    Salimans et al. 2016, section 5: with the fake logit fixed at 0,
    ``D(x) = 1 - p(y = K + 1 | x) = Z(x) / (Z(x) + 1)``,
    ``Z(x) = sum_k exp(l_k(x))``, so D is a sigmoid of ``s = logsumexp(l)``, and
    ``L_unsupervised = -E_data[log D(x)] - E_G[log(1 - D(G(z)))]
    = E_data[softplus(-s)] + E_G[softplus(s)]``.

    Args:
        real_class_logits: ``[batch, K]`` D's logits on (unlabelled) real images.
        fake_class_logits: ``[batch, K]`` D's logits on generated images.

    Returns:
        Scalar loss.
    """
    real_score = ops.logsumexp(ops.convert_to_tensor(real_class_logits), axis=-1)  # [batch]
    fake_score = ops.logsumexp(ops.convert_to_tensor(fake_class_logits), axis=-1)  # [batch]
    return ops.mean(ops.softplus(-real_score)) + ops.mean(ops.softplus(fake_score))


def semi_supervised_generator_loss(fake_class_logits):
    """Non-saturating generator loss against the K+1-class discriminator.

    ``-E[log D(G(z))] = E[softplus(-logsumexp(l(G(z))))]`` (Salimans et al.
    2016, section 5; Odena 2016, "Semi-Supervised Learning with GANs"). The
    paper's better-performing alternative for semi-supervised learning is
    feature matching, :func:`keras_gans.losses.feature_matching_loss`.

    Args:
        fake_class_logits: ``[batch, K]`` D's logits on generated images.

    Returns:
        Scalar loss.
    """
    fake_score = ops.logsumexp(ops.convert_to_tensor(fake_class_logits), axis=-1)  # [batch]
    return ops.mean(ops.softplus(-fake_score))
