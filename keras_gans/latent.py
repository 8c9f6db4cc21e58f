"""Walking the latent space: interpolation and vector arithmetic.

A generator that has learned a smooth map from z to images turns a straight
path in z into a smooth morph, and averages of z into averages of concepts
(Radford et al. 2016, "Unsupervised Representation Learning with Deep
Convolutional Generative Adversarial Networks", sections 6.1 and 6.3):

* :func:`lerp` and :func:`slerp` interpolate between latent vectors. For a
  Gaussian prior in many dimensions almost all mass sits near the sphere of
  radius sqrt(d), and the midpoint of a straight line falls inside it; the
  spherical path of :func:`slerp` stays on it (White 2016, "Sampling
  Generative Networks").
* :func:`interpolation_grid` renders one interpolation per row.
* :func:`fixed_latent`: the fixed z of the sample pictures and the judged
  measures, drawn with NumPy (never from a model's seed generator, whose
  stream training uses).
* :func:`vector_arithmetic` and :func:`arithmetic_grid`: the mean z of a
  group of samples stands for what they share; ``mean(a) - mean(b) + mean(c)``
  ("smiling woman - neutral woman + neutral man = smiling man", DCGAN fig. 7).

Everything works on NumPy arrays; a ``generate_fn(z) -> images in [-1, 1]``
(e.g. ``model.generate`` or an exported signature) renders them.
"""

import numbers

import numpy as np

from keras_gans import checks
from keras_gans import images as image_utils

METHODS = ("lerp", "slerp")
_PARALLEL = 1e-7  # sin(angle) below which two directions count as parallel


def fixed_latent(seed, num_samples, latent_dim, distribution="normal"):
    """The fixed latent vectors of the sample callbacks, drawn with NumPy.

    Args:
        seed: seed of ``np.random.default_rng``.
        num_samples: number of rows.
        latent_dim: size of z.
        distribution: ``"normal"`` (N(0, I)) or ``"uniform"`` (U[-1, 1]), as the
            model's ``latent_distribution``.

    Returns:
        float32 array ``[num_samples, latent_dim]``; the same for the same arguments.
    """
    rng = np.random.default_rng(seed)
    shape = (num_samples, latent_dim)
    if distribution == "uniform":
        return rng.uniform(-1.0, 1.0, size=shape).astype(np.float32)
    if distribution not in (None, "normal"):
        raise ValueError(f"`distribution` must be 'normal' or 'uniform'; received "
                         f"distribution={distribution!r}.")
    return rng.standard_normal(shape, dtype=np.float32)


def _latent_pair(z0, z1):
    z0, z1 = np.asarray(z0, dtype=np.float64), np.asarray(z1, dtype=np.float64)
    if z0.ndim == 0 or z0.shape != z1.shape or z0.shape[-1] == 0:
        raise ValueError(f"`z0` and `z1` must have the same shape [..., d] with d >= 1; received "
                         f"{z0.shape} and {z1.shape}.")
    for name, z in (("z0", z0), ("z1", z1)):
        if not np.all(np.isfinite(z)):
            raise ValueError(f"`{name}` must be finite.")
    return z0, z1


def _fractions(t, ndim):
    """``t`` as float64 of shape ``t.shape + (1,) * ndim``, checked to lie in [0, 1]."""
    t = np.asarray(t, dtype=np.float64)
    if t.ndim > 1 or not np.all(np.isfinite(t)) or np.any((t < 0) | (t > 1)):
        raise ValueError(f"`t` must be a number or a 1-D array of numbers in [0, 1]; received t={t!r}.")
    return t.reshape(t.shape + (1,) * ndim)  # [] or [s] -> broadcastable against [..., d]


def lerp(z0, z1, t):
    """Linear interpolation ``(1 - t) z0 + t z1``.

    Args:
        z0: ``[..., d]`` start.
        z1: ``[..., d]`` end, the same shape.
        t: a fraction in [0, 1], or a 1-D array of them.

    Returns:
        float64 ``t.shape + z0.shape``.

    Raises:
        ValueError: for mismatched or non-finite vectors, or ``t`` outside [0, 1].
    """
    z0, z1 = _latent_pair(z0, z1)
    t = _fractions(t, z0.ndim)
    return (1.0 - t) * z0 + t * z1


