"""Streaming statistics of feature sets, and the checks of feature arrays that every distribution measure uses.

Each measure compares rows of feature vectors, whatever made them
(``keras_gans.features``: InceptionV3 pool3, the digit judge's embedding,
pixels). FID needs only each set's mean and covariance, accumulated batch by
batch in :class:`FeatureStatistics`, so 50,000 samples never sit in memory at
once; the other measures need the vectors, of which FeatureStatistics keeps a
uniform random subset of bounded size.
"""

import numpy as np

from keras_gans import checks


def feature_rows(name, features, min_rows=1):
    """float64 ``[n, d]`` with n >= min_rows, finite; ValueError naming ``name`` otherwise."""
    features = np.asarray(features, dtype=np.float64)
    if features.ndim != 2 or features.shape[0] < min_rows or features.shape[1] == 0:
        raise ValueError(f"`{name}` must have shape [n, d] with n >= {min_rows} and d >= 1; received "
                         f"shape {features.shape}.")
    if not np.all(np.isfinite(features)):
        bad = features.size - np.count_nonzero(np.isfinite(features))
        raise ValueError(f"`{name}` must be finite; received {bad} NaN/inf value(s).")
    return features


def same_dimension(real, fake):
    """ValueError unless the ``[n, d]`` arrays ``real`` and ``fake`` have the same d."""
    if real.shape[1] != fake.shape[1]:
        raise ValueError(f"`real` and `fake` must have the same feature dimension; received {real.shape[1]} "
                         f"and {fake.shape[1]}.")


class FeatureStatistics:
    """Running mean and covariance of feature vectors fed in batches, plus a bounded sample.

    Each batch's mean and centred scatter matrix are computed in float64 and
    merged with the running ones by the pairwise update of Chan, Golub and
    LeVeque (1979, "Updating formulae and a pairwise algorithm for computing
    sample variances"): with ``n = n_a + n_b`` and ``delta = mean_b - mean_a``,

        mean = mean_a + delta n_b / n,
        M    = M_a + M_b + delta delta^T n_a n_b / n,

    and ``covariance = M / (n - 1)``, as ``numpy.cov`` (and the TTUR FID code)
    computes it from all rows at once. Centring each batch avoids the
    cancellation of raw sums of squares when the mean is large.

    It also keeps a uniform random subset of at most ``keep`` rows (reservoir
    sampling, Vitter 1985, Algorithm R), for the measures that need the
    vectors themselves (KID, precision/recall, density/coverage).

    Args:
        keep: rows kept in :attr:`samples` (0 keeps none).
        seed: seed of the reservoir's draws.
    """

    def __init__(self, keep=0, seed=0):
        self.keep = checks.positive_int("keep", keep, minimum=0)
        self._rng = np.random.default_rng(checks.positive_int("seed", seed, minimum=0))
        self.count = 0
        self._mean = None
        self._scatter = None
        self._reservoir = None

    @property
    def dim(self):
        """The feature dimension d (None before the first batch)."""
        return None if self._mean is None else self._mean.shape[0]

    def update(self, features):
        """Adds a batch of rows.

        Args:
            features: ``[b, d]`` finite features (d fixed by the first batch).

        Returns:
            ``self``.
        """
        batch = feature_rows("features", features)
        if self._mean is not None and batch.shape[1] != self.dim:
            raise ValueError(f"`features` must have {self.dim} columns like the earlier batches; "
                             f"received shape {batch.shape}.")
        rows = batch.shape[0]
        batch_mean = batch.mean(axis=0)
        centred = batch - batch_mean
        batch_scatter = centred.T @ centred  # [d, d]
        if self._mean is None:
            self._mean, self._scatter = batch_mean, batch_scatter
        else:
            total = self.count + rows
            delta = batch_mean - self._mean
            self._mean = self._mean + delta * (rows / total)
            self._scatter = (self._scatter + batch_scatter
                             + np.outer(delta, delta) * (self.count * rows / total))
        self._sample(batch)
        self.count += rows
        return self

    def _sample(self, batch):
        if self.keep == 0:
            return
        if self._reservoir is None:
            self._reservoir = np.empty((0, batch.shape[1]))
        free = min(self.keep - len(self._reservoir), len(batch))
        if free > 0:
            self._reservoir = np.concatenate([self._reservoir, batch[:free]])
        seen = self.count + free + np.arange(len(batch) - free)  # 0-based index of each later row
        slots = self._rng.integers(0, seen + 1)  # row i replaces slot j ~ U{0..i} when j < keep
        for row, slot in zip(batch[free:][slots < self.keep], slots[slots < self.keep]):
            self._reservoir[slot] = row

    def _require(self, rows):
        if self.count < rows:
            raise ValueError(f"FeatureStatistics needs at least {rows} row(s); it has {self.count}.")

    @property
    def mean(self):
        """float64 ``[d]``: the mean of every row added."""
        self._require(1)
        return self._mean.copy()

    @property
    def covariance(self):
        """float64 ``[d, d]``: the unbiased covariance (divided by n - 1) of every row added."""
        self._require(2)
        return self._scatter / (self.count - 1)

    @property
    def samples(self):
        """float64 ``[min(count, keep), d]``: the kept rows (a uniform random subset)."""
        if self._reservoir is None:
            raise ValueError(f"FeatureStatistics keeps no rows (keep={self.keep}) or has none yet.")
        return self._reservoir.copy()


def feature_statistics(feature_batches, *, keep=0, seed=0):
    """:class:`FeatureStatistics` of an iterable of ``[b, d]`` feature batches.

    For example ``feature_statistics(extractor.extract(dataset), keep=10000)``.
    """
    statistics = FeatureStatistics(keep=keep, seed=seed)
    for batch in feature_batches:
        statistics.update(batch)
    statistics._require(1)
    return statistics
