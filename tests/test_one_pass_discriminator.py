"""D judges the real and the fake batch in one call when no layer of it looks across the batch."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_gans import models, networks
from keras_gans.models.gan import judges_samples_alone


class CallCounter(keras.layers.Layer):
    """Passes its input through and counts the (traced or eager) calls and the rows it saw."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.rows = []

    def call(self, inputs):
        self.rows.append(inputs.shape[0])
        return inputs


def counted_mlp_discriminator(dropout=0.0):
    inputs = keras.Input((2,))
    counter = CallCounter()
    outputs = networks.mlp.discriminator((2,), hidden_units=(16,), dropout=dropout)(counter(inputs))
    return keras.Model(inputs, outputs), counter


@pytest.mark.parametrize("build, alone", [
    (lambda: networks.mlp.discriminator((2,), hidden_units=(8,)), True),
    (lambda: networks.mlp.discriminator((2,), hidden_units=(8,), dropout=0.3), True),  # seed state only
    (lambda: networks.dcgan.discriminator((16, 16, 1), base_filters=8), False),  # batch norm
    (lambda: networks.dcgan.discriminator((16, 16, 1), base_filters=8, spectral_norm=True), False),
    (lambda: networks.mlp.discriminator((2,), hidden_units=(8,), minibatch_discrimination=True), False),
])
def test_which_discriminators_judge_each_sample_alone(build, alone):
    assert judges_samples_alone(build()) is alone


def test_one_call_on_both_batches_gives_the_two_calls_losses_and_updates():
    """Same D loss, same gradients: the one-pass model and a two-call twin take the same step."""
    discriminator, counter = counted_mlp_discriminator()
    generator = networks.mlp.generator(2, (2,), hidden_units=(16,), output_activation=None)
    one_pass = models.GAN(generator, discriminator, 2, seed=0)
    twin = models.GAN(keras.models.clone_model(generator), keras.models.clone_model(discriminator), 2, seed=0)
    twin.generator.set_weights(generator.get_weights())
    twin.discriminator.set_weights(discriminator.get_weights())
    twin._judges_samples_alone = False
    real = tf.constant(np.random.default_rng(0).normal(size=(32, 2)), tf.float32)
    fake = generator(tf.constant(np.random.default_rng(1).normal(size=(32, 2)), tf.float32))
    counter.rows.clear()
    loss, logs = one_pass.discriminator_loss(real, fake, training=True)
    assert counter.rows == [64]  # one call on real and fake together
    twin_loss, twin_logs = twin.discriminator_loss(real, fake, training=True)
    np.testing.assert_allclose(loss.numpy(), twin_loss.numpy(), rtol=1e-6)
    np.testing.assert_allclose(logs["d_real"].numpy(), twin_logs["d_real"].numpy(), rtol=1e-6)
    np.testing.assert_allclose(logs["d_fake"].numpy(), twin_logs["d_fake"].numpy(), rtol=1e-6)

    data = tf.data.Dataset.from_tensors(real).repeat()
    for gan in (one_pass, twin):
        gan.compile(d_optimizer=keras.optimizers.SGD(0.1), g_optimizer=keras.optimizers.SGD(0.1))
        gan.fit(data, epochs=1, steps_per_epoch=3, verbose=0, shuffle=False)
    for ours, theirs in zip(one_pass.discriminator.get_weights(), twin.discriminator.get_weights()):
        np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-6)


def test_a_batch_norm_discriminator_still_judges_real_and_fake_apart():
    generator = networks.dcgan.generator(8, (16, 16, 1), base_filters=8)
    discriminator = networks.dcgan.discriminator((16, 16, 1), base_filters=8)
    gan = models.GAN(generator, discriminator, 8, seed=0)
    real = tf.zeros((4, 16, 16, 1))
    fake = generator(tf.ones((4, 8)))
    _, logs = gan.discriminator_loss(real, fake, training=True)
    # Batch statistics of each batch alone: an all-zero real batch normalizes to D's biases only.
    alone = discriminator(real, training=True)
    np.testing.assert_allclose(logs["d_real"].numpy(), keras.ops.mean(alone).numpy(), rtol=1e-5, atol=1e-6)
