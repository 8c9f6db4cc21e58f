"""Equalized learning rate: weights stored as N(0, 1) and scaled by the He constant at run time.

Karras et al. 2018, "Progressive Growing of GANs for Improved Quality,
Stability, and Variation", section 4.1: every weight is initialized from
N(0, 1) and multiplied at run time by ``c = gain / sqrt(fan_in)``, so Adam's
per-parameter step, which is invariant to the parameter's scale, moves every
layer at the same relative speed. StyleGAN (Karras et al. 2019, 2020) adds a
learning-rate multiplier ``lrmul``: weights are stored as N(0, 1 / lrmul^2)
and scaled by ``lrmul * gain / sqrt(fan_in)``, biases stored divided by lrmul
and multiplied by it (the mapping network uses lrmul = 0.01).

- :class:`EqualizedDense` and :class:`EqualizedConv2D`: linear layers with
  the run-time scale (:attr:`runtime_scale`) and the multiplier.
- :class:`ScaledLeakyReLU`: LeakyReLU(0.2) times ``gain``; StyleGAN2 puts
  the He gain sqrt(2) here rather than in the weights.
"""

import math
import numbers

import keras
from keras import ops

from keras_gans import checks

HE_GAIN = math.sqrt(2.0)
PADDINGS = ("same", "valid")


class _Equalized(keras.layers.Layer):
    """What both equalized layers share: arguments, the scale, the bias, the config."""

    def __init__(self, units, *, gain=HE_GAIN, lr_multiplier=1.0, use_bias=True, bias_init=0.0, **kwargs):
        super().__init__(**kwargs)
        self.units = checks.positive_int(self._UNITS, units)
        self.gain = checks.positive_number("gain", gain, any_real=True, finite=True)
        self.lr_multiplier = checks.positive_number("lr_multiplier", lr_multiplier, any_real=True, finite=True)
        self.use_bias = checks.boolean("use_bias", use_bias)
        if isinstance(bias_init, bool) or not isinstance(bias_init, numbers.Real) or not math.isfinite(bias_init):
            raise ValueError(f"`bias_init` must be a finite number; received bias_init={bias_init!r}.")
        self.bias_init = float(bias_init)
        self.runtime_scale = None

    def _build_weights(self, kernel_shape, fan_in):
        self.runtime_scale = self.lr_multiplier * self.gain / math.sqrt(fan_in)
        self.kernel = self.add_weight(name="kernel", shape=kernel_shape,
                                      initializer=keras.initializers.RandomNormal(stddev=1.0 / self.lr_multiplier))
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(name="bias", shape=(self.units,),
                                        initializer=keras.initializers.Constant(self.bias_init / self.lr_multiplier))

    def scaled_kernel(self, dtype):
        """The kernel the layer applies: the stored one times :attr:`runtime_scale`."""
        return ops.cast(self.kernel, dtype) * ops.cast(self.runtime_scale, dtype)

    def _add_bias(self, outputs):
        if self.bias is None:
            return outputs
        return outputs + ops.cast(self.bias, outputs.dtype) * ops.cast(self.lr_multiplier, outputs.dtype)

    def get_config(self):
        config = super().get_config()
        config.update({self._UNITS: self.units, "gain": self.gain, "lr_multiplier": self.lr_multiplier,
                       "use_bias": self.use_bias, "bias_init": self.bias_init})
        return config


@keras.saving.register_keras_serializable(package="keras_gans")
class EqualizedDense(_Equalized):
    """A dense layer with an equalized learning rate (Karras et al. 2018, section 4.1).

    ``y = x @ (W * c) + b * lrmul`` with ``W ~ N(0, 1 / lrmul^2)`` stored,
    ``c = lrmul * gain / sqrt(fan_in)`` and ``fan_in`` the input size.

    Args:
        units: output size.
        gain: the He gain (sqrt(2) for a layer followed by LeakyReLU; 1 for a
            linear output, or when the activation carries the gain).
        lr_multiplier: the learning-rate multiplier lrmul (0.01 in StyleGAN's mapping network).
        use_bias: add a bias.
        bias_init: the initial effective bias (1 for StyleGAN2's style affine).
        **kwargs: ``keras.layers.Layer`` arguments.
    """

    _UNITS = "units"

    def build(self, input_shape):
        if len(input_shape) != 2 or input_shape[-1] is None:
            raise ValueError(f"EqualizedDense takes [batch, features] inputs with a known feature size; "
                             f"received input_shape={tuple(input_shape)}.")
        self._build_weights((input_shape[-1], self.units), fan_in=input_shape[-1])

    def call(self, inputs):
        return self._add_bias(ops.matmul(inputs, self.scaled_kernel(inputs.dtype)))

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.units)


