"""What the callbacks write to and read from Keras's epoch logs."""

import numpy as np

# Keys under which ToyScatter adds its measures to the epoch logs.
COVERAGE_PREFIX = "mode_coverage/"
COVERAGE_KEYS = ("modes", "high_quality", "reverse_kl")


def is_finite(value):
    """True when every element of a (scalar or array) log value is finite."""
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        return True  # not a number (e.g. a string): nothing to check
    return bool(np.all(np.isfinite(array)))


def non_finite(logs):
    """Names of the training-health logs that are NaN or infinite (mode-coverage measures left out)."""
    return sorted(key for key, value in (logs or {}).items()
                  if not key.startswith(COVERAGE_PREFIX) and not is_finite(value))
