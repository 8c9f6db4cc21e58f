"""Style augmentation: random warps and stroke-width changes that keep what a drawing depicts.

InfoGAN (Chen et al. 2016) asks only that Q recover the codes from G(z, c),
and a categorical code that splits handwritten digits by slant or stroke
width is as recoverable as one that splits them by class. When Q must read
the categorical code from a copy of the image whose slant, size, position and
stroke width were changed at random, a split by style is no longer
recoverable and a split by class still is: the invariance that Invariant
Information Clustering (Ji et al. 2019) asks of its clusters.
:class:`keras_gans.models.InfoGAN` applies it with ``code_augment``.

The transforms, each drawn per image:

- ``"warp"``: about the image centre, a rotation by ``U[-0.3, 0.3]``
  radians, a horizontal shear of ``U[-0.3, 0.3]``, a scale of
  ``U[0.85, 1.15]`` along each axis and a shift of ``U[-1, 1]`` pixels along
  each axis; bilinear, the border extended from the nearest pixel;
- ``"stroke"``: strokes thickened or thinned: a blend by ``t ~ U[-1, 1]``
  towards the 3x3 grey dilation (``t > 0``) or erosion (``t < 0``), for
  light strokes on a dark ground (digits).

Images are ``[batch, height, width, channels]``; the transforms are
differentiable in the images, so G's gradient flows through them.
"""

import tensorflow as tf
from keras import ops

from keras_gans import checks
from keras_gans.diff_augment import uniform_per_image

POLICIES = ("warp", "stroke")
# (low, high) of the "warp" parameters: rotation (radians), shear, scale per axis, shift per axis (pixels).
WARP_RANGES = {"rotation": (-0.3, 0.3), "shear": (-0.3, 0.3), "scale": (0.85, 1.15), "shift": (-1.0, 1.0)}


def check_policy(policy):
    """``policy`` (names, or one comma-separated string) as a tuple of names from :data:`POLICIES`, in its order.

    Raises:
        ValueError: naming ``code_augment``, for an unknown or repeated name.
    """
    return checks.policy("code_augment", policy, POLICIES)


def xla_unsupported(policy):
    """Why XLA cannot compile a step that applies ``policy``, or None: the warp resamples with
    ``ImageProjectiveTransformV3``, which has no XLA kernel; the stroke change is max pools."""
    if "warp" in check_policy(policy):
        return "its code_augment 'warp' resamples images with ImageProjectiveTransformV3, which XLA cannot compile"
    return None


def warp_transforms(height, width, rotation, shear, scale_x, scale_y, shift_x, shift_y):
    """The ``[batch, 8]`` projective transforms of :func:`warp` for per-image parameters, each ``[batch]``.

    The content is scaled, then sheared (``x += shear * y``), then rotated
    (by ``rotation`` radians, from the x axis towards the y axis, which points
    down the rows), all about the image centre, then moved ``shift_x``
    columns right and ``shift_y`` rows down. Each row maps an output pixel
    ``(x, y)`` to the input point it samples, as ``tf.raw_ops.ImageProjectiveTransformV3``
    expects: the inverse of the content's motion.
    """
    cos, sin = ops.cos(rotation), ops.sin(rotation)
    # Inverse of rotate @ shear @ scale: diag(1/sx, 1/sy) @ [[1, -shear], [0, 1]] @ rotate(-angle).
    a00 = (cos + shear * sin) / scale_x
    a01 = (sin - shear * cos) / scale_x
    a10 = -sin / scale_y
    a11 = cos / scale_y
    centre_x, centre_y = (width - 1) / 2, (height - 1) / 2
    x, y = centre_x + shift_x, centre_y + shift_y  # where the centre's content goes
    a02 = centre_x - a00 * x - a01 * y
    a12 = centre_y - a10 * x - a11 * y
    zeros = ops.zeros_like(a00)
    return ops.stack([a00, a01, a02, a10, a11, a12, zeros, zeros], axis=1)


def warp(images, transforms):
    """Samples ``images`` bilinearly where ``transforms`` (:func:`warp_transforms`) say, extending the border."""
    height, width = images.shape[1], images.shape[2]
    return tf.raw_ops.ImageProjectiveTransformV3(
        images=images, transforms=ops.cast(transforms, "float32"), output_shape=[height, width],
        fill_value=0.0, interpolation="BILINEAR", fill_mode="NEAREST")


def change_stroke(images, amount):
    """Blends image ``i`` by ``amount[i]`` in [-1, 1] towards its 3x3 grey dilation (> 0) or erosion (< 0)."""
    amount = ops.cast(ops.reshape(amount, (-1, 1, 1, 1)), images.dtype)
    dilated = tf.nn.max_pool2d(images, 3, 1, "SAME")
    eroded = -tf.nn.max_pool2d(-images, 3, 1, "SAME")
    return images + ops.relu(amount) * (dilated - images) + ops.relu(-amount) * (eroded - images)


def augment(images, policy, seed):
    """Applies the transforms of ``policy`` in its order, each with parameters drawn per image.

    The parameters are drawn for the global batch and sliced per replica, so
    a distributed run augments as one device does.

    Args:
        images: ``[batch, height, width, channels]``, a static size.
        policy: names from :data:`POLICIES` (:func:`check_policy`); empty = unchanged.
        seed: a ``keras.random.SeedGenerator``.

    Returns:
        The augmented images, of the shape of ``images``.
    """
    batch = ops.shape(images)[0]
    for name in check_policy(policy):
        if name == "warp":
            parameters = [uniform_per_image(batch, *WARP_RANGES[key], seed)
                          for key in ("rotation", "shear", "scale", "scale", "shift", "shift")]
            images = warp(images, warp_transforms(images.shape[1], images.shape[2], *parameters))
        else:
            images = change_stroke(images, uniform_per_image(batch, -1.0, 1.0, seed))
    return images
