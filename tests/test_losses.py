"""Loss values against hand-computed ones (Goodfellow 2014, Mao 2017, Arjovsky 2017, Lim & Ye 2017)."""

import math

import numpy as np
import pytest
import keras

from keras_gans import losses

# Logits whose sigmoid is a round probability: sigmoid(LOGIT_08) = 0.8, sigmoid(LOGIT_02) = 0.2.
LOGIT_08 = math.log(4.0)
LOGIT_02 = -math.log(4.0)
NEG_LOG_08 = 0.22314355131420976  # -log(0.8)
NEG_LOG_02 = 1.6094379124341003  # -log(0.2)


def _patch(value):
    """A PatchGAN-shaped [2, 4, 4, 1] map filled with one logit."""
    return np.full((2, 4, 4, 1), value, dtype="float32")


D_CASES = [
    # (variant, real, fake, expected)
    ("minimax", [0.0], [0.0], 2 * math.log(2.0)),
    ("minimax", [LOGIT_08], [LOGIT_02], 2 * NEG_LOG_08),  # -log .8 - log(1 - .2)
    ("non_saturating", [LOGIT_08, LOGIT_08], [LOGIT_08], NEG_LOG_08 + NEG_LOG_02),
    ("minimax", _patch(LOGIT_08), _patch(LOGIT_02), 2 * NEG_LOG_08),
    ("least_squares", [0.8], [0.2], 0.5 * 0.04 + 0.5 * 0.04),
    ("least_squares", [1.0, 3.0], [-1.0, 0.0], 0.5 * (0 + 4) / 2 + 0.5 * (1 + 0) / 2),
    ("least_squares", _patch(0.5), _patch(0.5), 0.5 * 0.25 + 0.5 * 0.25),
    ("wasserstein", [1.0, 3.0], [0.5, -0.5], 0.0 - 2.0),
    ("wasserstein", _patch(2.0), _patch(-1.0), -1.0 - 2.0),
    ("hinge", [0.5, 2.0], [-2.0, 0.5], 0.25 + 0.75),
    ("hinge", _patch(0.0), _patch(0.0), 2.0),
]

G_CASES = [
    ("minimax", [LOGIT_02], -NEG_LOG_08),  # log(1 - 0.2)
    ("non_saturating", [LOGIT_02], NEG_LOG_02),  # -log(0.2)
    ("non_saturating", _patch(LOGIT_08), NEG_LOG_08),
    ("least_squares", [0.2], 0.5 * 0.64),
    ("least_squares", _patch(1.0), 0.0),
    ("wasserstein", [1.0, -3.0], 1.0),
    ("hinge", [0.5, 1.5], -1.0),
]


@pytest.mark.parametrize("variant,real,fake,expected", D_CASES)
def test_discriminator_losses_match_hand_values(variant, real, fake, expected):
    d_loss, _ = losses.get(variant)
    value = float(d_loss(np.asarray(real, "float32"), np.asarray(fake, "float32")))
    assert value == pytest.approx(expected, rel=1e-5, abs=1e-6)


@pytest.mark.parametrize("variant,fake,expected", G_CASES)
def test_generator_losses_match_hand_values(variant, fake, expected):
    _, g_loss = losses.get(variant)
    assert float(g_loss(np.asarray(fake, "float32"))) == pytest.approx(expected, rel=1e-5, abs=1e-6)


def test_non_saturating_gradient_does_not_vanish_where_minimax_does():
    """Goodfellow 2014, section 3: when D rejects fakes confidently, log(1 - D) saturates."""
    import tensorflow as tf

    fake = tf.Variable([-10.0])  # D(G(z)) = sigmoid(-10), about 4.5e-5
    with tf.GradientTape(persistent=True) as tape:
        minimax = losses.minimax_generator_loss(fake)
        non_saturating = losses.non_saturating_generator_loss(fake)
    assert abs(float(tape.gradient(minimax, fake)[0])) < 1e-4
    assert abs(float(tape.gradient(non_saturating, fake)[0])) > 0.99


def test_large_logits_are_finite():
    d_loss, g_loss = losses.get("non_saturating")
    big = np.array([200.0, -200.0], "float32")
    assert np.isfinite(float(d_loss(big, -big)))
    assert float(g_loss(np.array([-200.0], "float32"))) == pytest.approx(200.0)


def test_one_sided_label_smoothing_lowers_only_the_real_target():
    # real D = 0.8 with target 0.9: -(0.9 log 0.8 + 0.1 log 0.2); fake D = 0.2 with target 0: -log 0.8.
    expected = 0.9 * NEG_LOG_08 + 0.1 * NEG_LOG_02 + NEG_LOG_08
    value = losses.minimax_discriminator_loss(
        np.array([LOGIT_08], "float32"), np.array([LOGIT_02], "float32"), label_smoothing=0.1)
    assert float(value) == pytest.approx(expected, rel=1e-6)
    # The fake term is untouched by smoothing: D = 0 on fakes costs -log(1) = 0 either way.
    fake_only = losses.minimax_discriminator_loss(
        np.array([50.0], "float32"), np.array([-50.0], "float32"), label_smoothing=0.1)
    assert float(fake_only) == pytest.approx(0.1 * 50.0, rel=1e-4)


def test_noisy_labels_flip_the_expected_fraction():
    # Each target flips with p = 0.25: E[real term] = 0.75 * -log .8 + 0.25 * -log .2.
    n = 100_000
    real = np.full((n,), LOGIT_08, "float32")
    fake = np.full((n,), LOGIT_02, "float32")
    seed = keras.random.SeedGenerator(3)
    value = float(losses.minimax_discriminator_loss(real, fake, label_noise=0.25, seed=seed))
    one_term = 0.75 * NEG_LOG_08 + 0.25 * NEG_LOG_02
    assert value == pytest.approx(2 * one_term, abs=0.01)


def test_feature_matching_is_squared_distance_of_means():
    real = np.array([[1.0, 2.0], [3.0, 4.0]], "float32")  # mean (2, 3)
    fake = np.array([[0.0, 0.0], [0.0, 2.0]], "float32")  # mean (0, 1)
    assert float(losses.feature_matching_loss(real, fake)) == pytest.approx(4.0 + 4.0)
    maps = np.ones((3, 2, 2, 2), "float32")
    assert float(losses.feature_matching_loss(maps, maps * 0.5)) == pytest.approx(8 * 0.25)


def test_unknown_variant_lists_the_valid_ones():
    with pytest.raises(ValueError, match="wasserstein") as error:
        losses.get("wgan")
    assert "'wgan'" in str(error.value)


@pytest.mark.parametrize("kwargs", [{"label_smoothing": 1.0}, {"label_smoothing": -0.1},
                                    {"label_noise": 0.5}])
def test_bad_label_options_are_named(kwargs):
    name = next(iter(kwargs))
    with pytest.raises(ValueError, match=name):
        losses.minimax_discriminator_loss(np.zeros(2, "float32"), np.zeros(2, "float32"), **kwargs)


def test_label_noise_needs_a_seed():
    with pytest.raises(ValueError, match="seed"):
        losses.minimax_discriminator_loss(np.zeros(2, "float32"), np.zeros(2, "float32"), label_noise=0.1)
