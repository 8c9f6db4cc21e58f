"""The step's random draws: keras.random's numbers without XLA, Philox by name so XLA compiles them fast."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_gans import draws, layers

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


def test_dropout_is_keras_dropout_bit_for_bit_without_xla():
    inputs = keras.random.normal((6, 4, 5), seed=1)
    keras_seed, our_seed = keras.random.SeedGenerator(7), keras.random.SeedGenerator(7)
    for noise_shape in (None, (None, 1, 5)):
        expected = keras.random.dropout(inputs, 0.4, noise_shape=noise_shape, seed=keras_seed)
        drawn = draws.dropout(inputs, 0.4, noise_shape=noise_shape, seed=our_seed)
        np.testing.assert_array_equal(drawn.numpy(), expected.numpy())
    kept = drawn.numpy() != 0
    assert np.all(kept == kept[:, :1, :])  # noise_shape (None, 1, 5): one mask for the whole axis 1


@pytest.mark.parametrize("ours_class, keras_class", [(layers.Dropout, keras.layers.Dropout),
                                                     (layers.GaussianNoise, keras.layers.GaussianNoise)])
def test_random_layers_match_the_keras_layers_and_are_the_identity_at_inference(ours_class, keras_class):
    inputs = keras.random.normal((8, 30), seed=2)
    ours, theirs = ours_class(0.3, seed=5), keras_class(0.3, seed=5)
    for _ in range(2):
        np.testing.assert_array_equal(ours(inputs, training=True).numpy(), theirs(inputs, training=True).numpy())
    np.testing.assert_array_equal(ours(inputs, training=False).numpy(), inputs.numpy())


def test_dropout_under_xla_drops_the_rate_and_scales_the_rest():
    layer = layers.Dropout(0.25, seed=0)
    inputs = tf.ones((100_000,))

    @tf.function(jit_compile=True)
    def drop():
        return layer(inputs, training=True)

    first = drop().numpy()
    assert set(np.unique(first)) == {0.0, np.float32(1 / 0.75)}
    assert abs(np.mean(first == 0) - 0.25) < 0.01
    assert not np.array_equal(drop().numpy(), first)  # a new mask every call


def test_dropout_layer_round_trips_through_a_keras_file(tmp_path):
    inputs = keras.Input((3,))
    model = keras.Model(inputs, layers.Dropout(0.5, noise_shape=(None, 1), name="drop")(keras.layers.Dense(3)(inputs)))
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras")
    layer = loaded.get_layer("drop")
    assert type(layer) is layers.Dropout and layer.rate == 0.5 and tuple(layer.noise_shape) == (None, 1)


def test_the_library_networks_draw_dropout_and_noise_on_philox():
    from keras_gans import networks
    from keras_gans.networks import classifier, resnet, unet

    built = [networks.dcgan.generator(8, (16, 16, 1), base_filters=8, dropout=0.2),
             networks.mlp.generator(2, (2,), hidden_units=(8,), dropout=0.2),
             networks.mlp.discriminator((2,), hidden_units=(8,), dropout=0.2),
             unet.generator((16, 16, 3), base_filters=4, dropout=0.5),
             resnet.generator(8, (16, 16, 1), filters=8, dropout=0.2),
             classifier.digit_classifier((16, 16, 1), 11, input_noise_std=0.3, dropout=0.5, seed=0)]
    for network in built:
        random_layers = [layer for layer in network.layers
                         if isinstance(layer, (keras.layers.Dropout, keras.layers.GaussianNoise))]
        assert random_layers, network.name
        assert all(type(layer) in (layers.Dropout, layers.GaussianNoise) for layer in random_layers), network.name
