"""PacGAN (Lin et al. 2018) and the unrolled discriminator (Metz et al. 2017) as GAN options,
checked by hand with the fixed players of tests/test_objectives.py: G always outputs (-1, -1) and
a real sample is (1, 1); and the published 2-D players of the PacGAN experiments."""

import math

import keras
import numpy as np
import pytest

from keras_gans import config, experiment, experiments, layers, models, packing
from keras_gans.networks import players as players_module

REAL = np.ones((64, 2), "float32")


def softplus(x):
    return math.log1p(math.exp(x))


def sigmoid(x):
    return 1.0 / (1.0 + math.exp(-x))


def players(input_dim, kernel=1.0):
    """G: the constant (-1, -1); D: a linear logit ``kernel * sum(x)``."""
    z = keras.Input((2,), name="z")
    generator = keras.Model(z, keras.layers.Dense(2, kernel_initializer="zeros",
                                                  bias_initializer=keras.initializers.Constant(-1.0))(z))
    x = keras.Input((input_dim,), name="x")
    logit = keras.layers.Dense(1, kernel_initializer=keras.initializers.Constant(kernel), bias_initializer="zeros",
                               name="logit")(x)
    return generator, keras.Model(x, logit)


def frozen_gan(input_dim, **options):
    gan = models.GAN(*players(input_dim), 2, seed=0, **options)
    gan.compile(d_optimizer=keras.optimizers.SGD(0.0), g_optimizer=keras.optimizers.SGD(0.0), run_eagerly=True)
    return gan


def test_packing_puts_consecutive_samples_side_by_side():
    vectors = np.arange(12, dtype="float32").reshape(6, 2)
    np.testing.assert_array_equal(packing.pack_samples(vectors, 3), [[0, 1, 2, 3, 4, 5], [6, 7, 8, 9, 10, 11]])
    images = np.arange(2 * 2 * 2 * 3, dtype="float32").reshape(2, 2, 2, 3)      # [B, H, W, C]
    packed = np.asarray(packing.pack_samples(images, 2))
    assert packed.shape == (1, 2, 2, 6) == (1,) + packing.packed_shape((2, 2, 3), 2)
    np.testing.assert_array_equal(packed[0, 1, 0], np.concatenate([images[0, 1, 0], images[1, 1, 0]]))
    with pytest.raises(ValueError, match="`pack`=4 needs a"):
        packing.pack_samples(vectors, 4)


def test_a_packed_discriminator_judges_packs_of_real_and_of_fake_samples():
    """With pack m = 2, D sees (1, 1, 1, 1) for real packs (logit 4) and (-1, -1, -1, -1) for fake ones
    (logit -4): d_loss = softplus(-4) + softplus(-4), G's non-saturating loss softplus(4)."""
    logs = frozen_gan(4, pack=2).train_on_batch(REAL, return_dict=True)
    assert logs["d_loss"] == pytest.approx(2 * softplus(-4.0), abs=1e-5)
    assert logs["g_loss"] == pytest.approx(softplus(4.0), abs=1e-5)
    assert (logs["d_real"], logs["d_fake"]) == pytest.approx((4.0, -4.0))


@pytest.mark.parametrize("steps", [1, 2])
def test_the_generator_is_judged_by_the_discriminator_unrolled_ahead(steps):
    """D's logit is w1 x1 + w2 x2 with w1 = w2 = w = 1 (bias 0). The non-saturating D loss is
    softplus(-2w) + softplus(-2w); d/dw_i = -sigmoid(-2w) * 1 + sigmoid(-2w) * (-1) = -2 sigmoid(-2w) and
    d/dbias = 0, so a lookahead step moves each w_i by +lr * 2 sigmoid(-2w). G's loss is softplus(2 w_k)
    under the unrolled w_k; D itself does not move (SGD(0))."""
    rate = 0.5
    gan = frozen_gan(2, unrolled_steps=steps, unrolled_learning_rate=rate)
    w = 1.0
    for _ in range(steps):
        w += rate * 2.0 * sigmoid(-2.0 * w)
    logs = gan.train_on_batch(REAL, return_dict=True)
    assert logs["g_loss"] == pytest.approx(softplus(2.0 * w), abs=1e-5)
    assert logs["d_loss"] == pytest.approx(2 * softplus(-2.0), abs=1e-5)  # D's own loss at w = 1
    np.testing.assert_array_equal(gan.discriminator.get_weights()[0], np.ones((2, 1)))


def test_pack_and_unrolling_are_checked_and_serialized():
    with pytest.raises(ValueError, match="`pack` must be an int >= 1"):
        frozen_gan(2, pack=0)
    with pytest.raises(ValueError, match="`unrolled_steps` must be an int >= 0"):
        frozen_gan(2, unrolled_steps=-1)
    gan = frozen_gan(4, pack=2, unrolled_steps=3)
    clone = models.GAN.from_config(gan.get_config())
    assert (clone.pack, clone.unrolled_steps, clone.unrolled_learning_rate) == (2, 3, None)


# ----------------------------------------------------------------------------- the published 2-D players


def test_the_published_2d_players_are_those_of_the_pacgan_code():
    """PacGAN's 2-D experiments: G has four batch-normalized ReLU layers of 400 (no bias) and a linear output,
    D three maxout layers of 200 units x 5 pieces over the packed input; weights from N(0, 0.02)."""
    generator, discriminator = players_module.build("published_2d", 2, (2,), pack=4)
    dense = [layer for layer in generator.layers if isinstance(layer, keras.layers.Dense)]
    assert [(layer.units, layer.use_bias) for layer in dense] == [(400, False)] * 4 + [(2, True)]
    assert sum(isinstance(layer, keras.layers.BatchNormalization) for layer in generator.layers) == 4
    assert dense[-1].activation is keras.activations.linear
    maxout = [layer for layer in discriminator.layers if isinstance(layer, layers.Maxout)]
    assert [(layer.units, layer.pieces) for layer in maxout] == [(200, 5)] * 3
    assert discriminator.input_shape == (None, 8) and discriminator.output_shape == (None, 1)
    kernel = np.asarray(dense[1].kernel)  # 160,000 draws
    assert abs(kernel.std() - 0.02) < 0.001
    with pytest.raises(ValueError, match=r"vector samples and no options but `pack`.*\{'spectral_norm': True\}"):
        players_module.build("published_2d", 2, (2,), spectral_norm=True)
    with pytest.raises(ValueError, match=r"sample_shape=\(8, 8, 1\)"):
        players_module.build("published_2d", 2, (8, 8, 1))


def test_the_gan_app_builds_the_published_players_on_points_only(tmp_path):
    exp = experiments.get("gan")
    run_config = config.RunConfig(dataset="ring8", model_dir=str(tmp_path), export=False)
    model = experiment.rebuild(exp, exp.Config(players="published_2d", pack=2), run_config)
    assert model.pack == 2 and model.discriminator.input_shape == (None, 4)
    assert isinstance(model.discriminator.get_layer("features"), layers.Maxout)
    images = config.RunConfig(dataset="digits", image_size=8, model_dir=str(tmp_path), export=False)
    with pytest.raises(config.ConfigError) as error:
        experiment.rebuild(exp, exp.Config(players="published_2d"), images)
    assert "--players=published_2d are for the 2-D point sets; --dataset=digits holds images" in error.value.as_flag()
    with pytest.raises(config.ConfigError) as error:
        experiment.rebuild(exp, exp.Config(players="published_2d", g_dropout=0.1), run_config)
    assert "--g_dropout=0.1 does not apply to the published_2d players" in error.value.as_flag()
