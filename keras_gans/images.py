"""Sample grids: from generator outputs in [-1, 1] to PNG files.

Used by ``apps/generate.py`` and the sample-grid callbacks::

    grid = make_grid(to_uint8(images))      # images: [n, H, W, C] in [-1, 1]
    save_png(grid, "samples/epoch_001.png")

:func:`captioned_rows` writes each row's caption above it (text-to-image samples).
"""

import math
import os
import tempfile

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from keras_gans import checks


def to_uint8(images):
    """Maps images from [-1, 1] to uint8 [0, 255]: ``round((x + 1) * 127.5)``, clipped.

    -1 maps to 0 and 1 to 255. The product is computed in float32 and rounded
    to the nearest integer with ties to even (``numpy.round``), so 0, whose
    product is exactly 127.5, maps to 128, and a float32 whose product is
    exactly 64.5 maps to 64. Values outside [-1, 1] are clipped to 0 or 255.
    The map inverts pixel scaling: ``to_uint8(p / 127.5 - 1) == p`` for every
    uint8 ``p``.

    Args:
        images: array-like (NumPy array or tensor) of floats in [-1, 1], any shape.

    Returns:
        A uint8 NumPy array of the same shape.

    Raises:
        ValueError: if ``images`` contains NaN or infinity.
    """
    images = np.asarray(images, dtype=np.float32)
    bad = int(np.size(images) - np.count_nonzero(np.isfinite(images)))
    if bad:
        raise ValueError(f"`images` must be finite; received {bad} NaN/inf value(s) "
                         f"out of {images.size}.")
    return np.clip(np.round((images + 1.0) * 127.5), 0, 255).astype(np.uint8)


def make_grid(images, nrow=None, padding=2, pad_value=0):
    """Tiles a batch of images into one image, row by row.

    ``nrow`` images go in each row (as in torchvision's ``make_grid``); rows are
    added until every image is placed and the last row's empty cells are filled
    with ``pad_value``. ``padding`` pixels separate the cells and frame the grid,
    so with ``c = min(nrow, n)`` columns and ``r = ceil(n / nrow)`` rows the grid
    is ``r * H + (r + 1) * padding`` high and ``c * W + (c + 1) * padding`` wide.

    Args:
        images: ``[n, H, W, C]`` or ``[n, H, W]`` images: uint8, or floats in
            [-1, 1] (converted with :func:`to_uint8`).
        nrow: images per row; default ``ceil(sqrt(n))`` (a square-ish grid).
        padding: pixels between cells and around the grid, >= 0.
        pad_value: uint8 value of the padding.

    Returns:
        A uint8 array ``[grid_H, grid_W, C]``.

    Raises:
        ValueError: a batch that is empty, of the wrong rank or of an integer
            dtype other than uint8; a bad ``nrow``, ``padding`` or ``pad_value``.
    """
    images = np.asarray(images)
    if images.ndim == 3:
        images = images[..., np.newaxis]  # [n, H, W] -> [n, H, W, 1]
    if images.ndim != 4 or images.shape[0] == 0:
        raise ValueError(f"`images` must be a non-empty [n, H, W, C] or [n, H, W] batch; "
                         f"received shape {images.shape}.")
    if images.dtype != np.uint8:
        if not np.issubdtype(images.dtype, np.floating):
            raise ValueError(f"`images` must be uint8, or floats in [-1, 1]; received dtype "
                             f"{images.dtype}.")
        images = to_uint8(images)
    n, height, width, channels = images.shape
    if nrow is None:
        nrow = math.ceil(math.sqrt(n))
    nrow = checks.positive_int("nrow", nrow)
    padding = checks.positive_int("padding", padding, minimum=0)
    if not 0 <= pad_value <= 255:
        raise ValueError(f"`pad_value` must be in [0, 255]; received pad_value={pad_value!r}.")
    cols = min(int(nrow), n)
    rows = math.ceil(n / cols)
    grid = np.full((rows * height + (rows + 1) * padding, cols * width + (cols + 1) * padding,
                    channels), pad_value, dtype=np.uint8)
    for index in range(n):
        row, col = divmod(index, cols)
        top = padding + row * (height + padding)
        left = padding + col * (width + padding)
        grid[top:top + height, left:left + width] = images[index]
    return grid


