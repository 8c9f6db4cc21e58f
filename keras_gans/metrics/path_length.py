"""Perceptual path length: how fast the images change along a latent path (StyleGAN, Karras et al. 2019).

"A Style-Based Generator Architecture for GANs", section 4.2 (and the
StyleGAN2 code's ``perceptual_path_length.py``): PPL is the expectation of
``d(G(e(t)), G(e(t + epsilon))) / epsilon^2`` over random paths and points t,
with d a perceptual distance (LPIPS in the papers; any feature space here).
A smooth latent space has a small PPL. The paths themselves (slerp in Z, lerp
in W) are drawn by the model (:meth:`keras_gans.models.StyleGAN2.path_endpoints`);
these are the numbers on the features of their images.
"""

import numpy as np

from keras_gans import checks


def path_length_distances(features_start, features_end, epsilon):
    """``||f(G(e(t))) - f(G(e(t + epsilon)))||^2 / epsilon^2`` per path.

    Args:
        features_start: ``[n, d]`` features of the images at t.
        features_end: ``[n, d]`` features of the images at t + epsilon.
        epsilon: the step along the path (1e-4 in the papers).

    Returns:
        float64 ``[n]``.
    """
    start, end = np.asarray(features_start, np.float64), np.asarray(features_end, np.float64)
    if start.ndim != 2 or start.shape != end.shape:
        raise ValueError(f"`features_start` and `features_end` must be [n, d] of one shape; received "
                         f"{start.shape} and {end.shape}.")
    epsilon = checks.positive_real("epsilon", epsilon)
    return np.sum(np.square(start - end), axis=1) / epsilon ** 2


def filtered_mean(values, low=1.0, high=99.0):
    """The mean of the values between the ``low`` and ``high`` percentiles (inclusive).

    The authors' PPL drops the outliers outside the 1st and 99th percentiles
    (numpy's ``"lower"`` and ``"higher"`` percentile methods) before averaging.
    """
    values = np.asarray(values, np.float64).ravel()
    if values.size == 0 or not np.all(np.isfinite(values)):
        raise ValueError(f"`values` must be a non-empty array of finite numbers; received {values.size} values.")
    if not 0.0 <= low < high <= 100.0:
        raise ValueError(f"`low` and `high` must satisfy 0 <= low < high <= 100; received low={low!r}, high={high!r}.")
    lo = np.percentile(values, low, method="lower")
    hi = np.percentile(values, high, method="higher")
    return float(np.mean(values[(values >= lo) & (values <= hi)]))
