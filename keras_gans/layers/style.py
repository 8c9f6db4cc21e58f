"""StyleGAN2's synthesis layers (Karras et al. 2020, "Analyzing and Improving the Image Quality of StyleGAN").

- :class:`ModulatedConv2D`: a convolution whose weights are scaled per input
  channel by a style ``s = A(w)`` and, with demodulation, renormalized per
  output channel (section 2.2, eq. 1-3); with ``demodulate=False`` and a 1x1
  kernel it is the toRGB layer.
- :class:`NoiseInjection`: per-pixel Gaussian noise times a learned strength.
- :class:`ConstantInput`: the learned 4x4 constant the synthesis starts from.
- :class:`StyleSelect`: one layer's w out of the ``[N, num_ws, w_dim]`` stack.
- :class:`Truncation`: the truncation trick in w space around a tracked
  average w (StyleGAN, Karras et al. 2019, section 3.2 / appendix B).
"""

import math

import keras
from keras import ops

from keras_gans import checks, distribute, draws
from keras_gans.layers.equalized import EqualizedDense


def _image_shape(name, shape):
    if len(shape) != 4 or any(d is None for d in shape[1:]):
        raise ValueError(f"{name} takes [batch, height, width, channels] inputs of known size; received "
                         f"input_shape={tuple(shape)}.")


@keras.saving.register_keras_serializable(package="keras_gans")
class ModulatedConv2D(keras.layers.Layer):
    """Modulated convolution with weight demodulation (Karras et al. 2020, section 2.2).

    Called on ``[x, w]`` (``x`` ``[N, H, W, C_in]``, ``w`` ``[N, w_dim]``):
    the style ``s = A(w)`` (an :class:`EqualizedDense` to ``C_in`` whose bias
    starts at 1) scales the input channels of the equalized kernel,
    ``w'_ijk = s_i w_ijk``; demodulation divides each output channel by
    ``sqrt(sum_{i,k} w'_ijk^2 + epsilon)``, so unit-variance inputs give
    unit-variance outputs whatever the style. As in the authors' non-fused
    path, the kernel is shared: ``conv(x * s, w) * d`` with the per-sample,
    per-output-channel ``d``. With ``upsample`` the modulated input is
    doubled in size (bilinear, the authors' [1, 3, 3, 1] filter away from the
    borders) before the convolution. A bias is added last.

    Args:
        filters: output channels.
        kernel_size: odd kernel side (3; 1 for toRGB).
        demodulate: renormalize the output channels (False for toRGB).
        upsample: double the height and width first.
        use_bias: add a bias (initialized to 0).
        epsilon: added under the square root of the demodulation.
        **kwargs: ``keras.layers.Layer`` arguments.
    """

    def __init__(self, filters, kernel_size=3, *, demodulate=True, upsample=False, use_bias=True, epsilon=1e-8,
                 **kwargs):
        super().__init__(**kwargs)
        self.filters = checks.positive_int("filters", filters)
        self.kernel_size = checks.positive_int("kernel_size", kernel_size)
        self.demodulate = checks.boolean("demodulate", demodulate)
        self.upsample = checks.boolean("upsample", upsample)
        self.use_bias = checks.boolean("use_bias", use_bias)
        self.epsilon = checks.weight("epsilon", epsilon, any_real=True, finite=True)

    def build(self, input_shape):
        x_shape, w_shape = input_shape
        _image_shape("ModulatedConv2D", x_shape)
        channels = x_shape[-1]
        self.affine = EqualizedDense(channels, gain=1.0, bias_init=1.0, name="affine")
        self.affine.build(tuple(w_shape))
        self.runtime_scale = 1.0 / math.sqrt(self.kernel_size * self.kernel_size * channels)
        self.kernel = self.add_weight(name="kernel", shape=(self.kernel_size, self.kernel_size, channels, self.filters),
                                      initializer=keras.initializers.RandomNormal(stddev=1.0))
        self.bias = self.add_weight(name="bias", shape=(self.filters,), initializer="zeros") if self.use_bias else None

    def styles(self, w):
        """The per-sample input-channel scales ``s = A(w)`` ``[N, C_in]``."""
        return self.affine(w)

    def call(self, inputs):
        x, w = inputs
        styles = ops.cast(self.styles(w), x.dtype)                               # [N, C_in]
        kernel = ops.cast(self.kernel, x.dtype) * ops.cast(self.runtime_scale, x.dtype)
        x = x * styles[:, None, None, :]
        if self.upsample:
            height, width = x.shape[1], x.shape[2]
            x = ops.image.resize(x, (2 * height, 2 * width), interpolation="bilinear")
        outputs = ops.conv(x, kernel, padding="same")
        if self.demodulate:
            energy = ops.sum(ops.square(kernel), axis=(0, 1))                      # [C_in, F]: sum over taps
            demod = ops.rsqrt(ops.matmul(ops.square(styles), energy) + ops.cast(self.epsilon, x.dtype))  # [N, F]
            outputs = outputs * demod[:, None, None, :]
        if self.bias is not None:
            outputs = outputs + ops.cast(self.bias, outputs.dtype)
        return outputs

    def compute_output_shape(self, input_shape):
        x_shape = input_shape[0]
        factor = 2 if self.upsample else 1
        return (x_shape[0], x_shape[1] * factor, x_shape[2] * factor, self.filters)

    def get_config(self):
        config = super().get_config()
        config.update(filters=self.filters, kernel_size=self.kernel_size, demodulate=self.demodulate,
                      upsample=self.upsample, use_bias=self.use_bias, epsilon=self.epsilon)
        return config


