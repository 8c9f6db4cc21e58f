"""Nearest-neighbour measures: improved precision/recall, density/coverage, and the memorization check
(:class:`NearestImages`, :func:`nearest_training_images`).

Pairwise distances are computed in blocks of bounded memory (:data:`_DISTANCE_BLOCK` entries).
"""

import numpy as np

from keras_gans import checks
from keras_gans.metrics.statistics import feature_rows, same_dimension

_DISTANCE_BLOCK = 2**22  # entries of one block of pairwise distances (32 MiB of float64)


def _distance_blocks(queries, points):
    """Yields ``(start, [b, m] Euclidean distances)`` from consecutive query rows to every point."""
    point_norms = np.sum(points * points, axis=1)
    rows = max(1, _DISTANCE_BLOCK // max(1, points.shape[0]))
    for start in range(0, queries.shape[0], rows):
        block = queries[start:start + rows]
        squared = np.sum(block * block, axis=1)[:, None] + point_norms[None, :] - 2.0 * block @ points.T
        yield start, np.sqrt(np.maximum(squared, 0.0))  # rounding can make |q|^2 + |p|^2 - 2 q.p < 0


def _knn_radii(points, k):
    """Distance from every row to its k-th nearest other row."""
    if k >= points.shape[0]:
        raise ValueError(f"`k`={k} needs more than k rows in each set; received {points.shape[0]}.")
    radii = np.empty(points.shape[0])
    for start, block in _distance_blocks(points, points):
        # Index 0 of each sorted row is the row itself (distance 0): index k is its k-th neighbour.
        radii[start:start + block.shape[0]] = np.partition(block, k, axis=1)[:, k]
    return radii


def _ball_scan(queries, centers, radii):
    """For each query, how many balls B(center_i, radii_i) hold it; for each center, its nearest query."""
    counts = np.empty(queries.shape[0], dtype=np.int64)
    nearest = np.full(centers.shape[0], np.inf)
    for start, block in _distance_blocks(queries, centers):
        counts[start:start + block.shape[0]] = np.count_nonzero(block <= radii[None, :], axis=1)
        nearest = np.minimum(nearest, block.min(axis=0))
    return counts, nearest


def precision_recall(real, fake, k=3):
    """Improved precision and recall (Kynkaanniemi et al. 2019, "Improved
    Precision and Recall Metric for Assessing Generative Models").

    Each set's manifold is the union of balls around its rows, each ball
    reaching the row's k-th nearest neighbour in the same set. Precision is
    the share of generated rows inside the real manifold (quality), recall
    the share of real rows inside the generated manifold (coverage of the
    real distribution). Pairwise distances are computed in blocks of bounded
    memory.

    Args:
        real: ``[n, d]`` features of real images, n > k.
        fake: ``[n', d]`` features of generated images, n' > k.
        k: the neighbour that sets the radii (3 in the paper).

    Returns:
        ``{"precision": float, "recall": float}`` in [0, 1]; higher is better.
    """
    real, fake = feature_rows("real", real), feature_rows("fake", fake)
    same_dimension(real, fake)
    k = checks.positive_int("k", k)
    fake_in_real, _ = _ball_scan(fake, real, _knn_radii(real, k))
    real_in_fake, _ = _ball_scan(real, fake, _knn_radii(fake, k))
    return {"precision": float(np.mean(fake_in_real > 0)), "recall": float(np.mean(real_in_fake > 0))}


def density_coverage(real, fake, k=5):
    """Density and coverage (Naeem et al. 2020, "Reliable Fidelity and
    Diversity Metrics for Generative Models").

    With ``B_i`` the ball around real row i reaching its k-th nearest real
    neighbour: density ``= sum_j #{i: fake_j in B_i} / (k M)`` (about 1 when
    the two distributions match; above 1 where samples crowd the real modes),
    coverage ``= #{i: some fake row in B_i} / N``, the share of real
    neighbourhoods that hold a sample. Only real balls are used, so outlying
    real rows weigh less than in :func:`precision_recall`.

    Args:
        real: ``[N, d]`` features of real images, N > k.
        fake: ``[M, d]`` features of generated images.
        k: the neighbour that sets the radii (5 in the paper).

    Returns:
        ``{"density": float, "coverage": float}``; higher is better.
    """
    real, fake = feature_rows("real", real), feature_rows("fake", fake)
    same_dimension(real, fake)
    k = checks.positive_int("k", k)
    radii = _knn_radii(real, k)
    counts, nearest_fake = _ball_scan(fake, real, radii)
    return {"density": float(counts.sum() / (k * fake.shape[0])),
            "coverage": float(np.mean(nearest_fake <= radii))}


class NearestImages:
    """The k nearest images of each sample among images fed in batches, in pixel space.

    Only the k best per sample are kept, so the images searched are read once,
    batch by batch, alongside whatever else reads them (the evaluate app embeds
    the training split in the same pass).

    Args:
        samples: ``[n, H, W, C]`` images searched for (any shape ``[n, ...]``).
        k: neighbours per sample.
    """

    def __init__(self, samples, k=1):
        samples = np.asarray(samples, dtype=np.float64)
        if samples.ndim < 2 or samples.shape[0] == 0:
            raise ValueError(f"`samples` must be a non-empty batch [n, ...]; received shape {samples.shape}.")
        self.k = checks.positive_int("k", k)
        self.shape = samples.shape[1:]
        self._queries = samples.reshape(samples.shape[0], -1)  # [n, ...] -> [n, D]
        self._distances = np.empty((samples.shape[0], 0))
        self._indices = np.empty((samples.shape[0], 0), dtype=np.int64)
        self._neighbours = np.empty((samples.shape[0], 0) + self.shape)
        self.seen = 0

    def update(self, batch):
        """Searches one batch ``[b, H, W, C]`` (positions continue from the earlier batches); returns ``self``."""
        batch = np.asarray(batch, dtype=np.float64)
        if batch.shape[1:] != self.shape:
            raise ValueError(f"Training images have shape {batch.shape[1:]}; `samples` have {self.shape}.")
        flat = batch.reshape(batch.shape[0], -1)  # [b, ...] -> [b, D]
        previous = self._distances.shape[1]
        block = np.concatenate([d for _, d in _distance_blocks(self._queries, flat)])  # [n, b]
        candidates = np.concatenate([self._distances, block], axis=1)  # [n, previous + b]
        best = np.argsort(candidates, axis=1, kind="stable")[:, :self.k]  # [n, min(k, previous + b)]
        chosen = np.empty(best.shape + self.shape)
        chosen_indices = np.empty(best.shape, dtype=np.int64)
        for i, j in np.ndindex(best.shape):
            position = best[i, j]
            if position < previous:  # kept from earlier batches
                chosen[i, j], chosen_indices[i, j] = self._neighbours[i, position], self._indices[i, position]
            else:
                chosen[i, j], chosen_indices[i, j] = batch[position - previous], self.seen + position - previous
        self._distances = np.take_along_axis(candidates, best, axis=1)
        self._neighbours, self._indices = chosen, chosen_indices
        self.seen += batch.shape[0]
        return self

    def result(self):
        """``{"distances": float64 [n, k] (ascending), "indices": int64 [n, k] (positions in the order
        read), "images": [n, k, H, W, C]}``; ValueError when fewer than k images were searched."""
        if self.seen < self.k:
            raise ValueError(f"The batches searched hold {self.seen} image(s); `k`={self.k} needs at least k.")
        return {"distances": self._distances, "indices": self._indices, "images": self._neighbours}


def nearest_training_images(samples, training_batches, k=1):
    """The k nearest training images of each sample, in pixel space: did the model memorize?

    Radford et al. (2016, DCGAN, section 6.1) and Goodfellow et al. (2014,
    figure 2) show generated samples next to their nearest training images:
    a sample that is a near copy of one has a much smaller distance than a
    held-out real image has to the training set. The training set is read
    batch by batch (:class:`NearestImages`); only the k best per sample are kept.

    Args:
        samples: ``[n, H, W, C]`` generated images (any shape ``[n, ...]``).
        training_batches: an iterable of ``[b, H, W, C]`` training image
            batches (e.g. ``keras_gans.features.image_batches(dataset)``).
        k: neighbours per sample.

    Returns:
        ``{"distances": float64 [n, k] (ascending), "indices": int64 [n, k]
        (positions in the order read), "images": [n, k, H, W, C]}``.

    Raises:
        ValueError: for mismatched shapes or fewer than k training images.
    """
    search = NearestImages(samples, k)
    for batch in training_batches:
        search.update(batch)
    return search.result()
