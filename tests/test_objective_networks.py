"""The ResNet players of WGAN-GP/SNGAN, the autoencoder players of EBGAN/BEGAN, and the
objective family's flagfiles."""

import dataclasses
import os
import re

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_gans import experiments
from keras_gans.config import RunConfig
from keras_gans.networks import autoencoder, players, resnet

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
APPS = ("lsgan", "wgan", "wgan_gp", "sngan", "ebgan", "began")


@pytest.mark.parametrize("size,up_blocks,d_blocks", [(8, 1, 3), (32, 3, 4)])
def test_resnet_shapes_follow_the_cifar_layout(size, up_blocks, d_blocks):
    """32x32: G 4 -> 8 -> 16 -> 32 with three up-blocks; D 32 -> 16 -> 8, then two 8x8 blocks."""
    generator = resnet.generator(8, (size, size, 3), filters=8)
    discriminator = resnet.discriminator((size, size, 3), filters=8)
    assert generator.output.shape == (None, size, size, 3)
    assert sum(layer.name.endswith("_add") for layer in generator.layers) == up_blocks
    assert sum(layer.name.endswith("_add") for layer in discriminator.layers) == d_blocks
    assert discriminator.output.shape == (None, 1)
    assert discriminator.get_layer("features").output.shape == (None, 8)
    assert not any(isinstance(layer, keras.layers.BatchNormalization) for layer in discriminator.layers)
    images = generator(np.random.default_rng(0).normal(size=(2, 8)).astype("float32"))
    assert float(tf.reduce_max(tf.abs(images))) <= 1.0


def test_resnet_critic_sums_its_last_map():
    """Global sum pooling: the features of an input are h * w times the mean of D's last map."""
    discriminator = resnet.discriminator((8, 8, 1), filters=4, normalization="layer")
    assert any(isinstance(layer, keras.layers.LayerNormalization) for layer in discriminator.layers)
    last_map = keras.Model(discriminator.inputs, discriminator.get_layer("out_relu").output)
    features = keras.Model(discriminator.inputs, discriminator.get_layer("features").output)
    x = np.random.default_rng(1).normal(size=(2, 8, 8, 1)).astype("float32")
    np.testing.assert_allclose(features(x), np.sum(last_map(x), axis=(1, 2)), rtol=1e-5, atol=1e-5)


def test_autoencoder_players_follow_began():
    discriminator = autoencoder.discriminator((16, 16, 1), filters=4, embedding_dim=6, repeat=1)
    reconstruction, embedding = discriminator.outputs
    assert reconstruction.shape == (None, 16, 16, 1) and embedding.shape == (None, 6)
    # Encoder widths grow by n per scale (n, 2n); the bottleneck is 8x8.
    assert discriminator.get_layer("encoder_0_down").output.shape == (None, 8, 8, 8)
    generator = autoencoder.generator(6, (16, 16, 1), filters=4, repeat=1)
    # G has the decoder's architecture: the same layers, shapes and parameter count, plus tanh.
    decoder_layers = [l for l in discriminator.layers if l.name.startswith("decoder")]
    assert [l.name for l in generator.layers if l.name.startswith("decoder")] == [l.name for l in decoder_layers]
    assert generator.count_params() == sum(l.count_params() for l in decoder_layers)
    mlp = autoencoder.mlp_discriminator((8, 8, 1), hidden_units=(16,), embedding_dim=3)
    assert [tuple(o.shape) for o in mlp.outputs] == [(None, 8, 8, 1), (None, 3)]


BAD_BUILDS = [
    (lambda: resnet.generator(8, (24, 24, 3)), "image_shape"),
    (lambda: resnet.generator(8, (32, 32, 3), dropout=1.0), "dropout"),
    (lambda: resnet.discriminator((32, 32, 3), normalization="batch"), "normalization"),
    (lambda: resnet.discriminator((32, 32, 3), filters=0), "filters"),
    (lambda: autoencoder.discriminator((32, 32, 1), embedding_dim=0), "embedding_dim"),
    (lambda: autoencoder.generator(0, (32, 32, 1)), "latent_dim"),
    (lambda: autoencoder.mlp_discriminator((2,), hidden_units=()), "hidden_units"),
]


def test_bad_arguments_are_named():
    for build, name in BAD_BUILDS:
        with pytest.raises(ValueError, match=name):
            build()


def test_players_by_architecture():
    g, d = players.build("mlp", 2, (2,), hidden_units=["8"], spectral_norm=True)
    assert g.output.shape == (None, 2) and g.layers[-1].activation.__name__ == "linear"  # unbounded points
    assert any(isinstance(layer, keras.layers.SpectralNormalization) for layer in d.layers)
    g, d = players.build("resnet", 4, (8, 8, 1), filters=4, critic_normalization="layer", g_dropout=0.1)
    assert any(isinstance(layer, keras.layers.LayerNormalization) for layer in d.layers)
    assert any(isinstance(layer, keras.layers.Dropout) for layer in g.layers)
    with pytest.raises(ValueError, match="architecture"):
        players.build("vgg", 4, (8, 8, 1))
    with pytest.raises(ValueError, match="critic_normalization"):
        players.build("dcgan", 4, (8, 8, 1), critic_normalization="layer")


def _defined_flags(config_cls):
    return {field.name for field in dataclasses.fields(config_cls)}


def test_every_flagfile_line_is_a_flag_of_its_app():
    common = _defined_flags(RunConfig)
    configs = os.path.join(ROOT, "apps", "configs")
    checked = 0
    for app in APPS:
        known = common | _defined_flags(experiments.get(app).Config)
        for config in sorted(os.listdir(configs)):
            if not re.fullmatch(rf"{app}_[a-z0-9]+\.cfg", config):
                continue
            with open(os.path.join(configs, config)) as f:
                lines = [line.strip() for line in f if line.strip() and not line.startswith("#")]
            assert lines, config
            for line in lines:
                assert re.fullmatch(r"--\w+=\S+", line) and line[2:].split("=")[0] in known, (config, line)
            checked += 1
    assert checked >= 2 * len(APPS)  # an embedded-data config and a tfds one per app
