"""Top-k training of the generator (Sinha et al. 2020): G's loss over the samples D scores highest,
checked by hand; and with the fixed players of tests/test_pacgan_unrolled.py inside a training step."""

import math

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_gans import losses, models

from test_pacgan_unrolled import players

LOGITS = np.array([[2.0], [-1.0], [0.5], [-3.0]], "float32")


def softplus(x):
    return math.log1p(math.exp(x))


def sigmoid(x):
    return 1.0 / (1.0 + math.exp(-x))


def test_the_loss_is_the_mean_over_the_k_highest_scores_and_the_rest_get_no_gradient():
    """k = ceil(0.5 * 4) = 2 keeps the logits 2 and 0.5: the non-saturating loss softplus(-x) averaged over
    them, 0.30050; its gradient is -sigmoid(-x) / 2 for the kept logits and 0 for -1 and -3."""
    logits = tf.constant(LOGITS)
    with tf.GradientTape() as tape:
        tape.watch(logits)
        loss = losses.top_k_generator_loss(losses.non_saturating_generator_loss, logits, 0.5)
    assert float(loss) == pytest.approx((softplus(-2.0) + softplus(-0.5)) / 2, abs=1e-6)
    assert float(loss) == pytest.approx(0.300503, abs=1e-6)
    np.testing.assert_allclose(tape.gradient(loss, logits)[:, 0], [-sigmoid(-2.0) / 2, 0.0, -sigmoid(-0.5) / 2, 0.0],
                               atol=1e-6)


def test_the_loss_compiles_with_xla_to_the_same_value():
    """The shapes stay static, so the step compiles with XLA (the default on the 2-D point sets)."""
    compiled = tf.function(lambda logits, share: losses.top_k_generator_loss(
        losses.non_saturating_generator_loss, logits, share), jit_compile=True)
    assert float(compiled(tf.constant(LOGITS), tf.constant(0.5))) == pytest.approx(0.300503, abs=1e-6)
    assert float(compiled(tf.constant(LOGITS), tf.constant(0.25))) == pytest.approx(softplus(-2.0), abs=1e-6)


@pytest.mark.parametrize("name,share,expected", [
    # least squares 0-1 coding: 0.5 (x - 1)^2 over the 3 highest (k = ceil(0.6 * 4)): 2, 0.5, -1.
    ("least_squares", 0.6, (0.5 * 1.0 + 0.5 * 0.25 + 0.5 * 4.0) / 3),
    # Wasserstein: -x over the highest only (k = ceil(0.1 * 4) = 1).
    ("wasserstein", 0.1, -2.0),
    # share 1 keeps every sample: the plain loss, mean(softplus(-x)).
    ("non_saturating", 1.0, sum(softplus(-x) for x in (2.0, -1.0, 0.5, -3.0)) / 4),
])
def test_every_generator_loss_is_averaged_over_the_kept_samples(name, share, expected):
    _, g_loss_fn = losses.get(name)
    assert float(losses.top_k_generator_loss(g_loss_fn, LOGITS, share)) == pytest.approx(expected, abs=1e-6)


def test_the_kept_share_decays_by_gamma_every_period_down_to_nu():
    """nu = 0.5, gamma = 0.8 every 10 steps: 1 up to step 9, 0.8 from step 10, 0.64 from 20, then 0.512 and
    the floor 0.5 from step 40 on (0.8**4 = 0.41 < 0.5)."""
    shares = [float(losses.top_k_share(step, fraction=0.5, decay=0.8, decay_steps=10))
              for step in (0, 9, 10, 25, 30, 40, 1000)]
    assert shares == pytest.approx([1.0, 1.0, 0.8, 0.64, 0.512, 0.5, 0.5])


def test_the_generator_step_learns_only_from_the_samples_d_scores_highest():
    """G is z + b (identity kernel, bias b = 0) and D's logit x1 + x2, so the fixed z below score
    s = 2, -1, 0.5, -3. After one generator step the share is max(nu, gamma) = 0.5: G's loss is the mean of
    softplus(-s) over s = 2 and 0.5, and one SGD step of rate 1 moves each bias by the mean of sigmoid(-s)
    over those two only (D does not move: SGD(0))."""
    z = keras.Input((2,), name="z")
    generator = keras.Model(z, keras.layers.Dense(2, kernel_initializer="identity", bias_initializer="zeros")(z))
    _, discriminator = players(2)
    gan = models.GAN(generator, discriminator, 2, seed=0, top_k_fraction=0.5, top_k_decay=0.5, top_k_decay_steps=1)
    gan.compile(d_optimizer=keras.optimizers.SGD(0.0), g_optimizer=keras.optimizers.SGD(1.0), run_eagerly=True)
    fixed = tf.constant(LOGITS / 2 * np.ones((1, 2), "float32"))
    gan.sample_latent = lambda rows: fixed
    gan.g_optimizer.iterations.assign(1)
    logs = gan.train_on_batch(np.ones((4, 2), "float32"), return_dict=True)
    assert logs["g_loss"] == pytest.approx((softplus(-2.0) + softplus(-0.5)) / 2, abs=1e-5)
    moved = (sigmoid(-2.0) + sigmoid(-0.5)) / 2
    np.testing.assert_allclose(generator.layers[-1].bias.numpy(), [moved, moved], atol=1e-5)


def test_top_k_is_checked_and_serialized():
    for name, value in (("top_k_fraction", 0.0), ("top_k_fraction", 1.5), ("top_k_decay", 0.0)):
        with pytest.raises(ValueError, match=f"`{name}` must be a number in \\(0, 1\\]; received {name}={value}"):
            models.GAN(*players(2), 2, **{name: value})
    with pytest.raises(ValueError, match="`top_k_decay_steps` must be an int >= 1"):
        models.GAN(*players(2), 2, top_k_decay_steps=0)
    with pytest.raises(ValueError, match="which feature matching replaces"):
        models.GAN(*players(2), 2, top_k_fraction=0.5, feature_matching=True, feature_layer="logit")
    gan = models.GAN(*players(2), 2, top_k_fraction=0.75, top_k_decay=0.9, top_k_decay_steps=7)
    clone = models.GAN.from_config(gan.get_config())
    assert (clone.top_k_fraction, clone.top_k_decay, clone.top_k_decay_steps) == (0.75, 0.9, 7)
