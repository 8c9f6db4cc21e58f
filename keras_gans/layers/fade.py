"""The fade-in of a new resolution in progressive growing (Karras et al. 2018, section 2, Fig. 2)."""

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="keras_gans")
class FadeIn(keras.layers.Layer):
    """Blends the old path into the new one: ``(1 - alpha) * old + alpha * new``.

    "Progressive Growing of GANs", Fig. 2: while a new block fades in, G's
    image is ``(1 - alpha)`` times the previous resolution's toRGB output
    (upsampled) plus ``alpha`` times the new block's, and D blends its
    fromRGB paths the same way; alpha rises linearly from 0 to 1. Written so,
    alpha = 0 returns ``old`` and alpha = 1 returns ``new`` exactly.

    Call it on ``[old, new, alpha]``: two tensors of one shape and alpha, a
    scalar (or anything that broadcasts against them).
    """

    def call(self, inputs):
        old, new, alpha = inputs
        alpha = ops.cast(alpha, new.dtype)
        return (1.0 - alpha) * old + alpha * new

    def compute_output_shape(self, input_shape):
        return input_shape[1]
