"""Adversarial and auxiliary GAN losses: pure functions on tensors.

Naming follows TF-GAN: ``<variant>_discriminator_loss(real_logits, fake_logits)``
and ``<variant>_generator_loss(fake_logits)``. Logits are the discriminator's raw
outputs (there is no sigmoid in D); cross-entropy is written with softplus, which
is exact and numerically stable:

    -log(sigmoid(l))     = softplus(-l)
    -log(1 - sigmoid(l)) = softplus(l)

Every loss returns the mean over every element of its inputs, so a PatchGAN map
of logits ``[batch, h, w, 1]`` works like a vector of logits ``[batch, 1]``. A
discriminator loss is the real term plus the fake term.
"""

import math

import keras
from keras import ops

VARIANTS = ("minimax", "non_saturating", "least_squares", "wasserstein", "hinge")

# Variants whose discriminator loss is a cross-entropy with real/fake targets, and
# which therefore accept ``label_smoothing`` and ``label_noise``.
CROSS_ENTROPY_VARIANTS = ("minimax", "non_saturating")


def _sigmoid_cross_entropy(logits, targets):
    """Elementwise binary cross-entropy of ``sigmoid(logits)`` against ``targets``."""
    return targets * ops.softplus(-logits) + (1.0 - targets) * ops.softplus(logits)


def _validate_probability(name, value, upper=1.0):
    if not 0.0 <= value < upper:
        raise ValueError(f"`{name}` must be in [0, {upper}); received {name}={value!r}.")


def _targets(real_logits, fake_logits, label_smoothing, label_noise, seed):
    """Real and fake targets, with one-sided smoothing and random flips.

    One-sided label smoothing (Salimans et al. 2016, section 3.4) lowers only the
    real target to ``1 - label_smoothing``; fake targets stay 0. Noisy labels flip
    each target (real <-> fake) independently with probability ``label_noise``.
    """
    _validate_probability("label_smoothing", label_smoothing)
    _validate_probability("label_noise", label_noise, upper=0.5)
    real_value = 1.0 - label_smoothing
    real_targets = ops.full_like(real_logits, real_value)
    fake_targets = ops.zeros_like(fake_logits)
    if label_noise > 0.0:
        if seed is None:
            raise ValueError("`seed` is required when label_noise > 0 (a keras.random.SeedGenerator).")
        flip_real = keras.random.uniform(ops.shape(real_logits), seed=seed) < label_noise
        flip_fake = keras.random.uniform(ops.shape(fake_logits), seed=seed) < label_noise
        real_targets = ops.where(flip_real, ops.zeros_like(real_targets), real_targets)
        fake_targets = ops.where(flip_fake, ops.full_like(fake_targets, real_value), fake_targets)
    return real_targets, fake_targets


def minimax_discriminator_loss(real_logits, fake_logits, *, label_smoothing=0.0,
                               label_noise=0.0, seed=None):
    """Discriminator loss of the original minimax game.

    Goodfellow et al. 2014, "Generative Adversarial Nets", eq. 1: D maximizes
    ``log D(x) + log(1 - D(G(z)))``; this returns the negation, the sum of the
    cross-entropy on real (target 1) and on fake (target 0).

    Args:
        real_logits: D's logits on real data, any shape.
        fake_logits: D's logits on generated data, any shape.
        label_smoothing: one-sided smoothing; the real target becomes
            ``1 - label_smoothing`` (Salimans et al. 2016, section 3.4).
        label_noise: probability of flipping each target (the "noisy labels" hack).
        seed: a ``keras.random.SeedGenerator``, required when ``label_noise > 0``.

    Returns:
        Scalar: ``mean(CE(real, 1)) + mean(CE(fake, 0))``.
    """
    real_logits = ops.convert_to_tensor(real_logits)
    fake_logits = ops.convert_to_tensor(fake_logits)
    real_targets, fake_targets = _targets(real_logits, fake_logits, label_smoothing,
                                          label_noise, seed)
    return (ops.mean(_sigmoid_cross_entropy(real_logits, real_targets))
            + ops.mean(_sigmoid_cross_entropy(fake_logits, fake_targets)))


