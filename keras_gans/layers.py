"""Reusable Keras layers of the GAN papers.

- :class:`UpsampleBlock` / :class:`DownsampleBlock`: the transposed-conv and
  strided-conv blocks of DCGAN (Radford et al. 2016, "Unsupervised
  Representation Learning with Deep Convolutional GANs", section 3: strided
  convolutions instead of pooling), with optional normalization and spectral
  normalization (Miyato et al. 2018, "Spectral Normalization for GANs").
- :class:`MinibatchDiscrimination` (Salimans et al. 2016, "Improved Techniques
  for Training GANs", section 3.2).
- :class:`MinibatchStdDev` (Karras et al. 2018, "Progressive Growing of GANs",
  section 3).

Every layer is registered under the ``keras_gans`` package, so models that use
them load from ``.keras`` files.
"""

import keras
from keras import ops

NORMALIZATIONS = ("batch", "instance", "layer", None)
ACTIVATIONS = ("relu", "leaky_relu", "tanh", None)
LEAKY_RELU_SLOPE = 0.2  # DCGAN's slope, used by every block


def _positive_int(name, value):
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError(f"`{name}` must be a positive int; received {name}={value!r}.")
    return value


def _one_of(name, value, choices):
    if value not in choices:
        raise ValueError(f"`{name}` must be one of {choices}; received {name}={value!r}.")
    return value


def _normalization_layer(kind, name):
    if kind == "batch":
        return keras.layers.BatchNormalization(name=f"{name}_batch_norm")
    if kind == "instance":  # one group per channel: instance normalization
        return keras.layers.GroupNormalization(groups=-1, name=f"{name}_instance_norm")
    if kind == "layer":
        return keras.layers.LayerNormalization(name=f"{name}_layer_norm")
    return None


def _activation_layer(kind, name):
    if kind == "leaky_relu":
        return keras.layers.LeakyReLU(LEAKY_RELU_SLOPE, name=f"{name}_leaky_relu")
    if kind is None:
        return None
    return keras.layers.Activation(kind, name=f"{name}_{kind}")


