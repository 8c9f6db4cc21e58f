"""The unconditional trainer: theory, options, and serialization."""

import numpy as np
import pytest
import keras
import tensorflow as tf

from keras_gans import models, networks


def toy_gan(**kwargs):
    generator = networks.mlp.generator(2, (2,), hidden_units=(16,), output_activation=None)
    discriminator = networks.mlp.discriminator((2,), hidden_units=(16,))
    return models.GAN(generator, discriminator, 2, seed=0, **kwargs)


def points(n=256, batch=64, seed=0):
    data = np.random.default_rng(seed).normal(size=(n, 2)).astype("float32")
    return tf.data.Dataset.from_tensor_slices(data).batch(batch, drop_remainder=True)


def test_optimal_discriminator_matches_the_density_ratio():
    """Goodfellow 2014, Proposition 1: for fixed G, D*(x) = p_data / (p_data + p_g).

    p_data = N(0, 1); G(z) = 2 z with z ~ N(0, 1), so p_g = N(0, 4) and
    D*(x) = sigmoid(log 2 - 3 x^2 / 8).
    """
    z = keras.Input((1,), name="z")
    double = keras.layers.Dense(1, use_bias=False, trainable=False, kernel_initializer="ones")
    generator = keras.Model(z, keras.layers.Rescaling(2.0)(double(z)))
    discriminator = networks.mlp.discriminator((1,), hidden_units=(32, 32))
    gan = models.GAN(generator, discriminator, 1, loss="minimax", seed=0)
    gan.compile(d_optimizer=keras.optimizers.Adam(3e-3), g_optimizer=keras.optimizers.Adam(1e-3))
    data = np.random.default_rng(0).normal(size=(65536, 1)).astype("float32")
    dataset = tf.data.Dataset.from_tensor_slices(data).shuffle(65536, seed=0).batch(512).repeat()
    gan.fit(dataset, epochs=1, steps_per_epoch=1200, verbose=0)

    x = np.array([[0.0], [1.0], [2.0]], "float32")
    expected = 1.0 / (1.0 + np.exp(-(np.log(2.0) - 3.0 * x[:, 0] ** 2 / 8.0)))
    d_of_x = keras.ops.sigmoid(discriminator(x)).numpy()[:, 0]
    np.testing.assert_allclose(d_of_x, expected, atol=0.05)
    # G had nothing to train: its weight is still exactly 1.
    assert double.get_weights()[0][0, 0] == 1.0


def test_fit_reports_losses_and_discriminator_outputs():
    gan = toy_gan(gradient_penalty_weight=10.0, r1_weight=1.0, loss="wasserstein")
    gan.compile()
    history = gan.fit(points(), epochs=1, verbose=0).history
    assert set(history) == {"d_loss", "g_loss", "d_real", "d_fake", "gradient_penalty", "r1_penalty"}
    assert all(np.isfinite(v[-1]) for v in history.values())


def test_n_critic_makes_that_many_discriminator_updates_per_generator_update():
    gan = toy_gan(n_critic=5)
    gan.compile()
    gan.fit(points(n=192), epochs=1, verbose=0)  # 3 batches
    assert int(gan.d_optimizer.iterations) == 15
    assert int(gan.g_optimizer.iterations) == 3


@pytest.mark.parametrize("split,expected_d_real", [
    # Linear critic D(x) = w x, w0 = 1; G outputs 0; SGD(0.1); batch {1, 2, 3, 4}; n_critic = 2.
    # Split: step 1 sees {1, 3}: w1 = 1 + 0.1 * 2 = 1.2; step 2 sees {2, 4}: mean D = 1.2 * 3 = 3.6.
    (True, 3.6),
    # Shared: step 1 sees all: w1 = 1 + 0.1 * 2.5 = 1.25; step 2 sees all: mean D = 1.25 * 2.5.
    (False, 3.125),
])
def test_split_real_batch_gives_each_critic_step_its_own_real_samples(split, expected_d_real):
    """WGAN(-GP) Algorithm 1: a fresh real minibatch for every critic iteration."""
    generator = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1, kernel_initializer="zeros")])
    critic = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1, use_bias=False, kernel_initializer="ones")])
    gan = models.GAN(generator, critic, 1, loss="wasserstein", n_critic=2, split_real_batch=split, seed=0)
    gan.compile(d_optimizer=keras.optimizers.SGD(0.1), g_optimizer=keras.optimizers.SGD(0.1))
    batch = np.array([[1.0], [2.0], [3.0], [4.0]], "float32")
    history = gan.fit(tf.data.Dataset.from_tensors(batch), epochs=1, verbose=0).history
    assert history["d_real"][-1] == pytest.approx(expected_d_real, rel=1e-6)
    assert history["d_fake"][-1] == 0.0


def test_split_real_batch_needs_a_multiple_of_n_critic():
    gan = toy_gan(n_critic=3, split_real_batch=True)
    gan.compile()
    with pytest.raises(ValueError, match="multiple of n_critic=3"):
        gan.fit(points(n=64, batch=64), epochs=1, verbose=0)
    with pytest.raises(ValueError, match="split_real_batch"):
        toy_gan(split_real_batch="yes")


def test_weight_clipping_bounds_every_critic_weight():
    gan = toy_gan(loss="wasserstein", clip_value=0.01, n_critic=2)
    gan.compile(d_optimizer=keras.optimizers.RMSprop(0.5))  # big steps push weights out
    gan.fit(points(), epochs=1, verbose=0)
    weights = np.concatenate([w.ravel() for w in gan.discriminator.get_weights()])
    assert np.max(np.abs(weights)) <= 0.01 + 1e-7
    assert np.mean(np.isclose(np.abs(weights), 0.01)) > 0.5  # the bound is active, not just met


