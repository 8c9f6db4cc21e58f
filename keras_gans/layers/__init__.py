"""Reusable Keras layers of the GAN papers.

- :class:`UpsampleBlock` / :class:`DownsampleBlock` (``conv_blocks``): the
  transposed-conv and strided-conv blocks of DCGAN (Radford et al. 2016,
  "Unsupervised Representation Learning with Deep Convolutional GANs", section
  3: strided convolutions instead of pooling), with optional normalization and
  spectral normalization (Miyato et al. 2018, "Spectral Normalization for GANs").
- :class:`MinibatchDiscrimination` (``minibatch``; Salimans et al. 2016,
  "Improved Techniques for Training GANs", section 3.2).
- :class:`Maxout` (``maxout``; Goodfellow et al. 2013, "Maxout Networks"),
  the unit of the VEEGAN/PacGAN 2-D discriminators.
- :class:`MinibatchStdDev` (``minibatch``; Karras et al. 2018, "Progressive
  Growing of GANs", section 3).
- :class:`EqualizedDense`, :class:`EqualizedConv2D`, :class:`ScaledLeakyReLU`
  (``equalized``), :class:`PixelNorm` (``normalization``) and :class:`FadeIn`
  (``fade``): the pieces of progressive growing (Karras et al. 2018,
  sections 2 and 4).
- :class:`ModulatedConv2D`, :class:`NoiseInjection`, :class:`ConstantInput`,
  :class:`StyleSelect` and :class:`Truncation` (``style``): StyleGAN2's
  synthesis (Karras et al. 2020).
- :class:`ReflectionPadding2D` (``resampling``; CycleGAN's padding, Zhu et al.
  2017) and :class:`SubPixelUpsampling` (the sub-pixel shuffle of Shi et al.
  2016, used by SRGAN, Ledig et al. 2017).
- :class:`ClassOneHot` and :func:`checked_class_ids` (``classes``): labels into
  conditional networks (Mirza & Osindero 2014), with a range check.
- :class:`SNDense`, :class:`SNConv2D`, :class:`SNEmbedding` (``spectral``):
  spectral normalization that trains the raw weight, as BigGAN's code does
  (Miyato et al. 2018; Brock et al. 2019).
- :class:`SelfAttention` (``attention``; Zhang et al. 2019, "Self-Attention GANs").
- :class:`ConditionalBatchNorm`, :class:`ClassProjection`, :class:`LatentChunks`
  (``conditioning``; BigGAN's conditional BN and hierarchical z, Miyato &
  Koyama 2018's projection discriminator) and :class:`LatentTruncation`
  (``truncation``; BigGAN's truncation trick).
- :class:`MaskedAverage`, :class:`CaptionKey`, :class:`CaptionSwap` and :func:`standardize_text`
  (``text``): the text side of text-to-image models (Reed et al. 2016).
- :class:`Dropout` and :class:`GaussianNoise` (``stochastic``): Keras's
  layers with their draws on Philox, fast under XLA (:mod:`keras_gans.draws`).
- :func:`normalization_layer` and :func:`activation_layer` (``common``): the
  factories the blocks and the network builders share.

Every layer is registered under the ``keras_gans`` package (``keras_gans>ClassName``),
so models that use them load from ``.keras`` files.
"""

from keras_gans.layers.attention import SelfAttention
from keras_gans.layers.classes import ClassOneHot, checked_class_ids
from keras_gans.layers.common import (ACTIVATIONS, LEAKY_RELU_SLOPE, NORMALIZATIONS, activation_layer,
                                      normalization_layer)
from keras_gans.layers.conditioning import ClassProjection, ConditionalBatchNorm, LatentChunks
from keras_gans.layers.conv_blocks import DownsampleBlock, UpsampleBlock
from keras_gans.layers.equalized import EqualizedConv2D, EqualizedDense, ScaledLeakyReLU
from keras_gans.layers.fade import FadeIn
from keras_gans.layers.maxout import Maxout
from keras_gans.layers.minibatch import MinibatchDiscrimination, MinibatchStdDev
from keras_gans.layers.normalization import PixelNorm
from keras_gans.layers.resampling import ReflectionPadding2D, SubPixelUpsampling
from keras_gans.layers.stochastic import Dropout, GaussianNoise
from keras_gans.layers.style import ConstantInput, ModulatedConv2D, NoiseInjection, StyleSelect, Truncation
from keras_gans.layers.spectral import SNConv2D, SNDense, SNEmbedding
from keras_gans.layers.truncation import LatentTruncation, truncate_latent, truncated_normal
from keras_gans.layers.text import CaptionKey, CaptionSwap, MaskedAverage, standardize_text

__all__ = ["ACTIVATIONS", "LEAKY_RELU_SLOPE", "NORMALIZATIONS", "ClassOneHot", "ConstantInput", "DownsampleBlock",
           "Dropout", "EqualizedConv2D", "EqualizedDense", "FadeIn", "GaussianNoise", "ModulatedConv2D",
           "NoiseInjection", "PixelNorm", "ScaledLeakyReLU", "StyleSelect", "Truncation",
           "MinibatchDiscrimination", "MinibatchStdDev", "ReflectionPadding2D", "SubPixelUpsampling", "UpsampleBlock",
           "activation_layer", "checked_class_ids", "normalization_layer"]
__all__ += ["ClassProjection", "ConditionalBatchNorm", "LatentChunks", "LatentTruncation", "SNConv2D", "SNDense",
            "SNEmbedding", "SelfAttention", "truncate_latent", "truncated_normal"]
__all__ += ["CaptionKey", "CaptionSwap", "MaskedAverage", "Maxout", "standardize_text"]
