"""The 2-D mode-collapse benchmarks: ``ring8`` and ``grid25``.

``ring8``: 8 Gaussians on the unit circle, std 0.01, and ``grid25``: 25
Gaussians on the grid {-4,-2,0,2,4}^2, std 0.05 -- the benchmarks of VEEGAN
(Srivastava et al. 2017, "VEEGAN: Reducing Mode Collapse in GANs using Implicit
Variational Learning") and PacGAN (Lin et al. 2018, "PacGAN: The power of two
samples in generative adversarial networks"). Elements are float32 points
``[batch, 2]``.
"""

import numpy as np
import tensorflow as tf

from keras_gans.data import pipeline

TOY_SETS = ("ring8", "grid25")
_TOY_SIZES = {"train": 100_000, "test": 10_000}


def toy_modes(name):
    """The mixture components of a 2-D toy set.

    ``ring8``: 8 modes at angles ``2 pi i / 8``, i = 0..7, on the unit circle
    (eight distinct angles), std 0.01. ``grid25``: 25 modes at
    {-4,-2,0,2,4}^2, std 0.05. (VEEGAN, Srivastava et al. 2017, section 5.1;
    PacGAN, Lin et al. 2018, section 5.)

    Args:
        name: ``"ring8"`` or ``"grid25"``.

    Returns:
        ``(centers, std)``: float32 ``[k, 2]`` mode centers and the standard
        deviation of every mode.

    Raises:
        ValueError: for any other name.
    """
    if name == "ring8":
        angles = 2.0 * np.pi * np.arange(8) / 8.0  # not linspace(0, 2 pi, 8): that repeats angle 0
        centers = np.stack([np.cos(angles), np.sin(angles)], axis=1)  # [8, 2]
        return centers.astype(np.float32), 0.01
    if name == "grid25":
        axis = np.array([-4.0, -2.0, 0.0, 2.0, 4.0])
        xs, ys = np.meshgrid(axis, axis, indexing="ij")
        centers = np.stack([xs.ravel(), ys.ravel()], axis=1)  # [25, 2], x-major
        return centers.astype(np.float32), 0.05
    raise ValueError(f"`name`={name!r} is not a toy set; toy sets are {', '.join(TOY_SETS)}.")


def _toy_points(name, split, num_examples):
    """``[n, 2]`` float32 points drawn from the mixture with a fixed seed per (set, split)."""
    centers, std = toy_modes(name)
    n = num_examples or _TOY_SIZES[split]
    rng = np.random.default_rng([TOY_SETS.index(name), pipeline.EMBEDDED_SPLITS.index(split)])
    modes = rng.integers(len(centers), size=n)  # uniform over modes
    points = centers[modes] + std * rng.standard_normal((n, 2))
    return points.astype(np.float32)


def load(name, split, *, image_size, num_examples, **stream):
    """Points of the toy set ``name`` (100,000 for ``"train"``, 10,000 for ``"test"``, or ``num_examples``).

    ``image_size`` does not apply to points and is ignored; ``**stream`` are
    the arguments of :func:`keras_gans.data.pipeline.finish`. The endless
    ``repeat`` stream is :func:`keras_gans.data.pipeline.endless_batches`:
    shuffling 2-D points one by one takes a large share of a small step's CPU.
    """
    del image_size
    points = _toy_points(name, split, num_examples)
    if stream["repeat"]:
        return pipeline.endless_batches(points, batch_size=stream["batch_size"], shuffle=stream["shuffle"],
                                        seed=stream["seed"])
    dataset = tf.data.Dataset.from_tensor_slices(points)
    return pipeline.finish(dataset, buffer_size=len(points), **stream)