@keras.saving.register_keras_serializable(package="keras_gans")
class NoiseInjection(keras.layers.Layer):
    """Adds ``strength * noise``: one N(0, 1) value per pixel, shared by the channels.

    StyleGAN2 (``G_synthesis_stylegan2``): a single-channel noise map per
    sample and layer, broadcast over the channels, times one learned scalar
    strength that starts at 0. With ``randomize=True`` fresh noise is drawn
    on every call from the layer's seed generator (for the global batch,
    sliced per replica, so a distributed step matches one device); with
    False the fixed buffer ``noise_const`` ``[1, H, W, 1]`` is used for every
    sample (the authors' ``randomize_noise=False``; perceptual path length
    refills it for each minibatch).

    Args:
        randomize: draw fresh noise on every call.
        seed: seed of the layer's ``keras.random.SeedGenerator``.
        **kwargs: ``keras.layers.Layer`` arguments.
    """

    def __init__(self, randomize=True, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.randomize = checks.boolean("randomize", randomize)
        self.seed = None if seed is None else checks.integer("seed", seed, minimum=0)
        self.seed_generator = keras.random.SeedGenerator(seed)

    def build(self, input_shape):
        _image_shape("NoiseInjection", input_shape)
        self.strength = self.add_weight(name="strength", shape=(), initializer="zeros")
        self.noise_const = self.add_weight(name="noise_const", shape=(1,) + tuple(input_shape[1:3]) + (1,),
                                           initializer=keras.initializers.RandomNormal(stddev=1.0), trainable=False)

    def call(self, inputs):
        if self.randomize:
            shape = tuple(inputs.shape[1:3]) + (1,)
            noise = distribute.replica_slice(
                lambda rows: draws.normal((rows,) + shape, seed=self.seed_generator), ops.shape(inputs)[0])
        else:
            noise = self.noise_const
        return inputs + ops.cast(self.strength, inputs.dtype) * ops.cast(noise, inputs.dtype)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update(randomize=self.randomize, seed=self.seed)
        return config


@keras.saving.register_keras_serializable(package="keras_gans")
class ConstantInput(keras.layers.Layer):
    """The learned constant ``[size, size, channels]`` (N(0, 1) at first), repeated for every sample.

    StyleGAN's synthesis starts from it instead of from z (Karras et al.
    2019, section 2). Called on any tensor whose first axis is the batch
    (the stack of w's).

    Args:
        channels: channels of the constant.
        size: its height and width (4).
        **kwargs: ``keras.layers.Layer`` arguments.
    """

    def __init__(self, channels, size=4, **kwargs):
        super().__init__(**kwargs)
        self.channels = checks.positive_int("channels", channels)
        self.size = checks.positive_int("size", size)

    def build(self, input_shape):
        self.constant = self.add_weight(name="constant", shape=(1, self.size, self.size, self.channels),
                                        initializer=keras.initializers.RandomNormal(stddev=1.0))

    def call(self, inputs):
        batch = ops.shape(inputs)[0]
        return ops.broadcast_to(ops.cast(self.constant, self.compute_dtype),
                                (batch, self.size, self.size, self.channels))

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.size, self.size, self.channels)

    def get_config(self):
        config = super().get_config()
        config.update(channels=self.channels, size=self.size)
        return config


