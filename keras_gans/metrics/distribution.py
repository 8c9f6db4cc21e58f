"""Distances between real and generated feature sets: FID, KID, Inception Score, and all at once.

The feature extractors are in ``keras_gans.features``; the streaming
statistics in :mod:`keras_gans.metrics.statistics`; precision/recall and
density/coverage in :mod:`keras_gans.metrics.neighbours`.
"""

import math
import warnings

import numpy as np
from scipy import linalg

from keras_gans import checks
from keras_gans.metrics.neighbours import density_coverage, precision_recall
from keras_gans.metrics.statistics import FeatureStatistics, feature_rows, same_dimension

DISTRIBUTION_MEASURES = ("fid", "kid", "precision", "recall", "density", "coverage")


def _sqrtm(matrix):
    """The principal matrix square root (``scipy.linalg.sqrtm``; may be complex).

    SciPy's warning about singular matrices is silenced: :func:`frechet_distance`
    checks the root itself and falls back as the reference code does.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", linalg.LinAlgWarning)
        return linalg.sqrtm(matrix)


def frechet_distance(mean1, cov1, mean2, cov2, eps=1e-6):
    """The Frechet (2-Wasserstein) distance between two Gaussians, squared.

    ``d^2 = |mu1 - mu2|^2 + Tr(S1 + S2 - 2 (S1 S2)^(1/2))`` (Dowson & Landau
    1982), the FID of Heusel et al. 2017 when the Gaussians are fitted to
    InceptionV3 pool3 features. As in the authors' reference code (TTUR
    ``fid.py``): when ``sqrtm(S1 S2)`` is not finite (a singular product, e.g.
    fewer samples than dimensions), ``eps * I`` is added to both covariances
    and the root taken again; a complex root whose diagonal has imaginary
    parts below 1e-3 (rounding) keeps its real part. Not clamped at 0: the
    distance of a set to itself comes out as 0 up to rounding (either sign).

    Args:
        mean1: ``[d]`` mean of the first Gaussian.
        cov1: ``[d, d]`` covariance of the first Gaussian.
        mean2: ``[d]`` mean of the second.
        cov2: ``[d, d]`` covariance of the second.
        eps: the diagonal offset of the fallback, > 0.

    Returns:
        The squared distance, a float.

    Raises:
        ValueError: for mismatched shapes, non-finite inputs, or a square root
            whose imaginary part is not negligible.
    """
    mean1, mean2 = (np.asarray(m, dtype=np.float64) for m in (mean1, mean2))
    cov1, cov2 = (np.asarray(c, dtype=np.float64) for c in (cov1, cov2))
    if mean1.ndim != 1 or mean1.shape != mean2.shape or mean1.size == 0:
        raise ValueError(f"`mean1` and `mean2` must both have shape [d]; received {mean1.shape} and "
                         f"{mean2.shape}.")
    dim = mean1.shape[0]
    for name, cov in (("cov1", cov1), ("cov2", cov2)):
        if cov.shape != (dim, dim):
            raise ValueError(f"`{name}` must have shape [{dim}, {dim}] like the means; received {cov.shape}.")
    for name, value in (("mean1", mean1), ("cov1", cov1), ("mean2", mean2), ("cov2", cov2)):
        if not np.all(np.isfinite(value)):
            raise ValueError(f"`{name}` must be finite.")
    eps = checks.positive_real("eps", eps)
    root = _sqrtm(cov1 @ cov2)
    if not np.all(np.isfinite(root)):
        offset = np.eye(dim) * eps
        root = _sqrtm((cov1 + offset) @ (cov2 + offset))
    if np.iscomplexobj(root):
        imaginary = np.max(np.abs(np.diagonal(root).imag))
        if imaginary > 1e-3:
            raise ValueError(f"sqrtm(cov1 @ cov2) has an imaginary part of {imaginary:.3g} on its diagonal: "
                             "the covariances are not valid (symmetric positive semi-definite).")
        root = root.real
    difference = mean1 - mean2
    return float(difference @ difference + np.trace(cov1) + np.trace(cov2) - 2.0 * np.trace(root))


def fid(real, fake):
    """Frechet Inception Distance (Heusel et al. 2017, "GANs Trained by a Two
    Time-Scale Update Rule Converge to a Local Nash Equilibrium").

    Args:
        real: :class:`FeatureStatistics` (or a ``[n, d]`` feature array) of real images.
        fake: the same for generated images.

    Returns:
        :func:`frechet_distance` of the two fitted Gaussians; lower is better.
    """
    real, fake = (stats if isinstance(stats, FeatureStatistics) else FeatureStatistics().update(stats)
                  for stats in (real, fake))
    if real.dim != fake.dim:
        raise ValueError(f"`real` and `fake` must have the same feature dimension; received {real.dim} "
                         f"and {fake.dim}.")
    return frechet_distance(real.mean, real.covariance, fake.mean, fake.covariance)


def _polynomial_kernel(x, y, out=None):
    """``k(x, y) = (x . y / d + 1)^3`` for every pair of rows: ``[n, m]``.

    ``out``: two float64 ``[n, m]`` arrays to compute in (the second is
    returned), so that repeated calls reuse memory instead of faulting in
    fresh pages for every kernel; None allocates them.
    """
    kernel = np.matmul(x, y.T, out=None if out is None else out[0])
    kernel /= x.shape[1]
    kernel += 1.0
    cube = np.multiply(kernel, kernel, out=None if out is None else out[1])
    cube *= kernel  # in place, and 3x faster than ** 3 (a general pow)
    return cube


def _unbiased_mmd2(x, y, out=None):
    """The unbiased estimate of MMD^2 between two equal-size samples (Gretton et al. 2012, eq. 3).

    ``out``: the two ``[m, m]`` work arrays of :func:`_polynomial_kernel`, reused by its three calls.
    """
    m = x.shape[0]
    k_xx = _polynomial_kernel(x, x, out)
    xx_sum, xx_trace = k_xx.sum(), np.trace(k_xx)
    k_yy = _polynomial_kernel(y, y, out)
    within = (xx_sum - xx_trace + k_yy.sum() - np.trace(k_yy)) / (m * (m - 1))
    return within - 2.0 * _polynomial_kernel(x, y, out).mean()


def kernel_inception_distance(real, fake, *, num_subsets=100, subset_size=1000, seed=0):
    """Kernel Inception Distance (Binkowski et al. 2018, "Demystifying MMD GANs").

    The unbiased estimate of the squared maximum mean discrepancy with the
    cubic polynomial kernel ``k(x, y) = (x . y / d + 1)^3``: on each of
    ``num_subsets`` pairs of subsets of ``m = min(subset_size, n_real, n_fake)``
    rows drawn without replacement,

        MMD^2 = sum_{i != j} [k(x_i, x_j) + k(y_i, y_j)] / (m (m - 1)) - 2 sum_{i, j} k(x_i, y_j) / m^2.

    Unbiased: two samples of one distribution give 0 on average (single
    estimates can be negative). The reported std is over subsets (ddof 0).

    Args:
        real: ``[n, d]`` features of real images.
        fake: ``[n', d]`` features of generated images.
        num_subsets: number of subset pairs.
        subset_size: rows per subset (1000 in the paper), >= 2.
        seed: seed of the subset draws.

    Returns:
        ``{"mean": float, "std": float}``; lower is better.
    """
    real, fake = feature_rows("real", real, min_rows=2), feature_rows("fake", fake, min_rows=2)
    same_dimension(real, fake)
    num_subsets = checks.positive_int("num_subsets", num_subsets)
    size = min(checks.positive_int("subset_size", subset_size, minimum=2), real.shape[0], fake.shape[0])
    rng = np.random.default_rng(checks.positive_int("seed", seed, minimum=0))
    work = (np.empty((size, size)), np.empty((size, size)))
    estimates = [_unbiased_mmd2(real[rng.choice(real.shape[0], size, replace=False)],
                                fake[rng.choice(fake.shape[0], size, replace=False)], work)
                 for _ in range(num_subsets)]
    return {"mean": float(np.mean(estimates)), "std": float(np.std(estimates))}


def inception_score(probabilities, num_splits=10):
    """Inception Score (Salimans et al. 2016, "Improved Techniques for Training GANs", section 4).

    ``IS = exp(E_x KL(p(y|x) || p(y)))`` with ``p(y)`` the mean prediction,
    computed on each of ``num_splits`` consecutive equal parts (10 in the
    paper), with ``0 log 0 = 0``. It lies in ``[1, K]``: K when every sample
    is confidently one class and the classes are equally frequent, 1 when
    every prediction is the same.

    Args:
        probabilities: ``[n, K]`` class probabilities (rows sum to 1), e.g.
            the softmax of InceptionV3's or the digit judge's logits.
        num_splits: number of parts, <= n.

    Returns:
        ``{"mean": float, "std": float}`` over the parts (std with ddof 0); higher is better.
    """
    p = feature_rows("probabilities", probabilities)
    if np.any(p < 0) or not np.allclose(p.sum(axis=1), 1.0, atol=1e-4):
        raise ValueError("`probabilities` must be non-negative with rows summing to 1 "
                         "(apply a softmax to logits).")
    num_splits = checks.positive_int("num_splits", num_splits)
    if num_splits > p.shape[0]:
        raise ValueError(f"`num_splits`={num_splits} exceeds the {p.shape[0]} rows of `probabilities`.")
    scores = []
    for i in range(num_splits):
        part = p[i * p.shape[0] // num_splits:(i + 1) * p.shape[0] // num_splits]
        marginal = part.mean(axis=0)  # [K]: p(y), > 0 wherever a row of the part is
        with np.errstate(divide="ignore", invalid="ignore"):
            terms = np.where(part > 0, part * np.log(part / marginal), 0.0)  # 0 log 0 = 0
        scores.append(math.exp(float(terms.sum(axis=1).mean())))
    return {"mean": float(np.mean(scores)), "std": float(np.std(scores))}


def compare_features(real, fake, measures=DISTRIBUTION_MEASURES, *, precision_k=3, density_k=5,
                     kid_subsets=100, kid_subset_size=1000, seed=0):
    """Several measures between real and generated features at once.

    FID uses each set's full statistics; KID, precision/recall and
    density/coverage use the rows each :class:`FeatureStatistics` keeps.

    Args:
        real: :class:`FeatureStatistics` of real images (with kept rows unless
            ``measures`` is only ``("fid",)``).
        fake: the same for generated images.
        measures: names from :data:`DISTRIBUTION_MEASURES`.
        precision_k: k of :func:`precision_recall`.
        density_k: k of :func:`density_coverage`.
        kid_subsets: ``num_subsets`` of :func:`kernel_inception_distance`.
        kid_subset_size: its ``subset_size``.
        seed: seed of the KID subsets.

    Returns:
        ``{measure: value}``; KID's value is ``{"mean", "std"}``, the others floats.
    """
    unknown = sorted(set(measures) - set(DISTRIBUTION_MEASURES))
    if unknown or not measures:
        raise ValueError(f"`measures` must be names from {DISTRIBUTION_MEASURES}; received {list(measures)}.")
    results = {}
    if "fid" in measures:
        results["fid"] = fid(real, fake)
    if "kid" in measures:
        results["kid"] = kernel_inception_distance(real.samples, fake.samples, num_subsets=kid_subsets,
                                                   subset_size=kid_subset_size, seed=seed)
    if {"precision", "recall"} & set(measures):
        results.update(precision_recall(real.samples, fake.samples, k=precision_k))
    if {"density", "coverage"} & set(measures):
        results.update(density_coverage(real.samples, fake.samples, k=density_k))
    return {name: results[name] for name in measures}
