"""FID, KID, IS, precision/recall, density/coverage, streaming statistics and the memorization
check of keras_gans.evaluation, against closed forms and values worked out by hand."""

import math

import numpy as np
import pytest

from keras_gans import evaluation
from keras_gans.metrics import distribution, neighbours


@pytest.fixture(autouse=True)
def _seed_everything():
    """Overrides conftest's: these tests use NumPy only, with their own seeds, and have no Keras
    session to clear (its garbage collection costs about a second per test)."""
    yield


def symmetric_sqrt(matrix):
    values, vectors = np.linalg.eigh(matrix)
    return (vectors * np.sqrt(np.clip(values, 0, None))) @ vectors.T


def gaussian_w2_squared(mean1, cov1, mean2, cov2):
    """The closed form with symmetric roots only: |m1 - m2|^2 + Tr(S1 + S2 - 2 (S1^1/2 S2 S1^1/2)^1/2)."""
    root1 = symmetric_sqrt(cov1)
    cross = symmetric_sqrt(root1 @ cov2 @ root1)
    return float(np.sum((mean1 - mean2) ** 2) + np.trace(cov1) + np.trace(cov2) - 2 * np.trace(cross))


def random_covariance(rng, dim):
    a = rng.standard_normal((dim, dim))
    return a @ a.T / dim + 0.1 * np.eye(dim)


# (mean1, cov1, mean2, cov2, expected) worked out by hand.
HAND_CASES = [
    # N(0, 1) vs N(1, 4): 1 + 1 + 4 - 2 * sqrt(1 * 4) = 2.
    ([0.0], [[1.0]], [1.0], [[4.0]], 2.0),
    # Commuting diagonal covariances: |(1, 2)|^2 + (1 + 4) + (9 + 1) - 2 (3 + 2) = 10.
    ([0.0, 0.0], np.diag([1.0, 4.0]), [1.0, 2.0], np.diag([9.0, 1.0]), 10.0),
    # Non-commuting 2x2: for M = S1^1/2 S2 S1^1/2, Tr sqrt(M) = sqrt(Tr M + 2 sqrt(det M)), with
    # Tr M = Tr(S1 S2) = 10 and det M = det S1 det S2 = 3 * 4; |(3, 4)|^2 = 25.
    ([0.0, 0.0], [[2.0, 1.0], [1.0, 2.0]], [3.0, 4.0], np.diag([1.0, 4.0]),
     25.0 + 4.0 + 5.0 - 2.0 * math.sqrt(10.0 + 2.0 * math.sqrt(12.0))),
]


@pytest.mark.parametrize("mean1, cov1, mean2, cov2, expected", HAND_CASES)
def test_frechet_distance_matches_hand_computed_gaussians(mean1, cov1, mean2, cov2, expected):
    assert evaluation.frechet_distance(mean1, cov1, mean2, cov2) == pytest.approx(expected, rel=1e-9)


def test_frechet_distance_matches_closed_form_for_non_commuting_covariances():
    rng = np.random.default_rng(0)
    for dim in (3, 16, 40):
        cov1, cov2 = random_covariance(rng, dim), random_covariance(rng, dim)
        assert np.abs(cov1 @ cov2 - cov2 @ cov1).max() > 0.1  # they do not commute
        mean1, mean2 = rng.standard_normal(dim), rng.standard_normal(dim)
        expected = gaussian_w2_squared(mean1, cov1, mean2, cov2)
        assert evaluation.frechet_distance(mean1, cov1, mean2, cov2) == pytest.approx(expected, rel=1e-6)
        # Symmetric in its two Gaussians.
        assert evaluation.frechet_distance(mean2, cov2, mean1, cov1) == pytest.approx(expected, rel=1e-6)


def test_fid_of_a_set_against_itself_is_zero_even_with_fewer_samples_than_dimensions():
    rng = np.random.default_rng(1)
    for rows, dim in ((500, 32), (20, 64)):  # the second covariance has rank 19 < 64
        features = rng.standard_normal((rows, dim))
        scale = np.trace(np.cov(features, rowvar=False))
        assert abs(evaluation.fid(features, features)) < 1e-6 * scale
    other = rng.standard_normal((20, 64)) + 0.5
    distance = evaluation.fid(features, other)
    assert math.isfinite(distance) and distance > 0


