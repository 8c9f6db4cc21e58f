"""The bare steps of ``benchmarks/_bare_steps.py``: a GAN step's kernels at their shapes, every one, as often."""

import os
import sys

import numpy as np
import pytest
import tensorflow as tf

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
IMAGE_SIZE, BASE_FILTERS, BATCH = 16, 8, 4


@pytest.fixture(scope="module")
def benchmarks():
    """``(_bare_steps, conv_ceiling, throughput)``, imported as the scripts import each other."""
    folder = os.path.join(ROOT, "benchmarks")
    sys.path.insert(0, folder)
    try:
        import _bare_steps
        import conv_ceiling
        import throughput
    finally:
        sys.path.remove(folder)
    return _bare_steps, conv_ceiling, throughput


@pytest.fixture(scope="module")
def players(benchmarks):
    return benchmarks[2].make_networks("dcgan", IMAGE_SIZE, BASE_FILTERS, seed=0)


def test_the_bare_players_hold_every_kernel_of_the_networks_and_map_the_same_shapes(benchmarks, players):
    bare, _, throughput = benchmarks
    generator, discriminator = players
    for network, inputs in ((generator, np.zeros((BATCH, throughput.LATENT_DIM), "float32")),
                            (discriminator, np.zeros((BATCH, IMAGE_SIZE, IMAGE_SIZE, 1), "float32"))):
        specs = bare.kernel_specs(network)
        kernels = [tuple(w.shape) for w in network.weights if w.path.endswith("kernel")]
        assert [shape for _, shape, _ in specs] == kernels
        network_bare = bare.BareNetwork(specs, "NHWC", seed=0)
        assert [tuple(v.shape) for v in network_bare.variables] == kernels
        assert tuple(network_bare(tf.constant(inputs)).shape) == tuple(network(inputs).shape)
    kinds = [kind for kind, _, _ in bare.kernel_specs(generator) + bare.kernel_specs(discriminator)]
    blocks = int(np.log2(IMAGE_SIZE // 4))  # 4x4 maps up to the image and back down
    assert kinds == ["dense"] + ["conv_transpose"] * blocks + ["conv"] * blocks + ["dense"]


def test_one_bare_step_updates_every_kernel_of_both_players(benchmarks, players):
    """Every weight gradient of D and G is computed (and applied), so every backward kernel runs."""
    bare, _, throughput = benchmarks
    specs = [bare.kernel_specs(network) for network in players]
    # A rate large enough for every change to show in float32.
    step, networks = bare.bare_step(*specs, throughput.LATENT_DIM, learning_rate=1.0)
    before = [[v.numpy() for v in network.variables] for network in networks]
    step(tf.random.uniform((BATCH, IMAGE_SIZE, IMAGE_SIZE, 1), -1.0, 1.0, seed=1))
    for network, old in zip(networks, before):
        for variable, value in zip(network.variables, old):
            assert not np.allclose(variable.numpy(), value), variable.shape


def linear_players(bare, latent_dim=3, rate=0.01, **options):
    """A one-kernel G ``z -> 2-D point`` held at zero (so every fake is 0) and a one-kernel D ``point -> score``.

    D's loss ``mean(D(fake)) - mean(D(part))`` then has the gradient ``-mean(part)`` in its kernel, so after
    the D updates of a step the kernel has moved by ``rate`` times the sum of the parts' means.
    """
    step, (generator, discriminator) = bare.bare_step([("dense", (latent_dim, 2), (2,))],
                                                      [("dense", (2, 1), (1,))], latent_dim,
                                                      learning_rate=rate, **options)
    generator.variables[0].assign(tf.zeros((latent_dim, 2)))
    return step, discriminator.variables[0]


def test_each_critic_update_reads_its_own_part_of_the_real_batch(benchmarks):
    bare = benchmarks[0]
    step, kernel = linear_players(bare, n_critic=3)
    start = kernel.numpy()
    parts = [np.full((4, 2), value, "float32") for value in (1.0, 2.0, 5.0)]
    step(tf.constant(np.concatenate(parts)))
    # 0.01 * (1 + 2 + 5) on both rows; reading one part three times would give 0.03, 0.06 or 0.15.
    np.testing.assert_allclose(kernel.numpy() - start, np.full((2, 1), 0.08), atol=1e-6)


def test_steps_per_call_makes_that_many_steps_in_one_call(benchmarks):
    """Three steps of one critic update each move D's kernel three times by ``rate * mean(real)``; G's update
    between them makes fakes of the order of the rate squared, far under the tolerance."""
    bare = benchmarks[0]
    step, kernel = linear_players(bare, steps_per_call=3)
    start = kernel.numpy()
    step(tf.fill((4, 2), 2.0))
    np.testing.assert_allclose(kernel.numpy() - start, np.full((2, 1), 3 * 0.01 * 2.0), atol=1e-4)


def test_an_unsupported_layout_is_reported_by_tensorflows_reason(benchmarks):
    images = tf.zeros((2, 1, 8, 8))
    kernel = tf.zeros((4, 4, 1, 3))
    with pytest.raises((tf.errors.UnimplementedError, tf.errors.InvalidArgumentError)) as raised:
        tf.function(lambda: tf.nn.conv2d(images, kernel, (1, 1, 2, 2), "SAME", data_format="NCHW"))()
    assert "NHWC" in benchmarks[1].reason(raised.value)
