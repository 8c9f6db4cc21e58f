"""DiffAugment: one random, differentiable augmentation of every image the discriminator sees.

Zhao et al. 2020, "Differentiable Augmentation for Data-Efficient GAN
Training" (NeurIPS 2020): with few training images D memorizes them and
G's quality stalls. Augmenting only the real images teaches G to draw the
augmentations; augmenting real and generated images only in D's step
unbalances the players. DiffAugment transforms every image D judges, real or
generated, in D's step and in G's step, with transforms G's gradient flows
through. The three transforms of the paper and its code:

- ``"color"``: per image, brightness ``+ U[-0.5, 0.5)``, saturation (the
  distance from the pixel's channel mean) ``x U[0, 2)``, contrast (the
  distance from the image's mean) ``x U[0.5, 1.5)``;
- ``"translation"``: a shift of up to 1/8 of the image (``height // 8``
  rows, ``width // 8`` columns), whole pixels, the uncovered border set to 0;
- ``"cutout"``: a rectangle of half the height and half the width, centred
  anywhere in the image (clipped at its edges), set to 0.

Images are ``[batch, height, width, channels]`` in [-1, 1]; each image draws
its own parameters.
"""

import tensorflow as tf
from keras import ops

from keras_gans import checks, distribute, draws

POLICIES = ("color", "translation", "cutout")
# The "color" factors' ranges: brightness (added), saturation and contrast (multiplied).
COLOR_RANGES = ((-0.5, 0.5), (0.0, 2.0), (0.5, 1.5))
REQUIREMENT = checks.policy_requirement(POLICIES)


def is_policy(names):
    """Whether the sequence of strings ``names`` names each of :data:`POLICIES` at most once."""
    return checks.names_each_once(names, POLICIES)


def check_policy(policy):
    """``policy`` (names, or one comma-separated string) as a tuple of names from :data:`POLICIES`, in its order.

    Raises:
        ValueError: naming ``diff_augment``, for an unknown or repeated name.
    """
    return checks.policy("diff_augment", policy, POLICIES)


def adjust_color(images, brightness, saturation, contrast):
    """The ``"color"`` transform with given per-image factors, each ``[batch]``."""
    per_image = [ops.cast(ops.reshape(factor, (-1, 1, 1, 1)), images.dtype)
                 for factor in (brightness, saturation, contrast)]
    images = images + per_image[0]
    pixel_mean = ops.mean(images, axis=3, keepdims=True)
    images = (images - pixel_mean) * per_image[1] + pixel_mean
    image_mean = ops.mean(images, axis=(1, 2, 3), keepdims=True)
    return (images - image_mean) * per_image[2] + image_mean


def translation_margins(images):
    """``(rows, columns)``: the most whole pixels ``"translation"`` moves ``images`` along each axis."""
    return images.shape[1] // 8, images.shape[2] // 8


def translate(images, offsets):
    """Moves image ``i`` down ``offsets[i, 0]`` and right ``offsets[i, 1]`` whole pixels, filling with 0.

    Args:
        images: ``[batch, height, width, channels]``.
        offsets: int32 ``[batch, 2]`` within :func:`translation_margins` of the images.
    """
    height, width = images.shape[1], images.shape[2]
    margin_rows, margin_columns = translation_margins(images)
    padded = tf.pad(images, [[0, 0], [margin_rows, margin_rows], [margin_columns, margin_columns], [0, 0]])
    rows = margin_rows - offsets[:, :1] + tf.range(height)[None, :]           # [batch, height]: source rows
    columns = margin_columns - offsets[:, 1:] + tf.range(width)[None, :]      # [batch, width]: source columns
    return tf.gather(tf.gather(padded, rows, axis=1, batch_dims=1), columns, axis=2, batch_dims=1)


def cutout_size(images):
    """``(rows, columns)`` of the rectangle ``"cutout"`` blanks: half the image along each axis."""
    return images.shape[1] // 2, images.shape[2] // 2


def cut_out(images, centres):
    """Sets to 0 the :func:`cutout_size` rectangle centred at ``centres[i]`` (row, column) of image ``i``.

    The rectangle is clipped where it leaves the image. ``centres`` is int32
    ``[batch, 2]``; :func:`augment` draws each coordinate from ``0`` to the
    image's side along that axis when the rectangle's side is even, to one
    less when it is odd, as the paper's code does.
    """
    height, width = images.shape[1], images.shape[2]
    size = cutout_size(images)
    rows = tf.range(height)[None, :] - (centres[:, :1] - size[0] // 2)        # [batch, height]: row in the cutout
    columns = tf.range(width)[None, :] - (centres[:, 1:] - size[1] // 2)      # [batch, width]
    inside = (((rows >= 0) & (rows < size[0]))[:, :, None]
              & ((columns >= 0) & (columns < size[1]))[:, None, :])         # [batch, height, width]
    return images * ops.cast(~inside, images.dtype)[..., None]


def augment(images, policy, seed):
    """Applies the transforms of ``policy`` in its order, each with parameters drawn per image.

    The parameters are drawn for the global batch and sliced per replica
    (:func:`keras_gans.distribute.replica_slice`), so a distributed run
    augments as one device does.

    Args:
        images: ``[batch, height, width, channels]`` in [-1, 1], a static size.
        policy: names from :data:`POLICIES` (:func:`check_policy`); empty = unchanged.
        seed: a ``keras.random.SeedGenerator``.

    Returns:
        The augmented images, of the shape and dtype of ``images``.

    Raises:
        ValueError: naming ``diff_augment``, for samples that are not images.
    """
    policy = check_policy(policy)
    if policy and len(images.shape) != 4:
        raise ValueError(f"`diff_augment`={','.join(policy)} transforms images [batch, height, width, channels]; "
                         f"received samples of shape {tuple(images.shape)}.")
    batch = ops.shape(images)[0]
    for name in policy:
        if name == "color":
            images = adjust_color(images, *(uniform_per_image(batch, low, high, seed) for low, high in COLOR_RANGES))
        elif name == "translation":
            images = translate(images, _integers(batch, [(-m, m + 1) for m in translation_margins(images)], seed))
        else:
            centres = [(0, side + 1 - size % 2) for side, size in zip(images.shape[1:3], cutout_size(images))]
            images = cut_out(images, _integers(batch, centres, seed))
    return images


def uniform_per_image(batch, low, high, seed):
    """``[batch]`` floats from ``U[low, high)``: this replica's rows of the global batch's draw."""
    return distribute.replica_slice(lambda rows: draws.uniform((rows,), low, high, seed=seed), batch)


def _integers(batch, bounds, seed):
    """int32 ``[batch, 2]``: column ``j`` uniform over the integers of ``range(*bounds[j])``, per replica."""
    low = tf.constant([b[0] for b in bounds], tf.float32)
    span = tf.constant([b[1] - b[0] for b in bounds], tf.float32)
    fractions = distribute.replica_slice(lambda rows: draws.uniform((rows, 2), seed=seed), batch)
    return tf.cast(tf.floor(low + fractions * span), tf.int32)
