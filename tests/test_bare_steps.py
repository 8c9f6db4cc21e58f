"""The bare steps of ``benchmarks/_bare_steps.py``: a GAN step's kernels at their shapes, every one, as often."""

import collections
import types

import numpy as np
import pytest
import tensorflow as tf

IMAGE_SIZE, BASE_FILTERS, BATCH = 16, 8, 4


@pytest.fixture(scope="module")
def benchmarks(import_benchmark):
    """The benchmark modules the tests read."""
    return types.SimpleNamespace(bare=import_benchmark("_bare_steps"), ceiling=import_benchmark("conv_ceiling"),
                                 mode_coverage=import_benchmark("mode_coverage"),
                                 throughput=import_benchmark("throughput"))


@pytest.fixture(scope="module")
def players(benchmarks):
    return benchmarks.throughput.make_networks("dcgan", IMAGE_SIZE, BASE_FILTERS, seed=0)


def test_the_bare_players_hold_every_kernel_of_the_networks_and_map_the_same_shapes(benchmarks, players):
    bare, throughput = benchmarks.bare, benchmarks.throughput
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
    bare, throughput = benchmarks.bare, benchmarks.throughput
    specs = [bare.kernel_specs(network) for network in players]
    # A rate large enough for every change to show in float32.
    step, networks = bare.bare_step(*specs, throughput.LATENT_DIM, learning_rate=1.0)
    before = [[v.numpy() for v in network.variables] for network in networks]
    step(tf.random.uniform((BATCH, IMAGE_SIZE, IMAGE_SIZE, 1), -1.0, 1.0, seed=1))
    for network, old in zip(networks, before):
        for variable, value in zip(network.variables, old):
            assert not np.allclose(variable.numpy(), value), variable.shape


KERNEL_OPS = ("MatMul", "Conv2D", "Conv2DBackpropInput", "Conv2DBackpropFilter")


def kernel_ops(step, batch_spec):
    """``{(op type, shapes of its inputs): count}`` of the matrix products and convolutions ``step`` traces."""
    graph = step.get_concrete_function(batch_spec).graph
    return collections.Counter((op.type, tuple(tuple(tensor.shape) for tensor in op.inputs))
                               for op in graph.get_operations() if op.type in KERNEL_OPS)


def real_kernel_ops(gan, batch_spec):
    """The same of ``gan``'s own ``train_step``."""
    gan.d_optimizer.build(gan.discriminator.trainable_variables)
    gan.g_optimizer.build(gan.generator.trainable_variables)
    return kernel_ops(tf.function(gan.train_step), batch_spec)


def test_the_bare_step_runs_the_dcgan_steps_convolutions_at_their_shapes_as_often(benchmarks, players):
    """D with batch norm judges the real and the fake batch apart in both steps."""
    import keras

    from keras_gans import models

    bare, throughput = benchmarks.bare, benchmarks.throughput
    gan = models.GAN(*players, throughput.LATENT_DIM, seed=0)
    gan.compile(d_optimizer=keras.optimizers.Adam(), g_optimizer=keras.optimizers.Adam())
    spec = tf.TensorSpec((BATCH, IMAGE_SIZE, IMAGE_SIZE, 1))
    step, _ = bare.bare_step(*[bare.kernel_specs(network) for network in players], throughput.LATENT_DIM)
    expected = real_kernel_ops(gan, spec)
    assert sum(expected.values()) > 0 and kernel_ops(step, spec) == expected


def test_the_bare_step_runs_a_wgan_steps_matrix_products_on_each_critic_batch_as_often(benchmarks):
    """Five critic updates, each on its fifth of the batch beside as many fakes in one call of D (no batch
    norm), then G's update on a fifth: reading the whole batch at every critic update would change the shapes."""
    bare, mode_coverage = benchmarks.bare, benchmarks.mode_coverage
    from keras_gans.models.gan import judges_samples_alone

    args = mode_coverage.parse_args(["--configs=wgan"])
    gan = mode_coverage.build("wgan", args, seed=0)
    assert gan.n_critic == 5 and gan.split_real_batch and judges_samples_alone(gan.discriminator)
    spec = tf.TensorSpec((5 * BATCH, 2))
    step, _ = bare.bare_step(bare.kernel_specs(gan.generator), bare.kernel_specs(gan.discriminator),
                             args.latent_dim, n_critic=5, joint_real_and_fake=True)
    expected = real_kernel_ops(gan, spec)
    assert sum(expected.values()) > 0 and kernel_ops(step, spec) == expected


def linear_players(bare, latent_dim=3, rate=0.01, **options):
    """A one-kernel G ``z -> 2-D point`` held at zero (so every fake is 0) and a one-kernel D ``point -> score``.

    D's loss ``mean(D(fake)) - mean(D(real))`` then has the gradient ``-mean(real)`` in its kernel.
    """
    step, (generator, discriminator) = bare.bare_step([("dense", (latent_dim, 2), (2,))],
                                                      [("dense", (2, 1), (1,))], latent_dim,
                                                      learning_rate=rate, **options)
    generator.variables[0].assign(tf.zeros((latent_dim, 2)))
    return step, discriminator.variables[0]


def test_steps_per_call_makes_that_many_steps_in_one_call(benchmarks):
    """Three steps of one critic update each move D's kernel three times by ``rate * mean(real)``; G's update
    between them makes fakes of the order of the rate squared, far under the tolerance."""
    bare = benchmarks.bare
    step, kernel = linear_players(bare, steps_per_call=3)
    start = kernel.numpy()
    step(tf.fill((4, 2), 2.0))
    np.testing.assert_allclose(kernel.numpy() - start, np.full((2, 1), 3 * 0.01 * 2.0), atol=1e-4)


def test_an_unsupported_layout_is_reported_by_tensorflows_reason(benchmarks):
    images = tf.zeros((2, 1, 8, 8))
    kernel = tf.zeros((4, 4, 1, 3))
    try:
        tf.function(lambda: tf.nn.conv2d(images, kernel, (1, 1, 2, 2), "SAME", data_format="NCHW"))()
    except (tf.errors.UnimplementedError, tf.errors.InvalidArgumentError) as error:
        assert "NHWC" in benchmarks.ceiling.reason(error)
    else:
        pytest.skip("this TensorFlow build runs channels-first convolutions on a CPU")
