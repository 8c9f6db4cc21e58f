"""networks.dcgan: Radford et al. 2016's architecture rules, shapes, saving, and a short training run."""

import keras
import numpy as np
import pytest

from keras_gans import data, layers, models, networks


def sublayers(model):
    return list(model._flatten_layers(include_self=False, recursive=True))


@pytest.mark.parametrize("size,channels", [(8, 1), (16, 3), (32, 1), (64, 3)])
def test_shapes_for_every_power_of_two(size, channels):
    g = networks.dcgan.generator(10, (size, size, channels), base_filters=4)
    d = networks.dcgan.discriminator((size, size, channels), base_filters=4)
    z = np.random.default_rng(0).normal(size=(3, 10)).astype("float32")
    images = keras.ops.convert_to_numpy(g(z))
    assert images.shape == (3, size, size, channels)
    assert np.all(np.abs(images) <= 1)
    assert tuple(d(images).shape) == (3, 1)
    assert g.input.name == "z" and d.input.name == "images"
    blocks = [layer for layer in g.layers if isinstance(layer, layers.UpsampleBlock)]
    assert len(blocks) == int(np.log2(size // 4))  # 4x4 -> size, one doubling per block


@pytest.mark.parametrize("shape", [(12, 12, 1), (4, 4, 1), (512, 512, 3), (16, 32, 3), (16, 16)])
def test_other_sizes_are_rejected_naming_image_shape(shape):
    with pytest.raises(ValueError, match="image_shape"):
        networks.dcgan.generator(10, shape)
    with pytest.raises(ValueError, match="image_shape"):
        networks.dcgan.discriminator(shape)


def test_batchnorm_everywhere_except_g_output_and_d_input():
    g = networks.dcgan.generator(10, (32, 32, 3), base_filters=4)
    up = [layer for layer in g.layers if isinstance(layer, layers.UpsampleBlock)]
    assert all(block.normalization == "batch" and block.activation == "relu" for block in up[:-1])
    assert up[-1].normalization is None and up[-1].activation == "tanh"
    assert not any(isinstance(layer, keras.layers.Dense) for layer in g.layers[2:])  # z's projection only

    d = networks.dcgan.discriminator((32, 32, 3), base_filters=4)
    down = [layer for layer in d.layers if isinstance(layer, layers.DownsampleBlock)]
    assert down[0].normalization is None
    assert all(block.normalization == "batch" for block in down[1:])
    assert all(block.act.negative_slope == pytest.approx(0.2) for block in down)
    assert d.get_layer("features").output.shape[-1] == (4 * 2**2) * 4 * 4  # flattened 4x4 map of the third block


def test_spectral_norm_replaces_batchnorm_and_minibatch_discrimination_is_optional():
    d = networks.dcgan.discriminator((16, 16, 1), base_filters=4, spectral_norm=True,
                                     minibatch_discrimination=True, minibatch_kernels=5)
    assert not any(isinstance(layer, keras.layers.BatchNormalization) for layer in sublayers(d))
    spectral = [layer for layer in sublayers(d) if isinstance(layer, keras.layers.SpectralNormalization)]
    assert len(spectral) == 3  # two convolutions and the logit
    assert d.get_layer("minibatch_discrimination").output.shape[-1] == 4 * 2 * 4 * 4 + 5
    plain = networks.dcgan.discriminator((16, 16, 1), base_filters=4)
    assert not any(isinstance(layer, layers.MinibatchDiscrimination) for layer in plain.layers)


def test_keras_file_round_trip(tmp_path):
    g = networks.dcgan.generator(6, (16, 16, 1), base_filters=4)
    d = networks.dcgan.discriminator((16, 16, 1), base_filters=4, spectral_norm=True,
                                     minibatch_discrimination=True)
    z = np.random.default_rng(0).normal(size=(4, 6)).astype("float32")
    images = g(z)
    for model, x in ((g, z), (d, images)):
        path = tmp_path / f"{model.name}.keras"
        model.save(path)
        loaded = keras.saving.load_model(path)
        np.testing.assert_allclose(keras.ops.convert_to_numpy(loaded(x)), keras.ops.convert_to_numpy(model(x)),
                                   rtol=1e-5, atol=1e-6)


def test_digits_through_dcgan_train_to_finite_losses_and_bounded_images():
    keras.utils.set_random_seed(0)
    dataset = data.load("digits", batch_size=32, image_size=16, seed=0)
    generator = networks.dcgan.generator(16, (16, 16, 1), base_filters=8)
    discriminator = networks.dcgan.discriminator((16, 16, 1), base_filters=8)
    gan = models.GAN(generator, discriminator, 16, seed=0)
    gan.compile(d_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
                g_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5))
    before = keras.ops.convert_to_numpy(generator.get_layer("to_images").conv.kernel).copy()
    history = gan.fit(dataset, epochs=1, steps_per_epoch=8, verbose=0).history
    assert all(np.isfinite(history[name][-1]) for name in ("d_loss", "g_loss"))
    images = keras.ops.convert_to_numpy(gan.generate(16))
    assert images.shape == (16, 16, 16, 1)
    assert np.all(np.abs(images) <= 1) and images.std() > 0
    assert not np.array_equal(before, keras.ops.convert_to_numpy(generator.get_layer("to_images").conv.kernel))
