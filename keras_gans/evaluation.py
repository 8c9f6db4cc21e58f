"""Sample-quality measures.

The distances between real and generated feature sets (FID, KID, Inception
Score, improved precision/recall, density/coverage, streaming
:class:`FeatureStatistics`) and the nearest-neighbour memorization check are
in their own section below; the feature extractors are in
``keras_gans.features``.

Generated digits are judged by a classifier trained on real ones
(:func:`train_digit_classifier`): generated-class accuracy of conditional
models, class coverage and the KL of the class histogram to uniform for any
model, and the agreement of an unsupervised categorical code with the classes
under the best matching (:func:`code_class_agreement`).

:func:`mode_coverage` is the mode-collapse measure of the 2-D mixture
benchmarks (ring8, grid25) of VEEGAN (Srivastava et al. 2017, "VEEGAN:
Reducing Mode Collapse in GANs using Implicit Variational Learning", section
5.1) and PacGAN (Lin et al. 2018, "PacGAN: The power of two samples in
generative adversarial networks", section 5).
"""

import functools
import math
import numbers

import numpy as np

_CHUNK = 65536  # samples per distance block, so memory stays at chunk * k * d floats


def _positive_number(name, value):
    """``float(value)`` when it is a positive finite real scalar, else ValueError naming it."""
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value.item()
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise ValueError(f"`{name}` must be a positive finite number; received {name}={value!r}.")
    number = float(value)
    if not (math.isfinite(number) and number > 0):
        raise ValueError(f"`{name}` must be a positive finite number; received {name}={value!r}.")
    return number


def mode_coverage(samples, centers, std, threshold=3.0):
    """Modes covered, share of high-quality samples and reverse KL to uniform.

    The VEEGAN / PacGAN protocol: each sample is assigned to its nearest
    center; it is *high quality* when its Euclidean distance to that center is
    at most ``threshold * std``. A mode is *covered* when at least one
    high-quality sample is assigned to it. With ``p_k`` the share of the
    high-quality samples assigned to mode k, the reverse KL divergence to the
    uniform distribution over the K modes is

        KL(p || U) = sum_k p_k log(p_k K),   with 0 log 0 = 0,

    which is 0 when the high-quality samples are spread evenly and log K when
    they all sit on one mode. Non-finite samples are never high quality.

    Args:
        samples: ``[n, d]`` generated points, n >= 1.
        centers: ``[k, d]`` mode centers, k >= 1.
        std: standard deviation of every mode, > 0.
        threshold: how many standard deviations count as high quality, > 0
            (3 in VEEGAN and PacGAN).

    Returns:
        ``{"modes": int, "high_quality": float, "reverse_kl": float}``;
        ``reverse_kl`` is ``inf`` when no sample is high quality (the
        histogram is undefined, and no mode is covered).

    Raises:
        ValueError: naming the argument when a shape or value is invalid.
    """
    samples = np.asarray(samples, dtype=np.float64)
    centers = np.asarray(centers, dtype=np.float64)
    if centers.ndim != 2 or centers.shape[0] == 0 or centers.shape[1] == 0:
        raise ValueError(f"`centers` must have shape [k, d] with k, d >= 1; received shape {centers.shape}.")
    if samples.ndim != 2 or samples.shape[0] == 0 or samples.shape[1] != centers.shape[1]:
        raise ValueError(f"`samples` must have shape [n, {centers.shape[1]}] with n >= 1 (the dimension "
                         f"of `centers`); received shape {samples.shape}.")
    if not np.all(np.isfinite(centers)):
        raise ValueError("`centers` must be finite; received non-finite values.")
    std = _positive_number("std", std)
    threshold = _positive_number("threshold", threshold)

    num_modes = centers.shape[0]
    nearest = np.empty(samples.shape[0], dtype=np.int64)
    distance = np.empty(samples.shape[0], dtype=np.float64)
    for start in range(0, samples.shape[0], _CHUNK):
        block = samples[start:start + _CHUNK]
        squared = np.sum((block[:, None, :] - centers[None, :, :]) ** 2, axis=-1)  # [b, k]
        nearest[start:start + len(block)] = np.argmin(squared, axis=1)
        distance[start:start + len(block)] = np.sqrt(np.min(squared, axis=1))

    high_quality = np.isfinite(distance) & (distance <= threshold * std)
    counts = np.bincount(nearest[high_quality], minlength=num_modes)  # [k]
    num_high_quality = int(counts.sum())
    if num_high_quality == 0:
        reverse_kl = math.inf
    else:
        p = counts[counts > 0] / num_high_quality  # 0 log 0 = 0: empty modes drop out
        reverse_kl = float(np.sum(p * np.log(p * num_modes)))
    return {
        "modes": int(np.count_nonzero(counts)),
        "high_quality": num_high_quality / samples.shape[0],
        "reverse_kl": max(reverse_kl, 0.0),  # rounding can give -1e-17 for a uniform histogram
    }