def slerp(z0, z1, t):
    """Spherical linear interpolation (Shoemake 1985; White 2016 for GAN latents).

    With ``omega`` the angle between ``z0`` and ``z1`` (along the last axis),

        slerp = sin((1 - t) omega) / sin(omega) z0 + sin(t omega) / sin(omega) z1.

    For vectors of equal norm r the path is the great-circle arc: every point
    has norm r and makes the angle ``t omega`` with ``z0``. Parallel vectors
    (the limit omega -> 0) fall back to :func:`lerp`.

    Args:
        z0: ``[..., d]`` start, non-zero.
        z1: ``[..., d]`` end, the same shape, non-zero.
        t: a fraction in [0, 1], or a 1-D array of them.

    Returns:
        float64 ``t.shape + z0.shape``; ``t = 0`` gives ``z0`` and ``t = 1`` gives ``z1``.

    Raises:
        ValueError: as :func:`lerp`, and for a zero vector or opposite
            directions (no unique great circle).
    """
    z0, z1 = _latent_pair(z0, z1)
    t = _fractions(t, z0.ndim)
    norm0 = np.linalg.norm(z0, axis=-1, keepdims=True)
    norm1 = np.linalg.norm(z1, axis=-1, keepdims=True)
    if np.any(norm0 == 0) or np.any(norm1 == 0):
        raise ValueError("`z0` and `z1` must be non-zero: a zero vector has no direction to rotate.")
    cosine = np.clip(np.sum(z0 * z1, axis=-1, keepdims=True) / (norm0 * norm1), -1.0, 1.0)
    omega = np.arccos(cosine)  # [..., 1]
    sine = np.sin(omega)
    parallel = sine < _PARALLEL
    if np.any(parallel & (cosine < 0)):
        raise ValueError("`z0` and `z1` point in opposite directions: the great circle between them is "
                         "not unique.")
    safe_sine = np.where(parallel, 1.0, sine)
    spherical = (np.sin((1.0 - t) * omega) * z0 + np.sin(t * omega) * z1) / safe_sine
    return np.where(parallel, (1.0 - t) * z0 + t * z1, spherical)


def interpolate(z0, z1, steps, method="slerp"):
    """``steps`` evenly spaced points from ``z0`` to ``z1`` (both included).

    Args:
        z0: ``[..., d]`` start.
        z1: ``[..., d]`` end.
        steps: number of points, >= 2.
        method: ``"slerp"`` or ``"lerp"``.

    Returns:
        float64 ``[steps, ..., d]``.
    """
    steps = checks.positive_int("steps", steps, minimum=2)
    if method not in METHODS:
        raise ValueError(f"`method` must be one of {METHODS}; received method={method!r}.")
    path = slerp if method == "slerp" else lerp
    return path(z0, z1, np.linspace(0.0, 1.0, int(steps)))


def _render(generate_fn, z):
    images = np.asarray(generate_fn(np.asarray(z, dtype=np.float32)), dtype=np.float32)
    if images.ndim != 4 or images.shape[0] != len(z):
        raise ValueError(f"`generate_fn` must return images [{len(z)}, H, W, C]; it returned shape "
                         f"{images.shape}.")
    return images


def interpolation_grid(generate_fn, z_starts, z_ends, steps=8, method="slerp"):
    """A grid with one interpolation per row, from ``z_starts[i]`` (left) to ``z_ends[i]`` (right).

    Args:
        generate_fn: ``z [n, d] float32 -> images [n, H, W, C]`` in [-1, 1];
            it receives the rows one after another (row-major).
        z_starts: ``[rows, d]`` start of each row.
        z_ends: ``[rows, d]`` end of each row.
        steps: images per row, >= 2.
        method: ``"slerp"`` or ``"lerp"``.

    Returns:
        uint8 ``[H', W', C]`` grid (:func:`keras_gans.images.make_grid`), for ``save_png``.
    """
    z_starts, z_ends = _latent_pair(z_starts, z_ends)
    if z_starts.ndim != 2:
        raise ValueError(f"`z_starts` and `z_ends` must have shape [rows, d]; received {z_starts.shape}.")
    path = interpolate(z_starts, z_ends, steps, method)  # [steps, rows, d]
    z = np.swapaxes(path, 0, 1).reshape(-1, z_starts.shape[1])  # [rows * steps, d], row-major
    return image_utils.make_grid(_render(generate_fn, z), nrow=steps)


