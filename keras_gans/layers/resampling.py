"""Padding and upsampling of the image-to-image networks.

- :class:`ReflectionPadding2D` (CycleGAN's padding, Zhu et al. 2017).
- :class:`SubPixelUpsampling` (the sub-pixel shuffle of Shi et al. 2016, used by
  SRGAN, Ledig et al. 2017).
"""

import keras
import tensorflow as tf
from keras import ops

from keras_gans import checks


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
        pads = (padding, padding) if checks.is_int(padding) else padding
        try:
            pads = tuple(pads)
        except TypeError:
            pads = None
        if pads is None or len(pads) != 2 or not all(checks.is_int(p) and p >= 0 for p in pads):
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
        self.scale = checks.positive_int("scale", scale, minimum=2)

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