# ----------------------------------------------------------------------------
# Judging generated digits with a held-out classifier
#
# The conditional and latent-code GANs (CGAN, Mirza & Osindero 2014; ACGAN,
# Odena et al. 2017; InfoGAN, Chen et al. 2016) are judged by what a classifier
# trained on real data sees in their samples: whether a sample of class y is
# recognized as y, how many classes the samples cover and how evenly.

_CLASSIFIER_BATCH = 64
_CLASSIFIER_LEARNING_RATE = 1e-3


def train_digit_classifier(*, image_size=32, split="train", seed=0, epochs=10, dataset="digits",
                           data_dir=None):
    """Trains the digit judge on real data, deterministically, in a few seconds.

    The network is :func:`keras_gans.networks.classifier.digit_classifier`
    with initializers seeded by ``seed``; it is trained with Adam (1e-3, batch
    64, sparse softmax cross-entropy) on one fixed NumPy permutation of the
    split per epoch, each image shifted by a random whole number of pixels in
    ``[-s, s]`` along each axis (``s = size // 16``, 2 pixels at 32x32; the
    border is filled with the background, -1), which makes the judge tolerant
    of the small misplacements of generated digits. Everything random comes
    from ``seed``, so the same arguments give the same weights. The result is
    memoized per arguments for the life of the process: every caller gets the
    *same* model object, which must not be trained further.

    With the defaults (``digits`` at 32x32, 10 epochs) it trains in about 5 s
    on 2 CPU cores and classifies the held-out ``digits`` test split (360
    images) with 98.6% accuracy; at 16x16, which the digits apps use, 97.5%
    in about a quarter of the time (``tests/test_classifier.py`` requires >= 96%).

    Args:
        image_size: square size the images are resized to, as the GAN under
            judgement generates them (None keeps the native size, 8 for digits).
        split: the split trained on; ``"test"`` stays held out when ``"train"``.
        seed: seed of the initial weights and of the per-epoch order.
        epochs: passes over the split.
        dataset: a labelled dataset name (``keras_gans.data.load``).
        data_dir: where ``dataset`` is read from (tfds sets, folders), as for
            ``keras_gans.data.load``.

    Returns:
        The trained ``keras.Model`` mapping images in [-1, 1] to logits
        ``[N, num_classes]`` (layer ``"features"``: the embedding).

    Raises:
        ValueError: for an unlabelled dataset or a bad argument.
    """
    if isinstance(epochs, bool) or not isinstance(epochs, numbers.Integral) or epochs < 1:
        raise ValueError(f"`epochs` must be a positive int; received epochs={epochs!r}.")
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise ValueError(f"`seed` must be an int >= 0; received seed={seed!r}.")
    return _trained_classifier(image_size, split, int(seed), int(epochs), dataset, data_dir)