def test_non_finite_root_falls_back_to_eps_on_the_diagonals(monkeypatch):
    """The TTUR fallback: when sqrtm(S1 S2) is not finite, retry with S + eps I."""
    rng = np.random.default_rng(2)
    cov1, cov2 = random_covariance(rng, 4), random_covariance(rng, 4)
    mean1, mean2 = rng.standard_normal(4), rng.standard_normal(4)
    real_sqrtm = distribution._sqrtm
    calls = []

    def first_call_fails(matrix):
        calls.append(matrix)
        return np.full_like(matrix, np.nan) if len(calls) == 1 else real_sqrtm(matrix)

    monkeypatch.setattr(distribution, "_sqrtm", first_call_fails)
    eps = 0.5  # large enough to change the answer visibly
    value = evaluation.frechet_distance(mean1, cov1, mean2, cov2, eps=eps)
    offset = eps * np.eye(4)
    np.testing.assert_allclose(calls[1], (cov1 + offset) @ (cov2 + offset))
    root = symmetric_sqrt(cov1 + offset)
    expected = (np.sum((mean1 - mean2) ** 2) + np.trace(cov1) + np.trace(cov2)
                - 2 * np.trace(symmetric_sqrt(root @ (cov2 + offset) @ root)))
    assert value == pytest.approx(expected, rel=1e-9)
    assert value != pytest.approx(gaussian_w2_squared(mean1, cov1, mean2, cov2), rel=1e-3)


def test_frechet_distance_rejects_bad_input():
    with pytest.raises(ValueError, match="imaginary"):  # not a covariance: sqrtm(diag(-1, 1)) = diag(i, 1)
        evaluation.frechet_distance([0, 0], np.diag([-1.0, 1.0]), [0, 0], np.eye(2))
    with pytest.raises(ValueError, match="`cov2` must have shape \\[2, 2\\]"):
        evaluation.frechet_distance([0, 0], np.eye(2), [0, 0], np.eye(3))
    with pytest.raises(ValueError, match="`mean1` and `mean2`"):
        evaluation.frechet_distance([0, 0], np.eye(2), [0, 0, 0], np.eye(2))
    with pytest.raises(ValueError, match="`eps`"):
        evaluation.frechet_distance([0], [[1.0]], [0], [[1.0]], eps=0)


def test_streaming_statistics_equal_all_at_once_statistics():
    rng = np.random.default_rng(3)
    # A large mean and unit spread: raw sums of squares would lose the covariance to cancellation.
    features = rng.standard_normal((1000, 6)) * np.arange(1, 7) + 1e6
    statistics = evaluation.FeatureStatistics()
    for batch in np.split(features, [1, 2, 7, 300, 999]):  # uneven batches, including single rows
        statistics.update(batch)
    assert statistics.count == 1000 and statistics.dim == 6
    np.testing.assert_allclose(statistics.mean, features.mean(axis=0), rtol=1e-14)
    np.testing.assert_allclose(statistics.covariance, np.cov(features, rowvar=False), rtol=1e-9, atol=1e-9)
    streamed = evaluation.feature_statistics(iter(np.array_split(features, 13)))
    assert evaluation.fid(streamed, statistics) == pytest.approx(0.0, abs=1e-6)


def test_fid_from_streamed_statistics_without_rows_equals_fid_from_all_rows():
    rng = np.random.default_rng(12)
    real, fake = rng.standard_normal((700, 16)) + 3.0, rng.standard_normal((500, 16)) * 1.3 + 2.5
    streamed = [evaluation.FeatureStatistics(keep=0) for _ in range(2)]
    for statistics, rows in zip(streamed, (real, fake)):
        for batch in np.array_split(rows, 9):
            statistics.update(batch)
        with pytest.raises(ValueError, match="keeps no rows"):
            _ = statistics.samples
    # FID computed from every row at once, with NumPy's mean and covariance.
    direct = evaluation.frechet_distance(real.mean(axis=0), np.cov(real, rowvar=False),
                                         fake.mean(axis=0), np.cov(fake, rowvar=False))
    assert evaluation.compare_features(*streamed, ("fid",))["fid"] == pytest.approx(direct, abs=1e-6)


