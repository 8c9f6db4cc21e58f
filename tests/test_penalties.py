"""Gradient penalty (Gulrajani et al. 2017) and R1 (Mescheder et al. 2018) by hand."""

import numpy as np
import pytest
import keras
import tensorflow as tf

from keras_gans import penalties


def linear_critic(input_shape, weights):
    """f(x) = w . flatten(x) + 1, whose input gradient is w everywhere."""
    inputs = keras.Input(input_shape)
    flat = keras.layers.Flatten()(inputs) if len(input_shape) > 1 else inputs
    dense = keras.layers.Dense(1)
    model = keras.Model(inputs, dense(flat))
    dense.set_weights([np.asarray(weights, "float32").reshape(-1, 1), np.ones(1, "float32")])
    return model


@pytest.mark.parametrize("input_shape,weights,expected", [
    ((2,), [0.6, 0.8], 0.0),  # unit norm: no penalty
    ((2,), [3.0, 0.0], (3.0 - 1.0) ** 2),
    ((4, 4, 1), np.full(16, 0.25), 0.0),  # ||w|| = sqrt(16 / 16) = 1
    ((4, 4, 1), np.full(16, 0.5), (2.0 - 1.0) ** 2),
    ((2, 2, 3), np.zeros(12), 1.0),  # zero gradient: (0 - 1)^2
])
def test_gradient_penalty_of_linear_critic(input_shape, weights, expected):
    critic = linear_critic(input_shape, weights)
    real = np.random.default_rng(0).normal(size=(8,) + input_shape).astype("float32")
    fake = np.random.default_rng(1).normal(size=(8,) + input_shape).astype("float32")
    value = penalties.gradient_penalty(critic, real, fake, keras.random.SeedGenerator(0))
    assert float(value) == pytest.approx(expected, abs=1e-5)


def test_gradient_penalty_uses_one_alpha_per_sample_on_the_segment():
    """A critic f(x) = 0.5 ||x||^2 has gradient x, so the penalty reveals x_hat's norms."""
    inputs = keras.Input((1,))
    critic = keras.Model(inputs, keras.layers.Lambda(lambda x: 0.5 * x * x)(inputs))
    real = np.full((4096, 1), 2.0, "float32")
    fake = np.zeros((4096, 1), "float32")
    # x_hat = 2 alpha with alpha ~ U[0, 1]: E[(2 alpha - 1)^2] = 4/3 - 2 + 1 = 1/3.
    value = penalties.gradient_penalty(critic, real, fake, keras.random.SeedGenerator(1))
    assert float(value) == pytest.approx(1.0 / 3.0, abs=0.02)


@pytest.mark.parametrize("weights", [[0.0, 0.0], [0.6, 0.8]])
def test_gradient_penalty_gradients_are_finite_at_zero_and_when_real_equals_fake(weights):
    critic = linear_critic((2,), weights)
    real = np.ones((4, 2), "float32")
    with tf.GradientTape() as tape:
        value = penalties.gradient_penalty(critic, real, real.copy(), keras.random.SeedGenerator(0))
    grads = tape.gradient(value, critic.trainable_variables)
    assert all(np.all(np.isfinite(g.numpy())) for g in grads if g is not None)
    assert np.isfinite(float(value))


def test_r1_is_the_squared_input_gradient_norm():
    critic = linear_critic((3,), [1.0, 2.0, 2.0])  # ||w||^2 = 9
    real = np.random.default_rng(0).normal(size=(5, 3)).astype("float32")
    assert float(penalties.r1_penalty(critic, real)) == pytest.approx(9.0, rel=1e-6)
    critic_images = linear_critic((2, 2, 1), [1.0, 1.0, 1.0, 1.0])
    images = np.zeros((3, 2, 2, 1), "float32")
    assert float(penalties.r1_penalty(critic_images, images)) == pytest.approx(4.0, rel=1e-6)