@functools.lru_cache(maxsize=None)
def _trained_classifier(image_size, split, seed, epochs, dataset, data_dir):
    """:func:`train_digit_classifier`'s work, memoized on its normalized arguments."""
    import keras

    from keras_gans import data
    from keras_gans.networks import classifier

    images, labels = data.load_arrays(dataset, split=split, data_dir=data_dir, image_size=image_size)
    model = classifier.digit_classifier(images.shape[1:], data.num_classes(dataset), seed=seed,
                                        name=f"{dataset}_classifier")
    model.compile(optimizer=keras.optimizers.Adam(_CLASSIFIER_LEARNING_RATE),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    rng = np.random.default_rng(seed)
    orders = [rng.permutation(len(labels)) for _ in range(epochs)]
    inputs = np.concatenate([_random_shifts(images[order], rng) for order in orders])  # [epochs * n, ...]
    targets = np.concatenate([labels[order] for order in orders])
    model.fit(inputs, targets, batch_size=_CLASSIFIER_BATCH, epochs=1, shuffle=False, verbose=0)
    return model


train_digit_classifier.cache_clear = _trained_classifier.cache_clear  # forget every trained judge


def _random_shifts(images, rng, background=-1.0):
    """Each image moved by whole pixels in ``[-s, s]`` per axis, ``s = height // 16``."""
    limit = images.shape[1] // 16
    if limit == 0:
        return images
    height, width = images.shape[1:3]
    padded = np.pad(images, ((0, 0), (limit, limit), (limit, limit), (0, 0)), constant_values=background)
    offsets = rng.integers(0, 2 * limit + 1, size=(len(images), 2))  # [n, (dy, dx)]
    return np.stack([image[dy:dy + height, dx:dx + width] for image, (dy, dx) in zip(padded, offsets)])


def predict_classes(classifier, images, batch_size=256):
    """The classifier's most likely class for every image.

    Args:
        classifier: a model mapping images to logits ``[N, K]``.
        images: ``[n, H, W, C]`` images in [-1, 1] (array or tensor).
        batch_size: images per forward pass.

    Returns:
        int64 NumPy array ``[n]`` of class ids.

    Raises:
        ValueError: when ``images`` is empty or ``batch_size`` is not a positive int.
    """
    import keras

    if isinstance(batch_size, bool) or not isinstance(batch_size, numbers.Integral) or batch_size < 1:
        raise ValueError(f"`batch_size` must be a positive int; received batch_size={batch_size!r}.")
    images = np.asarray(keras.ops.convert_to_numpy(images), dtype=np.float32)
    if images.ndim < 2 or images.shape[0] == 0:
        raise ValueError(f"`images` must be a non-empty batch [n, ...]; received shape {images.shape}.")
    predicted = [np.argmax(keras.ops.convert_to_numpy(classifier(images[start:start + batch_size],
                                                                 training=False)), axis=-1)
                 for start in range(0, images.shape[0], batch_size)]
    return np.concatenate(predicted).astype(np.int64)


def _class_ids(name, values):
    values = np.asarray(values)
    if values.ndim != 1 or values.size == 0 or not np.issubdtype(values.dtype, np.integer):
        raise ValueError(f"`{name}` must be a non-empty 1-D array of int class ids; received shape "
                         f"{values.shape}, dtype {values.dtype}.")
    return values


def generated_class_accuracy(predicted, labels):
    """Share of samples whose predicted class is the class they were generated for.

    Args:
        predicted: int ``[n]`` classes the judge predicts for the samples.
        labels: int ``[n]`` classes the samples were generated for.

    Returns:
        ``mean(predicted == labels)`` as a float in [0, 1].

    Raises:
        ValueError: when the arrays are not 1-D int arrays of the same length.
    """
    predicted, labels = _class_ids("predicted", predicted), _class_ids("labels", labels)
    if predicted.shape != labels.shape:
        raise ValueError(f"`predicted` and `labels` must have the same length; received "
                         f"{predicted.shape[0]} and {labels.shape[0]}.")
    return float(np.mean(predicted == labels))


def _class_histogram(predicted, num_classes):
    predicted = _class_ids("predicted", predicted)
    if isinstance(num_classes, bool) or not isinstance(num_classes, numbers.Integral) or num_classes < 1:
        raise ValueError(f"`num_classes` must be a positive int; received num_classes={num_classes!r}.")
    if predicted.min() < 0 or predicted.max() >= num_classes:
        bad = predicted[(predicted < 0) | (predicted >= num_classes)][0]
        raise ValueError(f"`predicted` holds class {int(bad)}, outside [0, num_classes={num_classes}).")
    return np.bincount(predicted, minlength=num_classes)  # [num_classes]


def class_coverage(predicted, num_classes):
    """Number of classes that at least one sample is predicted as.

    Args:
        predicted: int ``[n]`` predicted classes in ``[0, num_classes)``.
        num_classes: K.

    Returns:
        An int in ``[1, K]``; K means every class is produced.
    """
    return int(np.count_nonzero(_class_histogram(predicted, num_classes)))


def class_histogram_kl(predicted, num_classes):
    """KL divergence of the predicted class histogram to the uniform distribution.

    With ``p_k`` the share of samples predicted as class k,
    ``KL(p || U) = sum_k p_k log(p_k K)`` (0 log 0 = 0): 0 when the classes are
    produced equally often, ``log K`` when every sample is one class. It is the
    class-level analogue of the mode-collapse measure of :func:`mode_coverage`.

    Args:
        predicted: int ``[n]`` predicted classes in ``[0, num_classes)``.
        num_classes: K.

    Returns:
        A float >= 0 (nats).
    """
    counts = _class_histogram(predicted, num_classes)
    p = counts[counts > 0] / counts.sum()
    return max(float(np.sum(p * np.log(p * num_classes))), 0.0)


def code_class_agreement(codes, predicted, num_classes):
    """Agreement of a categorical latent code with the judge's classes, under the best matching.

    An unsupervised code (InfoGAN's c1, Chen et al. 2016, section 7.1) has no
    reason to number the digits as 0..9, so every code value is matched to one
    class by the assignment that maximizes the number of agreeing samples (the
    Hungarian algorithm on the ``[K, K]`` contingency table, via
    ``scipy.optimize.linear_sum_assignment``); the agreement is the share of
    samples whose predicted class is the class matched to their code.

    Args:
        codes: int ``[n]`` code values in ``[0, num_classes)``.
        predicted: int ``[n]`` predicted classes in ``[0, num_classes)``.
        num_classes: K, the number of code values and classes.

    Returns:
        ``{"agreement": float in [0, 1], "mapping": list of K ints}``,
        ``mapping[c]`` being the class matched to code value c.
    """
    from scipy.optimize import linear_sum_assignment

    codes = _class_ids("codes", codes)
    _class_histogram(codes, num_classes)  # validates the range
    _class_histogram(predicted, num_classes)
    if codes.shape != np.shape(predicted):
        raise ValueError(f"`codes` and `predicted` must have the same length; received "
                         f"{codes.shape[0]} and {np.shape(predicted)[0]}.")
    table = np.zeros((num_classes, num_classes), dtype=np.int64)  # [code, class] counts
    np.add.at(table, (codes, np.asarray(predicted)), 1)
    rows, cols = linear_sum_assignment(table, maximize=True)
    mapping = np.empty(num_classes, dtype=np.int64)
    mapping[rows] = cols
    return {"agreement": float(table[rows, cols].sum() / codes.shape[0]), "mapping": mapping.tolist()}


def _generate_in_chunks(generate, arrays, chunk=500):
    """Concatenated NumPy outputs of ``generate(*chunk_of_each_array)``."""
    import keras

    rows = len(arrays[0])
    return np.concatenate([keras.ops.convert_to_numpy(generate(*[a[start:start + chunk] for a in arrays]))
                           for start in range(0, rows, chunk)])


def class_conditional_scores(model, classifier, *, num_samples=1000, seed=0):
    """How well a class-conditional generator draws the class it is asked for.

    ``num_samples // K`` samples per class (z from ``np.random.default_rng(seed)``,
    N(0, I)) are generated with ``model.generate(z, labels)`` and judged by
    ``classifier``.

    Args:
        model: a model with ``num_classes``, ``latent_dim`` and ``generate(z, labels)``
            (CGAN, ACGAN).
        classifier: the judge, e.g. :func:`train_digit_classifier`.
        num_samples: samples in total, at least one per class.
        seed: seed of z.

    Returns:
        ``{"accuracy": generated_class_accuracy, "coverage": class_coverage,
        "histogram_kl": class_histogram_kl, "num_samples": n}``.
    """
    num_classes = int(model.num_classes)
    per_class = max(1, int(num_samples) // num_classes)
    labels = np.repeat(np.arange(num_classes, dtype=np.int32), per_class)  # [K * per_class]
    z = np.random.default_rng(seed).standard_normal((len(labels), model.latent_dim)).astype(np.float32)
    predicted = predict_classes(classifier, _generate_in_chunks(model.generate, [z, labels]))
    return {"accuracy": generated_class_accuracy(predicted, labels),
            "coverage": class_coverage(predicted, num_classes),
            "histogram_kl": class_histogram_kl(predicted, num_classes),
            "num_samples": len(labels)}


def categorical_code_scores(model, classifier, *, num_samples=1000, seed=0):
    """How well a categorical latent code lines up with the classes a judge sees.

    ``num_samples // K`` samples per code value, with z ~ N(0, I) and the
    continuous codes ~ U[-1, 1] drawn from ``np.random.default_rng(seed)``, are
    generated with ``model.generate(z, categorical_code, continuous_code)``
    and judged by ``classifier`` (which must know K classes too).

    Args:
        model: a model with ``num_categories``, ``num_continuous``,
            ``latent_dim`` and that ``generate`` (InfoGAN).
        classifier: the judge.
        num_samples: samples in total.
        seed: seed of z and of the continuous codes.

    Returns:
        ``{"agreement", "mapping"}`` of :func:`code_class_agreement`, plus
        ``"coverage"``, ``"histogram_kl"`` and ``"num_samples"``.
    """
    num_categories = int(model.num_categories)
    per_code = max(1, int(num_samples) // num_categories)
    codes = np.repeat(np.arange(num_categories, dtype=np.int32), per_code)  # [K * per_code]
    rng = np.random.default_rng(seed)
    z = rng.standard_normal((len(codes), model.latent_dim)).astype(np.float32)
    continuous = rng.uniform(-1.0, 1.0, (len(codes), model.num_continuous)).astype(np.float32)
    predicted = predict_classes(classifier, _generate_in_chunks(model.generate, [z, codes, continuous]))
    scores = code_class_agreement(codes, predicted, num_categories)
    scores.update(coverage=class_coverage(predicted, num_categories),
                  histogram_kl=class_histogram_kl(predicted, num_categories), num_samples=len(codes))
    return scores


# ----------------------------------------------------------------------------
# Image-to-image measures: fidelity to a reference and sharpness


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
    data_range = _positive_number("data_range", data_range)
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


# ----------------------------------------------------------------------------
# Distances between sets of features: FID, KID, Inception Score, improved
# precision/recall, density/coverage, and the memorization check
#
# Each measure compares rows of feature vectors, whatever made them
# (``keras_gans.features``: InceptionV3 pool3, the digit judge's embedding,
# pixels). FID needs only each set's mean and covariance, accumulated batch by
# batch in :class:`FeatureStatistics`, so 50,000 samples never sit in memory at
# once; the other measures need the vectors, of which FeatureStatistics keeps a
# uniform random subset of bounded size.

DISTRIBUTION_MEASURES = ("fid", "kid", "precision", "recall", "density", "coverage")
_DISTANCE_BLOCK = 2**22  # entries of one block of pairwise distances (32 MiB of float64)


def _count(name, value, minimum=1):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ValueError(f"`{name}` must be an int >= {minimum}; received {name}={value!r}.")
    return int(value)


def _feature_rows(name, features, min_rows=1):
    """float64 ``[n, d]`` with n >= min_rows, finite; ValueError naming ``name`` otherwise."""
    features = np.asarray(features, dtype=np.float64)
    if features.ndim != 2 or features.shape[0] < min_rows or features.shape[1] == 0:
        raise ValueError(f"`{name}` must have shape [n, d] with n >= {min_rows} and d >= 1; received "
                         f"shape {features.shape}.")
    if not np.all(np.isfinite(features)):
        bad = features.size - np.count_nonzero(np.isfinite(features))
        raise ValueError(f"`{name}` must be finite; received {bad} NaN/inf value(s).")
    return features


def _same_dimension(real, fake):
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
        self.keep = _count("keep", keep, minimum=0)
        self._rng = np.random.default_rng(_count("seed", seed, minimum=0))
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
        batch = _feature_rows("features", features)
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


def _sqrtm(matrix):
    """The principal matrix square root (``scipy.linalg.sqrtm``; may be complex).

    SciPy's warning about singular matrices is silenced: :func:`frechet_distance`
    checks the root itself and falls back as the reference code does.
    """
    import warnings

    from scipy import linalg

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", linalg.LinAlgWarning)
        return linalg.sqrtm(matrix)


def frechet_distance(mean1, cov1, mean2, cov2, eps=1e-6):
    """The Frechet (2-Wasserstein) distance between two Gaussians, squared.

    ``d^2 = |mu1 - mu2|^2 + Tr(S1 + S2 - 2 (S1 S2)^(1/2))`` (Dowson & Landau
    1982), the FID of Heusel et al. 2017 when the Gaussians are fitted to
    InceptionV3 pool3 features. As in the authors' reference code (TTUR
    ``fid.py``): when ``sqrtm(S1 S2)`` is not finite (a singular product, e.g.
    fewer samples than dimensions), ``eps * I`` is added to both covariances
    and the root taken again; a complex root whose diagonal has imaginary
    parts below 1e-3 (rounding) keeps its real part. Not clamped at 0: the
    distance of a set to itself comes out as 0 up to rounding (either sign).

    Args:
        mean1: ``[d]`` mean of the first Gaussian.
        cov1: ``[d, d]`` covariance of the first Gaussian.
        mean2: ``[d]`` mean of the second.
        cov2: ``[d, d]`` covariance of the second.
        eps: the diagonal offset of the fallback, > 0.

    Returns:
        The squared distance, a float.

    Raises:
        ValueError: for mismatched shapes, non-finite inputs, or a square root
            whose imaginary part is not negligible.
    """
    mean1, mean2 = (np.asarray(m, dtype=np.float64) for m in (mean1, mean2))
    cov1, cov2 = (np.asarray(c, dtype=np.float64) for c in (cov1, cov2))
    if mean1.ndim != 1 or mean1.shape != mean2.shape or mean1.size == 0:
        raise ValueError(f"`mean1` and `mean2` must both have shape [d]; received {mean1.shape} and "
                         f"{mean2.shape}.")
    dim = mean1.shape[0]
    for name, cov in (("cov1", cov1), ("cov2", cov2)):
        if cov.shape != (dim, dim):
            raise ValueError(f"`{name}` must have shape [{dim}, {dim}] like the means; received {cov.shape}.")
    for name, value in (("mean1", mean1), ("cov1", cov1), ("mean2", mean2), ("cov2", cov2)):
        if not np.all(np.isfinite(value)):
            raise ValueError(f"`{name}` must be finite.")
    eps = _positive_number("eps", eps)
    root = _sqrtm(cov1 @ cov2)
    if not np.all(np.isfinite(root)):
        offset = np.eye(dim) * eps
        root = _sqrtm((cov1 + offset) @ (cov2 + offset))
    if np.iscomplexobj(root):
        imaginary = np.max(np.abs(np.diagonal(root).imag))
        if imaginary > 1e-3:
            raise ValueError(f"sqrtm(cov1 @ cov2) has an imaginary part of {imaginary:.3g} on its diagonal: "
                             "the covariances are not valid (symmetric positive semi-definite).")
        root = root.real
    difference = mean1 - mean2
    return float(difference @ difference + np.trace(cov1) + np.trace(cov2) - 2.0 * np.trace(root))


def fid(real, fake):
    """Frechet Inception Distance (Heusel et al. 2017, "GANs Trained by a Two
    Time-Scale Update Rule Converge to a Local Nash Equilibrium").

    Args:
        real: :class:`FeatureStatistics` (or a ``[n, d]`` feature array) of real images.
        fake: the same for generated images.

    Returns:
        :func:`frechet_distance` of the two fitted Gaussians; lower is better.
    """
    real, fake = (stats if isinstance(stats, FeatureStatistics) else FeatureStatistics().update(stats)
                  for stats in (real, fake))
    if real.dim != fake.dim:
        raise ValueError(f"`real` and `fake` must have the same feature dimension; received {real.dim} "
                         f"and {fake.dim}.")
    return frechet_distance(real.mean, real.covariance, fake.mean, fake.covariance)


def _polynomial_kernel(x, y):
    """``k(x, y) = (x . y / d + 1)^3`` for every pair of rows: ``[n, m]``."""
    kernel = x @ y.T
    kernel /= x.shape[1]
    kernel += 1.0
    cube = kernel * kernel
    cube *= kernel  # in place, and 3x faster than ** 3 (a general pow)
    return cube


def _unbiased_mmd2(x, y):
    """The unbiased estimate of MMD^2 between two equal-size samples (Gretton et al. 2012, eq. 3)."""
    m = x.shape[0]
    k_xx, k_yy = _polynomial_kernel(x, x), _polynomial_kernel(y, y)
    within = (k_xx.sum() - np.trace(k_xx) + k_yy.sum() - np.trace(k_yy)) / (m * (m - 1))
    return within - 2.0 * _polynomial_kernel(x, y).mean()


def kernel_inception_distance(real, fake, *, num_subsets=100, subset_size=1000, seed=0):
    """Kernel Inception Distance (Binkowski et al. 2018, "Demystifying MMD GANs").

    The unbiased estimate of the squared maximum mean discrepancy with the
    cubic polynomial kernel ``k(x, y) = (x . y / d + 1)^3``: on each of
    ``num_subsets`` pairs of subsets of ``m = min(subset_size, n_real, n_fake)``
    rows drawn without replacement,

        MMD^2 = sum_{i != j} [k(x_i, x_j) + k(y_i, y_j)] / (m (m - 1)) - 2 sum_{i, j} k(x_i, y_j) / m^2.

    Unbiased: two samples of one distribution give 0 on average (single
    estimates can be negative). The reported std is over subsets (ddof 0).

    Args:
        real: ``[n, d]`` features of real images.
        fake: ``[n', d]`` features of generated images.
        num_subsets: number of subset pairs.
        subset_size: rows per subset (1000 in the paper), >= 2.
        seed: seed of the subset draws.

    Returns:
        ``{"mean": float, "std": float}``; lower is better.
    """
    real, fake = _feature_rows("real", real, min_rows=2), _feature_rows("fake", fake, min_rows=2)
    _same_dimension(real, fake)
    num_subsets = _count("num_subsets", num_subsets)
    size = min(_count("subset_size", subset_size, minimum=2), real.shape[0], fake.shape[0])
    rng = np.random.default_rng(_count("seed", seed, minimum=0))
    estimates = [_unbiased_mmd2(real[rng.choice(real.shape[0], size, replace=False)],
                                fake[rng.choice(fake.shape[0], size, replace=False)])
                 for _ in range(num_subsets)]
    return {"mean": float(np.mean(estimates)), "std": float(np.std(estimates))}


def inception_score(probabilities, num_splits=10):
    """Inception Score (Salimans et al. 2016, "Improved Techniques for Training GANs", section 4).

    ``IS = exp(E_x KL(p(y|x) || p(y)))`` with ``p(y)`` the mean prediction,
    computed on each of ``num_splits`` consecutive equal parts (10 in the
    paper), with ``0 log 0 = 0``. It lies in ``[1, K]``: K when every sample
    is confidently one class and the classes are equally frequent, 1 when
    every prediction is the same.

    Args:
        probabilities: ``[n, K]`` class probabilities (rows sum to 1), e.g.
            the softmax of InceptionV3's or the digit judge's logits.
        num_splits: number of parts, <= n.

    Returns:
        ``{"mean": float, "std": float}`` over the parts (std with ddof 0); higher is better.
    """
    p = _feature_rows("probabilities", probabilities)
    if np.any(p < 0) or not np.allclose(p.sum(axis=1), 1.0, atol=1e-4):
        raise ValueError("`probabilities` must be non-negative with rows summing to 1 "
                         "(apply a softmax to logits).")
    num_splits = _count("num_splits", num_splits)
    if num_splits > p.shape[0]:
        raise ValueError(f"`num_splits`={num_splits} exceeds the {p.shape[0]} rows of `probabilities`.")
    scores = []
    for i in range(num_splits):
        part = p[i * p.shape[0] // num_splits:(i + 1) * p.shape[0] // num_splits]
        marginal = part.mean(axis=0)  # [K]: p(y), > 0 wherever a row of the part is
        with np.errstate(divide="ignore", invalid="ignore"):
            terms = np.where(part > 0, part * np.log(part / marginal), 0.0)  # 0 log 0 = 0
        scores.append(math.exp(float(terms.sum(axis=1).mean())))
    return {"mean": float(np.mean(scores)), "std": float(np.std(scores))}


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
    real, fake = _feature_rows("real", real), _feature_rows("fake", fake)
    _same_dimension(real, fake)
    k = _count("k", k)
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
    real, fake = _feature_rows("real", real), _feature_rows("fake", fake)
    _same_dimension(real, fake)
    k = _count("k", k)
    radii = _knn_radii(real, k)
    counts, nearest_fake = _ball_scan(fake, real, radii)
    return {"density": float(counts.sum() / (k * fake.shape[0])),
            "coverage": float(np.mean(nearest_fake <= radii))}


def compare_features(real, fake, measures=DISTRIBUTION_MEASURES, *, precision_k=3, density_k=5,
                     kid_subsets=100, kid_subset_size=1000, seed=0):
    """Several measures between real and generated features at once.

    FID uses each set's full statistics; KID, precision/recall and
    density/coverage use the rows each :class:`FeatureStatistics` keeps.

    Args:
        real: :class:`FeatureStatistics` of real images (with kept rows unless
            ``measures`` is only ``("fid",)``).
        fake: the same for generated images.
        measures: names from :data:`DISTRIBUTION_MEASURES`.
        precision_k: k of :func:`precision_recall`.
        density_k: k of :func:`density_coverage`.
        kid_subsets: ``num_subsets`` of :func:`kernel_inception_distance`.
        kid_subset_size: its ``subset_size``.
        seed: seed of the KID subsets.

    Returns:
        ``{measure: value}``; KID's value is ``{"mean", "std"}``, the others floats.
    """
    unknown = sorted(set(measures) - set(DISTRIBUTION_MEASURES))
    if unknown or not measures:
        raise ValueError(f"`measures` must be names from {DISTRIBUTION_MEASURES}; received {list(measures)}.")
    results = {}
    if "fid" in measures:
        results["fid"] = fid(real, fake)
    if "kid" in measures:
        results["kid"] = kernel_inception_distance(real.samples, fake.samples, num_subsets=kid_subsets,
                                                   subset_size=kid_subset_size, seed=seed)
    if {"precision", "recall"} & set(measures):
        results.update(precision_recall(real.samples, fake.samples, k=precision_k))
    if {"density", "coverage"} & set(measures):
        results.update(density_coverage(real.samples, fake.samples, k=density_k))
    return {name: results[name] for name in measures}


def nearest_training_images(samples, training_batches, k=1):
    """The k nearest training images of each sample, in pixel space: did the model memorize?

    Radford et al. (2016, DCGAN, section 6.1) and Goodfellow et al. (2014,
    figure 2) show generated samples next to their nearest training images:
    a sample that is a near copy of one has a much smaller distance than a
    held-out real image has to the training set. The training set is read
    batch by batch; only the k best per sample are kept.

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
    samples = np.asarray(samples, dtype=np.float64)
    if samples.ndim < 2 or samples.shape[0] == 0:
        raise ValueError(f"`samples` must be a non-empty batch [n, ...]; received shape {samples.shape}.")
    k = _count("k", k)
    queries = samples.reshape(samples.shape[0], -1)  # [n, ...] -> [n, D]
    distances = np.empty((samples.shape[0], 0))
    indices = np.empty((samples.shape[0], 0), dtype=np.int64)
    neighbours = np.empty((samples.shape[0], 0) + samples.shape[1:])
    seen = 0
    for batch in training_batches:
        batch = np.asarray(batch, dtype=np.float64)
        if batch.shape[1:] != samples.shape[1:]:
            raise ValueError(f"Training images have shape {batch.shape[1:]}; `samples` have "
                             f"{samples.shape[1:]}.")
        flat = batch.reshape(batch.shape[0], -1)  # [b, ...] -> [b, D]
        previous = distances.shape[1]
        block = np.concatenate([d for _, d in _distance_blocks(queries, flat)])  # [n, b]
        candidates = np.concatenate([distances, block], axis=1)  # [n, previous + b]
        best = np.argsort(candidates, axis=1, kind="stable")[:, :k]  # [n, min(k, previous + b)]
        chosen = np.empty(best.shape + samples.shape[1:])
        chosen_indices = np.empty(best.shape, dtype=np.int64)
        for i, j in np.ndindex(best.shape):
            position = best[i, j]
            if position < previous:  # kept from earlier batches
                chosen[i, j], chosen_indices[i, j] = neighbours[i, position], indices[i, position]
            else:
                chosen[i, j], chosen_indices[i, j] = batch[position - previous], seen + position - previous
        distances = np.take_along_axis(candidates, best, axis=1)
        neighbours, indices = chosen, chosen_indices
        seen += batch.shape[0]
    if seen < k:
        raise ValueError(f"`training_batches` hold {seen} image(s); `k`={k} needs at least k.")
    return {"distances": distances, "indices": indices, "images": neighbours}