def test_statistics_keep_a_uniform_random_subset_of_rows():
    rows = np.arange(20, dtype=np.float64)[:, None]  # row i holds the value i
    inclusion = np.zeros(20)
    trials = 300
    for seed in range(trials):
        statistics = evaluation.FeatureStatistics(keep=5, seed=seed)
        for batch in np.split(rows, [3, 4, 11]):
            statistics.update(batch)
        kept = statistics.samples[:, 0]
        assert len(kept) == 5 and len(set(kept)) == 5 and set(kept) <= set(range(20))
        inclusion[kept.astype(int)] += 1
    # Each row is kept with probability 5/20; 4.5 binomial standard deviations of slack.
    assert np.abs(inclusion / trials - 0.25).max() < 4.5 * math.sqrt(0.25 * 0.75 / trials)
    assert evaluation.FeatureStatistics(keep=50).update(rows).samples.shape == (20, 1)  # fewer rows than keep


def test_statistics_reject_bad_input():
    statistics = evaluation.FeatureStatistics().update(np.ones((1, 3)))
    with pytest.raises(ValueError, match="at least 2 row"):
        statistics.covariance
    with pytest.raises(ValueError, match="3 columns"):
        statistics.update(np.ones((2, 4)))
    with pytest.raises(ValueError, match="finite"):
        statistics.update(np.array([[0.0, np.nan, 1.0]]))
    with pytest.raises(ValueError, match="keeps no rows"):
        statistics.samples
    with pytest.raises(ValueError, match="`keep`"):
        evaluation.FeatureStatistics(keep=-1)


def direct_unbiased_mmd2(x, y):
    """MMD^2_u with k(a, b) = (a.b / d + 1)^3, one pair at a time."""
    m, d = len(x), x.shape[1]

    def k(a, b):
        return (float(np.dot(a, b)) / d + 1.0) ** 3

    xx = sum(k(x[i], x[j]) for i in range(m) for j in range(m) if i != j) / (m * (m - 1))
    yy = sum(k(y[i], y[j]) for i in range(m) for j in range(m) if i != j) / (m * (m - 1))
    xy = sum(k(x[i], y[j]) for i in range(m) for j in range(m)) / (m * m)
    return xx + yy - 2 * xy


def test_kid_matches_a_direct_computation():
    rng = np.random.default_rng(4)
    x, y = rng.standard_normal((25, 5)), rng.standard_normal((25, 5)) + 0.3
    # A subset as large as both sets is a permutation of each: the estimate on the full sets.
    kid = evaluation.kernel_inception_distance(x, y, num_subsets=3, subset_size=100)
    assert kid["mean"] == pytest.approx(direct_unbiased_mmd2(x, y), rel=1e-10)
    assert kid["std"] == pytest.approx(0.0, abs=1e-12)
    # Subsets: mean and std over the per-subset estimates, each a direct MMD^2_u of its subset.
    kid = evaluation.kernel_inception_distance(x, y, num_subsets=4, subset_size=10, seed=7)
    chooser = np.random.default_rng(7)
    estimates = [direct_unbiased_mmd2(x[chooser.choice(25, 10, replace=False)],
                                      y[chooser.choice(25, 10, replace=False)]) for _ in range(4)]
    assert kid == pytest.approx({"mean": np.mean(estimates), "std": np.std(estimates)}, rel=1e-10)


def test_kid_is_unbiased_for_two_samples_of_one_distribution():
    rng = np.random.default_rng(5)
    unbiased, biased = [], []
    for _ in range(40):
        x, y = rng.standard_normal((60, 8)), rng.standard_normal((60, 8))
        unbiased.append(evaluation.kernel_inception_distance(x, y, num_subsets=1, subset_size=60)["mean"])
        k = distribution._polynomial_kernel
        biased.append(k(x, x).mean() + k(y, y).mean() - 2 * k(x, y).mean())  # the V-statistic
    standard_error = np.std(unbiased) / math.sqrt(len(unbiased))
    assert abs(np.mean(unbiased)) < 3 * standard_error
    assert np.mean(biased) > 10 * standard_error  # the biased estimate is far from 0
    shifted = evaluation.kernel_inception_distance(x, y + 1.0, num_subsets=10, subset_size=50)
    assert shifted["mean"] > 10 * standard_error


