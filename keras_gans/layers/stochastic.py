"""Keras's random regularization layers with their draws on Philox by name (:mod:`keras_gans.draws`).

Without XLA each computes exactly what the Keras layer it extends computes,
from the same seed-generator state. Under XLA on a CPU, Keras's layers draw
with TensorFlow's default algorithm, which compiles to something far slower
(``python benchmarks/xla_by_experiment.py --random_numbers``); these stay as
fast as without XLA. They take the Keras layers' arguments, and ``.keras``
files written with the Keras layers still load as they were.
"""

import keras
from keras import ops

from keras_gans import draws


@keras.saving.register_keras_serializable(package="keras_gans")
class Dropout(keras.layers.Dropout):
    """``keras.layers.Dropout`` (Srivastava et al. 2014) with its mask drawn by :func:`keras_gans.draws.dropout`."""

    def call(self, inputs, training=False):
        if training and self.rate > 0:
            return draws.dropout(inputs, self.rate, noise_shape=self.noise_shape, seed=self.seed_generator)
        return inputs


@keras.saving.register_keras_serializable(package="keras_gans")
class GaussianNoise(keras.layers.GaussianNoise):
    """``keras.layers.GaussianNoise`` with its noise drawn by :func:`keras_gans.draws.normal`."""

    def call(self, inputs, training=False):
        if training and self.stddev > 0:
            return inputs + draws.normal(ops.shape(inputs), stddev=self.stddev, dtype=self.compute_dtype,
                                         seed=self.seed_generator)
        return inputs
