"""The worked examples of GAN theory (Goodfellow et al. 2014; Arjovsky et al. 2017) as checks of the code.

- The optimal discriminator turns the minimax value into C(G) = -log 4 + 2 JSD(p_data || p_g)
  (Goodfellow et al. 2014, Theorem 1), minimized only at p_g = p_data.
- On two distributions with disjoint supports (points on two parallel lines, Arjovsky et al. 2017,
  Example 1) JS is log 2 and KL infinite whatever the distance, while the Wasserstein distance is
  |theta|; a WGAN-GP critic trained on them recovers |theta|.
- Simultaneous gradient steps on min_x max_y xy spiral away from the equilibrium; alternating ones,
  as the game's train_step takes them, circle it.
"""

import math

import keras
import numpy as np
import pytest
import tensorflow as tf
from keras import ops

from keras_gans import losses, models, networks
from keras_gans.models.game import AdversarialGame


def minimax_value(p_data, p_g, d):
    """V(D, G) = E_data[log D] + E_g[log(1 - D)] through the library's minimax loss, on discrete outcomes.

    Each outcome appears in proportion to its probability (1,000,000 draws, exactly), D's logit on
    outcome i is logit(d_i); the loss is the negated value.
    """
    counts = lambda p: np.round(np.asarray(p) * 1_000_000).astype(int)  # noqa: E731
    logits = np.log(d) - np.log1p(-d)
    real = np.repeat(logits, counts(p_data)).astype("float32")[:, None]
    fake = np.repeat(logits, counts(p_g)).astype("float32")[:, None]
    return -float(losses.minimax_discriminator_loss(real, fake))


def jsd(p, q):
    p, q = np.asarray(p, float), np.asarray(q, float)
    m = (p + q) / 2
    kl = lambda a, b: float(np.sum(a[a > 0] * np.log(a[a > 0] / b[a > 0])))  # noqa: E731
    return 0.5 * kl(p, m) + 0.5 * kl(q, m)


@pytest.mark.parametrize("p_g", [[0.25, 0.25, 0.25, 0.25], [0.1, 0.2, 0.3, 0.4], [0.7, 0.1, 0.1, 0.1]])
def test_the_optimal_discriminator_gives_minus_log_4_plus_twice_the_jsd(p_g):
    p_data = [0.25, 0.25, 0.25, 0.25]
    optimal = np.asarray(p_data) / (np.asarray(p_data) + np.asarray(p_g))
    value = minimax_value(p_data, p_g, optimal)
    assert value == pytest.approx(-math.log(4) + 2 * jsd(p_data, p_g), abs=1e-5)
    if p_g == p_data:
        assert value == pytest.approx(-math.log(4), abs=1e-5)  # the minimum ...
    else:
        assert value > -math.log(4) + 0.01  # ... and only there
    for other in (np.clip(optimal + 0.05, 0.01, 0.99), np.full(4, 0.5)):  # D* is the best D
        if not np.allclose(other, optimal):
            assert minimax_value(p_data, p_g, other) < value


def parallel_lines(theta, n=4096, seed=0):
    """P_0: (0, Z) and P_theta: (theta, Z) with Z ~ U[0, 1]."""
    z = np.random.default_rng(seed).uniform(size=(2, n))
    return (np.stack([np.zeros(n), z[0]], axis=1).astype("float32"),
            np.stack([np.full(n, theta), z[1]], axis=1).astype("float32"))


def test_disjoint_supports_have_js_log_2_whatever_theta_and_infinite_kl():
    for theta in (0.1, 1.0):
        p0, p_theta = parallel_lines(theta, n=8)
        # The supports are disjoint, so the optimal D is 1 on P_0 and 0 on P_theta: huge logits.
        real_logits, fake_logits = np.full((8, 1), 40.0, "float32"), np.full((8, 1), -40.0, "float32")
        value = -float(losses.minimax_discriminator_loss(real_logits, fake_logits))
        assert (value + math.log(4)) / 2 == pytest.approx(math.log(2), abs=1e-6)  # JSD = log 2
        assert not np.any(np.isin(p0[:, 0], p_theta[:, 0]))  # P_theta has no mass where P_0 does: KL = inf