@pytest.mark.parametrize("k", [2, 5, 10])
def test_inception_score_of_uniform_one_hot_predictions_is_k(k):
    probabilities = np.tile(np.eye(k), (10, 1))  # each of the 10 splits holds every class once
    assert evaluation.inception_score(probabilities, num_splits=10) == pytest.approx({"mean": k, "std": 0})


def test_inception_score_by_hand():
    rng = np.random.default_rng(6)
    identical = np.tile(rng.dirichlet(np.ones(7)), (50, 1))
    assert evaluation.inception_score(identical, num_splits=5) == pytest.approx({"mean": 1.0, "std": 0})
    # p1 = (1, 0), p2 = (1/2, 1/2): p(y) = (3/4, 1/4); KL1 = log(4/3), KL2 = (1/2) log(4/3).
    two = np.array([[1.0, 0.0], [0.5, 0.5]])
    assert evaluation.inception_score(two, num_splits=1)["mean"] == pytest.approx((4 / 3) ** 0.75)
    # Splits: one-hot over 2 classes (score 2), then identical rows (score 1).
    splits = np.array([[1.0, 0.0], [0.0, 1.0], [0.3, 0.7], [0.3, 0.7]])
    assert evaluation.inception_score(splits, num_splits=2) == pytest.approx({"mean": 1.5, "std": 0.5})
    with pytest.raises(ValueError, match="rows summing to 1"):
        evaluation.inception_score(np.array([[0.5, 0.4]]), num_splits=1)
    with pytest.raises(ValueError, match="`num_splits`=3 exceeds the 2 rows"):
        evaluation.inception_score(two, num_splits=3)


# 1-D example, k = 1. Real {0, 1, 2, 10}: radii 1, 1, 1, 8. Fake {0.5, 5, 20}: radii 4.5, 4.5, 15.
# Precision: 0.5 in B(0, 1), 5 in B(10, 8) = [2, 18], 20 in none -> 2/3. Recall: 0, 1, 2 are within
# 4.5 of 0.5; 10 is within 15 of 20 -> 1. Density: 0.5 lies in B(0, 1) and B(1, 1), 5 in B(10, 8),
# 20 in none -> 3 / (1 * 3) = 1. Coverage: nearest fakes at 0.5, 0.5, 1.5, 5 against radii 1, 1, 1, 8 -> 3/4.
REAL_1D = np.array([[0.0], [1.0], [2.0], [10.0]])
FAKE_1D = np.array([[0.5], [5.0], [20.0]])


def test_precision_recall_density_coverage_by_hand(monkeypatch):
    expected = {"precision": 2 / 3, "recall": 1.0, "density": 1.0, "coverage": 0.75}
    assert {**evaluation.precision_recall(REAL_1D, FAKE_1D, k=1),
            **evaluation.density_coverage(REAL_1D, FAKE_1D, k=1)} == pytest.approx(expected)
    monkeypatch.setattr(neighbours, "_DISTANCE_BLOCK", 3)  # one or two rows per block: same answers
    assert {**evaluation.precision_recall(REAL_1D, FAKE_1D, k=1),
            **evaluation.density_coverage(REAL_1D, FAKE_1D, k=1)} == pytest.approx(expected)


def mixture(rng, centers, per_mode):
    points = np.repeat(centers, per_mode, axis=0)
    return points + 0.1 * rng.standard_normal(points.shape)


def test_manifold_measures_on_identical_disjoint_and_half_covering_sets():
    rng = np.random.default_rng(8)
    angles = 2 * np.pi * np.arange(10) / 10
    centers = 10.0 * np.stack([np.cos(angles), np.sin(angles)], axis=1)  # 10 modes 6 apart, std 0.1
    real = mixture(rng, centers, 100)
    # Identical sets: every row is inside its own ball; each ball holds itself and its k neighbours.
    assert evaluation.precision_recall(real, real) == {"precision": 1.0, "recall": 1.0}
    assert evaluation.density_coverage(real, real, k=5) == pytest.approx({"density": 6 / 5, "coverage": 1.0})
    # Disjoint, far apart.
    far = real + 1000.0
    assert evaluation.precision_recall(real, far) == {"precision": 0.0, "recall": 0.0}
    assert evaluation.density_coverage(real, far) == {"density": 0.0, "coverage": 0.0}
    # A fresh sample of every mode: all four near 1 (k-NN balls miss a few tail points).
    every = mixture(rng, centers, 100)
    same = {**evaluation.precision_recall(real, every), **evaluation.density_coverage(real, every)}
    assert min(same["precision"], same["recall"], same["coverage"]) > 0.93 and 0.9 < same["density"] < 1.1
    # A fresh sample of half the modes: as precise, but recall and coverage halve.
    half = mixture(rng, centers[:5], 200)
    scores = {**evaluation.precision_recall(real, half), **evaluation.density_coverage(real, half)}
    assert scores["precision"] > 0.93 and 0.9 < scores["density"] < 1.1
    assert abs(scores["recall"] - 0.5) < 0.04 and abs(scores["coverage"] - 0.5) < 0.04


