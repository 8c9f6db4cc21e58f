"""Regularizers: the WGAN-GP gradient penalty, R1, StyleGAN2's path lengths, BigGAN's orthogonal regularization.

The first three differentiate a network's output with respect to its input, so
they take the network itself rather than its outputs. The penalties return
scalars to be weighted and added to a loss inside the caller's
``GradientTape``; :func:`path_lengths` returns the per-sample lengths the path
length penalty (``keras_gans.losses.path_length_penalty``) compares with their
running mean. :func:`orthogonal_regularization` takes a weight.
"""

import math

import keras
import tensorflow as tf
from keras import ops

from keras_gans import distribute, draws

# Added under the square root so the gradient norm (and its own gradient) stays
# finite when the critic's input gradient is exactly zero.
_NORM_EPSILON = 1e-12


def _input_gradient_sq_norm(network, inputs, training):
    """Per-sample squared L2 norm of d sum(network(inputs)) / d inputs."""
    with tf.GradientTape() as tape:
        tape.watch(inputs)
        outputs = network(inputs, training=training)
        total = ops.sum(outputs)
    grads = tape.gradient(total, inputs)
    # [batch, ...] -> [batch]: sum of squares over every non-batch axis.
    return ops.sum(ops.reshape(ops.square(grads), (ops.shape(grads)[0], -1)), axis=1)


def gradient_penalty(critic, real, fake, seed, *, target_norm=1.0, training=True):
    """WGAN-GP two-sided gradient penalty ``E[(||grad f(x_hat)||_2 - 1)^2]``.

    Gulrajani et al. 2017, "Improved Training of Wasserstein GANs", Algorithm 1:
    ``x_hat = eps * x + (1 - eps) * x_tilde`` with one ``eps ~ U[0, 1]`` per
    sample. Works for images ``[batch, h, w, c]`` and vectors ``[batch, d]``; a
    critic with a map of outputs (PatchGAN) is differentiated through their sum.

    Args:
        critic: a callable network ``x -> scores``.
        real: a batch of real inputs.
        fake: a batch of generated inputs, same shape as ``real``.
        seed: a ``keras.random.SeedGenerator`` (or int) for the interpolation weights.
        target_norm: the norm the penalty pulls towards (1 in the paper).
        training: passed to the critic.

    Returns:
        Scalar penalty.
    """
    real = ops.convert_to_tensor(real)
    fake = ops.cast(ops.convert_to_tensor(fake), real.dtype)
    batch = ops.shape(real)[0]
    # One weight per sample, broadcast over every other axis: [batch, 1, ..., 1]; drawn for the
    # global batch and sliced per replica, so a distributed step matches one device.
    ones = (1,) * (len(real.shape) - 1)
    alpha = distribute.replica_slice(
        lambda rows: draws.uniform((rows,) + ones, dtype=real.dtype, seed=seed), batch)
    interpolated = alpha * real + (1.0 - alpha) * fake
    sq_norm = _input_gradient_sq_norm(critic, interpolated, training)
    norm = ops.sqrt(sq_norm + _NORM_EPSILON)
    return ops.mean(ops.square(norm - target_norm))


def r1_penalty(discriminator, real, *, training=True):
    """R1 regularizer ``E_{x ~ p_data}[||grad D(x)||_2^2]``.

    Mescheder et al. 2018, "Which Training Methods for GANs do actually
    Converge?", eq. 9. The paper's term is ``gamma / 2`` times this value; the
    caller applies that weight.

    Args:
        discriminator: a callable network ``x -> logits``.
        real: a batch of real inputs.
        training: passed to the discriminator.

    Returns:
        Scalar penalty (without the ``gamma / 2`` factor).
    """
    return ops.mean(_input_gradient_sq_norm(discriminator, ops.convert_to_tensor(real), training))


def path_lengths(synthesis, ws, seed=None, *, projection=None, training=True):
    """Per-sample ``||J_w^T y||_2`` of StyleGAN2's path length regularization.

    Karras et al. 2020, section 3.2 and the authors' ``G_logistic_ns_pathreg``:
    with images ``g(w)`` ``[N, H, W, C]`` and ``y ~ N(0, I)`` of their shape
    divided by ``sqrt(H * W)``, ``J_w^T y`` is the gradient of ``sum(g(w) * y)``
    with respect to the w's ``[N, num_ws, w_dim]``; the length of a sample is
    ``sqrt(mean over its num_ws w's of the squared norm over w_dim)``.

    Args:
        synthesis: a callable network ``ws -> images``.
        ws: ``[N, num_ws, w_dim]`` w's (with style mixing when training).
        seed: a ``keras.random.SeedGenerator`` for y (drawn for the global
            batch and sliced per replica).
        projection: y itself (before the division by ``sqrt(H * W)``),
            instead of drawing it.
        training: passed to the network.

    Returns:
        float32 ``[N]`` lengths.
    """
    ws = ops.convert_to_tensor(ws)
    with tf.GradientTape() as tape:
        tape.watch(ws)
        images = ops.cast(synthesis(ws, training=training), "float32")
        shape = tuple(images.shape[1:])
        if projection is None:
            projection = distribute.replica_slice(lambda rows: draws.normal((rows,) + shape, seed=seed),
                                                  ops.shape(images)[0])
        y = ops.cast(projection, "float32") / math.sqrt(shape[0] * shape[1])
        total = ops.sum(images * y)
    grads = ops.cast(tape.gradient(total, ws), "float32")
    return ops.sqrt(ops.mean(ops.sum(ops.square(grads), axis=2), axis=1))


def orthogonal_regularization(kernel):
    """BigGAN's orthogonal regularization ``||W^T W * (1 - I)||_F^2`` of one weight.

    Brock et al. 2019, "Large Scale GAN Training for High Fidelity Natural
    Image Synthesis", eq. 3: the squared off-diagonal entries of the Gram
    matrix of the filters, with ``W`` the kernel reshaped to ``[fan_in,
    units]`` (one column per output filter). Only the cosines between filters
    are penalized, not their norms, unlike ``||W^T W - I||_F^2``; an
    orthogonal (or column-orthogonal) W gives 0. The paper weights it by
    beta = 1e-4; the authors' code adds the gradient of half of it.

    Args:
        kernel: a weight with at least two axes, the last one the units.

    Returns:
        Scalar penalty (without beta).
    """
    kernel = ops.cast(ops.convert_to_tensor(kernel), "float32")
    if len(kernel.shape) < 2:
        raise ValueError(f"`kernel` must have at least two axes (fan-in..., units); received shape "
                         f"{tuple(kernel.shape)}.")
    matrix = ops.reshape(kernel, (-1, kernel.shape[-1]))
    gram = ops.matmul(ops.transpose(matrix), matrix)
    off_diagonal = gram * (1.0 - ops.eye(kernel.shape[-1], dtype="float32"))
    return ops.sum(ops.square(off_diagonal))


@keras.saving.register_keras_serializable(package="keras_gans")
class ClipWeights(keras.constraints.Constraint):
    """Clips every weight to ``[-clip_value, clip_value]`` (Arjovsky et al. 2017, Algorithm 1).

    WGAN's way of keeping the critic Lipschitz, where WGAN-GP penalizes the
    gradient instead: set it as the constraint of every critic variable.
    """

    def __init__(self, clip_value):
        self.clip_value = float(clip_value)

    def __call__(self, w):
        return ops.clip(w, -self.clip_value, self.clip_value)

    def get_config(self):
        return {"clip_value": self.clip_value}
