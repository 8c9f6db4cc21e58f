"""The adversarial losses of every variant, :func:`get` to choose one, and feature matching.

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

from keras import ops

from keras_gans import checks, draws

VARIANTS = ("minimax", "non_saturating", "least_squares", "wasserstein", "hinge")

# Variants whose discriminator loss is a cross-entropy with real/fake targets, and
# which therefore accept ``label_smoothing`` and ``label_noise``.
CROSS_ENTROPY_VARIANTS = ("minimax", "non_saturating")


def _sigmoid_cross_entropy(logits, targets):
    """Elementwise binary cross-entropy of ``sigmoid(logits)`` against ``targets``."""
    return targets * ops.softplus(-logits) + (1.0 - targets) * ops.softplus(logits)


def _targets(real_logits, fake_logits, label_smoothing, label_noise, seed):
    """Real and fake targets, with one-sided smoothing and random flips.

    One-sided label smoothing (Salimans et al. 2016, section 3.4) lowers only the
    real target to ``1 - label_smoothing``; fake targets stay 0. Noisy labels flip
    each target (real <-> fake) independently with probability ``label_noise``.
    """
    label_smoothing = checks.rate("label_smoothing", label_smoothing, typed=False)
    label_noise = checks.rate("label_noise", label_noise, upper=0.5, typed=False)
    real_value = 1.0 - label_smoothing
    real_targets = ops.full_like(real_logits, real_value)
    fake_targets = ops.zeros_like(fake_logits)
    if label_noise > 0.0:
        if seed is None:
            raise ValueError("`seed` is required when label_noise > 0 (a keras.random.SeedGenerator).")
        flip_real = draws.uniform(ops.shape(real_logits), seed=seed) < label_noise
        flip_fake = draws.uniform(ops.shape(fake_logits), seed=seed) < label_noise
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


_PAIRS = {
    "minimax": (minimax_discriminator_loss, minimax_generator_loss),
    "non_saturating": (non_saturating_discriminator_loss, non_saturating_generator_loss),
    "least_squares": (least_squares_discriminator_loss, least_squares_generator_loss),
    "wasserstein": (wasserstein_discriminator_loss, wasserstein_generator_loss),
    "hinge": (hinge_discriminator_loss, hinge_generator_loss),
}


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
    return _PAIRS[variant]


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