def test_compare_features_uses_full_statistics_and_kept_rows():
    rng = np.random.default_rng(9)
    real_rows, fake_rows = rng.standard_normal((300, 4)), rng.standard_normal((200, 4)) + 0.2
    real = evaluation.FeatureStatistics(keep=1000).update(real_rows)
    fake = evaluation.FeatureStatistics(keep=1000).update(fake_rows)
    results = evaluation.compare_features(real, fake, ("coverage", "fid", "kid"), kid_subsets=3,
                                          kid_subset_size=50, seed=1)
    assert list(results) == ["coverage", "fid", "kid"]
    assert results["fid"] == evaluation.fid(real_rows, fake_rows)
    assert results["kid"] == evaluation.kernel_inception_distance(real_rows, fake_rows, num_subsets=3,
                                                                  subset_size=50, seed=1)
    assert results["coverage"] == evaluation.density_coverage(real_rows, fake_rows)["coverage"]
    with pytest.raises(ValueError, match="`measures` must be names from"):
        evaluation.compare_features(real, fake, ("fid", "sharpness"))


def test_nearest_training_images_streams_over_batches():
    rng = np.random.default_rng(10)
    train = rng.uniform(-1, 1, size=(50, 4, 4, 1))
    picked = [7, 42, 0]
    noise = 0.01 * rng.standard_normal((3, 4, 4, 1))
    samples = train[picked] + noise
    found = evaluation.nearest_training_images(samples, np.split(train, [5, 6, 30]), k=2)
    brute = np.linalg.norm((samples[:, None] - train[None]).reshape(3, 50, -1), axis=-1)  # [3, 50]
    order = np.argsort(brute, axis=1)[:, :2]
    np.testing.assert_array_equal(found["indices"], order)
    assert found["indices"][:, 0].tolist() == picked
    np.testing.assert_allclose(found["distances"], np.take_along_axis(brute, order, axis=1), rtol=1e-6)
    np.testing.assert_allclose(found["distances"][:, 0], np.linalg.norm(noise.reshape(3, -1), axis=1),
                               rtol=1e-6)
    np.testing.assert_array_equal(found["images"], train[order])
    with pytest.raises(ValueError, match="hold 6 image"):
        evaluation.nearest_training_images(samples, [train[:6]], k=7)
    with pytest.raises(ValueError, match="Training images have shape"):
        evaluation.nearest_training_images(samples, [train[:, :2]])


def test_nearest_images_fed_batch_by_batch_equal_one_search_over_all():
    rng = np.random.default_rng(11)
    train = rng.uniform(-1, 1, size=(40, 3, 3, 1))
    samples = rng.uniform(-1, 1, size=(5, 3, 3, 1))
    search = evaluation.NearestImages(samples, k=3)
    for batch in np.array_split(train, 7):
        assert search.update(batch) is search
    assert search.seen == 40
    found, whole = search.result(), evaluation.nearest_training_images(samples, [train], k=3)
    for key in ("distances", "indices", "images"):
        np.testing.assert_array_equal(found[key], whole[key])
    brute = np.linalg.norm((samples[:, None] - train[None]).reshape(5, 40, -1), axis=-1)
    np.testing.assert_array_equal(found["indices"], np.argsort(brute, axis=1)[:, :3])
    with pytest.raises(ValueError, match="hold 2 image"):
        evaluation.NearestImages(samples, k=3).update(train[:2]).result()