def _group(name, z):
    z = np.asarray(z, dtype=np.float64)
    if z.ndim == 1:
        z = z[np.newaxis]  # one vector [d] -> a group of one [1, d]
    if z.ndim != 2 or z.shape[0] == 0 or not np.all(np.isfinite(z)):
        raise ValueError(f"`{name}` must be finite latent vectors [n, d] (or one [d]); received shape "
                         f"{z.shape}.")
    return z


def vector_arithmetic(z_a, z_b, z_c):
    """``mean(z_a) - mean(z_b) + mean(z_c)``: concept arithmetic on group means (DCGAN section 6.3.2).

    Args:
        z_a: ``[n_a, d]`` latent vectors of group a (or one ``[d]``).
        z_b: ``[n_b, d]`` group b.
        z_c: ``[n_c, d]`` group c.

    Returns:
        float64 ``[d]``.
    """
    groups = [_group(name, z) for name, z in (("z_a", z_a), ("z_b", z_b), ("z_c", z_c))]
    if len({g.shape[1] for g in groups}) != 1:
        raise ValueError(f"`z_a`, `z_b` and `z_c` must have the same d; received "
                         f"{[g.shape[1] for g in groups]}.")
    mean_a, mean_b, mean_c = (g.mean(axis=0) for g in groups)
    return mean_a - mean_b + mean_c


def arithmetic_grid(generate_fn, z_a, z_b, z_c, *, num_variations=8, noise=0.25, seed=0):
    """The picture of :func:`vector_arithmetic`, laid out like DCGAN's figure 7.

    Rows 1-3: the samples of groups a, b and c, each followed by the image of
    the group's mean z. Row 4: the image of ``mean(a) - mean(b) + mean(c)``
    followed by ``num_variations`` images of it plus uniform noise in
    ``[-noise, noise]`` per coordinate (0.25 in the paper). Empty cells are
    mid-grey.

    Args:
        generate_fn: ``z [n, d] float32 -> images [n, H, W, C]`` in [-1, 1].
        z_a: ``[n_a, d]`` latent vectors of group a.
        z_b: ``[n_b, d]`` group b.
        z_c: ``[n_c, d]`` group c.
        num_variations: noisy copies of the result, >= 0.
        noise: half-width of the uniform noise, >= 0.
        seed: seed of the noise.

    Returns:
        uint8 ``[H', W', C]`` grid of 4 rows.
    """
    num_variations = checks.positive_int("num_variations", num_variations, minimum=0)
    if not (isinstance(noise, numbers.Real) and np.isfinite(noise) and noise >= 0):
        raise ValueError(f"`noise` must be a finite number >= 0; received noise={noise!r}.")
    result = vector_arithmetic(z_a, z_b, z_c)
    groups = [_group(name, z) for name, z in (("z_a", z_a), ("z_b", z_b), ("z_c", z_c))]
    jitter = np.random.default_rng(seed).uniform(-noise, noise, size=(num_variations, result.shape[0]))
    rows = [np.concatenate([g, g.mean(axis=0, keepdims=True)]) for g in groups]
    rows.append(np.concatenate([result[np.newaxis], result + jitter]))
    images = _render(generate_fn, np.concatenate(rows))  # one call for every cell
    width = max(len(row) for row in rows)
    cells, start = [], 0
    for row in rows:
        cells.append(images[start:start + len(row)])
        blank = np.zeros((width - len(row),) + images.shape[1:], dtype=np.float32)  # 0 is mid-grey
        cells.append(blank)
        start += len(row)
    return image_utils.make_grid(np.concatenate(cells), nrow=width)
