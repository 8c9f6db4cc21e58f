"""The objective family as GAN configurations, checked against values worked out by hand.

LSGAN (Mao et al. 2017), WGAN (Arjovsky et al. 2017), WGAN-GP (Gulrajani et
al. 2017), SNGAN (Miyato et al. 2018) and the GAN hacks (Salimans et al.
2016; Sonderby et al. 2017) differ from the base GAN only in options. With
"fixed players" (G always outputs (-1, -1), D's logit is x1 + x2 through a
``features`` layer, both optimizers SGD(0)) every real sample (1, 1) gets the
logit 2 and every fake one -2, so each option's losses follow from its formula.
"""

import math

import keras
import numpy as np
import pytest

from keras_gans import models, networks


def softplus(x):
    return math.log1p(math.exp(x))


REAL = np.ones((4096, 2), "float32")  # logit 2 under the fixed D


def fixed_players(**options):
    """A GAN whose D gives real data the logit 2 and G's samples -2, and which never learns."""
    z = keras.Input((2,), name="z")
    constant = keras.layers.Dense(2, kernel_initializer="zeros",
                                  bias_initializer=keras.initializers.Constant(-1.0), name="out")
    generator = keras.Model(z, constant(z))
    x = keras.Input((2,), name="x")
    features = keras.layers.Dense(2, kernel_initializer="identity", bias_initializer="zeros", name="features")(x)
    logit = keras.layers.Dense(1, kernel_initializer="ones", bias_initializer="zeros", name="logit")(features)
    discriminator = keras.Model(x, logit)
    gan = models.GAN(generator, discriminator, 2, seed=0, **options)
    gan.compile(d_optimizer=keras.optimizers.SGD(0.0), g_optimizer=keras.optimizers.SGD(0.0),
                run_eagerly=True)  # one step each: tracing would cost more than it saves
    return gan


SP2, SPM2 = softplus(2.0), softplus(-2.0)
FIXED_CASES = [
    # (options, expected logs after one step)
    ({}, {"d_loss": 2 * SPM2, "g_loss": SP2}),  # non-saturating: -log s(2) - log(1 - s(-2)); -log s(-2)
    ({"loss": "minimax"}, {"d_loss": 2 * SPM2, "g_loss": -SPM2}),  # G: log(1 - s(-2))
    # One-sided smoothing 0.1: the real target is 0.9, the fake one stays 0.
    ({"label_smoothing": 0.1}, {"d_loss": 0.9 * SPM2 + 0.1 * SP2 + SPM2, "g_loss": SP2}),
    # LSGAN, 0-1 coding (a, b, c) = (0, 1, 1): 1/2 (2 - 1)^2 + 1/2 (-2 - 0)^2; G: 1/2 (-2 - 1)^2.
    ({"loss": "least_squares"}, {"d_loss": 0.5 + 2.0, "g_loss": 4.5}),
    # LSGAN, (a, b, c) = (-1, 1, 0) (Mao et al., eq. 8): 1/2 (2-1)^2 + 1/2 (-2+1)^2; G: 1/2 (-2)^2.
    ({"loss": "least_squares", "least_squares_targets": (-1, 1, 0)}, {"d_loss": 1.0, "g_loss": 2.0}),
    # WGAN critic: E[f(G(z))] - E[f(x)] = -2 - 2; G: -E[f(G(z))].
    ({"loss": "wasserstein", "clip_value": 5.0}, {"d_loss": -4.0, "g_loss": 2.0}),
    # WGAN-GP: grad f = (1, 1) everywhere, so the penalty is (sqrt(2) - 1)^2 at every interpolate.
    ({"loss": "wasserstein", "gradient_penalty_weight": 10.0, "n_critic": 5},
     {"d_loss": -4.0, "g_loss": 2.0, "gradient_penalty": (math.sqrt(2.0) - 1.0) ** 2}),
    # R1 (Mescheder et al. 2018): grad D = (1, 1) at every real sample, so ||grad D||^2 = 2.
    ({"r1_weight": 4.0}, {"d_loss": 2 * SPM2, "g_loss": SP2, "r1_penalty": 2.0}),
    # SNGAN's hinge: relu(1 - 2) + relu(1 - 2) = 0; G: -E[D(G(z))] = 2.
    ({"loss": "hinge"}, {"d_loss": 0.0, "g_loss": 2.0}),
    # Feature matching: || mean f(real) - mean f(fake) ||^2 = |(1, 1) - (-1, -1)|^2.
    ({"feature_matching": True}, {"d_loss": 2 * SPM2, "g_loss": 8.0}),
]


def test_each_objective_gives_its_hand_computed_losses():
    for options, expected in FIXED_CASES:
        logs = fixed_players(**options).train_on_batch(REAL, return_dict=True)
        for name, value in expected.items():
            assert logs[name] == pytest.approx(value, abs=1e-5), (options, name, logs)
        assert logs["d_real"] == pytest.approx(2.0) and logs["d_fake"] == pytest.approx(-2.0), options


