"""Latent interpolation and vector arithmetic (keras_gans.latent), on NumPy vectors and a fake generator."""

import math

import numpy as np
import pytest

from keras_gans import images, latent


@pytest.fixture(autouse=True)
def _seed_everything():
    """Overrides conftest's: NumPy only, no Keras session to clear."""
    yield


def value_generator(z):
    """A stand-in generator whose 2x2 image is filled with z[0]: cells show where z went."""
    return np.broadcast_to(np.asarray(z)[:, :1, None, None], (len(z), 2, 2, 1)).astype(np.float32)


def test_lerp_and_slerp_by_hand():
    np.testing.assert_allclose(latent.lerp([0.0, 2.0], [4.0, 0.0], [0, 0.25, 1]), [[0, 2], [1, 1.5], [4, 0]])
    half = math.sqrt(0.5)
    np.testing.assert_allclose(latent.slerp([1.0, 0.0], [0.0, 1.0], [0, 0.5, 1]),
                               [[1, 0], [half, half], [0, 1]], atol=1e-15)
    # A third of the way along the 90-degree arc is at 30 degrees; norms grow from 1 to 3 through
    # sin(60)/sin(90) * 1 and sin(30)/sin(90) * 3 on the two axes.
    np.testing.assert_allclose(latent.slerp([1.0, 0.0], [0.0, 3.0], 1 / 3), [math.sin(math.pi / 3), 1.5])


def test_slerp_ends_at_the_inputs_and_follows_the_great_circle():
    rng = np.random.default_rng(0)
    z0, z1 = rng.standard_normal(100), rng.standard_normal(100)
    z1 *= np.linalg.norm(z0) / np.linalg.norm(z1)  # equal norms: the path is a great-circle arc
    t = np.linspace(0, 1, 11)
    path = latent.slerp(z0, z1, t)
    np.testing.assert_allclose(path[0], z0, rtol=1e-12)
    np.testing.assert_allclose(path[-1], z1, rtol=1e-12)
    np.testing.assert_allclose(np.linalg.norm(path, axis=1), np.linalg.norm(z0), rtol=1e-12)
    omega = math.acos(z0 @ z1 / (z0 @ z0))
    angles = np.arccos(np.clip(path @ z0 / (z0 @ z0), -1, 1))
    np.testing.assert_allclose(angles, t * omega, atol=1e-7)
    # The straight line cuts inside the sphere: its midpoint is shorter by cos(omega / 2).
    midpoint = latent.lerp(z0, z1, 0.5)
    assert np.linalg.norm(midpoint) == pytest.approx(np.linalg.norm(z0) * math.cos(omega / 2))
    # Batches of pairs: [steps, rows, d]; each row is its own arc.
    pairs = latent.interpolate(rng.standard_normal((3, 5)), rng.standard_normal((3, 5)), steps=4)
    assert pairs.shape == (4, 3, 5)
    row = latent.slerp(pairs[0, 1], pairs[-1, 1], np.linspace(0, 1, 4))
    np.testing.assert_allclose(pairs[:, 1], row, rtol=1e-12)


def test_slerp_of_parallel_vectors_is_lerp():
    np.testing.assert_allclose(latent.slerp([1.0, 1.0], [3.0, 3.0], [0.0, 0.5, 1.0]),
                               latent.lerp([1.0, 1.0], [3.0, 3.0], [0.0, 0.5, 1.0]), rtol=1e-12)


@pytest.mark.parametrize("call, message", [
    (lambda: latent.slerp([1.0, 0.0], [-2.0, 0.0], 0.5), "opposite directions"),
    (lambda: latent.slerp([0.0, 0.0], [1.0, 0.0], 0.5), "non-zero"),
    (lambda: latent.lerp([1.0, 0.0], [1.0, 0.0, 0.0], 0.5), "same shape"),
    (lambda: latent.lerp([1.0, np.nan], [1.0, 0.0], 0.5), "`z0` must be finite"),
    (lambda: latent.slerp([1.0, 0.0], [0.0, 1.0], 1.5), "`t` must be"),
    (lambda: latent.lerp([1.0], [2.0], [[0.5]]), "`t` must be"),
    (lambda: latent.interpolate([1.0], [2.0], steps=1), "`steps` must be an int >= 2"),
    (lambda: latent.interpolate([1.0], [2.0], steps=3, method="cubic"), "`method` must be one of"),
    (lambda: latent.vector_arithmetic([[1.0, 0.0]], [[1.0]], [[0.0, 0.0]]), "same d"),
    (lambda: latent.arithmetic_grid(value_generator, [1.0], [1.0], [1.0], noise=-1), "`noise`"),
])
def test_bad_input_fails_naming_the_argument(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_interpolation_grid_rows_follow_their_paths():
    starts = np.array([[-1.0, 0.5], [0.8, 0.1]])
    ends = np.array([[1.0, 0.5], [-0.4, 0.3]])
    grid = latent.interpolation_grid(value_generator, starts, ends, steps=5, method="lerp")
    assert grid.shape == (2 * 2 + 3 * 2, 5 * 2 + 6 * 2, 1)  # 2 rows of 5 cells, 2 px padding
    for row in range(2):
        for step, t in enumerate(np.linspace(0, 1, 5)):
            cell = grid[2 + 4 * row:4 + 4 * row, 2 + 4 * step:4 + 4 * step, 0]
            expected = images.to_uint8(np.float32((1 - t) * starts[row, 0] + t * ends[row, 0]))
            assert np.all(cell == expected), (row, step)
    with pytest.raises(ValueError, match="must return images"):
        latent.interpolation_grid(lambda z: np.zeros((1, 2, 2, 1)), starts, ends, steps=3)


def test_vector_arithmetic_and_its_grid():
    z_a = np.array([[0.1, 0.0], [0.3, 0.0]])  # mean (0.2, 0)
    z_b = np.array([0.4, 0.1])  # one vector
    z_c = np.array([[0.5, 0.0], [0.7, 0.2]])  # mean (0.6, 0.1)
    result = latent.vector_arithmetic(z_a, z_b, z_c)
    np.testing.assert_allclose(result, [0.2 - 0.4 + 0.6, 0.0])
    grid = latent.arithmetic_grid(value_generator, z_a, z_b, z_c, num_variations=3, noise=0.05, seed=0)
    assert grid.shape == (4 * 2 + 5 * 2, 4 * 2 + 5 * 2, 1)  # 4 rows of 4 cells: 3 variations + result

    def cell(row, column):
        return int(grid[2 + 4 * row, 2 + 4 * column, 0])

    grey = images.to_uint8(np.float32(0))
    expected_rows = [[0.1, 0.3, 0.2], [0.4, 0.4], [0.5, 0.7, 0.6]]  # members, then the group mean
    for row, values in enumerate(expected_rows):
        assert [cell(row, c) for c in range(len(values))] == images.to_uint8(np.float32(values)).tolist()
        assert all(cell(row, c) == grey for c in range(len(values), 4))  # blank cells
    assert cell(3, 0) == images.to_uint8(np.float32(0.4))
    variations = [cell(3, c) for c in range(1, 4)]
    assert all(abs(v - cell(3, 0)) <= 0.05 * 127.5 + 1 for v in variations) and len(set(variations)) > 1
