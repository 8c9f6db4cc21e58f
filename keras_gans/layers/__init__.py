"""Reusable Keras layers of the GAN papers.

- :class:`UpsampleBlock` / :class:`DownsampleBlock` (``conv_blocks``): the
  transposed-conv and strided-conv blocks of DCGAN (Radford et al. 2016,
  "Unsupervised Representation Learning with Deep Convolutional GANs", section
  3: strided convolutions instead of pooling), with optional normalization and
  spectral normalization (Miyato et al. 2018, "Spectral Normalization for GANs").
- :class:`MinibatchDiscrimination` (``minibatch``; Salimans et al. 2016,
  "Improved Techniques for Training GANs", section 3.2).
- :class:`MinibatchStdDev` (``minibatch``; Karras et al. 2018, "Progressive
  Growing of GANs", section 3).
- :class:`ReflectionPadding2D` (``resampling``; CycleGAN's padding, Zhu et al.
  2017) and :class:`SubPixelUpsampling` (the sub-pixel shuffle of Shi et al.
  2016, used by SRGAN, Ledig et al. 2017).
- :class:`ClassOneHot` and :func:`checked_class_ids` (``classes``): labels into
  conditional networks (Mirza & Osindero 2014), with a range check.
- :class:`MaskedAverage`, :class:`CaptionKey` and :func:`standardize_text`
  (``text``): the text side of text-to-image models (Reed et al. 2016).
- :func:`normalization_layer` and :func:`activation_layer` (``common``): the
  factories the blocks and the network builders share.

Every layer is registered under the ``keras_gans`` package (``keras_gans>ClassName``),
so models that use them load from ``.keras`` files.
"""

from keras_gans.layers.classes import ClassOneHot, checked_class_ids
from keras_gans.layers.common import (ACTIVATIONS, LEAKY_RELU_SLOPE, NORMALIZATIONS, activation_layer,
                                      normalization_layer)
from keras_gans.layers.conv_blocks import DownsampleBlock, UpsampleBlock
from keras_gans.layers.minibatch import MinibatchDiscrimination, MinibatchStdDev
from keras_gans.layers.resampling import ReflectionPadding2D, SubPixelUpsampling
from keras_gans.layers.text import CaptionKey, MaskedAverage, standardize_text

__all__ = ["ACTIVATIONS", "LEAKY_RELU_SLOPE", "NORMALIZATIONS", "CaptionKey", "ClassOneHot", "DownsampleBlock",
           "MaskedAverage", "MinibatchDiscrimination", "MinibatchStdDev", "ReflectionPadding2D", "SubPixelUpsampling",
           "UpsampleBlock", "activation_layer", "checked_class_ids", "normalization_layer", "standardize_text"]
