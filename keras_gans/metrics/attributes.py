"""Attribute measures on a judge's reading of generated images: accuracy, coverage, code correlation.

For images with several attributes (the ``shapes`` set: shape, colour, size
bin, position cell) a conditional or text-to-image generator is judged by
whether the judge reads in each image the attributes it was made for -- the
attributes asked of a class-conditional model, or those a caption names -- and
an unconditional one by which combinations it produces at all; InfoGAN's
continuous codes by the attribute each one moves. The judge is
in ``keras_gans.judges.shapes``.
"""

import numpy as np

from keras_gans import checks
from keras_gans.metrics.classes import class_ids


def attribute_accuracy(requested, predicted):
    """Share of images whose judged attributes are those requested, per attribute and all together.

    Args:
        requested: ``{attribute: int [n]}``, -1 where that attribute was not
            asked for (a caption that does not name it).
        predicted: ``{attribute: int [n]}`` read by the judge; must hold every
            attribute of ``requested``.

    Returns:
        ``{attribute: share}`` for every requested attribute asked of at
        least one image (the share among those images), and ``"all"``: the
        share of images, among those asked anything, whose every asked
        attribute is read right. ``"count"`` is that number of images.

    Raises:
        ValueError: for an empty request, a missing prediction or arrays of different lengths.
    """
    if not requested:
        raise ValueError("`requested` must name at least one attribute; received an empty dict.")
    missing = sorted(set(requested) - set(predicted))
    if missing:
        raise ValueError(f"`predicted` lacks `{missing[0]}`, which `requested` holds.")
    requested = {name: class_ids(f"requested[{name!r}]", values) for name, values in requested.items()}
    count = len(next(iter(requested.values())))
    asked_any = np.zeros(count, bool)
    all_right = np.ones(count, bool)
    scores = {}
    for name, wanted in requested.items():
        read = class_ids(f"predicted[{name!r}]", predicted[name])
        if wanted.shape != (count,) or read.shape != (count,):
            raise ValueError(f"`requested` and `predicted` must hold {count} values for every attribute; "
                             f"`{name}` has {wanted.shape[0]} and {read.shape[0]}.")
        asked = wanted >= 0
        if asked.any():
            scores[name] = float(np.mean(read[asked] == wanted[asked]))
        asked_any |= asked
        all_right &= ~asked | (read == wanted)
    scores["all"] = float(np.mean(all_right[asked_any])) if asked_any.any() else float("nan")
    scores["count"] = int(asked_any.sum())
    return scores


def attribute_coverage(first, second, num_first, num_second):
    """Which combinations of two attributes occur (e.g. the 36 shape-colour pairs), out of all.

    Args:
        first: int ``[n]`` values of the first attribute in ``[0, num_first)``.
        second: int ``[n]`` values of the second in ``[0, num_second)``.
        num_first: number of values of the first.
        num_second: number of values of the second.

    Returns:
        ``{"covered": pairs seen at least once, "total": num_first * num_second,
        "share": covered / total, "missing": [(a, b), ...] never seen,
        "counts": [[count of (a, b)]]}``.

    Raises:
        ValueError: for values out of range or arrays of different lengths.
    """
    num_first = checks.positive_int("num_first", num_first)
    num_second = checks.positive_int("num_second", num_second)
    first, second = class_ids("first", first), class_ids("second", second)
    if first.shape != second.shape:
        raise ValueError(f"`first` and `second` must have the same length; received {first.shape[0]} and "
                         f"{second.shape[0]}.")
    for name, values, limit in (("first", first, num_first), ("second", second, num_second)):
        if values.min() < 0 or values.max() >= limit:
            raise ValueError(f"`{name}` must hold values in [0, {limit}); received {int(values.min())}.."
                             f"{int(values.max())}.")
    counts = np.zeros((num_first, num_second), np.int64)
    np.add.at(counts, (first, second), 1)
    covered = int(np.count_nonzero(counts))
    return {"covered": covered, "total": counts.size, "share": covered / counts.size,
            "missing": [(int(a), int(b)) for a, b in zip(*np.nonzero(counts == 0))], "counts": counts.tolist()}


def code_attribute_correlation(codes, attributes):
    """Which attribute each continuous latent code tracks: Pearson's r of the code with every attribute.

    InfoGAN's continuous codes (Chen et al. 2016, section 7.1) are meant to
    take over continuous factors of the data, such as a shape's position or
    size, without being told which. Sweeping a code with the rest of the input
    fixed and reading the attributes back with a judge, a code that tracks an
    attribute correlates with it; ``r`` is 0 when the code or the attribute does
    not vary at all (no linear relation can be read).

    Args:
        codes: float ``[n, k]`` code values (or ``[n]`` for one code).
        attributes: ``{name: float [n]}`` read by the judge, e.g. x, y and size.

    Returns:
        One dict per code: ``{"r": {name: r}, "best": name of the largest
        |r|, "best_abs_r": that |r|}``.

    Raises:
        ValueError: for no attributes, fewer than two rows or arrays of different lengths.
    """
    codes = np.asarray(codes, np.float64)
    codes = codes[:, None] if codes.ndim == 1 else codes
    if codes.ndim != 2 or codes.shape[0] < 2:
        raise ValueError(f"`codes` must be [n, k] with n >= 2; received shape {codes.shape}.")
    if not attributes:
        raise ValueError("`attributes` must name at least one attribute; received an empty dict.")
    centred = {}
    for name, values in attributes.items():
        values = np.asarray(values, np.float64)
        if values.shape != (codes.shape[0],):
            raise ValueError(f"`attributes[{name!r}]` must hold {codes.shape[0]} values, one per row of `codes`; "
                             f"received shape {values.shape}.")
        centred[name] = values - values.mean()
    results = []
    for column in (codes - codes.mean(axis=0)).T:
        r = {}
        for name, values in centred.items():
            scale = np.sqrt(np.sum(column ** 2) * np.sum(values ** 2))
            r[name] = float(np.sum(column * values) / scale) if scale > 0 else 0.0
        best = max(r, key=lambda name: abs(r[name]))
        results.append({"r": r, "best": best, "best_abs_r": abs(r[best])})
    return results