def test_instance_noise_decays_to_zero_at_the_set_step():
    gan = toy_gan(instance_noise_std=0.5, instance_noise_decay_steps=4)
    gan.compile()
    assert float(gan.instance_noise_stddev()) == pytest.approx(0.5)
    gan.fit(points(n=128), epochs=1, verbose=0)  # 2 generator steps
    assert float(gan.instance_noise_stddev()) == pytest.approx(0.25)
    gan.fit(points(n=256), epochs=1, verbose=0)  # 6 steps, past the end
    assert float(gan.instance_noise_stddev()) == 0.0


def test_feature_matching_trains_the_generator_on_discriminator_features():
    gan = toy_gan(feature_matching=True)
    gan.compile()
    before = [w.copy() for w in gan.generator.get_weights()]
    history = gan.fit(points(), epochs=1, verbose=0).history
    assert history["g_loss"][-1] >= 0.0  # a squared distance, unlike the adversarial losses
    assert any(not np.allclose(a, b) for a, b in zip(before, gan.generator.get_weights()))


def test_latent_distributions():
    normal = toy_gan().sample_latent(4000).numpy()
    uniform = toy_gan(latent_distribution="uniform").sample_latent(4000).numpy()
    assert normal.std() == pytest.approx(1.0, abs=0.05)
    assert uniform.min() >= -1.0 and uniform.max() <= 1.0
    assert uniform.std() == pytest.approx(1 / np.sqrt(3), abs=0.03)


def test_generate_accepts_a_count_or_z_and_checks_shapes():
    gan = toy_gan()
    assert gan.generate(5).shape == (5, 2)
    z = np.zeros((3, 2), "float32")
    np.testing.assert_allclose(gan.generate(z), gan.generator(z))
    with pytest.raises(ValueError, match=r"\[n, 2\]"):
        gan.generate(np.zeros((3, 7), "float32"))


@pytest.mark.parametrize("kwargs,name", [
    ({"n_critic": 0}, "n_critic"),
    ({"loss": "wgan"}, "wgan"),
    ({"clip_value": -1.0}, "clip_value"),
    ({"latent_distribution": "cauchy"}, "latent_distribution"),
    ({"loss": "hinge", "label_smoothing": 0.1}, "label_smoothing"),
    ({"feature_matching": True, "feature_layer": "nope"}, "feature_layer"),
])
def test_bad_arguments_are_named(kwargs, name):
    with pytest.raises(ValueError, match=name):
        toy_gan(**kwargs)


def test_keras_file_round_trip_keeps_config_and_weights(tmp_path):
    gan = toy_gan(loss="least_squares", n_critic=2, instance_noise_std=0.1)
    gan.compile()
    gan.fit(points(n=128), epochs=1, verbose=0)
    path = tmp_path / "gan.keras"
    gan.save(path)
    restored = keras.saving.load_model(path)
    assert isinstance(restored, models.GAN)
    assert restored.get_config()["n_critic"] == 2
    assert restored.loss_name == "least_squares"
    assert restored.d_optimizer.get_config()["learning_rate"] == pytest.approx(2e-4)
    z = np.random.default_rng(0).normal(size=(6, 2)).astype("float32")
    np.testing.assert_allclose(restored.generate(z), gan.generate(z), atol=1e-6)
    x = np.random.default_rng(1).normal(size=(6, 2)).astype("float32")
    np.testing.assert_allclose(restored.discriminator(x), gan.discriminator(x), atol=1e-6)


def test_get_config_round_trip():
    gan = toy_gan(loss="hinge", r1_weight=2.0)
    clone = models.GAN.from_config(gan.get_config())
    assert clone.get_config() == gan.get_config()


def test_mlp_gan_covers_the_ring_of_eight_gaussians():
    """Goodfellow 2014's MLP players on VEEGAN's ring8 (std 0.01): every mode, in balance, samples on them.

    Over five seeds (0-3 and 1234, each seeding Keras, the data and the GAN) these 2,000 steps found all
    8 modes with a reverse KL of 0.0006-0.06, but 39-81% high-quality samples: how close the samples sit
    to the modes when the rate reaches 0 depends on the seed, so that share is held to 30% here.
    ``benchmarks/mode_coverage.py`` measures the LSGAN setting of ``apps/configs/lsgan_ring8.cfg`` at
    >= 95% on ten seeds.
    """
    from keras_gans import data, evaluation

    dataset = data.load("ring8", batch_size=256, seed=0).repeat()
    generator = networks.mlp.generator(2, (2,), hidden_units=(128, 128), output_activation=None)
    discriminator = networks.mlp.discriminator((2,), hidden_units=(128, 128))
    gan = models.GAN(generator, discriminator, 2, seed=0)
    steps = 2000

    def adam():  # fast, then cosine-decayed to 0 so samples settle onto the modes
        return keras.optimizers.Adam(keras.optimizers.schedules.CosineDecay(1e-3, steps, alpha=0.0),
                                     beta_1=0.5)

    gan.compile(d_optimizer=adam(), g_optimizer=adam(), steps_per_execution=50)  # the same steps, fewer calls
    gan.fit(dataset, epochs=1, steps_per_epoch=steps, verbose=0)
    centers, std = data.toy_modes("ring8")
    coverage = evaluation.mode_coverage(gan.generate(2500).numpy(), centers, std)
    assert coverage["modes"] == 8 and coverage["reverse_kl"] < 0.1, coverage
    assert coverage["high_quality"] >= 0.3, coverage
