"""keras_gans.layers: values against NumPy references, shapes, serialization, arguments."""

import keras
import numpy as np
import pytest

from keras_gans import layers


def minibatch_discrimination_reference(f, t, num_kernels, kernel_dim):
    """Salimans et al. 2016, section 3.2, with explicit loops."""
    m = (f @ t).reshape(len(f), num_kernels, kernel_dim)
    o = np.zeros((len(f), num_kernels))
    for i in range(len(f)):
        for b in range(num_kernels):
            for j in range(len(f)):
                o[i, b] += np.exp(-np.abs(m[i, b] - m[j, b]).sum())
    return np.concatenate([f, o], axis=1)


def test_minibatch_discrimination_matches_the_paper():
    rng = np.random.default_rng(0)
    f = rng.normal(size=(5, 6)).astype("float32")
    layer = layers.MinibatchDiscrimination(num_kernels=3, kernel_dim=4)
    layer.build((None, 6))
    t = rng.normal(scale=0.3, size=(6, 12)).astype("float32")
    layer.kernel.assign(t)
    output = keras.ops.convert_to_numpy(layer(f))
    assert output.shape == (5, 6 + 3)
    np.testing.assert_allclose(output, minibatch_discrimination_reference(f, t, 3, 4), rtol=1e-5, atol=1e-6)


def test_minibatch_discrimination_counts_identical_samples():
    """N identical samples are all at L1 distance 0 from each other: o = N for every kernel."""
    layer = layers.MinibatchDiscrimination(num_kernels=4, kernel_dim=2)
    f = np.tile(np.arange(3, dtype="float32"), (7, 1))
    np.testing.assert_allclose(keras.ops.convert_to_numpy(layer(f))[:, 3:], 7.0, rtol=1e-6)


def test_minibatch_discrimination_rejects_unflattened_inputs():
    with pytest.raises(ValueError, match="input_shape=.*4, 4, 8"):
        layers.MinibatchDiscrimination(2, 2)(np.zeros((2, 4, 4, 8), "float32"))


def minibatch_stddev_reference(x, group_size, epsilon=1e-8):
    n = len(x)
    groups = n // group_size  # sample i is in group i % groups
    extra = np.zeros(n)
    for g in range(groups):
        members = x[g::groups]
        extra[g::groups] = np.sqrt(members.var(axis=0) + epsilon).mean()
    return extra


@pytest.mark.parametrize("shape", [(8, 3, 3, 2), (6, 5)])
def test_minibatch_stddev_matches_numpy(shape):
    x = np.random.default_rng(1).normal(size=shape).astype("float32")
    group = 2 if shape[0] == 6 else 4
    output = keras.ops.convert_to_numpy(layers.MinibatchStdDev(group)(x))
    assert output.shape == shape[:-1] + (shape[-1] + 1,)
    np.testing.assert_array_equal(output[..., :-1], x)
    expected = minibatch_stddev_reference(x, group)
    for i in range(shape[0]):
        np.testing.assert_allclose(output[i, ..., -1], expected[i], rtol=1e-5)


def test_minibatch_stddev_is_zero_for_a_constant_batch_and_caps_the_group():
    x = np.ones((3, 2, 2, 1), "float32")
    output = keras.ops.convert_to_numpy(layers.MinibatchStdDev(group_size=4)(x))  # group of 3 = whole batch
    np.testing.assert_allclose(output[..., -1], 1e-4, atol=1e-6)  # sqrt(0 + epsilon)


def test_minibatch_stddev_batch_must_divide_into_groups():
    with pytest.raises(ValueError, match="group_size=4"):
        layers.MinibatchStdDev(group_size=4)(np.zeros((6, 2, 2, 1), "float32"))


@pytest.mark.parametrize("block,size", [(layers.UpsampleBlock, 16), (layers.DownsampleBlock, 4)])
def test_blocks_double_or_halve_the_size(block, size):
    output = block(5)(np.zeros((2, 8, 8, 3), "float32"))
    assert tuple(output.shape) == (2, size, size, 5)


