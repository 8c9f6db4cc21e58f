"""Pixelwise feature normalization (Karras et al. 2018, section 4.2)."""

import keras
from keras import ops

from keras_gans import checks


@keras.saving.register_keras_serializable(package="keras_gans")
class PixelNorm(keras.layers.Layer):
    """Normalizes each pixel's feature vector to unit mean square.

    "Progressive Growing of GANs", section 4.2: ``b = a / sqrt(mean_c(a^2) +
    epsilon)`` over the channels of every pixel (the mean, not the sum), with
    epsilon = 1e-8. ProGAN applies it in G after every convolution's
    activation and to z; StyleGAN's mapping network normalizes z with it. The
    last axis is normalized, so it works on feature maps ``[N, H, W, C]`` and
    on vectors ``[N, C]`` alike.

    Args:
        epsilon: non-negative number added to the mean square.
        **kwargs: ``keras.layers.Layer`` arguments.
    """

    def __init__(self, epsilon=1e-8, **kwargs):
        super().__init__(**kwargs)
        self.epsilon = checks.weight("epsilon", epsilon, any_real=True, finite=True)

    def call(self, inputs):
        mean_square = ops.mean(ops.square(inputs), axis=-1, keepdims=True)
        return inputs * ops.rsqrt(mean_square + ops.cast(self.epsilon, inputs.dtype))

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update(epsilon=self.epsilon)
        return config