def test_a_wgan_gp_critic_recovers_the_wasserstein_distance_theta(theta=-0.75):
    """G is frozen at P_theta (its one layer maps z to (theta, z)); only the critic learns."""
    keras.utils.set_random_seed(0)
    z = keras.Input((1,), name="z")
    to_line = keras.layers.Dense(2, kernel_initializer=keras.initializers.Constant([[0.0, 0.5]]),
                                 bias_initializer=keras.initializers.Constant([theta, 0.5]))  # z in U[-1, 1]
    generator = keras.Model(z, to_line(z))
    critic = networks.mlp.discriminator((2,), hidden_units=(64, 64))
    gan = models.GAN(generator, critic, 1, loss="wasserstein", gradient_penalty_weight=10.0,
                     latent_distribution="uniform", seed=0)
    gan.compile(d_optimizer=keras.optimizers.Adam(1e-3, beta_1=0.5, beta_2=0.9),
                g_optimizer=keras.optimizers.SGD(0.0))
    p0, _ = parallel_lines(theta)
    gan.fit(tf.data.Dataset.from_tensor_slices(p0).repeat().batch(256), steps_per_epoch=400, verbose=0)
    real, fake = parallel_lines(theta, seed=1)
    estimate = float(ops.mean(critic(real)) - ops.mean(critic(fake)))  # -(the critic's loss)
    assert estimate == pytest.approx(abs(theta), rel=0.1)


class BilinearGame(AdversarialGame):
    """min_x max_y x * y: G holds x, D holds y, both start at 1; the equilibrium is (0, 0)."""

    TRACKERS = ("d_loss", "g_loss")

    def __init__(self, simultaneous=False):
        super().__init__()
        self.x = self.add_weight(shape=(), initializer="ones", name="x")
        self.y = self.add_weight(shape=(), initializer="ones", name="y")
        self.simultaneous = simultaneous
        self.built = True

    def discriminator_variables(self):
        return [self.y]

    def generator_variables(self):
        return [self.x]

    def make_fakes(self, batch, training):
        return None

    def discriminator_loss(self, batch, fakes, training):
        loss = -self.x * self.y  # D maximizes xy
        return loss, {"d_loss": loss}

    def generator_loss(self, batch, fakes, training):
        loss = self.x * self.y
        return loss, {"g_loss": loss}

    def train_step(self, data):
        if not self.simultaneous:
            return super().train_step(data)  # D's step, then G's against the moved y
        with tf.GradientTape(persistent=True) as tape:  # both gradients at the same point
            d_loss, _ = self.discriminator_loss(data, None, True)
            g_loss, _ = self.generator_loss(data, None, True)
        d_grad, g_grad = tape.gradient(d_loss, [self.y]), tape.gradient(g_loss, [self.x])
        self.d_optimizer.apply(d_grad, [self.y])
        self.g_optimizer.apply(g_grad, [self.x])
        return self.record({"d_loss": d_loss, "g_loss": g_loss})


def radii(simultaneous, steps, rate):
    game = BilinearGame(simultaneous)
    game.compile(d_optimizer=keras.optimizers.SGD(rate), g_optimizer=keras.optimizers.SGD(rate), run_eagerly=True)
    out = []
    for _ in range(steps):
        game.train_on_batch(np.zeros((1, 1), "float32"))
        out.append(math.hypot(float(game.x.numpy()), float(game.y.numpy())))
    return np.array(out)


def test_simultaneous_steps_spiral_out_and_alternating_steps_circle_the_equilibrium():
    rate, steps = 0.2, 60
    spiral = radii(True, steps, rate)
    # Each simultaneous step multiplies the radius by sqrt(1 + rate^2): (x, y) <- (x - rate y, y + rate x).
    expected = math.sqrt(2) * (1 + rate ** 2) ** (np.arange(1, steps + 1) / 2)
    np.testing.assert_allclose(spiral, expected, rtol=1e-4)
    circle = radii(False, steps, rate)
    # The alternating map has determinant 1 and eigenvalues on the unit circle: an ellipse, neither
    # converging nor diverging.
    assert 0.7 < circle.min() and circle.max() < 1.5 * math.sqrt(2) and spiral[-1] > 2 * circle.max()
