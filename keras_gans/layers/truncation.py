"""The truncation trick (Brock et al. 2019, "Large Scale GAN Training...", section 3.1).

Train with ``z ~ N(0, I)``; sample with ``z`` drawn from a truncated normal:
entries whose magnitude exceeds a threshold are resampled until they fall
inside it. Lower thresholds trade variety for fidelity.

:func:`truncate_latent` resamples each entry with ``|z| > threshold`` in one
step, with the entry itself as the random source: given that an entry lies
outside, its tail probability ``u = (erf(|z|/sqrt2) - erf(t/sqrt2)) / (1 -
erf(t/sqrt2))`` is uniform on [0, 1) and its sign is a fair coin independent
of ``u``, so ``sqrt2 * erfinv(sign(z) u erf(t/sqrt2))`` is a draw from the
normal truncated to ``[-t, t]``, independent of every other entry. Entries
inside are kept. The result has exactly the distribution of the paper's
resample-until-inside and is a deterministic function of ``z``, so an exported
generator maps the same request to the same images.
"""

import math

import keras
from keras import ops

from keras_gans import draws

NO_TRUNCATION = 0.0  # a threshold <= 0 means "no truncation"


def truncate_latent(z, threshold):
    """``z`` with every entry of magnitude above ``threshold`` resampled inside ``[-threshold, threshold]``.

    Args:
        z: float tensor ``[B, d]`` of N(0, 1) draws.
        threshold: a number, or a float tensor broadcastable to ``[B, 1]`` (one per row);
            values <= 0 leave the row untruncated.

    Returns:
        A float32 tensor like ``z``.
    """
    z = ops.cast(z, "float32")
    threshold = ops.cast(threshold, "float32")
    if len(threshold.shape) == 1:
        threshold = ops.expand_dims(threshold, -1)
    active = threshold > 0
    t = ops.where(active, threshold, 1.0)
    inside_mass = ops.erf(t / math.sqrt(2.0))  # P(|z| <= t)
    magnitude = ops.abs(z)
    tail = (ops.erf(magnitude / math.sqrt(2.0)) - inside_mass) / ops.maximum(1.0 - inside_mass, 1e-30)
    tail = ops.clip(tail, 0.0, 1.0 - 1e-7)
    resampled = math.sqrt(2.0) * ops.erfinv(ops.sign(z) * tail * inside_mass)
    resampled = ops.clip(resampled, -t, t)
    return ops.where(ops.logical_and(active, magnitude > t), resampled, z)


def truncated_normal(shape, threshold, seed=None):
    """N(0, I) draws ``shape`` with entries beyond ``threshold`` resampled (:func:`truncate_latent`)."""
    return truncate_latent(draws.normal(shape, seed=seed), threshold)


@keras.saving.register_keras_serializable(package="keras_gans")
class LatentTruncation(keras.layers.Layer):
    """``[z [B, d], threshold [B]] -> z`` truncated row by row (:func:`truncate_latent`).

    How an exported generator takes a ``truncation`` input.
    """

    def call(self, inputs):
        z, threshold = inputs
        return ops.cast(truncate_latent(z, threshold), self.compute_dtype)

    def compute_output_shape(self, input_shape):
        return input_shape[0]
