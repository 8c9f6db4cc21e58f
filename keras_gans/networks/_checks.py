"""Kept for the models until they move: the checks now live in :mod:`keras_gans.checks`."""

from keras_gans.checks import (NORMALIZATIONS, image_shape, is_int, one_of, output_channels, positive_int,  # noqa: F401
                               positive_number, rate, weight)