class _ConvBlock(keras.layers.Layer):
    """Convolution, optional normalization, activation; the shared part of both blocks."""

    def __init__(self, filters, kernel_size=4, strides=2, normalization="batch", activation="relu",
                 spectral_norm=False, use_bias=None, **kwargs):
        super().__init__(**kwargs)
        self.filters = _positive_int("filters", filters)
        self.kernel_size = _positive_int("kernel_size", kernel_size)
        self.strides = _positive_int("strides", strides)
        self.normalization = _one_of("normalization", normalization, NORMALIZATIONS)
        self.activation = _one_of("activation", activation, ACTIVATIONS)
        self.spectral_norm = bool(spectral_norm)
        # A bias before a normalization that re-centres is wasted.
        self.use_bias = normalization is None if use_bias is None else bool(use_bias)
        conv = self._make_conv(name=f"{self.name}_conv")
        self.conv = keras.layers.SpectralNormalization(conv, name=f"{self.name}_sn") if spectral_norm else conv
        self.norm = _normalization_layer(normalization, self.name)
        self.act = _activation_layer(activation, self.name)

    def _make_conv(self, name):
        raise NotImplementedError

    def build(self, input_shape):
        self.conv.build(input_shape)
        output_shape = self.conv.compute_output_shape(input_shape)
        if self.norm is not None:
            self.norm.build(output_shape)

    def call(self, inputs, training=None):
        x = self.conv(inputs, training=training)
        if self.norm is not None:
            x = self.norm(x, training=training)
        if self.act is not None:
            x = self.act(x)
        return x

    def compute_output_shape(self, input_shape):
        return self.conv.compute_output_shape(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update(filters=self.filters, kernel_size=self.kernel_size, strides=self.strides,
                      normalization=self.normalization, activation=self.activation,
                      spectral_norm=self.spectral_norm, use_bias=self.use_bias)
        return config


@keras.saving.register_keras_serializable(package="keras_gans")
class UpsampleBlock(_ConvBlock):
    """Transposed convolution (``padding="same"``), normalization, activation.

    DCGAN's generator block: a stride-2 block doubles height and width.

    Args:
        filters: output channels.
        kernel_size: square kernel side (4 in DCGAN).
        strides: upsampling factor.
        normalization: ``"batch"``, ``"instance"``, ``"layer"`` or None.
        activation: ``"relu"``, ``"leaky_relu"`` (slope 0.2), ``"tanh"`` or None.
        spectral_norm: wrap the convolution in ``keras.layers.SpectralNormalization``.
        use_bias: conv bias; default True only without normalization.
        **kwargs: ``keras.layers.Layer`` arguments (name, dtype).
    """

    def __init__(self, filters, kernel_size=4, strides=2, normalization="batch", activation="relu",
                 spectral_norm=False, use_bias=None, **kwargs):
        super().__init__(filters, kernel_size, strides, normalization, activation, spectral_norm, use_bias,
                         **kwargs)

    def _make_conv(self, name):
        return keras.layers.Conv2DTranspose(self.filters, self.kernel_size, strides=self.strides,
                                            padding="same", use_bias=self.use_bias, name=name)


@keras.saving.register_keras_serializable(package="keras_gans")
class DownsampleBlock(_ConvBlock):
    """Strided convolution (``padding="same"``), normalization, activation.

    DCGAN's discriminator block: a stride-2 block halves height and width; no pooling.

    Args:
        filters: output channels.
        kernel_size: square kernel side (4 in DCGAN).
        strides: downsampling factor.
        normalization: ``"batch"``, ``"instance"``, ``"layer"`` or None.
        activation: ``"leaky_relu"`` (slope 0.2), ``"relu"``, ``"tanh"`` or None.
        spectral_norm: wrap the convolution in ``keras.layers.SpectralNormalization``.
        use_bias: conv bias; default True only without normalization.
        **kwargs: ``keras.layers.Layer`` arguments (name, dtype).
    """

    def __init__(self, filters, kernel_size=4, strides=2, normalization="batch", activation="leaky_relu",
                 spectral_norm=False, use_bias=None, **kwargs):
        super().__init__(filters, kernel_size, strides, normalization, activation, spectral_norm, use_bias,
                         **kwargs)

    def _make_conv(self, name):
        return keras.layers.Conv2D(self.filters, self.kernel_size, strides=self.strides, padding="same",
                                   use_bias=self.use_bias, name=name)


@keras.saving.register_keras_serializable(package="keras_gans")
class MinibatchDiscrimination(keras.layers.Layer):
    """Minibatch discrimination (Salimans et al. 2016, section 3.2).

    For features ``f`` of shape ``[N, A]`` and a learned tensor ``T`` of shape
    ``[A, B, C]``: ``M_i = f_i T`` is ``[B, C]``; ``c_b(i, j) =
    exp(-||M_i,b - M_j,b||_1)``; ``o(i)_b = sum_j c_b(i, j)``. The output is
    ``concat([f, o])``, ``[N, A + B]``. The sum runs over the whole batch as in
    the paper, so it includes ``j = i`` (adding 1 to every ``o(i)_b``): a
    batch of N identical samples gives ``o = N``.

    Args:
        num_kernels: B, the number of features added.
        kernel_dim: C, the size of each kernel's projection.
        **kwargs: ``keras.layers.Layer`` arguments.
    """

    def __init__(self, num_kernels, kernel_dim, **kwargs):
        super().__init__(**kwargs)
        self.num_kernels = _positive_int("num_kernels", num_kernels)
        self.kernel_dim = _positive_int("kernel_dim", kernel_dim)

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

    The batch is split into groups of ``min(group_size, N)`` samples (sample
    i joins group ``i mod (N / group_size)``, the paper's reshape); within a group the standard deviation of every feature (every
    pixel and channel) is taken across the samples and averaged into one
    number, appended to each sample of the group as an extra constant channel
    (images ``[N, H, W, C]`` -> ``[N, H, W, C + 1]``; vectors ``[N, A]`` ->
    ``[N, A + 1]``). The batch size must be a multiple of the group size.

    Args:
        group_size: samples per group (4 in the paper).
        epsilon: added to the variance before the square root.
        **kwargs: ``keras.layers.Layer`` arguments.
    """

    def __init__(self, group_size=4, epsilon=1e-8, **kwargs):
        super().__init__(**kwargs)
        self.group_size = _positive_int("group_size", group_size)
        if not epsilon >= 0:
            raise ValueError(f"`epsilon` must be >= 0; received epsilon={epsilon!r}.")
        self.epsilon = float(epsilon)

    def build(self, input_shape):
        if len(input_shape) not in (2, 4):
            raise ValueError(f"MinibatchStdDev takes [N, A] or [N, H, W, C] inputs; received "
                             f"input_shape={tuple(input_shape)}.")

    def call(self, inputs):
        shape = ops.shape(inputs)
        batch = shape[0]
        group = ops.minimum(self.group_size, batch)
        if isinstance(batch, int) and batch % group:  # static batch: fail with a clear message
            raise ValueError(f"MinibatchStdDev: batch size {batch} is not a multiple of "
                             f"group_size={self.group_size}.")
        x = ops.reshape(inputs, (group, -1) + tuple(inputs.shape[1:]))   # [G, N/G, ...]
        variance = ops.mean(ops.square(x - ops.mean(x, axis=0, keepdims=True)), axis=0)
        std = ops.sqrt(variance + self.epsilon)                            # [N/G, ...]
        per_group = ops.mean(ops.reshape(std, (ops.shape(std)[0], -1)), axis=1)  # [N/G]
        # Sample i belongs to group i % (N/G), matching the reshape above.
        per_sample = ops.tile(per_group, [group])                          # [N]
        extra_shape = (batch,) + tuple(shape[1:-1]) + (1,)
        extra = ops.broadcast_to(ops.reshape(per_sample, (-1,) + (1,) * (len(inputs.shape) - 1)), extra_shape)
        return ops.concatenate([inputs, ops.cast(extra, inputs.dtype)], axis=-1)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (input_shape[-1] + 1,)

    def get_config(self):
        config = super().get_config()
        config.update(group_size=self.group_size, epsilon=self.epsilon)
        return config
