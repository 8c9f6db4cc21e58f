"""VGG19 feature maps for SRGAN's perceptual content loss (Ledig et al. 2017).

The paper's VGG54 loss compares phi_5,4, "the feature map obtained by the
4th convolution (after activation) before the 5th maxpooling layer" of VGG19
(Simonyan & Zisserman 2015): Keras's layer ``block5_conv4``. VGG19 expects
Caffe-style inputs (BGR, 0..255, ImageNet mean subtracted); the extractor
takes images in [-1, 1] and converts them with two standard layers: a
``Rescaling`` to 0..255 minus the RGB mean and a frozen 1x1 convolution that
reverses the channel order. Grayscale images are repeated to three channels.

Nothing is downloaded: ``weights`` is None (random initialization, for tests)
or the path of a local Keras VGG19 weights file, e.g.
``vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5``.
"""

import os

import keras
import numpy as np

from keras_gans import checks

IMAGENET_MEAN_RGB = (123.68, 116.779, 103.939)
DEFAULT_LAYER = "block5_conv4"


def feature_extractor(image_shape, *, weights=None, layer=DEFAULT_LAYER, name="vgg19_features"):
    """Builds the frozen ``images in [-1, 1] -> VGG19 features of `layer``` model.

    Args:
        image_shape: ``(height, width, channels)`` with 1 or 3 channels,
            height and width >= 32.
        weights: None or the path of a local VGG19 (no top) weights file.
        layer: the VGG19 layer whose output is returned (``block5_conv4`` = phi_5,4;
            ``block2_conv2`` = phi_2,2).
        name: model name.

    Returns:
        A non-trainable functional ``keras.Model`` with input ``"images"``.

    Raises:
        ValueError: for a bad shape, a missing weights file or an unknown layer.
    """
    height, width, channels = checks.image_shape(image_shape)
    if channels not in (1, 3) or min(height, width) < 32:
        raise ValueError(f"`image_shape` must have 1 or 3 channels and sides >= 32 for VGG19; received "
                         f"image_shape={image_shape!r}.")
    if weights is not None and not os.path.isfile(os.fspath(weights)):
        raise ValueError(f"`weights` must be None or the path of a VGG19 weights file; received "
                         f"weights={weights!r} (no such file; nothing is downloaded).")
    vgg = keras.applications.VGG19(include_top=False, weights=None if weights is None else os.fspath(weights),
                                   input_shape=(height, width, 3))
    try:
        features = vgg.get_layer(layer).output
    except ValueError as error:
        raise ValueError(f"`layer`={layer!r} is not a layer of VGG19.") from error
    vgg_trunk = keras.Model(vgg.inputs, features, name="vgg19")

    images = keras.Input((height, width, channels), name="images")
    x = images if channels == 3 else keras.layers.Concatenate(name="gray_to_rgb")([images] * 3)
    x = keras.layers.Rescaling(127.5, offset=[127.5 - m for m in IMAGENET_MEAN_RGB], name="to_caffe_range")(x)
    reverse = keras.layers.Conv2D(3, 1, use_bias=False, trainable=False, name="rgb_to_bgr",
                                  kernel_initializer=keras.initializers.Constant(np.eye(3)[::-1].reshape(1, 1, 3, 3)))
    model = keras.Model(images, vgg_trunk(reverse(x)), name=name)
    model.trainable = False
    return model
