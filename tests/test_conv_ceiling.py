"""The bare step of ``benchmarks/conv_ceiling.py`` runs the DCGAN step's kernels at their shapes, all of them."""

import os
import sys

import numpy as np
import pytest
import tensorflow as tf

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
IMAGE_SIZE, BASE_FILTERS, BATCH = 16, 8, 4


@pytest.fixture(scope="module")
def ceiling():
    benchmarks = os.path.join(ROOT, "benchmarks")
    sys.path.insert(0, benchmarks)  # conv_ceiling imports throughput as a top-level module
    try:
        import conv_ceiling
    finally:
        sys.path.remove(benchmarks)
    return conv_ceiling


@pytest.fixture(scope="module")
def players(ceiling):
    return ceiling.throughput.make_networks("dcgan", IMAGE_SIZE, BASE_FILTERS, seed=0)


def test_the_bare_players_hold_every_kernel_of_the_networks_and_map_the_same_shapes(ceiling, players):
    generator, discriminator = players
    for network, inputs in ((generator, np.zeros((BATCH, ceiling.throughput.LATENT_DIM), "float32")),
                            (discriminator, np.zeros((BATCH, IMAGE_SIZE, IMAGE_SIZE, 1), "float32"))):
        specs = ceiling.kernel_specs(network)
        kernels = [tuple(w.shape) for w in network.weights if w.path.endswith("kernel")]
        assert [shape for _, shape, _ in specs] == kernels
        bare = ceiling.BareNetwork(specs, "NHWC", seed=0)
        assert [tuple(v.shape) for v in bare.variables] == kernels
        assert tuple(bare(tf.constant(inputs)).shape) == tuple(network(inputs).shape)
    kinds = [kind for kind, _, _ in ceiling.kernel_specs(generator) + ceiling.kernel_specs(discriminator)]
    blocks = int(np.log2(IMAGE_SIZE // 4))  # 4x4 maps up to the image and back down
    assert kinds == ["dense"] + ["conv_transpose"] * blocks + ["conv"] * blocks + ["dense"]


def test_one_bare_step_updates_every_kernel_of_both_players(ceiling, players):
    """Every weight gradient of D and G is computed (and applied), so every backward kernel runs."""
    specs = [ceiling.kernel_specs(network) for network in players]
    # A rate large enough for every change to show in float32.
    step, networks = ceiling.bare_step(*specs, ceiling.throughput.LATENT_DIM, "NHWC", jit_compile=False,
                                       learning_rate=1.0)
    before = [[v.numpy() for v in network.variables] for network in networks]
    step(tf.random.uniform((BATCH, IMAGE_SIZE, IMAGE_SIZE, 1), -1.0, 1.0, seed=1))
    for network, old in zip(networks, before):
        for variable, value in zip(network.variables, old):
            assert not np.allclose(variable.numpy(), value), variable.shape


def test_an_unsupported_layout_is_reported_by_tensorflows_reason(ceiling):
    images = tf.zeros((2, 1, 8, 8))
    kernel = tf.zeros((4, 4, 1, 3))
    with pytest.raises((tf.errors.UnimplementedError, tf.errors.InvalidArgumentError)) as raised:
        tf.function(lambda: tf.nn.conv2d(images, kernel, (1, 1, 2, 2), "SAME", data_format="NCHW"))()
    assert "NHWC" in ceiling.reason(raised.value)
