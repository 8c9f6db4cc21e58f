"""ProGAN's drift term and the parts of StyleGAN2's lazy and path length regularization, by hand."""

import math

import keras
import numpy as np
import pytest

from keras_gans import losses, metrics, penalties


def numpy(x):
    return keras.ops.convert_to_numpy(x)


def test_drift_penalty_is_the_mean_squared_real_score():
    assert float(losses.drift_penalty(np.array([[1.0], [-2.0], [3.0]], "float32"))) == pytest.approx(14.0 / 3.0)


def test_lazy_weight_is_the_weight_times_the_interval_on_every_interval_th_step_from_the_first():
    weights = [float(losses.lazy_weight(step, 4, 5.0)) for step in range(9)]
    assert weights == [20.0, 0.0, 0.0, 0.0, 20.0, 0.0, 0.0, 0.0, 20.0]
    assert [float(losses.lazy_weight(step, 1, 2.0)) for step in range(3)] == [2.0, 2.0, 2.0]  # not lazy


def test_path_length_running_mean_and_penalty():
    lengths = np.array([1.0, 3.0, 5.0, 7.0], "float32")
    mean = float(losses.update_path_length_mean(2.0, lengths, decay=0.01))  # 2 + 0.01 (4 - 2)
    assert mean == pytest.approx(2.02)
    assert float(losses.update_path_length_mean(0.0, lengths)) == pytest.approx(0.04)  # from the initial 0
    # ((1 - 2.02)^2 + (3 - 2.02)^2 + (5 - 2.02)^2 + (7 - 2.02)^2) / 4
    expected = sum((x - 2.02) ** 2 for x in (1.0, 3.0, 5.0, 7.0)) / 4
    assert float(losses.path_length_penalty(lengths, mean)) == pytest.approx(expected, rel=1e-6)


def test_path_lengths_of_a_linear_synthesis_are_the_norms_of_a_transposed_projection():
    """g(w) = reshape(flatten(w) A): J^T y = A y_flat, and the length is sqrt(mean over w's of ||.||^2)."""
    rng = np.random.default_rng(0)
    kernel = rng.normal(size=(6, 8)).astype("float32")  # 2 w's of 3 -> a 2x2x2 image
    ws = keras.Input((2, 3))
    flat = keras.layers.Flatten()(ws)
    dense = keras.layers.Dense(8, use_bias=False)
    synthesis = keras.Model(ws, keras.layers.Reshape((2, 2, 2))(dense(flat)))
    dense.kernel.assign(kernel)
    w = rng.normal(size=(3, 2, 3)).astype("float32")
    projection = rng.normal(size=(3, 2, 2, 2)).astype("float32")
    lengths = numpy(penalties.path_lengths(synthesis, w, projection=projection))
    y = projection.reshape(3, 8) / math.sqrt(2 * 2)           # divided by sqrt(H * W)
    grads = (y @ kernel.T).reshape(3, 2, 3)                    # J^T y for each sample
    expected = np.sqrt(np.mean(np.sum(grads ** 2, axis=2), axis=1))
    np.testing.assert_allclose(lengths, expected, rtol=1e-5)


def test_perceptual_path_length_distances_and_the_outlier_filtered_mean():
    start = np.array([[0.0, 0.0], [1.0, 1.0]])
    end = np.array([[3e-4, 4e-4], [1.0, 1.0 + 2e-4]])
    np.testing.assert_allclose(metrics.path_length_distances(start, end, 1e-4), [25.0, 4.0], rtol=1e-9)
    values = np.arange(1.0, 201.0)  # 1..200: the 1st and 99th percentiles (lower/higher) are 2 and 199
    assert metrics.filtered_mean(values) == pytest.approx(np.mean(np.arange(2.0, 200.0)))
    with pytest.raises(ValueError, match="low=5"):
        metrics.filtered_mean(values, low=5, high=2)
