"""Mode coverage of the 2-D mixture benchmarks (ring8, grid25).

:func:`mode_coverage` is the mode-collapse measure of VEEGAN (Srivastava et al.
2017, "VEEGAN: Reducing Mode Collapse in GANs using Implicit Variational
Learning", section 5.1) and PacGAN (Lin et al. 2018, "PacGAN: The power of two
samples in generative adversarial networks", section 5).
"""

import math

import numpy as np

from keras_gans import checks

_CHUNK = 65536  # samples per distance block, so memory stays at chunk * k * d floats


def mode_coverage(samples, centers, std, threshold=3.0):
    """Modes covered, share of high-quality samples and reverse KL to uniform.

    The VEEGAN / PacGAN protocol: each sample is assigned to its nearest
    center; it is *high quality* when its Euclidean distance to that center is
    at most ``threshold * std``. A mode is *covered* when at least one
    high-quality sample is assigned to it. With ``p_k`` the share of the
    high-quality samples assigned to mode k, the reverse KL divergence to the
    uniform distribution over the K modes is

        KL(p || U) = sum_k p_k log(p_k K),   with 0 log 0 = 0,

    which is 0 when the high-quality samples are spread evenly and log K when
    they all sit on one mode. Non-finite samples are never high quality.

    Args:
        samples: ``[n, d]`` generated points, n >= 1.
        centers: ``[k, d]`` mode centers, k >= 1.
        std: standard deviation of every mode, > 0.
        threshold: how many standard deviations count as high quality, > 0
            (3 in VEEGAN and PacGAN).

    Returns:
        ``{"modes": int, "high_quality": float, "reverse_kl": float}``;
        ``reverse_kl`` is ``inf`` when no sample is high quality (the
        histogram is undefined, and no mode is covered).

    Raises:
        ValueError: naming the argument when a shape or value is invalid.
    """
    samples = np.asarray(samples, dtype=np.float64)
    centers = np.asarray(centers, dtype=np.float64)
    if centers.ndim != 2 or centers.shape[0] == 0 or centers.shape[1] == 0:
        raise ValueError(f"`centers` must have shape [k, d] with k, d >= 1; received shape {centers.shape}.")
    if samples.ndim != 2 or samples.shape[0] == 0 or samples.shape[1] != centers.shape[1]:
        raise ValueError(f"`samples` must have shape [n, {centers.shape[1]}] with n >= 1 (the dimension "
                         f"of `centers`); received shape {samples.shape}.")
    if not np.all(np.isfinite(centers)):
        raise ValueError("`centers` must be finite; received non-finite values.")
    std = checks.positive_real("std", std)
    threshold = checks.positive_real("threshold", threshold)

    num_modes = centers.shape[0]
    nearest = np.empty(samples.shape[0], dtype=np.int64)
    distance = np.empty(samples.shape[0], dtype=np.float64)
    for start in range(0, samples.shape[0], _CHUNK):
        block = samples[start:start + _CHUNK]
        squared = np.sum((block[:, None, :] - centers[None, :, :]) ** 2, axis=-1)  # [b, k]
        nearest[start:start + len(block)] = np.argmin(squared, axis=1)
        distance[start:start + len(block)] = np.sqrt(np.min(squared, axis=1))

    high_quality = np.isfinite(distance) & (distance <= threshold * std)
    counts = np.bincount(nearest[high_quality], minlength=num_modes)  # [k]
    num_high_quality = int(counts.sum())
    if num_high_quality == 0:
        reverse_kl = math.inf
    else:
        p = counts[counts > 0] / num_high_quality  # 0 log 0 = 0: empty modes drop out
        reverse_kl = float(np.sum(p * np.log(p * num_modes)))
    return {
        "modes": int(np.count_nonzero(counts)),
        "high_quality": num_high_quality / samples.shape[0],
        "reverse_kl": max(reverse_kl, 0.0),  # rounding can give -1e-17 for a uniform histogram
    }
