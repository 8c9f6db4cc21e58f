"""Argument checks shared by the network builders and the models.

Each check returns the cleaned value or raises a ``ValueError`` that names the
argument and the value received.
"""

import numbers

NORMALIZATIONS = ("batch", "instance", None)


def is_int(value):
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def positive_int(name, value, minimum=1):
    if not is_int(value) or value < minimum:
        raise ValueError(f"`{name}` must be an int >= {minimum}; received {name}={value!r}.")
    return int(value)


def weight(name, value):
    """``float(value)`` for an int or float >= 0 (a loss weight), else ValueError naming it."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value >= 0:
        raise ValueError(f"`{name}` must be a number >= 0; received {name}={value!r}.")
    return float(value)


def positive_number(name, value):
    """``float(value)`` for an int or float > 0, else ValueError naming it."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
        raise ValueError(f"`{name}` must be a number > 0; received {name}={value!r}.")
    return float(value)


def rate(name, value):
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0.0 <= value < 1.0:
        raise ValueError(f"`{name}` must be a number in [0, 1); received {name}={value!r}.")
    return float(value)


def one_of(name, value, choices):
    if value not in choices:
        raise ValueError(f"`{name}` must be one of {choices}; received {name}={value!r}.")
    return value


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


def boolean(name, value):
    """``value`` when it is True or False, else ValueError naming it."""
    if not isinstance(value, bool):
        raise ValueError(f"`{name}` must be True or False; received {name}={value!r}.")
    return value
