"""Class measures on a judge's predictions: what a classifier trained on real data sees in samples.

The conditional and latent-code GANs (CGAN, Mirza & Osindero 2014; ACGAN,
Odena et al. 2017; InfoGAN, Chen et al. 2016) are judged by whether a sample of
class y is recognized as y, how many classes the samples cover and how evenly,
and how an unsupervised categorical code lines up with the classes. The judges
that make the predictions are in ``keras_gans.judges``.
"""

import numpy as np
from scipy.optimize import linear_sum_assignment

from keras_gans import checks


def class_ids(name, values):
    """``values`` as a NumPy array when it is a non-empty 1-D array of ints, else ValueError naming it."""
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
    predicted, labels = class_ids("predicted", predicted), class_ids("labels", labels)
    if predicted.shape != labels.shape:
        raise ValueError(f"`predicted` and `labels` must have the same length; received "
                         f"{predicted.shape[0]} and {labels.shape[0]}.")
    return float(np.mean(predicted == labels))


def _class_histogram(predicted, num_classes):
    predicted = class_ids("predicted", predicted)
    num_classes = checks.positive_int("num_classes", num_classes)
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
    codes = class_ids("codes", codes)
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
