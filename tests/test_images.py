"""Sample grids: [-1, 1] floats -> uint8 -> tiled grid -> PNG."""

import os

import numpy as np
import pytest
from PIL import Image

from keras_gans import images


@pytest.mark.parametrize("value, expected", [
    (-1.0, 0), (1.0, 255), (0.0, 128),  # 0 -> 127.5, a tie, rounds to the even 128
    (-2.0, 0), (3.0, 255), (-1e6, 0), (1e6, 255),  # clipped
    (0.5, 191),  # 1.5 * 127.5 = 191.25
    (-0.5, 64),  # 0.5 * 127.5 = 63.75
])
def test_to_uint8_maps_the_range_and_clips(value, expected):
    assert images.to_uint8(np.array([value])).tolist() == [expected]


def test_to_uint8_rounds_to_nearest_with_ties_to_even():
    # float32 values whose scaled value (x + 1) * 127.5 is exactly k + 0.5 in float32.
    ties = np.array([-0.4941176474094391, -0.48627451062202454], np.float32)
    scaled = (ties + np.float32(1.0)) * np.float32(127.5)
    assert scaled.tolist() == [64.5, 65.5]
    assert images.to_uint8(ties).tolist() == [64, 66]  # ties go to the even neighbour
    # Off the ties, nearest: just below and above 127.5.
    assert images.to_uint8(np.array([126.49 / 127.5 - 1, 126.51 / 127.5 - 1])).tolist() == [126, 127]


def test_to_uint8_inverts_pixel_scaling():
    pixels = np.arange(256, dtype=np.uint8)
    assert np.array_equal(images.to_uint8(pixels.astype(np.float32) / 127.5 - 1.0), pixels)


def test_to_uint8_keeps_shape_and_returns_uint8():
    out = images.to_uint8(np.zeros((2, 3, 4, 1)))
    assert out.dtype == np.uint8 and out.shape == (2, 3, 4, 1)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_to_uint8_rejects_nan_and_inf(bad):
    with pytest.raises(ValueError, match="1 NaN/inf value"):
        images.to_uint8(np.array([0.0, bad, 0.5]))


def numbered(n, height=2, width=3, channels=1):
    """uint8 images [n, H, W, C] where image i is filled with the value 10 * (i + 1)."""
    values = 10 * (np.arange(n, dtype=np.uint8) + 1)
    return np.broadcast_to(values[:, None, None, None], (n, height, width, channels)).copy()


def test_make_grid_places_cells_row_by_row_with_padding():
    grid = images.make_grid(numbered(6), nrow=3, padding=1, pad_value=255)
    # 2 rows of 3 cells of 2x3 pixels with 1 pixel of padding between and around.
    assert grid.shape == (2 * 2 + 3 * 1, 3 * 3 + 4 * 1, 1)
    for index in range(6):
        row, col = divmod(index, 3)
        top, left = 1 + row * 3, 1 + col * 4
        assert np.all(grid[top:top + 2, left:left + 3] == 10 * (index + 1)), index
    # Every pixel outside a cell is padding.
    mask = np.ones(grid.shape[:2], bool)
    for index in range(6):
        row, col = divmod(index, 3)
        mask[1 + row * 3:3 + row * 3, 1 + col * 4:4 + col * 4] = False
    assert np.all(grid[mask] == 255)
    assert mask.sum() == grid.shape[0] * grid.shape[1] - 6 * 6


def test_make_grid_partial_last_row_is_padding():
    grid = images.make_grid(numbered(5), nrow=3, padding=2, pad_value=7)
    assert grid.shape == (2 * 2 + 3 * 2, 3 * 3 + 4 * 2, 1)
    assert np.all(grid[6:8, 2:5] == 40) and np.all(grid[6:8, 7:10] == 50)  # cells 3 and 4
    assert np.all(grid[6:8, 12:15] == 7)  # the sixth cell is empty


