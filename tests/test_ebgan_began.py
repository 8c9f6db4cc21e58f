"""EBGAN (Zhao et al. 2017) and BEGAN (Berthelot et al. 2017): energies, losses, the pull-away
term and the k_t control by hand; training behaviour; checkpoints, .keras files and tf.distribute."""

import math

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_gans import callbacks, data, losses, models, networks

SQ = math.sqrt(0.5)


ENERGY_CASES = [
    # (inputs, reconstructions, power, expected per-sample energies)
    ([[1.0, -1.0]], [[0.5, 0.0]], 1, [0.75]),                         # (0.5 + 1) / 2
    ([[1.0, -1.0]], [[0.5, 0.0]], 2, [0.625]),                        # (0.25 + 1) / 2
    ([[[0.0], [2.0]], [[1.0], [1.0]]], [[[0.0], [0.0]], [[1.0], [0.0]]], 2, [2.0, 0.5]),  # per sample
]

PULL_AWAY_CASES = [
    ([[1.0, 0.0], [0.0, 3.0]], 0.0),               # orthogonal
    ([[2.0, 2.0], [1.0, 1.0]], 1.0),               # same direction, any length
    ([[1.0, 0.0], [-1.0, 0.0]], 1.0),              # opposite: cos^2 = 1
    ([[1.0, 0.0], [1.0, 1.0]], 0.5),               # cos = 1/sqrt(2); 2 ordered pairs / (2 * 1)
    ([[1.0, 0.0], [0.0, 1.0], [SQ, SQ]], 1 / 3),   # ordered pairs 2 * (0 + 1/2 + 1/2) / (3 * 2)
]


def test_autoencoder_energy_by_hand():
    for inputs, reconstructions, power, expected in ENERGY_CASES:
        value = losses.autoencoder_energy(np.array(inputs, "float32"), np.array(reconstructions, "float32"),
                                          power=power)
        np.testing.assert_allclose(value, expected, rtol=1e-6)


def test_pull_away_term_by_hand():
    for embeddings, expected in PULL_AWAY_CASES:
        value = float(losses.pull_away_term(np.array(embeddings, "float32")))
        assert value == pytest.approx(expected, abs=1e-6), embeddings


def test_energy_losses_by_hand():
    real, fake = np.array([0.1, 0.3], "float32"), np.array([0.5, 2.0], "float32")
    # EBGAN: mean(real) + mean(max(0, m - fake)) = 0.2 + (0.5 + 0) / 2
    assert float(losses.ebgan_discriminator_loss(real, fake, margin=1.0)) == pytest.approx(0.45)
    assert float(losses.ebgan_generator_loss(fake)) == pytest.approx(1.25)
    # BEGAN: L(x) - k L(G(z)) = 0.2 - 0.1 * 1.25
    assert float(losses.began_discriminator_loss(real, fake, k=0.1)) == pytest.approx(0.075)
    assert float(losses.began_generator_loss(fake)) == pytest.approx(1.25)
    assert float(losses.began_convergence(0.4, 0.1, gamma=0.5)) == pytest.approx(0.4 + abs(0.2 - 0.1))
    with pytest.raises(ValueError, match="margin"):
        losses.ebgan_discriminator_loss(real, fake, margin=0.0)


K_CASES = [
    # (k, L(x), L(G(z)), gamma, lambda_k, expected k_{t+1})
    (0.0, 0.4, 0.1, 0.5, 0.001, 0.0001),  # 0 + 0.001 * (0.2 - 0.1)
    (0.5, 0.4, 0.3, 0.5, 0.1, 0.49),      # 0.5 + 0.1 * (0.2 - 0.3)
    (0.0, 0.1, 0.5, 0.5, 0.001, 0.0),     # would go negative: clipped at 0
    (0.9999, 1.0, 0.0, 0.7, 1.0, 1.0),    # would pass 1: clipped at 1
]


def test_began_k_update_by_hand():
    for k, real, fake, gamma, lambda_k, expected in K_CASES:
        value = losses.began_k_update(k, real, fake, gamma=gamma, lambda_k=lambda_k)
        assert float(value) == pytest.approx(expected, abs=1e-7), (k, real, fake)