def minimax_generator_loss(fake_logits):
    """Generator loss of the minimax game: G minimizes ``log(1 - D(G(z)))``.

    Goodfellow et al. 2014, eq. 1. It saturates when D rejects the samples
    confidently, which is why the paper recommends the non-saturating loss.

    Args:
        fake_logits: D's logits on generated data, any shape.

    Returns:
        Scalar ``mean(log(1 - sigmoid(fake_logits))) = -mean(softplus(fake_logits))``.
    """
    return -ops.mean(ops.softplus(ops.convert_to_tensor(fake_logits)))


def non_saturating_discriminator_loss(real_logits, fake_logits, *, label_smoothing=0.0,
                                      label_noise=0.0, seed=None):
    """Discriminator loss paired with the non-saturating generator loss.

    Identical to :func:`minimax_discriminator_loss` (Goodfellow et al. 2014,
    section 3): only the generator's objective changes.
    """
    return minimax_discriminator_loss(real_logits, fake_logits,
                                      label_smoothing=label_smoothing,
                                      label_noise=label_noise, seed=seed)


def non_saturating_generator_loss(fake_logits):
    """Non-saturating generator loss: G maximizes ``log D(G(z))``.

    Goodfellow et al. 2014, section 3: same fixed point as the minimax game but
    strong gradients early in training.

    Args:
        fake_logits: D's logits on generated data, any shape.

    Returns:
        Scalar ``-mean(log sigmoid(fake_logits)) = mean(softplus(-fake_logits))``.
    """
    return ops.mean(ops.softplus(-ops.convert_to_tensor(fake_logits)))


def least_squares_discriminator_loss(real_logits, fake_logits, *, a=0.0, b=1.0):
    """LSGAN discriminator loss.

    Mao et al. 2017, "Least Squares Generative Adversarial Networks", eq. 2:
    ``1/2 E[(D(x) - b)^2] + 1/2 E[(D(G(z)) - a)^2]`` with the 0-1 coding
    ``a = 0`` (fake), ``b = 1`` (real). D's raw outputs are used, no sigmoid.

    Args:
        real_logits: D's outputs on real data.
        fake_logits: D's outputs on generated data.
        a: target for fake data.
        b: target for real data.

    Returns:
        Scalar loss.
    """
    real_logits = ops.convert_to_tensor(real_logits)
    fake_logits = ops.convert_to_tensor(fake_logits)
    return (0.5 * ops.mean(ops.square(real_logits - b))
            + 0.5 * ops.mean(ops.square(fake_logits - a)))


def least_squares_generator_loss(fake_logits, *, c=1.0):
    """LSGAN generator loss ``1/2 E[(D(G(z)) - c)^2]`` (Mao et al. 2017, eq. 2).

    Args:
        fake_logits: D's outputs on generated data.
        c: the value G wants D to believe for fake data (1 in the 0-1 coding).

    Returns:
        Scalar loss.
    """
    return 0.5 * ops.mean(ops.square(ops.convert_to_tensor(fake_logits) - c))


def wasserstein_discriminator_loss(real_logits, fake_logits):
    """WGAN critic loss ``E[f(G(z))] - E[f(x)]``.

    Arjovsky et al. 2017, "Wasserstein GAN", Algorithm 1: the critic maximizes
    ``E[f(x)] - E[f(G(z))]``, an estimate of the Wasserstein-1 distance when f
    is 1-Lipschitz (enforced by weight clipping or a gradient penalty).

    Returns:
        Scalar loss, the negated distance estimate.
    """
    return (ops.mean(ops.convert_to_tensor(fake_logits))
            - ops.mean(ops.convert_to_tensor(real_logits)))


def wasserstein_generator_loss(fake_logits):
    """WGAN generator loss ``-E[f(G(z))]`` (Arjovsky et al. 2017, Algorithm 1)."""
    return -ops.mean(ops.convert_to_tensor(fake_logits))