def test_blocks_normalization_activation_and_bias_rule():
    batch = layers.DownsampleBlock(4)
    batch.build((None, 8, 8, 3))
    assert isinstance(batch.norm, keras.layers.BatchNormalization) and not batch.conv.use_bias
    assert isinstance(batch.act, keras.layers.LeakyReLU) and batch.act.negative_slope == pytest.approx(0.2)
    plain = layers.UpsampleBlock(4, normalization=None, activation="tanh")
    assert plain.norm is None and plain.conv.use_bias
    instance = layers.UpsampleBlock(4, normalization="instance")
    assert isinstance(instance.norm, keras.layers.GroupNormalization) and instance.norm.groups == -1
    # tanh output lies in [-1, 1] whatever the input scale.
    out = keras.ops.convert_to_numpy(plain(100 * np.ones((1, 4, 4, 2), "float32")))
    assert np.all(np.abs(out) <= 1)


def top_singular_value(kernel):
    kernel = keras.ops.convert_to_numpy(kernel)
    return np.linalg.svd(kernel.reshape(-1, kernel.shape[-1]), compute_uv=False)[0]


def test_spectral_norm_holds_the_top_singular_value_near_one():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(16, 8, 8, 3)).astype("float32")
    y = rng.normal(size=(16, 4, 4, 6)).astype("float32")

    def train(spectral_norm):
        keras.utils.set_random_seed(0)
        block = layers.DownsampleBlock(6, normalization=None, activation=None, spectral_norm=spectral_norm)
        model = keras.Sequential([keras.Input((8, 8, 3)), block])
        model.compile(keras.optimizers.SGD(0.05), "mse")
        model.fit(x, y, batch_size=16, epochs=50, verbose=0)  # power iteration: one per step
        model(x, training=True)  # the normalization that precedes the next step
        conv = block.conv.layer if spectral_norm else block.conv
        return top_singular_value(conv.kernel)

    assert train(spectral_norm=True) == pytest.approx(1.0, abs=0.05)
    assert abs(train(spectral_norm=False) - 1.0) > 0.2  # the control: without SN it drifts


LAYERS = [
    (lambda: layers.UpsampleBlock(4, spectral_norm=True, normalization="layer"), (4, 4, 3)),
    (lambda: layers.DownsampleBlock(4, kernel_size=3, normalization="instance"), (8, 8, 2)),
    (lambda: layers.MinibatchDiscrimination(3, 2), (5,)),
    (lambda: layers.MinibatchStdDev(2), (4, 4, 2)),
]


@pytest.mark.parametrize("make,shape", LAYERS)
def test_layers_round_trip_through_config_and_keras_files(make, shape, tmp_path):
    layer = make()
    clone = type(layer).from_config(layer.get_config())
    assert clone.get_config() == layer.get_config()
    inputs = keras.Input(shape)
    model = keras.Model(inputs, make()(inputs))
    x = np.random.default_rng(0).normal(size=(4,) + shape).astype("float32")
    path = tmp_path / "model.keras"
    model.save(path)
    loaded = keras.saving.load_model(path)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(loaded(x)), keras.ops.convert_to_numpy(model(x)),
                               rtol=1e-6)


@pytest.mark.parametrize("make,match", [
    (lambda: layers.UpsampleBlock(0), "filters=0"),
    (lambda: layers.DownsampleBlock(4, normalization="group"), "normalization='group'"),
    (lambda: layers.DownsampleBlock(4, activation="swish"), "activation='swish'"),
    (lambda: layers.UpsampleBlock(4, strides=1.5), "strides=1.5"),
    (lambda: layers.MinibatchDiscrimination(0, 4), "num_kernels=0"),
    (lambda: layers.MinibatchDiscrimination(4, -1), "kernel_dim=-1"),
    (lambda: layers.MinibatchStdDev(group_size=True), "group_size=True"),
])
def test_bad_arguments_are_named(make, match):
    with pytest.raises(ValueError, match=match):
        make()
