"""The maxout unit (Goodfellow et al. 2013, "Maxout Networks", section 3).

Each of the layer's ``units`` outputs is the maximum of ``pieces`` affine
functions of the input: ``h_i(x) = max_j (x W_ij + b_ij)``. The discriminators
of the VEEGAN and PacGAN 2-D experiments are stacks of such layers.
"""

import keras
from keras import ops

from keras_gans import checks


@keras.saving.register_keras_serializable(package="keras_gans")
class Maxout(keras.layers.Layer):
    """A dense maxout layer: ``units`` outputs, each the max over ``pieces`` linear pieces.

    The weight ``kernel`` is ``[features, units * pieces]`` and ``bias``
    ``[units * pieces]``; output ``i`` takes the maximum over columns
    ``i * pieces`` to ``i * pieces + pieces - 1``. Inputs are ``[batch, features]``.

    Args:
        units: outputs of the layer.
        pieces: k, the linear pieces each output maximizes over.
        kernel_initializer: initializer of the kernel.
        **kwargs: ``keras.layers.Layer`` arguments.
    """

    def __init__(self, units, pieces, kernel_initializer="glorot_uniform", **kwargs):
        super().__init__(**kwargs)
        self.units = checks.positive_int("units", units)
        self.pieces = checks.positive_int("pieces", pieces)
        self.kernel_initializer = keras.initializers.get(kernel_initializer)

    def build(self, input_shape):
        if len(input_shape) != 2 or input_shape[-1] is None:
            raise ValueError(f"Maxout takes [batch, features] inputs with a known feature size; "
                             f"received input_shape={tuple(input_shape)}.")
        width = self.units * self.pieces
        self.kernel = self.add_weight(name="kernel", shape=(input_shape[-1], width),
                                      initializer=self.kernel_initializer)
        self.bias = self.add_weight(name="bias", shape=(width,), initializer="zeros")

    def call(self, inputs):
        affine = ops.matmul(inputs, ops.cast(self.kernel, inputs.dtype)) + ops.cast(self.bias, inputs.dtype)
        return ops.max(ops.reshape(affine, (-1, self.units, self.pieces)), axis=-1)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.units)

    def get_config(self):
        config = super().get_config()
        config.update(units=self.units, pieces=self.pieces,
                      kernel_initializer=keras.initializers.serialize(self.kernel_initializer))
        return config
