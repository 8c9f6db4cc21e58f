"""The step's random draws: keras.random's numbers without XLA, Philox by name so XLA compiles them fast."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_gans import draws

DRAWS = {
    "normal": (lambda seed: keras.random.normal((5, 3), mean=1.0, stddev=2.0, seed=seed),
               lambda seed: draws.normal((5, 3), mean=1.0, stddev=2.0, seed=seed)),
    "uniform": (lambda seed: keras.random.uniform((7,), minval=-1.0, maxval=1.0, seed=seed),
                lambda seed: draws.uniform((7,), minval=-1.0, maxval=1.0, seed=seed)),
    "randint": (lambda seed: keras.random.randint((9,), 0, 10, seed=seed),
                lambda seed: draws.randint((9,), 0, 10, seed=seed)),
    "randint_uint8": (lambda seed: keras.random.randint((9,), 0, 10, dtype="uint8", seed=seed),
                      lambda seed: draws.randint((9,), 0, 10, dtype="uint8", seed=seed)),
}


@pytest.mark.parametrize("kind", sorted(DRAWS))
def test_without_xla_the_numbers_are_keras_random_numbers_bit_for_bit(kind):
    theirs, ours = DRAWS[kind]
    keras_seed, our_seed = keras.random.SeedGenerator(42), keras.random.SeedGenerator(42)
    for _ in range(3):  # and the generator moves on the same way
        expected, drawn = theirs(keras_seed), ours(our_seed)
        assert drawn.dtype == expected.dtype
        np.testing.assert_array_equal(drawn.numpy(), expected.numpy())


def test_an_int_seed_or_none_goes_to_keras_random():
    np.testing.assert_array_equal(draws.normal((4,), seed=3).numpy(), keras.random.normal((4,), seed=3).numpy())
    assert draws.uniform((2, 2)).shape == (2, 2)


def test_under_xla_the_draws_compile_and_keep_their_distribution():
    seed = keras.random.SeedGenerator(0)

    @tf.function(jit_compile=True)
    def draw():
        return draws.normal((20_000,), seed=seed), draws.uniform((20_000,), seed=seed), \
            draws.randint((20_000,), 0, 4, seed=seed)

    normal, uniform, classes = (x.numpy() for x in draw())
    assert abs(normal.mean()) < 0.03 and abs(normal.std() - 1.0) < 0.03
    assert 0.0 <= uniform.min() and uniform.max() < 1.0 and abs(uniform.mean() - 0.5) < 0.01
    np.testing.assert_allclose(np.bincount(classes, minlength=4) / 20_000, 0.25, atol=0.02)
    second = draw()[0].numpy()
    assert not np.array_equal(second, normal)  # the generator's state moved on