@keras.saving.register_keras_serializable(package="keras_gans")
class EqualizedConv2D(_Equalized):
    """A stride-1 2-D convolution with an equalized learning rate (Karras et al. 2018, section 4.1).

    The kernel ``[k, k, C_in, filters]`` is stored as N(0, 1 / lrmul^2) and
    scaled by ``c = lrmul * gain / sqrt(k * k * C_in)`` at run time.

    Args:
        filters: output channels.
        kernel_size: odd side of the square kernel.
        gain: the He gain (sqrt(2) before LeakyReLU, 1 for toRGB or when the activation carries it).
        lr_multiplier: the learning-rate multiplier.
        use_bias: add a bias (StyleGAN2's residual 1x1 shortcut has none).
        bias_init: the initial effective bias.
        padding: ``"same"`` or ``"valid"``.
        **kwargs: ``keras.layers.Layer`` arguments.
    """

    _UNITS = "filters"

    def __init__(self, filters, kernel_size=3, *, padding="same", **kwargs):
        super().__init__(filters, **kwargs)
        self.filters = self.units
        self.kernel_size = checks.positive_int("kernel_size", kernel_size)
        self.padding = checks.one_of("padding", padding, PADDINGS)

    def build(self, input_shape):
        if len(input_shape) != 4 or input_shape[-1] is None:
            raise ValueError(f"EqualizedConv2D takes [batch, height, width, channels] inputs with known "
                             f"channels; received input_shape={tuple(input_shape)}.")
        channels = input_shape[-1]
        self._build_weights((self.kernel_size, self.kernel_size, channels, self.filters),
                            fan_in=self.kernel_size * self.kernel_size * channels)

    def call(self, inputs):
        outputs = ops.conv(inputs, self.scaled_kernel(inputs.dtype), padding=self.padding)
        return self._add_bias(outputs)

    def compute_output_shape(self, input_shape):
        height, width = input_shape[1:3]
        if self.padding == "valid":
            height = None if height is None else height - self.kernel_size + 1
            width = None if width is None else width - self.kernel_size + 1
        return (input_shape[0], height, width, self.filters)

    def get_config(self):
        config = super().get_config()
        config.update(kernel_size=self.kernel_size, padding=self.padding)
        return config


@keras.saving.register_keras_serializable(package="keras_gans")
class ScaledLeakyReLU(keras.layers.Layer):
    """LeakyReLU(``negative_slope``) times ``gain``: StyleGAN2's activation with the He gain in it.

    Karras et al. 2020 (StyleGAN2) keep every weight at gain 1 and multiply
    the LeakyReLU(0.2) output by sqrt(2) instead, which keeps unit-variance
    signals at unit variance.

    Args:
        negative_slope: slope for negative inputs (0.2).
        gain: the output multiplier (sqrt(2)).
        **kwargs: ``keras.layers.Layer`` arguments.
    """

    def __init__(self, negative_slope=0.2, gain=HE_GAIN, **kwargs):
        super().__init__(**kwargs)
        self.negative_slope = checks.rate("negative_slope", negative_slope)
        self.gain = checks.positive_number("gain", gain, any_real=True, finite=True)

    def call(self, inputs):
        return ops.leaky_relu(inputs, self.negative_slope) * ops.cast(self.gain, inputs.dtype)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update(negative_slope=self.negative_slope, gain=self.gain)
        return config
