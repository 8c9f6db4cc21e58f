"""Spectral normalization that keeps the raw weight (Miyato et al. 2018, as BigGAN's code applies it).

``W_SN = W / sigma(W)``, with sigma the largest singular value of the kernel
reshaped to ``[fan_in, units]``, estimated by one power iteration per training
call from a persistent vector ``u`` (Miyato et al. 2018, "Spectral
Normalization for Generative Adversarial Networks", Algorithm 1). As in
Brock et al.'s BigGAN code, the trainable variable is the raw ``W``: the
normalized kernel is computed on the fly, ``u`` and ``v`` are constants of the
gradient but sigma is not, and only ``u`` (non-trainable) changes in a forward
pass.

``keras.layers.SpectralNormalization`` differs on both counts: it writes
``W / sigma`` back into the wrapped kernel on every training call and passes
no gradient through sigma. BigGAN needs the raw weight: its orthogonal
regularization acts on it, its standing statistics must change nothing but the
batch-norm statistics, and the gradient of a scale-free ``W / sigma(W)`` is
orthogonal to ``W`` (``tests/test_biggan_layers.py`` checks all three). The
older models keep the Keras wrapper.
"""

import keras
from keras import ops

from keras_gans import checks

DEFAULT_EPSILON = 1e-4  # BigGAN's SN epsilon (TF-Hub generators)


def _normalize(vector, epsilon):
    return vector / ops.maximum(ops.sqrt(ops.sum(ops.square(vector))), epsilon)


def power_iteration(matrix, u, epsilon=DEFAULT_EPSILON):
    """One power iteration on ``matrix [m, n]`` from ``u [1, n]``.

    Returns:
        ``(sigma, u')``: the estimate ``v W u'^T`` of the largest singular
        value, differentiable in ``matrix`` (u and v are held constant), and
        the next ``u`` (no gradient).
    """
    v = ops.stop_gradient(_normalize(ops.matmul(u, ops.transpose(matrix)), epsilon))  # [1, m]
    u_next = ops.stop_gradient(_normalize(ops.matmul(v, matrix), epsilon))  # [1, n]
    sigma = ops.sum(ops.matmul(v, matrix) * u_next)
    return sigma, u_next


class _SpectralNorm:
    """What the spectral-normalized layers share: the vector ``u`` and the normalized kernel."""

    def _init_spectral(self, epsilon):
        self.epsilon = checks.positive_number("epsilon", epsilon)

    def _build_u(self, units):
        self.sn_u = self.add_weight(shape=(1, units), initializer=keras.initializers.RandomNormal(),
                                    trainable=False, aggregation="mean", name="sn_u")

    def normalized(self, kernel, units, training):
        """``kernel / sigma``; a training call also stores the iterated ``u``."""
        sigma, u_next = power_iteration(ops.reshape(ops.cast(kernel, "float32"), (-1, units)),
                                        ops.cast(self.sn_u, "float32"), self.epsilon)
        if training:
            self.sn_u.assign(u_next)
        return ops.cast(kernel / ops.cast(sigma, kernel.dtype), self.compute_dtype)

    # The Keras layers save only their kernel and bias; u travels beside them in .keras files.
    def save_own_variables(self, store):
        super().save_own_variables(store)
        if self.built:
            store["sn_u"] = self.sn_u

    def load_own_variables(self, store):
        super().load_own_variables(store)  # its count check includes sn_u, which it does not read
        if self.built:
            self.sn_u.assign(store["sn_u"])

    def _spectral_config(self, config):
        config.update(epsilon=self.epsilon)
        return config


@keras.saving.register_keras_serializable(package="keras_gans")
class SNDense(_SpectralNorm, keras.layers.Dense):
    """``keras.layers.Dense`` with a spectrally normalized kernel (raw kernel trained).

    Args:
        units: output size.
        epsilon: floor of the vector norms in the power iteration.
        **kwargs: ``keras.layers.Dense`` arguments.
    """

    def __init__(self, units, *, epsilon=DEFAULT_EPSILON, **kwargs):
        super().__init__(units, **kwargs)
        self._init_spectral(epsilon)

    def build(self, input_shape):
        super().build(input_shape)
        self._build_u(self.units)

    def call(self, inputs, training=None):
        outputs = ops.matmul(inputs, self.normalized(self.kernel, self.units, training))
        if self.bias is not None:
            outputs = ops.add(outputs, self.bias)
        return self.activation(outputs) if self.activation is not None else outputs

    def get_config(self):
        return self._spectral_config(super().get_config())


@keras.saving.register_keras_serializable(package="keras_gans")
class SNConv2D(_SpectralNorm, keras.layers.Conv2D):
    """``keras.layers.Conv2D`` (channels last) with a spectrally normalized kernel.

    Args:
        filters: output channels.
        kernel_size: as ``keras.layers.Conv2D``.
        epsilon: floor of the vector norms in the power iteration.
        **kwargs: ``keras.layers.Conv2D`` arguments.
    """

    def __init__(self, filters, kernel_size, *, epsilon=DEFAULT_EPSILON, **kwargs):
        super().__init__(filters, kernel_size, **kwargs)
        if self.data_format != "channels_last":
            raise ValueError(f"SNConv2D takes channels_last data; received data_format={self.data_format!r}.")
        self._init_spectral(epsilon)

    def build(self, input_shape):
        super().build(input_shape)
        self._build_u(self.filters)

    def call(self, inputs, training=None):
        outputs = self.convolution_op(inputs, self.normalized(self.kernel, self.filters, training))
        if self.use_bias:
            outputs = ops.add(outputs, ops.reshape(self.bias, (1, 1, 1, self.filters)))
        return self.activation(outputs) if self.activation is not None else outputs

    def get_config(self):
        return self._spectral_config(super().get_config())


@keras.saving.register_keras_serializable(package="keras_gans")
class SNEmbedding(_SpectralNorm, keras.layers.Embedding):
    """``keras.layers.Embedding`` whose ``[input_dim, output_dim]`` table is spectrally normalized.

    The projection discriminator's class embedding (Miyato & Koyama 2018;
    BigGAN's ``SNEmbedding``): sigma is that of the table, with ``u`` over the
    classes.

    Args:
        input_dim: number of ids (classes).
        output_dim: embedding size.
        epsilon: floor of the vector norms in the power iteration.
        **kwargs: ``keras.layers.Embedding`` arguments.
    """

    def __init__(self, input_dim, output_dim, *, epsilon=DEFAULT_EPSILON, **kwargs):
        super().__init__(input_dim, output_dim, **kwargs)
        self._init_spectral(epsilon)

    def build(self, input_shape=None):
        super().build(input_shape)
        self._build_u(self.input_dim)

    def call(self, inputs, training=None):
        table = ops.transpose(self.normalized(ops.transpose(self.embeddings), self.input_dim, training))
        return ops.take(table, ops.cast(inputs, "int32"), axis=0)

    def get_config(self):
        return self._spectral_config(super().get_config())
