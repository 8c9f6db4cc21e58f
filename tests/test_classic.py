"""The classic Keras recipe (a compiled D, a combined model with D frozen, train_on_batch)."""

import keras
import numpy as np

from keras_gans import classic, data, metrics, networks


def recipe(seed=0):
    keras.utils.set_random_seed(seed)
    generator = networks.mlp.generator(2, (2,), hidden_units=(64, 64), output_activation=None)
    discriminator = networks.mlp.discriminator((2,), hidden_units=(64, 64))
    return classic.ClassicRecipe(generator, discriminator, 2, d_learning_rate=2e-3, seed=seed)


def test_the_combined_update_moves_g_and_leaves_the_frozen_d_alone():
    gan = recipe()
    real = next(data.load("ring8", batch_size=64, seed=0).as_numpy_iterator())
    d_before, g_before = gan.discriminator.get_weights(), gan.generator.get_weights()
    gan.train_generator(64)
    assert all(np.array_equal(a, b) for a, b in zip(d_before, gan.discriminator.get_weights()))
    assert any(not np.array_equal(a, b) for a, b in zip(g_before, gan.generator.get_weights()))
    g_before = gan.generator.get_weights()
    gan.train_discriminator(real)  # and D's own step leaves G alone
    assert any(not np.array_equal(a, b) for a, b in zip(d_before, gan.discriminator.get_weights()))
    assert all(np.array_equal(a, b) for a, b in zip(g_before, gan.generator.get_weights()))


def test_the_recipe_learns_the_ring8_modes():
    gan = recipe()
    batches = data.load("ring8", batch_size=256, seed=0, repeat=True).as_numpy_iterator()
    centers, std = data.toy_modes("ring8")
    start = metrics.mode_coverage(gan.generate(gan.sample_latent(2500)), centers, std)
    for _ in range(600):
        d_loss, g_loss = gan.train_step(next(batches))
    coverage = metrics.mode_coverage(gan.generate(gan.sample_latent(2500)), centers, std)
    assert np.isfinite(d_loss) and np.isfinite(g_loss)
    assert start["modes"] <= 2 and coverage["modes"] >= 7, (start, coverage)
