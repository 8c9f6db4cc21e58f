"""keras_gans.layers: values against NumPy references, shapes, spectral norm, serialization, arguments."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_gans import layers


def numpy(x):
    return keras.ops.convert_to_numpy(x)


def sublayers(layer):
    return list(layer._flatten_layers(include_self=False, recursive=True))


# ----------------------------------------------------------------------------
# MinibatchDiscrimination


def minibatch_discrimination_reference(f, t, num_kernels, kernel_dim):
    """Salimans et al. 2016, section 3.2, with explicit loops (the sum over j includes j = i)."""
    n, a = f.shape
    m = np.zeros((n, num_kernels, kernel_dim))
    for i in range(n):
        for b in range(num_kernels):
            for c in range(kernel_dim):
                m[i, b, c] = sum(f[i, k] * t[k, b * kernel_dim + c] for k in range(a))
    o = np.zeros((n, num_kernels))
    for i in range(n):
        for b in range(num_kernels):
            for j in range(n):
                o[i, b] += np.exp(-sum(abs(m[i, b, c] - m[j, b, c]) for c in range(kernel_dim)))
    return np.concatenate([f, o], axis=1)


def test_minibatch_discrimination_matches_the_paper():
    rng = np.random.default_rng(0)
    f = rng.normal(size=(5, 6)).astype("float32")
    t = rng.normal(scale=0.3, size=(6, 3 * 4)).astype("float32")
    layer = layers.MinibatchDiscrimination(num_kernels=3, kernel_dim=4)
    layer.build((None, 6))
    assert tuple(layer.kernel.shape) == (6, 12)
    layer.kernel.assign(t)
    output = numpy(layer(f))
    assert output.shape == (5, 6 + 3)
    expected = minibatch_discrimination_reference(f.astype("float64"), t.astype("float64"), 3, 4)
    assert np.all((expected[:, 6:] > 1) & (expected[:, 6:] < 5))  # neither all-equal nor all-far: a real test
    np.testing.assert_allclose(output, expected, rtol=1e-5, atol=1e-6)


def test_minibatch_discrimination_counts_identical_samples():
    """N identical samples are all at L1 distance 0 from each other: o = N for every kernel."""
    layer = layers.MinibatchDiscrimination(num_kernels=4, kernel_dim=2)
    f = np.tile(np.arange(3, dtype="float32"), (7, 1))
    output = numpy(layer(f))
    assert output.shape == (7, 3 + 4)
    np.testing.assert_array_equal(output[:, :3], f)
    np.testing.assert_allclose(output[:, 3:], 7.0, rtol=1e-6)


def test_minibatch_discrimination_requires_rank_two():
    with pytest.raises(ValueError, match=r"input_shape=\(2, 4, 4, 8\)"):
        layers.MinibatchDiscrimination(2, 2)(np.zeros((2, 4, 4, 8), "float32"))


# ----------------------------------------------------------------------------
# MinibatchStdDev


def minibatch_stddev_reference(x, group_size):
    """Karras et al. 2018, section 3: one population std (ddof=0) per group, averaged over features."""
    n = len(x)
    group = min(group_size, n)
    num_groups = n // group  # the paper's reshape [G, N/G, ...]: sample i is in group i % (N/G)
    extra = np.zeros(n)
    for g in range(num_groups):
        members = x[g::num_groups]
        assert len(members) == group
        extra[g::num_groups] = np.std(members, axis=0, ddof=0).mean()
    return extra


@pytest.mark.parametrize("shape,group_size", [((8, 3, 3, 2), 4), ((6, 5), 2), ((3, 2, 2, 1), 4)])
def test_minibatch_stddev_matches_numpy(shape, group_size):
    x = np.random.default_rng(1).normal(size=shape).astype("float32")
    output = numpy(layers.MinibatchStdDev(group_size)(x))
    assert output.shape == shape[:-1] + (shape[-1] + 1,)
    np.testing.assert_array_equal(output[..., :-1], x)
    expected = minibatch_stddev_reference(x.astype("float64"), group_size)
    assert len(np.unique(np.round(expected, 6))) == shape[0] // min(group_size, shape[0])  # one value per group
    for i in range(shape[0]):
        np.testing.assert_allclose(output[i, ..., -1], expected[i], rtol=1e-5)


def test_minibatch_stddev_of_a_constant_batch_is_zero_with_a_finite_gradient():
    x = np.full((4, 2, 2, 3), 0.7, "float32")
    np.testing.assert_array_equal(numpy(layers.MinibatchStdDev(4, epsilon=0.0)(x))[..., -1], 0.0)
    layer = layers.MinibatchStdDev(4)  # default epsilon=1e-8 under the square root
    x = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(x)
        extra = layer(x)[..., -1]
        total = tf.reduce_sum(extra)
    np.testing.assert_allclose(numpy(extra), 1e-4, rtol=1e-3)  # sqrt(0 + 1e-8)
    gradient = tape.gradient(total, x)
    assert gradient is not None and np.all(np.isfinite(numpy(gradient)))


def test_minibatch_stddev_batch_must_divide_into_groups():
    with pytest.raises(ValueError, match="batch size 6 .*group_size=4"):
        layers.MinibatchStdDev(group_size=4)(np.zeros((6, 2, 2, 1), "float32"))
    # Dynamic batch: the check runs in the graph.
    inputs = keras.Input((2, 2, 1))
    model = keras.Model(inputs, layers.MinibatchStdDev(group_size=4)(inputs))
    assert tuple(model.output.shape) == (None, 2, 2, 2)
    run = tf.function(model, input_signature=[tf.TensorSpec((None, 2, 2, 1))])
    assert tuple(run(np.zeros((8, 2, 2, 1), "float32")).shape) == (8, 2, 2, 2)
    assert tuple(run(np.zeros((3, 2, 2, 1), "float32")).shape) == (3, 2, 2, 2)  # one group of 3
    with pytest.raises(tf.errors.InvalidArgumentError, match="not a multiple of group_size=4"):
        run(np.zeros((6, 2, 2, 1), "float32"))


# ----------------------------------------------------------------------------
# Blocks


@pytest.mark.parametrize("block,size", [(layers.UpsampleBlock, 16), (layers.DownsampleBlock, 4)])
def test_blocks_double_or_halve_the_size(block, size):
    output = block(5)(np.zeros((2, 8, 8, 3), "float32"))
    assert tuple(output.shape) == (2, size, size, 5)


@pytest.mark.parametrize("normalization,kind", [
    ("batch", keras.layers.BatchNormalization),
    ("instance", keras.layers.GroupNormalization),
    ("layer", keras.layers.LayerNormalization),
    (None, None),
])
@pytest.mark.parametrize("block", [layers.UpsampleBlock, layers.DownsampleBlock])
def test_blocks_normalization_and_the_bias_rule(block, normalization, kind):
    layer = block(4, normalization=normalization)
    layer(np.zeros((2, 8, 8, 3), "float32"))
    norms = [sub for sub in sublayers(layer) if isinstance(sub, keras.layers.Layer)
             and type(sub) in (keras.layers.BatchNormalization, keras.layers.GroupNormalization,
                               keras.layers.LayerNormalization)]
    assert [type(sub) for sub in norms] == ([kind] if kind else [])
    if normalization == "instance":  # groups=-1 resolves to one group per channel when built
        assert norms[0].groups == 4
    assert layer.conv.use_bias is (normalization is None)  # the default: a bias only without normalization
    assert block(4, normalization=normalization, use_bias=True).conv.use_bias
    assert not block(4, normalization=None, use_bias=False).conv.use_bias


def test_blocks_activations():
    down = layers.DownsampleBlock(4)
    assert isinstance(down.act, keras.layers.LeakyReLU) and down.act.negative_slope == pytest.approx(0.2)
    up = layers.UpsampleBlock(4)
    assert isinstance(up.act, keras.layers.Activation) and up.act.activation is keras.activations.relu
    assert layers.UpsampleBlock(4, activation=None).act is None
    assert isinstance(layers.UpsampleBlock(4, activation="leaky_relu").act, keras.layers.LeakyReLU)
    tanh = layers.UpsampleBlock(4, normalization=None, activation="tanh")
    out = numpy(tanh(100 * np.ones((1, 4, 4, 2), "float32")))
    assert np.all(np.abs(out) <= 1)  # tanh output lies in [-1, 1] whatever the input scale
    assert not any(isinstance(sub, keras.layers.MaxPooling2D) for sub in sublayers(down))


# ----------------------------------------------------------------------------
# Spectral normalization
#
# keras.layers.SpectralNormalization (Keras 3.15) has no separate normalized
# kernel: a call with training=True runs one power iteration and overwrites the
# wrapped layer's `kernel` with W / sigma; inference calls use the stored kernel
# as it is. The matrix it normalizes is the kernel reshaped to
# [-1, kernel.shape[-1]].


def top_singular_value(matrix):
    return np.linalg.svd(matrix, compute_uv=False)[0]


def conv_matrix(kernel):
    """A Conv2D kernel [kh, kw, cin, cout] as the matrix [kh * kw * cin, cout]."""
    kernel = numpy(kernel)
    return kernel.reshape(-1, kernel.shape[-1])


def large_kernel(shape):
    return np.random.default_rng(3).normal(scale=0.5, size=shape).astype("float32")  # top SV ~ 5


@pytest.mark.parametrize("spectral_norm", [True, False])
def test_spectral_norm_brings_the_top_singular_value_to_one(spectral_norm):
    x = np.random.default_rng(0).normal(size=(4, 8, 8, 3)).astype("float32")
    block = layers.DownsampleBlock(6, normalization=None, spectral_norm=spectral_norm)
    block(x)
    conv = block.conv.layer if spectral_norm else block.conv
    assert tuple(conv.kernel.shape) == (4, 4, 3, 6)
    conv.kernel.assign(large_kernel(conv.kernel.shape))
    before = top_singular_value(conv_matrix(conv.kernel))
    assert before > 3
    for _ in range(10):  # one power iteration per training call
        block(x, training=True)
    after = top_singular_value(conv_matrix(conv.kernel))
    if spectral_norm:
        assert after == pytest.approx(1.0, abs=0.05)
        _, normalized = block.conv.normalized_weights()  # normalizing again changes nothing more
        np.testing.assert_allclose(numpy(normalized), numpy(conv.kernel), rtol=0.05, atol=1e-3)
    else:  # the control: the same calls leave a plain kernel alone, so the test above can fail
        assert after == pytest.approx(before)


def test_spectral_norm_holds_during_training():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(8, 8, 8, 3)).astype("float32")
    y = 5 * rng.normal(size=(8, 4, 4, 6)).astype("float32")
    block = layers.DownsampleBlock(6, normalization=None, activation=None, spectral_norm=True)
    model = keras.Sequential([keras.Input((8, 8, 3)), block])
    model.compile(keras.optimizers.SGD(0.1), "mse")
    model.fit(x, y, batch_size=8, epochs=15, verbose=0)
    model(x, training=True)  # the normalization that opens the next step
    assert top_singular_value(conv_matrix(block.conv.layer.kernel)) == pytest.approx(1.0, abs=0.05)


def test_spectral_norm_of_a_transposed_convolution_normalizes_its_own_matricization():
    """Conv2DTranspose keeps its kernel as [kh, kw, cout, cin]: SN normalizes [kh * kw * cout, cin]."""
    x = np.random.default_rng(0).normal(size=(2, 4, 4, 6)).astype("float32")
    block = layers.UpsampleBlock(2, normalization=None, spectral_norm=True)
    block(x)
    kernel = block.conv.layer.kernel
    assert tuple(kernel.shape) == (4, 4, 2, 6)
    kernel.assign(large_kernel(kernel.shape))
    for _ in range(30):  # close top singular values: power iteration needs more than 10 steps
        block(x, training=True)
    assert top_singular_value(numpy(kernel).reshape(-1, 6)) == pytest.approx(1.0, abs=0.05)


# ----------------------------------------------------------------------------
# Maxout


def test_maxout_takes_the_largest_of_each_units_pieces():
    """Goodfellow et al. 2013, section 3: h_i(x) = max_j (x W_ij + b_ij), written out for 2 units x 3 pieces."""
    layer = layers.Maxout(2, 3)
    layer.build((None, 2))
    # Columns i * 3 + j are piece j of unit i.
    kernel = np.array([[1, 0, -1, 2, 0, 0], [0, 1, 1, 0, -2, 0]], "float32")
    bias = np.array([0, 0, 0, 0, 0, 5], "float32")
    layer.kernel.assign(kernel)
    layer.bias.assign(bias)
    x = np.array([[3, -1], [-1, 4], [1, 1]], "float32")
    # Unit 0 pieces: x1, x2, x2 - x1; unit 1 pieces: 2 x1, -2 x2, 5.
    expected = [[max(3, -1, -4), max(6, 2, 5)], [max(-1, 4, 5), max(-2, -8, 5)], [max(1, 1, 0), max(2, -2, 5)]]
    np.testing.assert_array_equal(numpy(layer(x)), expected)
    assert layer.compute_output_shape((None, 2)) == (None, 2)


def test_maxout_rejects_other_ranks():
    with pytest.raises(ValueError, match=r"Maxout takes \[batch, features\].*input_shape=\(2, 3, 4\)"):
        layers.Maxout(2, 2)(np.zeros((2, 3, 4), "float32"))


# ----------------------------------------------------------------------------
# Serialization


LAYERS = [
    (lambda: layers.UpsampleBlock(4, spectral_norm=True, normalization="layer"), (4, 4, 3)),
    (lambda: layers.UpsampleBlock(3, normalization="batch", activation="tanh"), (4, 4, 3)),
    (lambda: layers.DownsampleBlock(4, kernel_size=3, normalization="instance", use_bias=True), (8, 8, 2)),
    (lambda: layers.DownsampleBlock(4, normalization=None, spectral_norm=True, strides=1), (8, 8, 2)),
    (lambda: layers.MinibatchDiscrimination(3, 2), (5,)),
    (lambda: layers.MinibatchStdDev(2), (4, 4, 2)),
    (lambda: layers.MinibatchStdDev(4, epsilon=0.0), (5,)),
    (lambda: layers.Maxout(3, 4, kernel_initializer=keras.initializers.RandomNormal(stddev=0.5)), (5,)),
]


@pytest.mark.parametrize("make,shape", LAYERS)
def test_layers_round_trip_through_config_and_keras_files(make, shape, tmp_path):
    layer = make()
    clone = type(layer).from_config(layer.get_config())
    assert clone.get_config() == layer.get_config()
    inputs = keras.Input(shape)
    model = keras.Model(inputs, make()(inputs))
    x = np.random.default_rng(0).normal(size=(4,) + shape).astype("float32")
    model(x, training=True)  # moves batch-norm statistics and spectral-norm vectors off their initial values
    path = tmp_path / "model.keras"
    model.save(path)
    loaded = keras.saving.load_model(path)
    assert type(loaded.layers[-1]) is type(layer)
    assert loaded.layers[-1].get_config() == model.layers[-1].get_config()
    np.testing.assert_allclose(numpy(loaded(x)), numpy(model(x)), rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("make,match", [
    (lambda: layers.UpsampleBlock(0), "`filters`.*filters=0"),
    (lambda: layers.DownsampleBlock(4, kernel_size=-3), "kernel_size=-3"),
    (lambda: layers.UpsampleBlock(4, strides=1.5), "strides=1.5"),
    (lambda: layers.DownsampleBlock(4, normalization="group"), "normalization='group'"),
    (lambda: layers.DownsampleBlock(4, activation="swish"), "activation='swish'"),
    (lambda: layers.UpsampleBlock(4, spectral_norm="yes"), "spectral_norm='yes'"),
    (lambda: layers.DownsampleBlock(4, use_bias=1), "use_bias=1"),
    (lambda: layers.MinibatchDiscrimination(0, 4), "num_kernels=0"),
    (lambda: layers.MinibatchDiscrimination(4, -1), "kernel_dim=-1"),
    (lambda: layers.MinibatchStdDev(group_size=True), "group_size=True"),
    (lambda: layers.MinibatchStdDev(group_size=0), "group_size=0"),
    (lambda: layers.MinibatchStdDev(epsilon=-1.0), "epsilon=-1.0"),
    (lambda: layers.Maxout(0, 5), "units=0"),
    (lambda: layers.Maxout(3, -2), "pieces=-2"),
])
def test_bad_arguments_are_named(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_minibatch_stddev_rejects_other_ranks():
    with pytest.raises(ValueError, match=r"input_shape=\(2, 3, 4\)"):
        layers.MinibatchStdDev(2)(np.zeros((2, 3, 4), "float32"))
