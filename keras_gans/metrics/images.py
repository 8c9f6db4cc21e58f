"""Image-to-image measures: fidelity to a reference (PSNR, L1) and sharpness (gradient energy)."""

import numpy as np

from keras_gans import checks


def _image_batches(images, references=None):
    images = np.asarray(images, dtype=np.float64)
    if images.ndim != 4 or images.shape[0] == 0:
        raise ValueError(f"`images` must be a non-empty [n, H, W, C] batch; received shape {images.shape}.")
    if references is None:
        return images
    references = np.asarray(references, dtype=np.float64)
    if references.shape != images.shape:
        raise ValueError(f"`references` must have the shape of `images` {images.shape}; received "
                         f"shape {references.shape}.")
    return images, references


def psnr(images, references, data_range=2.0):
    """Mean peak signal-to-noise ratio, in dB, of images against their references.

    Per image ``10 log10(data_range^2 / MSE)``, averaged over the images as the
    super-resolution papers report it (Ledig et al. 2017, table 2). For images
    in [-1, 1] the range is 2, which gives the same value as 0..255 pixels
    with range 255. An image equal to its reference has infinite PSNR.

    Args:
        images: ``[n, H, W, C]`` images.
        references: ``[n, H, W, C]`` ground truth.
        data_range: the span of pixel values (2 for [-1, 1]).

    Returns:
        A float (dB), ``inf`` when every image equals its reference.
    """
    images, references = _image_batches(images, references)
    data_range = checks.positive_real("data_range", data_range)
    mse = np.mean((images - references) ** 2, axis=(1, 2, 3))  # [n]
    with np.errstate(divide="ignore"):
        per_image = 10.0 * np.log10(data_range ** 2 / mse)
    return float(np.mean(per_image))


def mean_absolute_error(images, references):
    """``mean |images - references|`` over every pixel: the L1 distance Pix2Pix reports against.

    Args:
        images: ``[n, H, W, C]`` images.
        references: ``[n, H, W, C]`` ground truth.

    Returns:
        A float >= 0.
    """
    images, references = _image_batches(images, references)
    return float(np.mean(np.abs(images - references)))


def gradient_energy(images):
    """Mean squared image gradient: a sharpness measure (higher = sharper).

    With forward differences ``dx = I(y, x + 1) - I(y, x)`` and ``dy = I(y + 1,
    x) - I(y, x)``, the energy of an image is ``mean(dx^2) + mean(dy^2)`` over
    its pixels and channels; this returns the mean over the images. Blur
    removes high frequencies and lowers it, which is why regression to the
    mean (L1 or MSE alone) gives lower values than the real images
    (Isola et al. 2017, section 4.2; Ledig et al. 2017, section 1.1).

    Args:
        images: ``[n, H, W, C]`` images, H and W >= 2.

    Returns:
        A float >= 0.
    """
    images = _image_batches(images)
    if images.shape[1] < 2 or images.shape[2] < 2:
        raise ValueError(f"`images` must be at least 2x2; received shape {images.shape}.")
    dx = np.diff(images, axis=2)  # [n, H, W - 1, C]
    dy = np.diff(images, axis=1)  # [n, H - 1, W, C]
    return float(np.mean(np.mean(dx ** 2, axis=(1, 2, 3)) + np.mean(dy ** 2, axis=(1, 2, 3))))