def players(latent_dim=2, shape=(2,)):
    generator = networks.mlp.generator(latent_dim, shape, hidden_units=(16,), output_activation=None)
    discriminator = networks.autoencoder.mlp_discriminator(shape, hidden_units=(16,), embedding_dim=4)
    return generator, discriminator


def began(seed=0, run_eagerly=True, **options):
    """A small BEGAN; eager by default, since tracing costs more than one step."""
    keras.utils.set_random_seed(seed)
    gan = models.BEGAN(*players(), 2, seed=seed, **options)
    gan.compile(d_optimizer=keras.optimizers.Adam(1e-3), g_optimizer=keras.optimizers.Adam(1e-3),
                run_eagerly=run_eagerly)
    return gan


POINTS = np.random.default_rng(0).normal(size=(128, 2)).astype("float32")


def test_began_step_moves_k_by_its_control_law():
    gan = began(gamma=0.5, lambda_k=0.5, initial_k=0.3)
    logs = gan.train_on_batch(POINTS[:64], return_dict=True)
    expected_k = min(1.0, max(0.0, 0.3 + 0.5 * (0.5 * logs["real_energy"] - logs["fake_energy"])))
    assert float(gan.k_t.numpy()) == pytest.approx(expected_k, abs=1e-6)
    assert logs["k_t"] == pytest.approx(expected_k, abs=1e-6)
    assert logs["convergence"] == pytest.approx(
        logs["real_energy"] + abs(0.5 * logs["real_energy"] - logs["fake_energy"]), abs=1e-6)
    assert logs["g_loss"] == pytest.approx(logs["fake_energy"], abs=1e-6)


def test_began_convergence_falls_and_k_stays_in_the_unit_interval():
    """Berthelot et al., section 3.4.1: M_global falls as training converges; k_t in [0, 1]."""
    gan = began(gamma=0.5, lambda_k=0.01, run_eagerly=False)
    ring = data.load("ring8", batch_size=64, seed=0, num_examples=64 * 40)
    ks = []
    record_k = keras.callbacks.LambdaCallback(on_train_batch_end=lambda batch, logs=None: ks.append(float(gan.k_t.numpy())))
    history = gan.fit(ring, epochs=4, verbose=0, callbacks=[record_k]).history
    assert history["convergence"][-1] < 0.5 * history["convergence"][0], history["convergence"]
    assert 0.0 <= min(ks) and max(ks) <= 1.0 and max(ks) > 0.0


def test_ebgan_losses_in_the_step_and_pull_away_logged():
    """With a margin above every energy, max(0, m - D(G(z))) = m - D(G(z)), so
    d_loss = real_energy + m - fake_energy exactly."""
    keras.utils.set_random_seed(0)
    gan = models.EBGAN(*players(), 2, margin=100.0, pull_away_weight=0.1, seed=0)
    gan.compile(run_eagerly=True)
    logs = gan.train_on_batch(POINTS[:64], return_dict=True)
    assert logs["d_loss"] == pytest.approx(logs["real_energy"] + 100.0 - logs["fake_energy"], rel=1e-6)
    assert 0.0 <= logs["pull_away"] <= 1.0
    assert set(logs) == {"d_loss", "g_loss", "real_energy", "fake_energy", "pull_away"}


def test_began_resume_restores_k_and_the_moving_average_exactly(tmp_path):
    a = began(seed=1, lambda_k=0.05, ema_decay=0.9, run_eagerly=False)
    checkpointer = callbacks.Checkpointer(tmp_path)
    a.fit(POINTS, batch_size=32, epochs=2, verbose=0, callbacks=[checkpointer], shuffle=False)
    assert float(a.k_t.numpy()) > 0.0
    b = began(seed=2, lambda_k=0.05, ema_decay=0.9, run_eagerly=False)
    assert float(b.k_t.numpy()) == 0.0
    assert callbacks.Checkpointer(tmp_path).restore(b) == 2
    assert float(b.k_t.numpy()) == float(a.k_t.numpy())
    for x, y in zip(a.ema_generator.weights + a.variables, b.ema_generator.weights + b.variables):
        np.testing.assert_array_equal(keras.ops.convert_to_numpy(x), keras.ops.convert_to_numpy(y))
    a.fit(POINTS, batch_size=32, epochs=3, initial_epoch=2, verbose=0, shuffle=False)
    b.fit(POINTS, batch_size=32, epochs=3, initial_epoch=2, verbose=0, shuffle=False)
    assert float(b.k_t.numpy()) == pytest.approx(float(a.k_t.numpy()), abs=1e-7)
    np.testing.assert_allclose(b.generate(POINTS[:4]), a.generate(POINTS[:4]), atol=1e-6)