def save_png(array, path):
    """Writes a uint8 image to ``path`` as PNG, atomically.

    The file is written next to ``path`` under a temporary name and renamed
    over it, so a reader (TensorBoard, a browser) never sees half a file.
    Missing parent folders are created.

    Args:
        array: uint8 ``[H, W]``, ``[H, W, 1]`` (grayscale), ``[H, W, 3]`` (RGB)
            or ``[H, W, 4]`` (RGBA).
        path: destination file.

    Returns:
        ``path``.

    Raises:
        ValueError: ``array`` is not uint8 or has another shape.
    """
    array = np.asarray(array)
    if array.dtype != np.uint8:
        raise ValueError(f"`array` must be uint8 (see to_uint8); received dtype {array.dtype}.")
    if array.ndim == 3 and array.shape[-1] == 1:
        array = array[..., 0]  # [H, W, 1] -> [H, W]: PNG grayscale
    if not (array.ndim == 2 or (array.ndim == 3 and array.shape[-1] in (3, 4))):
        raise ValueError(f"`array` must be [H, W], [H, W, 1], [H, W, 3] or [H, W, 4]; "
                         f"received shape {array.shape}.")
    path = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".", suffix=".png.tmp", dir=directory)
    try:
        with os.fdopen(handle, "wb") as file:
            Image.fromarray(array).save(file, format="PNG")
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.remove(temporary)
        raise
    return path


def _wrap(text, font, width):
    """``text`` broken into lines no wider than ``width`` pixels (a word longer than that keeps its line)."""
    lines, line = [], ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if line and font.getlength(candidate) > width:
            lines.append(line)
            line = word
        else:
            line = candidate
    return lines + [line] if line else lines or [""]


def captioned_rows(rows, captions, padding=2, font_size=11):
    """Rows of images, each under its caption: the text-to-image sample picture.

    Args:
        rows: ``[r, k, H, W, C]`` (or ``[r, k, H, W]``): row ``i`` holds the
            ``k`` images made for ``captions[i]``; uint8, or floats in [-1, 1].
        captions: ``r`` strings, wrapped to the width of a row.
        padding: pixels between the images, as :func:`make_grid`.
        font_size: size of Pillow's default font, in pixels.

    Returns:
        uint8 ``[height, width, C]``: for each row, its caption (white on
        black) and then its images.

    Raises:
        ValueError: when the counts of rows and captions differ.
    """
    rows = np.asarray(rows)
    if rows.ndim == 4:
        rows = rows[..., np.newaxis]
    if rows.ndim != 5 or rows.shape[0] == 0 or rows.shape[0] != len(captions):
        raise ValueError(f"`rows` must be [r, k, H, W, C] with one row per caption; received shape {rows.shape} "
                         f"and {len(captions)} captions.")
    font = ImageFont.load_default(size=checks.positive_int("font_size", font_size))
    line_height = font_size + 3
    blocks = []
    for row, caption in zip(rows, captions):
        images = make_grid(row, nrow=row.shape[0], padding=padding)  # [h, w, C]
        width, channels = images.shape[1], images.shape[2]
        lines = _wrap(str(caption), font, width - 2 * padding)
        band = Image.new("L", (width, len(lines) * line_height + padding), 0)
        draw = ImageDraw.Draw(band)
        for number, line in enumerate(lines):
            draw.text((padding, padding + number * line_height), line, fill=255, font=font)
        text = np.repeat(np.asarray(band, np.uint8)[..., np.newaxis], channels, axis=2)
        blocks.extend([text, images[padding:]])  # the band replaces the grid's top padding
    return np.concatenate([np.zeros_like(blocks[0][:padding])] + blocks, axis=0)
