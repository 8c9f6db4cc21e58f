"""Layers that let the discriminator compare the samples of a batch.

- :class:`MinibatchDiscrimination` (Salimans et al. 2016, "Improved Techniques
  for Training GANs", section 3.2).
- :class:`MinibatchStdDev` (Karras et al. 2018, "Progressive Growing of GANs",
  section 3).
"""

import keras
import tensorflow as tf
from keras import ops

from keras_gans import checks


@keras.saving.register_keras_serializable(package="keras_gans")
class MinibatchDiscrimination(keras.layers.Layer):
    """Minibatch discrimination (Salimans et al. 2016, section 3.2).

    "Improved Techniques for Training GANs": for features ``f`` of shape
    ``[N, A]`` and a learned tensor ``T`` in ``R^{A x B x C}`` (held as the
    weight ``kernel`` of shape ``[A, B * C]``), ``M_i = f_i T`` is ``[B, C]``;
    ``c_b(x_i, x_j) = exp(-||M_i,b - M_j,b||_L1)``; ``o(x_i)_b = sum_j
    c_b(x_i, x_j)``. The output is ``concat([f, o], axis=-1)``, ``[N, A + B]``.

    The sum runs over the whole batch, as the paper writes it, so it includes
    ``j = i``, which adds exactly 1 to every ``o(x_i)_b``: a batch of N
    identical samples gives ``o = N`` and a batch of far-apart samples gives
    ``o = 1``. The constant does not change what D can learn. As in the paper,
    o is computed within the batch the layer sees, so real and generated
    samples, which :class:`keras_gans.models.GAN` passes in separate batches,
    are compared only among themselves. Memory grows as ``N^2 * B * C``.

    Inputs must be rank 2 (flatten feature maps first); other ranks raise a
    ``ValueError`` when the layer is built.

    Args:
        num_kernels: B, the number of features added.
        kernel_dim: C, the size of each kernel's projection.
        **kwargs: ``keras.layers.Layer`` arguments.
    """

    def __init__(self, num_kernels, kernel_dim, **kwargs):
        super().__init__(**kwargs)
        self.num_kernels = checks.positive_int("num_kernels", num_kernels)
        self.kernel_dim = checks.positive_int("kernel_dim", kernel_dim)

    def build(self, input_shape):
        if len(input_shape) != 2 or input_shape[-1] is None:
            raise ValueError(f"MinibatchDiscrimination takes [batch, features] inputs with a known "
                             f"feature size (flatten first); received input_shape={tuple(input_shape)}.")
        self.kernel = self.add_weight(name="kernel", shape=(input_shape[-1], self.num_kernels * self.kernel_dim),
                                      initializer=keras.initializers.RandomNormal(stddev=0.02))

    def call(self, inputs):
        m = ops.reshape(ops.matmul(inputs, ops.cast(self.kernel, inputs.dtype)),
                        (-1, self.num_kernels, self.kernel_dim))           # [N, B, C]
        l1 = ops.sum(ops.abs(m[:, None] - m[None, :]), axis=-1)           # [N, N, B]
        closeness = ops.sum(ops.exp(-l1), axis=1)                           # [N, B]
        return ops.concatenate([inputs, closeness], axis=-1)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], input_shape[-1] + self.num_kernels)

    def get_config(self):
        config = super().get_config()
        config.update(num_kernels=self.num_kernels, kernel_dim=self.kernel_dim)
        return config