def test_make_grid_default_nrow_is_ceil_sqrt_and_no_padding():
    grid = images.make_grid(numbered(5, height=1, width=1), padding=0)
    # ceil(sqrt(5)) = 3 per row -> 2 rows.
    assert grid[..., 0].tolist() == [[10, 20, 30], [40, 50, 0]]
    single_row = images.make_grid(numbered(2, height=1, width=1), nrow=10, padding=0)
    assert single_row[..., 0].tolist() == [[10, 20]]  # columns = min(nrow, n)


def test_make_grid_converts_floats_and_gray_batches():
    floats = np.array([-1.0, 0.0, 1.0], np.float32).reshape(3, 1, 1)  # [n, H, W]
    grid = images.make_grid(floats, nrow=3, padding=0)
    assert grid.dtype == np.uint8 and grid[..., 0].tolist() == [[0, 128, 255]]


def test_make_grid_keeps_rgb_channels():
    rgb = np.zeros((2, 1, 1, 3), np.uint8)
    rgb[0, 0, 0] = (255, 0, 0)
    rgb[1, 0, 0] = (0, 0, 255)
    grid = images.make_grid(rgb, nrow=2, padding=0)
    assert grid.tolist() == [[[255, 0, 0], [0, 0, 255]]]


@pytest.mark.parametrize("kwargs, match", [
    ({"nrow": 0}, "nrow=0"), ({"nrow": 1.5}, "nrow=1.5"), ({"padding": -1}, "padding=-1"),
    ({"pad_value": 300}, "pad_value=300"),
])
def test_make_grid_validates_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        images.make_grid(numbered(2), **kwargs)


@pytest.mark.parametrize("batch", [np.zeros((0, 2, 2, 1), np.uint8), np.zeros((2, 2), np.uint8)])
def test_make_grid_rejects_bad_batches(batch):
    with pytest.raises(ValueError, match="shape"):
        images.make_grid(batch)


def test_make_grid_rejects_integer_images_that_are_not_uint8():
    with pytest.raises(ValueError, match="int64"):
        images.make_grid(np.full((1, 2, 2, 1), 200, np.int64))


@pytest.mark.parametrize("shape, mode", [((5, 7), "L"), ((5, 7, 1), "L"), ((5, 7, 3), "RGB"),
                                         ((5, 7, 4), "RGBA")])
def test_save_png_round_trips_through_pil(tmp_path, shape, mode):
    array = np.random.default_rng(0).integers(0, 256, shape, dtype=np.uint8)
    path = tmp_path / "sub" / "grid.png"  # the missing folder is created
    assert images.save_png(array, path) == str(path)
    expected = array.reshape(5, 7) if mode == "L" else array  # [5, 7, 1] -> [5, 7]
    with Image.open(path) as image:
        assert image.format == "PNG" and image.mode == mode and image.size == (7, 5)
        np.testing.assert_array_equal(np.asarray(image), expected)
    assert os.listdir(tmp_path / "sub") == ["grid.png"]  # no temporary file left behind


def test_save_png_replaces_an_existing_file(tmp_path):
    path = tmp_path / "grid.png"
    images.save_png(np.zeros((2, 2), np.uint8), path)
    images.save_png(np.full((2, 2), 9, np.uint8), path)
    with Image.open(path) as image:
        assert np.asarray(image).tolist() == [[9, 9], [9, 9]]
    assert os.listdir(tmp_path) == ["grid.png"]


def test_save_png_failure_leaves_no_temporary_file(tmp_path):
    (tmp_path / "grid.png").mkdir()  # a folder where the file should go: the rename fails
    with pytest.raises(OSError):
        images.save_png(np.zeros((2, 2), np.uint8), tmp_path / "grid.png")
    assert os.listdir(tmp_path) == ["grid.png"] and os.path.isdir(tmp_path / "grid.png")


@pytest.mark.parametrize("array, match", [(np.zeros((2, 2), np.float32), "uint8"),
                                          (np.zeros((2, 2, 2), np.uint8), "shape"),
                                          (np.zeros((2,), np.uint8), "shape")])
def test_save_png_validates_the_array(tmp_path, array, match):
    with pytest.raises(ValueError, match=match):
        images.save_png(array, tmp_path / "x.png")
    assert os.listdir(tmp_path) == []