def test_noisy_labels_flip_the_set_share_of_targets():
    """With D right on both sides (logits 2 and -2), a flipped target costs softplus(2) instead
    of softplus(-2): E[d_loss] = 2 ((1 - p) softplus(-2) + p softplus(2))."""
    p = 0.25
    logs = fixed_players(label_noise=p).train_on_batch(REAL, return_dict=True)
    expected = 2 * ((1 - p) * SPM2 + p * SP2)  # 1.25 here, 0.25 without noise
    assert logs["d_loss"] == pytest.approx(expected, rel=0.03)  # 8192 targets: std of the share ~0.005


def test_instance_noise_reaches_the_discriminator_until_it_is_annealed_to_zero():
    """Hinge loss sees the noise: with logits 2 + N(0, 2 sigma^2) and -2 + N(0, 2 sigma^2),
    E[relu(1 - l_real)] = E[relu(1 + l_fake)] = -Phi(-1/s) + s phi(1/s) with s = sqrt(2) sigma.
    The std falls linearly to 0 over 2 generator steps; from then on the loss is exactly 0."""
    gan = fixed_players(loss="hinge", instance_noise_std=1.0, instance_noise_decay_steps=2)
    s = math.sqrt(2.0)
    phi = math.exp(-0.5 / s ** 2) / math.sqrt(2 * math.pi)
    cdf = 0.5 * (1 + math.erf(-1 / s / math.sqrt(2)))
    first = gan.train_on_batch(REAL, return_dict=True)  # std 1.0 at step 0
    assert first["d_loss"] == pytest.approx(2 * (-cdf + s * phi), rel=0.05)
    gan.train_on_batch(REAL)  # std 0.5 at step 1
    assert float(gan.instance_noise_stddev()) == 0.0
    assert gan.train_on_batch(REAL, return_dict=True)["d_loss"] == 0.0


def test_least_squares_targets_are_checked_and_serialized():
    with pytest.raises(ValueError, match="least_squares_targets"):
        fixed_players(loss="hinge", least_squares_targets=(0, 1, 1))
    with pytest.raises(ValueError, match="least_squares_targets"):
        fixed_players(loss="least_squares", least_squares_targets=(0, 1))
    gan = fixed_players(loss="least_squares", least_squares_targets=(-1, 1, 0))
    clone = models.GAN.from_config(gan.get_config())
    assert clone.least_squares_targets == (-1.0, 1.0, 0.0)
    assert float(clone.g_loss_fn(np.array([-2.0], "float32"))) == pytest.approx(2.0)


def spectral_norms(discriminator):
    """Largest singular value of each spectrally normalized kernel, reshaped to [-1, out]."""
    norms = {}
    for layer in discriminator.layers:
        if isinstance(layer, keras.layers.SpectralNormalization):
            kernel = keras.ops.convert_to_numpy(layer.kernel)
            norms[layer.name] = float(np.linalg.norm(kernel.reshape(-1, kernel.shape[-1]), 2))
    return norms


def test_sngan_keeps_every_spectrally_normalized_kernel_at_norm_one():
    """Miyato et al. 2018: W / sigma(W) has spectral norm 1. Keras normalizes the kernel in place
    at each training call, so after SNGAN steps every SN kernel's largest singular value is ~1."""
    generator = networks.mlp.generator(2, (2,), hidden_units=(16,), output_activation=None)
    discriminator = networks.mlp.discriminator((2,), hidden_units=(16, 16), spectral_norm=True)
    gan = models.GAN(generator, discriminator, 2, loss="hinge", seed=0)
    gan.compile(d_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.0, beta_2=0.9), run_eagerly=True)
    before = spectral_norms(discriminator)
    gan.fit(np.random.default_rng(0).normal(size=(320, 2)).astype("float32"), batch_size=32, verbose=0)
    discriminator(REAL[:32], training=True)  # the normalization D's next training call applies
    after = spectral_norms(discriminator)
    assert len(after) == 3 and max(abs(v - 1.0) for v in before.values()) > 0.2
    for name, norm in after.items():
        assert norm == pytest.approx(1.0, abs=0.02), (name, after)


def test_resnet_critic_normalizes_every_convolution():
    discriminator = networks.resnet.discriminator((8, 8, 1), filters=4, spectral_norm=True)
    images = np.random.default_rng(0).uniform(-1, 1, size=(4, 8, 8, 1)).astype("float32")
    for _ in range(8):  # power iteration: one step per training call
        discriminator(images, training=True)
    norms = spectral_norms(discriminator)
    assert len(norms) == 8  # 7 convolutions (3 blocks, 1 shortcut) and the output layer
    for name, norm in norms.items():
        assert norm == pytest.approx(1.0, abs=0.02), (name, norms)