def hinge_discriminator_loss(real_logits, fake_logits):
    """Hinge discriminator loss ``E[relu(1 - D(x))] + E[relu(1 + D(G(z)))]``.

    Lim & Ye 2017 ("Geometric GAN"); used by Miyato et al. 2018 (SNGAN) and
    Brock et al. 2019 (BigGAN).
    """
    return (ops.mean(ops.relu(1.0 - ops.convert_to_tensor(real_logits)))
            + ops.mean(ops.relu(1.0 + ops.convert_to_tensor(fake_logits))))


def hinge_generator_loss(fake_logits):
    """Hinge generator loss ``-E[D(G(z))]`` (Miyato et al. 2018, eq. 17)."""
    return -ops.mean(ops.convert_to_tensor(fake_logits))


def get(variant):
    """Returns the ``(discriminator_loss, generator_loss)`` pair of a variant.

    Args:
        variant: one of ``minimax``, ``non_saturating``, ``least_squares``,
            ``wasserstein``, ``hinge``.

    Returns:
        A tuple of two functions.

    Raises:
        ValueError: for an unknown variant; the message lists the valid ones.
    """
    if variant not in VARIANTS:
        raise ValueError(f"Unknown GAN loss {variant!r}; valid losses are: {', '.join(VARIANTS)}.")
    module = globals()
    return (module[f"{variant}_discriminator_loss"], module[f"{variant}_generator_loss"])


def feature_matching_loss(real_features, fake_features):
    """Feature matching: ``|| E[f(x)] - E[f(G(z))] ||_2^2``.

    Salimans et al. 2016, "Improved Techniques for Training GANs", section 3.1:
    G matches the mean of an intermediate layer of D on real and generated data
    instead of maximizing D's output.

    Args:
        real_features: ``[batch, ...]`` features of real data.
        fake_features: ``[batch, ...]`` features of generated data.

    Returns:
        Scalar: squared L2 norm between the batch means of the flattened features.
    """
    real_features = ops.convert_to_tensor(real_features)
    fake_features = ops.convert_to_tensor(fake_features)
    real_mean = ops.mean(ops.reshape(real_features, (ops.shape(real_features)[0], -1)), axis=0)
    fake_mean = ops.mean(ops.reshape(fake_features, (ops.shape(fake_features)[0], -1)), axis=0)
    return ops.sum(ops.square(real_mean - fake_mean))


# ----------------------------------------------------------------------------
# Reconstruction and content losses of the image-to-image models


def l1_loss(targets, predictions):
    """Mean absolute error ``E[|y - G(x)|]``.

    Pix2Pix's L1 term (Isola et al. 2017, eq. 3), CycleGAN's cycle-consistency
    ``E[|F(G(x)) - x|]`` and identity ``E[|G(y) - y|]`` losses (Zhu et al.
    2017, eq. 2 and section 5.2).

    Args:
        targets: the images to reach, any shape.
        predictions: images of the same shape.

    Returns:
        Scalar: the mean over every element.
    """
    return ops.mean(ops.abs(ops.convert_to_tensor(targets) - ops.convert_to_tensor(predictions)))


def mse_loss(targets, predictions):
    """Mean squared error ``E[(y - G(x))^2]``.

    SRGAN's pixel-wise content loss (Ledig et al. 2017, eq. 4, the mean over
    the ``r W x r H`` pixels) and DiscoGAN's reconstruction distance (Kim et
    al. 2017, section 3.2, "distance function d ... such as MSE").

    Args:
        targets: the images (or features) to reach, any shape.
        predictions: the same shape.

    Returns:
        Scalar: the mean over every element.
    """
    return ops.mean(ops.square(ops.convert_to_tensor(targets) - ops.convert_to_tensor(predictions)))


DISTANCES = {"l1": l1_loss, "mse": mse_loss}


def get_distance(name):
    """The image distance ``(targets, predictions) -> scalar`` called ``name`` (``"l1"`` or ``"mse"``).

    Raises:
        ValueError: for any other name; the message lists the valid ones.
    """
    if name not in DISTANCES:
        raise ValueError(f"Unknown distance {name!r}; valid distances are: {', '.join(DISTANCES)}.")
    return DISTANCES[name]


