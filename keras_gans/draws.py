"""Random draws inside a train step: ``keras.random``'s, on TensorFlow's Philox algorithm by name.

``keras.random.normal(shape, seed=generator)`` calls TensorFlow's stateless
random ops with the default algorithm, ``auto_select``. Outside XLA that
is Philox on CPUs and GPUs; under XLA on a CPU it compiles to something
about 60 times slower (``python benchmarks/xla_by_experiment.py
--random_numbers``), which made XLA-compiled steps slower than plain ones.
These functions take the same arguments and name Philox: without XLA they
return bit for bit what ``keras.random`` returns (same seed-generator state,
same numbers, so runs and tests are unchanged), and under XLA they are as
fast as without it. A seed that is not a ``keras.random.SeedGenerator``
(an int, None) goes to ``keras.random`` unchanged.
"""

import keras
import tensorflow as tf

_ALGORITHM = "philox"


def _seed_pair(seed_generator):
    """The int32 ``[2]`` seed Keras's TensorFlow backend derives from a generator's next state."""
    seed = seed_generator.next()
    if seed.dtype == tf.int32:
        return seed
    return tf.cast(tf.math.floormod(seed, tf.int32.max - 1), tf.int32)


def normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """``keras.random.normal`` on Philox."""
    if not isinstance(seed, keras.random.SeedGenerator):
        return keras.random.normal(shape, mean=mean, stddev=stddev, dtype=dtype, seed=seed)
    return tf.random.stateless_normal(shape, mean=mean, stddev=stddev, dtype=dtype or keras.config.floatx(),
                                      seed=_seed_pair(seed), alg=_ALGORITHM)


def uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    """``keras.random.uniform`` on Philox."""
    if not isinstance(seed, keras.random.SeedGenerator):
        return keras.random.uniform(shape, minval=minval, maxval=maxval, dtype=dtype, seed=seed)
    dtype = dtype or keras.config.floatx()
    return tf.random.stateless_uniform(shape, minval=tf.cast(minval, dtype), maxval=tf.cast(maxval, dtype),
                                       dtype=dtype, seed=_seed_pair(seed), alg=_ALGORITHM)


def randint(shape, minval, maxval, dtype="int32", seed=None):
    """``keras.random.randint`` on Philox."""
    if not isinstance(seed, keras.random.SeedGenerator):
        return keras.random.randint(shape, minval, maxval, dtype=dtype, seed=seed)
    drawn = dtype if keras.backend.standardize_dtype(dtype) in ("int32", "int64") else "int64"
    return tf.cast(tf.random.stateless_uniform(shape, minval=minval, maxval=maxval, dtype=drawn,
                                               seed=_seed_pair(seed), alg=_ALGORITHM), dtype)


def dropout(inputs, rate, noise_shape=None, seed=None):
    """``keras.random.dropout`` on Philox: zeroes each unit with probability ``rate``, scales the rest by
    ``1 / (1 - rate)``; ``noise_shape`` as in ``keras.layers.Dropout`` (None entries follow ``inputs``)."""
    if not isinstance(seed, keras.random.SeedGenerator) or rate in (0.0, 1.0):
        return keras.random.dropout(inputs, rate, noise_shape=noise_shape, seed=seed)
    shape = tf.shape(inputs)
    if noise_shape is not None:
        shape = [shape[i] if size is None else size for i, size in enumerate(noise_shape)]
    return tf.nn.experimental.stateless_dropout(inputs, rate=rate, seed=_seed_pair(seed), rng_alg=_ALGORITHM,
                                                noise_shape=shape)
