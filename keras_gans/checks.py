"""Argument checks shared by every module of the library.

Each check returns the cleaned value or raises a ``ValueError`` that names the
argument and the value received. Where two callers accept different things (a
Python number only, or any real scalar such as ``np.float32``), a keyword
chooses which, so no caller's check became looser or stricter when they met here.
"""

import math
import numbers

import numpy as np

NORMALIZATIONS = ("batch", "instance", None)  # of the image-to-image networks


def is_int(value):
    """Whether ``value`` is an integer (NumPy integers too), never a bool."""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def integer(name, value, minimum=None):
    """``int(value)`` for an integer (not a bool) >= ``minimum`` (any when None), else ValueError naming it."""
    if not is_int(value) or (minimum is not None and value < minimum):
        bound = "" if minimum is None else f" >= {minimum}"
        raise ValueError(f"`{name}` must be an int{bound}; received {name}={value!r}.")
    return int(value)


def positive_int(name, value, minimum=1):
    """``int(value)`` for an integer (not a bool) >= ``minimum``, else ValueError naming it."""
    return integer(name, value, minimum)


def boolean(name, value):
    """``value`` when it is True or False, else ValueError naming it."""
    if not isinstance(value, bool):
        raise ValueError(f"`{name}` must be True or False; received {name}={value!r}.")
    return value


def one_of(name, value, choices):
    """``value`` when it is one of ``choices``, else ValueError naming it and listing them."""
    if value not in choices:
        raise ValueError(f"`{name}` must be one of {choices}; received {name}={value!r}.")
    return value


def names_each_once(names, choices):
    """Whether the sequence of strings ``names`` names each of ``choices`` at most once."""
    return all(name in choices for name in names) and len(set(names)) == len(names)


def policy_requirement(choices):
    """What a policy of ``choices`` must be, for error messages: "must name each of ... at most once"."""
    return f"must name each of {', '.join(choices)} at most once"


def policy(name, value, choices):
    """``value`` (names, or one comma-separated string) as a tuple naming each of ``choices`` at most once.

    Raises:
        ValueError: naming ``name``, for an unknown or repeated name.
    """
    names = tuple(part for part in value.split(",") if part) if isinstance(value, str) else value
    try:
        names = tuple(names)
    except TypeError:
        names = None
    if names is None or not names_each_once(names, choices):
        raise ValueError(f"`{name}` {policy_requirement(choices)}; received {name}={value!r}.")
    return names


def _is_number(value, any_real):
    """An int or float (NumPy's float64 is one), or with ``any_real`` any real scalar; never a bool."""
    return not isinstance(value, bool) and isinstance(value, numbers.Real if any_real else (int, float))


def _number(name, value, *, minimum, strict, any_real, finite):
    valid = (_is_number(value, any_real) and (value > minimum if strict else value >= minimum)
             and (not finite or math.isfinite(value)))
    if not valid:
        kind = "a finite number" if finite else "a number"
        raise ValueError(f"`{name}` must be {kind} {'>' if strict else '>='} {minimum}; received {name}={value!r}.")
    return float(value)


def weight(name, value, *, any_real=False, finite=False):
    """``float(value)`` for a number >= 0 (a loss weight, a noise level), else ValueError naming it.

    The keywords are those of :func:`positive_number`.
    """
    return _number(name, value, minimum=0, strict=False, any_real=any_real, finite=finite)


def unit_weight(name, value):
    """``float(value)`` for a number in [0, 1] (a weight shared between two terms), else ValueError naming it."""
    checked = weight(name, value)
    if checked > 1.0:
        raise ValueError(f"`{name}` must be in [0, 1]; received {name}={value!r}.")
    return checked


def positive_number(name, value, *, any_real=False, finite=False):
    """``float(value)`` for a number > 0, else ValueError naming it.

    Args:
        name: the argument's name in the error message.
        value: the value to check.
        any_real: accept any real scalar (``np.float32`` ...), not only Python ints and floats.
        finite: refuse infinity.
    """
    return _number(name, value, minimum=0, strict=True, any_real=any_real, finite=finite)


def positive_real(name, value):
    """``float(value)`` for a finite real scalar > 0 (NumPy scalars and 0-d arrays too), else ValueError naming it.

    What the measures take as scales and tolerances (a mode's std, a data range).
    """
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value.item()
    return positive_number(name, value, any_real=True, finite=True)


def rate(name, value, upper=1.0, *, typed=True):
    """A number in ``[0, upper)``: a dropout rate, a probability, a smoothing amount.

    Args:
        name: the argument's name in the error message.
        value: the value to check.
        upper: the excluded upper bound.
        typed: require a real number (not a bool) and return ``float(value)``;
            False checks only the range and returns ``value`` as it is (the
            label options of the losses, which take whatever compares with floats).

    Returns:
        ``float(value)``, or ``value`` itself when ``typed`` is False.
    """
    if (typed and not _is_number(value, any_real=True)) or not 0.0 <= value < upper:
        raise ValueError(f"`{name}` must be a number in [0, {upper:g}); received {name}={value!r}.")
    return float(value) if typed else value


def share(name, value):
    """``float(value)`` for a number in (0, 1] (a share of a batch, a factor that shrinks it), else ValueError.

    The message names the argument, as every check here does.
    """
    if not _is_number(value, any_real=False) or not 0.0 < value <= 1.0:
        raise ValueError(f"`{name}` must be a number in (0, 1]; received {name}={value!r}.")
    return float(value)


def image_shape(value, *, divisible_by=1, name="image_shape"):
    """``(height, width, channels)`` as ints, height and width multiples of ``divisible_by``.

    Args:
        value: the shape to check.
        divisible_by: what height and width must be multiples of (e.g. ``2**d``
            for ``d`` stride-2 steps).
        name: the argument's name in the error message.

    Returns:
        A tuple of three Python ints.
    """
    try:
        dims = tuple(value)
    except TypeError:
        dims = None
    valid = (dims is not None and len(dims) == 3 and all(is_int(d) and d > 0 for d in dims)
             and dims[0] % divisible_by == 0 and dims[1] % divisible_by == 0)
    if not valid:
        raise ValueError(f"`{name}` must be (height, width, channels) of positive ints with height and "
                         f"width multiples of {divisible_by}; received {name}={value!r}.")
    return tuple(int(d) for d in dims)


def output_channels(value, default):
    """``value`` checked as a positive int, or ``default`` when it is None."""
    return default if value is None else positive_int("output_channels", value)