@keras.saving.register_keras_serializable(package="keras_gans")
class StyleSelect(keras.layers.Layer):
    """Layer ``index``'s w ``[N, w_dim]`` out of the stack ``[N, num_ws, w_dim]``.

    Args:
        index: which w (0 = the 4x4 convolution's).
        **kwargs: ``keras.layers.Layer`` arguments.
    """

    def __init__(self, index, **kwargs):
        super().__init__(**kwargs)
        self.index = checks.integer("index", index, minimum=0)

    def build(self, input_shape):
        if len(input_shape) != 3 or input_shape[1] is None or self.index >= input_shape[1]:
            raise ValueError(f"StyleSelect(index={self.index}) takes [batch, num_ws > {self.index}, w_dim] "
                             f"inputs; received input_shape={tuple(input_shape)}.")

    def call(self, inputs):
        return inputs[:, self.index]

    def compute_output_shape(self, input_shape):
        return (input_shape[0], input_shape[2])

    def get_config(self):
        config = super().get_config()
        config.update(index=self.index)
        return config


@keras.saving.register_keras_serializable(package="keras_gans")
class Truncation(keras.layers.Layer):
    """The truncation trick in w space around the tracked average ``w_avg``.

    StyleGAN (Karras et al. 2019, appendix B) and StyleGAN2 (``G_main``):
    ``w' = w_avg + psi * (w - w_avg)`` for every layer's w. Called on ``ws``
    alone it returns them unchanged (psi = 1); called on ``[ws, psi]`` it
    truncates, ``psi`` a scalar or one value per sample. ``w_avg`` is a
    non-trainable weight the training loop moves with
    :meth:`update_average`; it starts at 0.

    Args:
        **kwargs: ``keras.layers.Layer`` arguments.
    """

    def build(self, input_shape):
        ws_shape = input_shape[0] if isinstance(input_shape, (list, tuple)) and isinstance(
            input_shape[0], (list, tuple)) else input_shape
        if len(ws_shape) != 3 or ws_shape[-1] is None:
            raise ValueError(f"Truncation takes ws [batch, num_ws, w_dim] with a known w_dim; received "
                             f"input_shape={tuple(ws_shape)}.")
        # Every replica computes the same new average from the global batch; the first one's write is kept.
        self.w_avg = self.add_weight(name="w_avg", shape=(ws_shape[-1],), initializer="zeros", trainable=False,
                                     aggregation="only_first_replica")

    def call(self, inputs):
        if not isinstance(inputs, (list, tuple)):
            return inputs
        ws, psi = inputs
        psi = ops.cast(psi, ws.dtype)
        if len(psi.shape) == 1:
            psi = psi[:, None, None]
        w_avg = ops.cast(self.w_avg, ws.dtype)
        return w_avg + psi * (ws - w_avg)

    def update_average(self, w_mean, decay):
        """``w_avg <- decay * w_avg + (1 - decay) * w_mean`` (StyleGAN2: decay 0.995, w_mean of the batch)."""
        self.w_avg.assign(decay * self.w_avg + (1.0 - decay) * ops.cast(w_mean, self.w_avg.dtype))

    def compute_output_shape(self, input_shape):
        if isinstance(input_shape, (list, tuple)) and isinstance(input_shape[0], (list, tuple)):
            return input_shape[0]
        return input_shape
