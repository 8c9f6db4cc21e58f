"""The GAN hacks that live outside the losses: G's moving average, dropout in G, minibatch
discrimination in the MLP critic. (Label smoothing, noisy labels, instance noise and feature
matching are checked against hand values in test_objectives.py.)"""

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_gans import callbacks, export, models, networks

POINTS = np.random.default_rng(0).normal(size=(160, 2)).astype("float32")
Z = np.random.default_rng(1).normal(size=(6, 2)).astype("float32")


def ema_gan(decay=0.9, **options):
    generator = networks.mlp.generator(2, (2,), hidden_units=(8,), batchnorm=True, output_activation=None)
    discriminator = networks.mlp.discriminator((2,), hidden_units=(8,))
    gan = models.GAN(generator, discriminator, 2, seed=0, ema_decay=decay, **options)
    gan.compile(d_optimizer=keras.optimizers.Adam(1e-2), g_optimizer=keras.optimizers.Adam(1e-2))
    return gan


class GeneratorWeights(keras.callbacks.Callback):
    """G's trainable and non-trainable weights after every step."""

    def __init__(self):
        super().__init__()
        self.history = []

    def on_train_batch_end(self, batch, logs=None):
        weights = self.model.generator.weights
        self.history.append([(w.trainable, keras.ops.convert_to_numpy(w)) for w in weights])


def test_moving_average_follows_its_recurrence_with_warm_up():
    """avg_t = decay_t avg_{t-1} + (1 - decay_t) w_t, decay_t = min(0.9, (1 + t) / (10 + t));
    batch-norm statistics are copied, not averaged."""
    gan = ema_gan(decay=0.9)
    average = [keras.ops.convert_to_numpy(w) for w in gan.generator.weights]  # the copy starts equal
    recorder = GeneratorWeights()
    gan.fit(POINTS, batch_size=32, epochs=1, verbose=0, callbacks=[recorder])  # 5 steps
    for t, weights in enumerate(recorder.history, start=1):
        decay = min(0.9, (1 + t) / (10 + t))
        average = [decay * a + (1 - decay) * w if trainable else w
                   for a, (trainable, w) in zip(average, weights)]
    assert [d for d in (min(0.9, (1 + t) / (10 + t)) for t in range(1, 6))] == pytest.approx(
        [2 / 11, 3 / 12, 4 / 13, 5 / 14, 6 / 15])  # the warm-up is still on after 5 steps
    for expected, actual in zip(average, gan.ema_generator.weights):
        np.testing.assert_allclose(keras.ops.convert_to_numpy(actual), expected, rtol=1e-5, atol=1e-6)
    assert not np.allclose(gan.generator(Z), gan.ema_generator(Z), atol=1e-4)


def test_samples_callbacks_and_export_use_the_moving_average(tmp_path):
    gan = ema_gan()
    gan.fit(POINTS, batch_size=32, epochs=1, verbose=0)
    averaged = keras.ops.convert_to_numpy(gan.ema_generator(Z))
    np.testing.assert_allclose(gan.generate(Z), averaged, atol=1e-6)
    np.testing.assert_allclose(gan(Z), averaged, atol=1e-6)
    scatter = callbacks.ToyScatter(tmp_path, np.zeros((1, 2)), 0.1, num_samples=6)
    z = callbacks.fixed_latent(0, 6, 2)
    np.testing.assert_allclose(scatter.points(gan), gan.ema_generator(z), atol=1e-6)
    serve = tf.saved_model.load(export.export_generator(gan, tmp_path / "export")).signatures["serving_default"]
    np.testing.assert_allclose(serve(z=tf.constant(Z))["images"], averaged, atol=1e-5)


def test_moving_average_survives_a_keras_file_round_trip(tmp_path):
    gan = ema_gan(decay=0.99)
    gan.fit(POINTS, batch_size=32, epochs=1, verbose=0)
    gan.save(tmp_path / "gan.keras")
    restored = keras.saving.load_model(tmp_path / "gan.keras")
    assert restored.ema_decay == 0.99
    np.testing.assert_allclose(restored.generate(Z), gan.generate(Z), atol=1e-6)
    np.testing.assert_allclose(restored.generator(Z), gan.generator(Z), atol=1e-6)


def test_bad_ema_decay_is_named():
    for decay in (1.0, -0.1, True):
        with pytest.raises(ValueError, match="ema_decay"):
            ema_gan(decay=decay)


def test_dropout_in_g_makes_training_samples_noisy_and_inference_deterministic():
    """Chintala's GAN hacks: noise through dropout in G, on in every train step."""
    for generator in (networks.resnet.generator(2, (8, 8, 1), filters=4, dropout=0.5),
                      networks.mlp.generator(2, (2,), hidden_units=(16,), dropout=0.5)):
        assert any(isinstance(layer, keras.layers.Dropout) for layer in generator.layers)
        first, second = generator(Z, training=True), generator(Z, training=True)
        assert not np.allclose(first, second)
        np.testing.assert_array_equal(generator(Z, training=False), generator(Z, training=False))


def test_minibatch_discrimination_lets_the_mlp_critic_see_the_rest_of_the_batch():
    """Salimans et al. 2016: D's output for a sample depends on how close the others are to it."""
    sample, other = np.array([[0.5, 0.5]], "float32"), np.array([[3.0, -3.0]], "float32")
    collapsed = np.concatenate([sample, sample, sample])
    diverse = np.concatenate([sample, other, -other])
    with_md = networks.mlp.discriminator((2,), hidden_units=(8,), minibatch_discrimination=True,
                                         minibatch_kernels=4, minibatch_kernel_dim=3)
    without = networks.mlp.discriminator((2,), hidden_units=(8,))
    assert with_md.get_layer("minibatch_discrimination").output.shape == (None, 8 + 4)
    assert abs(float(with_md(collapsed)[0, 0]) - float(with_md(diverse)[0, 0])) > 1e-4
    assert float(without(collapsed)[0, 0]) == pytest.approx(float(without(diverse)[0, 0]), abs=1e-6)