@pytest.mark.parametrize("cls,options", [
    (models.EBGAN, {"margin": 2.0, "pull_away_weight": 0.1, "energy_power": 1}),
    (models.BEGAN, {"gamma": 0.7, "lambda_k": 0.01, "initial_k": 0.2, "ema_decay": 0.5}),
])
def test_keras_file_round_trip(tmp_path, cls, options):
    gan = cls(*players(), 2, seed=3, **options)
    gan.compile(run_eagerly=True)
    gan.train_on_batch(POINTS[:64])
    gan.save(tmp_path / "model.keras")
    restored = keras.saving.load_model(tmp_path / "model.keras")
    assert type(restored) is cls

    def settings(model):  # the networks' configs differ only in tuple vs list after JSON
        return {k: v for k, v in model.get_config().items() if k not in ("generator", "discriminator")}

    assert settings(restored) == settings(gan)
    np.testing.assert_allclose(restored.generate(POINTS[:4]), gan.generate(POINTS[:4]), atol=1e-6)
    if cls is models.BEGAN:
        assert float(restored.k_t.numpy()) == float(gan.k_t.numpy()) != 0.2


BAD_ARGUMENTS = [
    (models.EBGAN, {"margin": 0.0}, "margin"),
    (models.EBGAN, {"pull_away_weight": -1.0}, "pull_away_weight"),
    (models.EBGAN, {"energy_power": 3}, "energy_power"),
    (models.BEGAN, {"gamma": 0.0}, "gamma"),
    (models.BEGAN, {"lambda_k": 0.0}, "lambda_k"),
    (models.BEGAN, {"initial_k": 1.5}, "initial_k"),
]


def test_bad_arguments_are_named():
    generator, discriminator = players()
    for cls, options, name in BAD_ARGUMENTS:
        with pytest.raises(ValueError, match=name):
            cls(generator, discriminator, 2, **options)
    with pytest.raises(ValueError, match="autoencoder"):
        models.BEGAN(generator, networks.mlp.discriminator((2,), hidden_units=(4,)), 2)


def train_began(strategy):
    """Every weight of a small BEGAN with G's moving average after one epoch under ``strategy``."""
    data = np.random.default_rng(0).normal(size=(128, 2)).astype("float32")
    keras.utils.set_random_seed(0)
    with strategy.scope():
        g = networks.mlp.generator(2, (2,), hidden_units=(8,), output_activation=None)
        d = networks.autoencoder.mlp_discriminator((2,), hidden_units=(8,), embedding_dim=3)
        model = models.BEGAN(g, d, 2, lambda_k=0.05, seed=7, ema_decay=0.5)
        model.compile(d_optimizer=keras.optimizers.Adam(1e-2), g_optimizer=keras.optimizers.Adam(1e-2))
    model.fit(tf.data.Dataset.from_tensor_slices(data).batch(32, drop_remainder=True), verbose=0)
    return [keras.ops.convert_to_numpy(v) for v in model.variables]



def test_two_replica_began_with_ema_matches_one_device(mirrored):
    """k_t moves with the all-reduced energies and G's average with the mirrored weights. (EBGAN's
    step scales its losses like GAN's, whose distributed step test_distribution.py checks.)"""
    single, multi = train_began(tf.distribute.get_strategy()), train_began(mirrored)
    difference = max(float(np.max(np.abs(a - b))) for a, b in zip(single, multi) if a.dtype.kind == "f")
    assert difference < 1e-5  # every weight, G's average and k_t included
