"""DCGAN's convolution blocks: transposed and strided convolutions with normalization and activation.

Radford et al. 2016 ("Unsupervised Representation Learning with Deep
Convolutional GANs", section 3: strided convolutions instead of pooling), with
optional spectral normalization (Miyato et al. 2018, "Spectral Normalization
for GANs").
"""

import keras

from keras_gans import checks
from keras_gans.layers.common import ACTIVATIONS, NORMALIZATIONS, activation_layer, normalization_layer


class _ConvBlock(keras.layers.Layer):
    """Convolution, optional normalization, activation; the shared part of both blocks."""

    def __init__(self, filters, kernel_size=4, strides=2, normalization="batch", activation="relu",
                 spectral_norm=False, use_bias=None, kernel_initializer="glorot_uniform", **kwargs):
        super().__init__(**kwargs)
        self.kernel_initializer = keras.initializers.get(kernel_initializer)
        self.filters = checks.positive_int("filters", filters)
        self.kernel_size = checks.positive_int("kernel_size", kernel_size)
        self.strides = checks.positive_int("strides", strides)
        self.normalization = checks.one_of("normalization", normalization, NORMALIZATIONS)
        self.activation = checks.one_of("activation", activation, ACTIVATIONS)
        self.spectral_norm = checks.boolean("spectral_norm", spectral_norm)
        # A bias before a normalization that re-centres is wasted.
        self.use_bias = normalization is None if use_bias is None else checks.boolean("use_bias", use_bias)
        conv = self._make_conv(name=f"{self.name}_conv")
        self.conv = keras.layers.SpectralNormalization(conv, name=f"{self.name}_sn") if spectral_norm else conv
        self.norm = normalization_layer(normalization, self.name)
        self.act = activation_layer(activation, self.name)

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
                      spectral_norm=self.spectral_norm, use_bias=self.use_bias,
                      kernel_initializer=keras.initializers.serialize(self.kernel_initializer))
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
        kernel_initializer: of the convolution (DCGAN draws N(0, 0.02)).
        **kwargs: ``keras.layers.Layer`` arguments (name, dtype).
    """

    def __init__(self, filters, kernel_size=4, strides=2, normalization="batch", activation="relu",
                 spectral_norm=False, use_bias=None, kernel_initializer="glorot_uniform", **kwargs):
        super().__init__(filters, kernel_size, strides, normalization, activation, spectral_norm, use_bias,
                         kernel_initializer, **kwargs)

    def _make_conv(self, name):
        return keras.layers.Conv2DTranspose(self.filters, self.kernel_size, strides=self.strides,
                                            padding="same", use_bias=self.use_bias,
                                            kernel_initializer=self.kernel_initializer, name=name)


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
        kernel_initializer: of the convolution (DCGAN draws N(0, 0.02)).
        **kwargs: ``keras.layers.Layer`` arguments (name, dtype).
    """

    def __init__(self, filters, kernel_size=4, strides=2, normalization="batch", activation="leaky_relu",
                 spectral_norm=False, use_bias=None, kernel_initializer="glorot_uniform", **kwargs):
        super().__init__(filters, kernel_size, strides, normalization, activation, spectral_norm, use_bias,
                         kernel_initializer, **kwargs)

    def _make_conv(self, name):
        return keras.layers.Conv2D(self.filters, self.kernel_size, strides=self.strides, padding="same",
                                   use_bias=self.use_bias, kernel_initializer=self.kernel_initializer, name=name)
