"""Mode coverage (VEEGAN, Srivastava et al. 2017; PacGAN, Lin et al. 2018) on hand-made samples."""

import math

import numpy as np
import pytest

from keras_gans import evaluation
from keras_gans.metrics import modes

# The ring of 8 unit-circle modes (std 0.01), written out here so these tests need no TensorFlow.
RING = np.stack([np.cos(2 * np.pi * np.arange(8) / 8), np.sin(2 * np.pi * np.arange(8) / 8)], axis=1)
TWO = np.array([[0.0, 0.0], [1.0, 0.0]])


def test_all_samples_on_one_mode_is_full_collapse():
    samples = np.repeat(RING[3:4], 100, axis=0)
    coverage = evaluation.mode_coverage(samples, RING, 0.01)
    assert coverage == {"modes": 1, "high_quality": 1.0, "reverse_kl": pytest.approx(math.log(8))}
    assert isinstance(coverage["modes"], int)


def test_samples_spread_evenly_cover_every_mode_with_zero_kl():
    offsets = np.random.default_rng(0).uniform(-0.015, 0.015, size=(80, 2))  # within 3 std = 0.03
    samples = np.repeat(RING, 10, axis=0) + offsets
    coverage = evaluation.mode_coverage(samples, RING, 0.01)
    assert coverage["modes"] == 8
    assert coverage["high_quality"] == 1.0
    assert coverage["reverse_kl"] == pytest.approx(0.0, abs=1e-12)


def test_far_away_samples_are_not_high_quality():
    samples = np.full((50, 2), 10.0)
    coverage = evaluation.mode_coverage(samples, RING, 0.01)
    assert coverage["modes"] == 0
    assert coverage["high_quality"] == 0.0
    assert coverage["reverse_kl"] == math.inf  # documented: no high-quality sample, no histogram


def test_worked_two_mode_example():
    # std 0.1, threshold 3: a sample is high quality within 0.3 of its nearest center.
    samples = np.array([
        [0.1, 0.0], [0.0, 0.1], [-0.2, 0.0],  # mode 0, distances 0.1, 0.1, 0.2: high quality
        [0.9, 0.2],                           # mode 1, distance sqrt(0.05) = 0.224: high quality
        [0.4, 0.5],                           # nearest mode 0 at 0.64 > 0.3: low quality
    ])
    coverage = evaluation.mode_coverage(samples, TWO, 0.1)
    # p = (3/4, 1/4); KL = 3/4 log(3/4 * 2) + 1/4 log(1/4 * 2) = 0.130812...
    expected_kl = 0.75 * math.log(1.5) + 0.25 * math.log(0.5)
    assert coverage["modes"] == 2
    assert coverage["high_quality"] == pytest.approx(4 / 5)
    assert coverage["reverse_kl"] == pytest.approx(expected_kl)
    assert expected_kl == pytest.approx(0.130812, abs=1e-6)


def test_a_mode_needs_a_high_quality_sample_to_count():
    # Sample 2 is nearest to mode 1 but 0.5 away: it does not cover mode 1.
    samples = np.array([[0.0, 0.0], [0.0, 0.05], [1.0, 0.5]])
    coverage = evaluation.mode_coverage(samples, TWO, 0.1)
    assert coverage["modes"] == 1
    assert coverage["high_quality"] == pytest.approx(2 / 3)
    assert coverage["reverse_kl"] == pytest.approx(math.log(2))


@pytest.mark.parametrize("distance,high_quality", [(1.0, 1.0), (1.001, 0.0), (0.999, 1.0)])
def test_threshold_is_inclusive_and_scales_with_std(distance, high_quality):
    centers = np.array([[0.0, 0.0], [10.0, 0.0]])
    samples = np.array([[distance, 0.0]])
    # threshold * std = 2 * 0.5 = 1: a distance of exactly 1 is high quality.
    assert evaluation.mode_coverage(samples, centers, 0.5, threshold=2.0)["high_quality"] == high_quality


def test_a_larger_threshold_accepts_more_samples():
    samples = np.array([[0.15, 0.0], [0.25, 0.0], [0.0, 0.0]])
    assert evaluation.mode_coverage(samples, TWO, 0.1, threshold=1.0)["high_quality"] == pytest.approx(1 / 3)
    assert evaluation.mode_coverage(samples, TWO, 0.1, threshold=2.0)["high_quality"] == pytest.approx(2 / 3)
    assert evaluation.mode_coverage(samples, TWO, 0.1, threshold=3.0)["high_quality"] == pytest.approx(1.0)


def test_real_mixture_samples_score_as_the_gaussian_predicts():
    """Points of the ring itself: P(|x - c| <= 3 std) = 1 - exp(-9/2) for a 2-D isotropic Gaussian."""
    rng = np.random.default_rng(0)
    samples = RING[rng.integers(8, size=100_000)] + 0.01 * rng.standard_normal((100_000, 2))
    coverage = evaluation.mode_coverage(samples, RING, 0.01)
    assert coverage["modes"] == 8
    assert coverage["high_quality"] == pytest.approx(1 - math.exp(-4.5), abs=2e-3)
    assert coverage["reverse_kl"] < 1e-3


def test_non_finite_samples_are_low_quality():
    samples = np.array([[0.0, 0.0], [np.nan, 0.0], [np.inf, np.inf]])
    coverage = evaluation.mode_coverage(samples, TWO, 0.1)
    assert coverage["modes"] == 1
    assert coverage["high_quality"] == pytest.approx(1 / 3)


def test_chunked_distances_match_one_block(monkeypatch):
    rng = np.random.default_rng(1)
    samples = RING[rng.integers(8, size=1000)] + 0.02 * rng.standard_normal((1000, 2))
    whole = evaluation.mode_coverage(samples, RING, 0.01)
    monkeypatch.setattr(modes, "_CHUNK", 7)
    assert evaluation.mode_coverage(samples, RING, 0.01) == whole


def test_works_in_more_dimensions():
    centers = np.eye(3)
    samples = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.01]])
    assert evaluation.mode_coverage(samples, centers, 0.01)["modes"] == 2


@pytest.mark.parametrize("samples,centers,std,threshold,name", [
    (np.zeros((4, 3)), TWO, 0.1, 3.0, "samples"),
    (np.zeros(4), TWO, 0.1, 3.0, "samples"),
    (np.zeros((0, 2)), TWO, 0.1, 3.0, "samples"),
    (np.zeros((4, 2)), np.zeros(2), 0.1, 3.0, "centers"),
    (np.zeros((4, 2)), np.zeros((0, 2)), 0.1, 3.0, "centers"),
    (np.zeros((4, 2)), np.array([[np.nan, 0.0]]), 0.1, 3.0, "centers"),
    (np.zeros((4, 2)), TWO, 0.0, 3.0, "std"),
    (np.zeros((4, 2)), TWO, -1.0, 3.0, "std"),
    (np.zeros((4, 2)), TWO, float("nan"), 3.0, "std"),
    (np.zeros((4, 2)), TWO, "0.1", 3.0, "std"),
    (np.zeros((4, 2)), TWO, 0.1, 0.0, "threshold"),
    (np.zeros((4, 2)), TWO, 0.1, [3.0], "threshold"),
])
def test_invalid_arguments_are_named(samples, centers, std, threshold, name):
    with pytest.raises(ValueError, match=name):
        evaluation.mode_coverage(samples, centers, std, threshold=threshold)