@keras.saving.register_keras_serializable(package="keras_gans")
class MinibatchStdDev(keras.layers.Layer):
    """Minibatch standard deviation (Karras et al. 2018, section 3).

    "Progressive Growing of GANs for Improved Quality, Stability, and
    Variation": the batch is split into groups of ``G = min(group_size, N)``
    samples; within a group the standard deviation of every feature (every
    pixel and channel) is taken across the G samples, the standard deviations
    are averaged into one number, and that number is appended to each sample of
    the group as one extra constant channel (images ``[N, H, W, C]`` ->
    ``[N, H, W, C + 1]``; vectors ``[N, A]`` -> ``[N, A + 1]``).

    Grouping follows the paper's reshape ``[N, ...] -> [G, N / G, ...]``:
    sample i belongs to group ``i mod (N / G)``. With ``contiguous_groups``
    the groups are runs of G consecutive samples (``[N / G, G, ...]``, sample
    i in group ``i // G``): the same statistic for a shuffled batch, and under
    ``tf.distribute`` a replica whose share of the global batch is a multiple
    of G then forms exactly the groups one device forms, so a distributed step
    matches the one-device step. The batch size must be a
    multiple of G; a static batch that is not fails with a ``ValueError`` when
    the layer is called, a dynamic one with ``InvalidArgumentError`` at run
    time, both naming the batch size and ``group_size``.

    The standard deviation is the population one (divide by G), taken as
    ``sqrt(variance + epsilon)``: epsilon (1e-8 as in the paper's code) keeps the
    gradient finite when every sample of a group is identical, where the exact
    value would be 0 (``epsilon=0`` gives it).

    Args:
        group_size: samples per group (4 in the paper).
        epsilon: non-negative number added to the variance before the square root.
        contiguous_groups: group consecutive samples instead of the paper's strided ones.
        **kwargs: ``keras.layers.Layer`` arguments.
    """

    def __init__(self, group_size=4, epsilon=1e-8, contiguous_groups=False, **kwargs):
        super().__init__(**kwargs)
        self.group_size = checks.positive_int("group_size", group_size)
        self.epsilon = checks.weight("epsilon", epsilon)
        self.contiguous_groups = checks.boolean("contiguous_groups", contiguous_groups)

    def build(self, input_shape):
        if len(input_shape) not in (2, 4):
            raise ValueError(f"MinibatchStdDev takes [N, A] or [N, H, W, C] inputs; received "
                             f"input_shape={tuple(input_shape)}.")

    def _group(self, inputs, batch):
        """``(G, inputs)``, with a run-time divisibility check when the batch is dynamic."""
        if isinstance(batch, int):
            group = min(self.group_size, batch)
            if batch % group:
                raise ValueError(f"MinibatchStdDev: the batch size {batch} is not a multiple of "
                                 f"group_size={self.group_size}.")
            return group, inputs
        group = tf.minimum(tf.cast(self.group_size, batch.dtype), batch)
        check = tf.debugging.assert_equal(
            batch % group, tf.zeros_like(batch),
            message=f"MinibatchStdDev: the batch size is not a multiple of group_size={self.group_size}")
        with tf.control_dependencies([check]):
            return group, tf.identity(inputs)

    def call(self, inputs):
        shape = ops.shape(inputs)
        batch = shape[0]
        group, inputs = self._group(inputs, batch)
        if self.contiguous_groups:
            x = ops.reshape(inputs, (-1, group) + tuple(shape[1:]))           # [N, ...] -> [N/G, G, ...]
            axis = 1
        else:
            x = ops.reshape(inputs, (group, -1) + tuple(shape[1:]))           # [N, ...] -> [G, N/G, ...]
            axis = 0
        variance = ops.mean(ops.square(x - ops.mean(x, axis=axis, keepdims=True)), axis=axis)  # [N/G, ...]
        std = ops.sqrt(variance + self.epsilon)                               # [N/G, ...]
        per_group = ops.mean(ops.reshape(std, (ops.shape(std)[0], -1)), axis=1)  # [N/G, prod(...)] -> [N/G]
        if self.contiguous_groups:
            per_sample = ops.repeat(per_group, group)                         # [N]: sample i -> group i // G
        else:
            per_sample = ops.tile(per_group, [group])                         # [N]: sample i -> group i % (N/G)
        rank = len(inputs.shape)
        extra = ops.reshape(per_sample, (-1,) + (1,) * (rank - 1))           # [N] -> [N, 1, (1, 1)]
        extra = ops.broadcast_to(extra, tuple(shape[:-1]) + (1,))            # [N, (H, W,) 1]
        return ops.concatenate([inputs, ops.cast(extra, inputs.dtype)], axis=-1)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (input_shape[-1] + 1,)

    def get_config(self):
        config = super().get_config()
        config.update(group_size=self.group_size, epsilon=self.epsilon, contiguous_groups=self.contiguous_groups)
        return config