# ----------------------------------------------------------------------------
# Class-conditional, latent-code and semi-supervised losses


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
    feature matching, :func:`feature_matching_loss`.

    Args:
        fake_class_logits: ``[batch, K]`` D's logits on generated images.

    Returns:
        Scalar loss.
    """
    fake_score = ops.logsumexp(ops.convert_to_tensor(fake_class_logits), axis=-1)  # [batch]
    return ops.mean(ops.softplus(-fake_score))


# ----------------------------------------------------------------------------
# Energy-based losses: autoencoder discriminators (EBGAN, BEGAN)


def autoencoder_energy(inputs, reconstructions, *, power=2):
    """Per-sample reconstruction energy ``mean |x - D(x)|^power`` of an autoencoder D.

    EBGAN (Zhao et al. 2017, section 2.3) uses the reconstruction error as D's
    energy, computed as the mean squared error (``power=2``); BEGAN (Berthelot
    et al. 2017, eq. 1) uses ``L(v) = |v - D(v)|^eta`` with ``eta = 1``
    (``power=1``, the mean absolute error). The mean runs over every
    non-batch axis, so the energy does not grow with the image size.

    Args:
        inputs: ``[batch, ...]`` what went into the autoencoder.
        reconstructions: ``[batch, ...]`` what came out, same shape.
        power: 1 (absolute error) or 2 (squared error).

    Returns:
        ``[batch]`` energies.
    """
    if power not in (1, 2):
        raise ValueError(f"`power` must be 1 or 2; received power={power!r}.")
    inputs = ops.convert_to_tensor(inputs)
    reconstructions = ops.cast(ops.convert_to_tensor(reconstructions), inputs.dtype)
    error = ops.abs(inputs - reconstructions) if power == 1 else ops.square(inputs - reconstructions)
    return ops.mean(ops.reshape(error, (ops.shape(error)[0], -1)), axis=1)  # [batch, ...] -> [batch]


def ebgan_discriminator_loss(real_energy, fake_energy, *, margin):
    """EBGAN discriminator loss ``E[D(x)] + E[max(0, m - D(G(z)))]``.

    Zhao et al. 2017, "Energy-based Generative Adversarial Network", eq. 1: D
    gives real data low energy and pushes the energy of generated data up to
    the margin m, no further.

    Args:
        real_energy: ``[batch]`` energies of real data.
        fake_energy: ``[batch]`` energies of generated data.
        margin: m > 0.

    Returns:
        Scalar loss.
    """
    if not margin > 0:
        raise ValueError(f"`margin` must be > 0; received margin={margin!r}.")
    return (ops.mean(ops.convert_to_tensor(real_energy))
            + ops.mean(ops.relu(margin - ops.convert_to_tensor(fake_energy))))


def ebgan_generator_loss(fake_energy):
    """EBGAN generator loss ``E[D(G(z))]`` (Zhao et al. 2017, eq. 2)."""
    return ops.mean(ops.convert_to_tensor(fake_energy))


def pull_away_term(embeddings):
    """EBGAN's repelling regularizer, the pull-away term (Zhao et al. 2017, eq. 4).

    ``f_PT(S) = 1 / (N (N - 1)) * sum_i sum_{j != i} cos(S_i, S_j)^2`` over the
    encoder's embeddings S of a generated batch: it is 0 when the embeddings
    are mutually orthogonal and 1 when they all point the same way, so
    minimizing it spreads G's samples apart.

    Args:
        embeddings: ``[N, ...]`` embeddings, N >= 2; flattened per sample.

    Returns:
        Scalar in [0, 1].
    """
    embeddings = ops.convert_to_tensor(embeddings)
    batch = embeddings.shape[0]
    if batch is not None and batch < 2:
        raise ValueError(f"`embeddings` needs at least 2 samples; received shape {tuple(embeddings.shape)}.")
    flat = ops.reshape(embeddings, (ops.shape(embeddings)[0], -1))                 # [N, d]
    unit = flat / ops.sqrt(ops.sum(ops.square(flat), axis=1, keepdims=True) + 1e-12)
    cosine_sq = ops.square(ops.matmul(unit, ops.transpose(unit)))                   # [N, N]
    n = ops.cast(ops.shape(flat)[0], flat.dtype)
    off_diagonal = ops.sum(cosine_sq) - ops.sum(ops.diagonal(cosine_sq))
    return off_diagonal / (n * (n - 1.0))


def began_discriminator_loss(real_energy, fake_energy, *, k):
    """BEGAN discriminator loss ``L(x) - k_t L(G(z_D))`` (Berthelot et al. 2017, eq. 4).

    Args:
        real_energy: ``[batch]`` autoencoder energies L of real data.
        fake_energy: ``[batch]`` energies of generated data.
        k: the equilibrium control variable k_t in [0, 1].

    Returns:
        Scalar loss.
    """
    return ops.mean(ops.convert_to_tensor(real_energy)) - k * ops.mean(ops.convert_to_tensor(fake_energy))


def began_generator_loss(fake_energy):
    """BEGAN generator loss ``L(G(z_G))`` (Berthelot et al. 2017, eq. 4)."""
    return ops.mean(ops.convert_to_tensor(fake_energy))


def began_k_update(k, real_loss, fake_loss, *, gamma, lambda_k):
    """The next equilibrium variable ``k_{t+1} = clip(k_t + lambda_k (gamma L(x) - L(G(z_G))), 0, 1)``.

    Berthelot et al. 2017, "BEGAN: Boundary Equilibrium Generative Adversarial
    Networks", eq. 4: proportional control that keeps ``E[L(G(z))] = gamma E[L(x)]``;
    k_t is kept in [0, 1] as the paper's implementation does.

    Args:
        k: current k_t.
        real_loss: the batch mean L(x).
        fake_loss: the batch mean L(G(z_G)).
        gamma: the diversity ratio in (0, 1].
        lambda_k: the proportional gain (0.001 in the paper).

    Returns:
        k_{t+1}, in [0, 1].
    """
    k, real_loss, fake_loss = (ops.convert_to_tensor(v, "float32") for v in (k, real_loss, fake_loss))
    return ops.clip(k + lambda_k * (gamma * real_loss - fake_loss), 0.0, 1.0)


def began_convergence(real_loss, fake_loss, *, gamma):
    """BEGAN's global convergence measure ``M = L(x) + |gamma L(x) - L(G(z_G))|``.

    Berthelot et al. 2017, section 3.4.1: it falls as the autoencoder
    reconstructs real data better and the equilibrium ``L(G(z)) = gamma L(x)``
    is met.

    Args:
        real_loss: the batch mean L(x).
        fake_loss: the batch mean L(G(z_G)).
        gamma: the diversity ratio.

    Returns:
        Scalar M_global.
    """
    real_loss, fake_loss = (ops.convert_to_tensor(v, "float32") for v in (real_loss, fake_loss))
    return real_loss + ops.abs(gamma * real_loss - fake_loss)


def autoencoder_energies(discriminator, samples, power, training=True):
    """``([batch] energies, embeddings)`` of ``samples`` under an autoencoder discriminator.

    EBGAN's and BEGAN's D is an autoencoder returning ``[reconstruction,
    embedding]``; a sample's energy is its reconstruction error
    (:func:`autoencoder_energy`).
    """
    reconstruction, embedding = discriminator(samples, training=training)
    energy = autoencoder_energy(ops.cast(samples, "float32"), ops.cast(reconstruction, "float32"), power=power)
    return energy, ops.cast(embedding, "float32")


def translation_generator_loss(variant, fake_logits):
    """G's adversarial term for the translation papers.

    ``non_saturating``: ``E[-log D(G(x))]`` (Pix2Pix, SRGAN eq. 6, DiscoGAN).
    ``least_squares``: ``E[(D(G(x)) - 1)^2]``, CycleGAN's form (Zhu et al.
    2017, section 4), without the 1/2 of Mao et al.'s
    :func:`least_squares_generator_loss`, so the cycle weight lambda = 10
    keeps the paper's meaning.

    Args:
        variant: ``"non_saturating"`` or ``"least_squares"``.
        fake_logits: D's outputs on generated images, any shape.

    Returns:
        Scalar loss.
    """
    _, g_loss_fn = get(variant)
    scale = 2.0 if variant == "least_squares" else 1.0
    return scale * g_loss_fn(ops.cast(fake_logits, "float32"))
