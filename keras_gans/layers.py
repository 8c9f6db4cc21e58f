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
- :class:`ReflectionPadding2D` (CycleGAN's padding, Zhu et al. 2017) and
  :class:`SubPixelUpsampling` (the sub-pixel shuffle of Shi et al. 2016, used
  by SRGAN, Ledig et al. 2017).
- :class:`ClassOneHot`: labels into conditional networks (Mirza & Osindero
  2014), with a range check.

Every layer is registered under the ``keras_gans`` package, so models that use
them load from ``.keras`` files.
"""

import numbers

import keras
import tensorflow as tf
from keras import ops

NORMALIZATIONS = ("batch", "instance", "layer", None)
ACTIVATIONS = ("relu", "leaky_relu", "tanh", None)
LEAKY_RELU_SLOPE = 0.2  # DCGAN's slope, used by every block


def _positive_int(name, value):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value <= 0:
        raise ValueError(f"`{name}` must be a positive int; received {name}={value!r}.")
    return int(value)


def _bool(name, value):
    if not isinstance(value, bool):
        raise ValueError(f"`{name}` must be True or False; received {name}={value!r}.")
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
        self.spectral_norm = _bool("spectral_norm", spectral_norm)
        # A bias before a normalization that re-centres is wasted.
        self.use_bias = normalization is None if use_bias is None else _bool("use_bias", use_bias)
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

    "Progressive Growing of GANs for Improved Quality, Stability, and
    Variation": the batch is split into groups of ``G = min(group_size, N)``
    samples; within a group the standard deviation of every feature (every
    pixel and channel) is taken across the G samples, the standard deviations
    are averaged into one number, and that number is appended to each sample of
    the group as one extra constant channel (images ``[N, H, W, C]`` ->
    ``[N, H, W, C + 1]``; vectors ``[N, A]`` -> ``[N, A + 1]``).

    Grouping follows the paper's reshape ``[N, ...] -> [G, N / G, ...]``:
    sample i belongs to group ``i mod (N / G)``. The batch size must be a
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
        **kwargs: ``keras.layers.Layer`` arguments.
    """

    def __init__(self, group_size=4, epsilon=1e-8, **kwargs):
        super().__init__(**kwargs)
        self.group_size = _positive_int("group_size", group_size)
        if isinstance(epsilon, bool) or not isinstance(epsilon, (int, float)) or not epsilon >= 0:
            raise ValueError(f"`epsilon` must be a non-negative number; received epsilon={epsilon!r}.")
        self.epsilon = float(epsilon)

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
        x = ops.reshape(inputs, (group, -1) + tuple(shape[1:]))              # [N, ...] -> [G, N/G, ...]
        variance = ops.mean(ops.square(x - ops.mean(x, axis=0, keepdims=True)), axis=0)  # [N/G, ...]
        std = ops.sqrt(variance + self.epsilon)                               # [N/G, ...]
        per_group = ops.mean(ops.reshape(std, (ops.shape(std)[0], -1)), axis=1)  # [N/G, prod(...)] -> [N/G]
        per_sample = ops.tile(per_group, [group])                             # [N]: sample i -> group i % (N/G)
        rank = len(inputs.shape)
        extra = ops.reshape(per_sample, (-1,) + (1,) * (rank - 1))           # [N] -> [N, 1, (1, 1)]
        extra = ops.broadcast_to(extra, tuple(shape[:-1]) + (1,))            # [N, (H, W,) 1]
        return ops.concatenate([inputs, ops.cast(extra, inputs.dtype)], axis=-1)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (input_shape[-1] + 1,)

    def get_config(self):
        config = super().get_config()
        config.update(group_size=self.group_size, epsilon=self.epsilon)
        return config


@keras.saving.register_keras_serializable(package="keras_gans")
class ReflectionPadding2D(keras.layers.Layer):
    """Pads height and width by mirroring the image at its border (edge not repeated).

    The padding of CycleGAN's ResNet generator (Zhu et al. 2017, "Unpaired
    Image-to-Image Translation using Cycle-Consistent Adversarial Networks",
    appendix 7.2: "Reflection padding was used to reduce artifacts"). A row
    ``[a, b, c, d]`` padded by 2 becomes ``[c, b, a, b, c, d, c, b]``, as
    ``numpy.pad(mode="reflect")``. Each padding must be smaller than the side
    it pads.

    Args:
        padding: an int (the same on all four sides) or ``(height_pad,
            width_pad)`` pixels added on both sides of each axis.
        **kwargs: ``keras.layers.Layer`` arguments.
    """

    def __init__(self, padding=1, **kwargs):
        super().__init__(**kwargs)
        pads = (padding, padding) if isinstance(padding, numbers.Integral) else padding
        try:
            pads = tuple(pads)
        except TypeError:
            pads = None
        if pads is None or len(pads) != 2 or not all(
                isinstance(p, numbers.Integral) and not isinstance(p, bool) and p >= 0 for p in pads):
            raise ValueError(f"`padding` must be an int >= 0 or a pair of them; received padding={padding!r}.")
        self.padding = tuple(int(p) for p in pads)

    def build(self, input_shape):
        if len(input_shape) != 4:
            raise ValueError(f"ReflectionPadding2D takes [N, H, W, C] inputs; received "
                             f"input_shape={tuple(input_shape)}.")
        for axis, pad in zip((1, 2), self.padding):
            if input_shape[axis] is not None and pad >= input_shape[axis]:
                raise ValueError(f"ReflectionPadding2D: padding={self.padding} must be smaller than the "
                                 f"padded sides; received input_shape={tuple(input_shape)}.")

    def call(self, inputs):
        height, width = self.padding
        return ops.pad(inputs, [[0, 0], [height, height], [width, width], [0, 0]], mode="reflect")

    def compute_output_shape(self, input_shape):
        grow = [None if size is None else size + 2 * pad
                for size, pad in zip(input_shape[1:3], self.padding)]
        return (input_shape[0], grow[0], grow[1], input_shape[3])

    def get_config(self):
        config = super().get_config()
        config.update(padding=self.padding)
        return config


@keras.saving.register_keras_serializable(package="keras_gans")
class SubPixelUpsampling(keras.layers.Layer):
    """Sub-pixel convolution's rearrangement: ``[N, H, W, C r^2] -> [N, H r, W r, C]``.

    Shi et al. 2016 ("Real-Time Single Image and Video Super-Resolution Using
    an Efficient Sub-Pixel Convolutional Neural Network", eq. 4, the periodic
    shuffle), used by SRResNet/SRGAN (Ledig et al. 2017, figure 4) to upsample
    after a convolution. It is ``tf.nn.depth_to_space``: output pixel
    ``(h r + i, w r + j, k)`` is input channel ``(i r + j) C + k`` at ``(h, w)``.

    Args:
        scale: the upsampling factor r, >= 2.
        **kwargs: ``keras.layers.Layer`` arguments.
    """

    def __init__(self, scale=2, **kwargs):
        super().__init__(**kwargs)
        self.scale = _positive_int("scale", scale)
        if self.scale < 2:
            raise ValueError(f"`scale` must be an int >= 2; received scale={scale!r}.")

    def build(self, input_shape):
        if len(input_shape) != 4 or input_shape[-1] is None or input_shape[-1] % self.scale ** 2:
            raise ValueError(f"SubPixelUpsampling(scale={self.scale}) takes [N, H, W, C * {self.scale ** 2}] "
                             f"inputs; received input_shape={tuple(input_shape)}.")

    def call(self, inputs):
        return tf.nn.depth_to_space(inputs, self.scale)

    def compute_output_shape(self, input_shape):
        grow = [None if size is None else size * self.scale for size in input_shape[1:3]]
        return (input_shape[0], grow[0], grow[1], input_shape[3] // self.scale ** 2)

    def get_config(self):
        config = super().get_config()
        config.update(scale=self.scale)
        return config


def checked_class_ids(labels, num_classes, name="labels"):
    """Class ids as int32, with a run-time check that they lie in ``[0, num_classes)``.

    Args:
        labels: int tensor of class ids.
        num_classes: K.
        name: what the ids are called in the error message.

    Returns:
        The int32 ids; computing anything from them raises ``InvalidArgumentError``
        naming ``num_classes`` and showing the ids when one is out of range.
    """
    labels = ops.cast(labels, "int32")
    message = f"`{name}` must be class ids in [0, num_classes={num_classes})"
    checks = [tf.debugging.assert_non_negative(labels, message=message),
              tf.debugging.assert_less(labels, num_classes, message=message)]
    with tf.control_dependencies(checks):
        return tf.identity(labels)


@keras.saving.register_keras_serializable(package="keras_gans")
class ClassOneHot(keras.layers.Layer):
    """One-hot encodes int class ids ``[N] -> [N, num_classes]``, refusing ids out of range.

    How a label enters a conditional generator or discriminator (Mirza &
    Osindero 2014, "Conditional Generative Adversarial Nets", section 4.1: y as
    a one-hot vector fed to both players). Unlike ``CategoryEncoding``, which
    silently encodes an out-of-range id as all zeros, an id outside
    ``[0, num_classes)`` fails with ``InvalidArgumentError`` naming
    ``num_classes`` and showing the ids, in eager, graph and exported
    (SavedModel) use alike.

    Args:
        num_classes: number of classes, >= 1.
        **kwargs: ``keras.layers.Layer`` arguments.
    """

    def __init__(self, num_classes, **kwargs):
        super().__init__(**kwargs)
        self.num_classes = _positive_int("num_classes", num_classes)

    def build(self, input_shape):
        if len(input_shape) != 1:
            raise ValueError(f"ClassOneHot takes a vector of class ids [N]; received "
                             f"input_shape={tuple(input_shape)}.")

    def call(self, labels):
        labels = checked_class_ids(labels, self.num_classes)
        return ops.one_hot(labels, self.num_classes, dtype=self.compute_dtype)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.num_classes)

    def get_config(self):
        config = super().get_config()
        config.update(num_classes=self.num_classes)
        return config
