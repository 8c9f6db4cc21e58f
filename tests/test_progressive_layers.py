"""The layers of ProGAN and StyleGAN2: what the papers say they compute, serialization, arguments."""

import math

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_gans import layers


def numpy(x):
    return keras.ops.convert_to_numpy(x)


RNG = np.random.default_rng(0)


# ----------------------------------------------------------------------------
# Equalized learning rate (Karras et al. 2018, section 4.1)


def test_equalized_conv_stores_unit_normal_weights_and_scales_them_by_the_he_constant():
    layer = layers.EqualizedConv2D(64, 3)
    x = RNG.normal(size=(2, 8, 8, 32)).astype("float32")
    y = numpy(layer(x))
    fan_in = 3 * 3 * 32
    assert layer.runtime_scale == pytest.approx(math.sqrt(2.0 / fan_in), rel=1e-12)
    kernel = numpy(layer.kernel)  # 18,432 draws: the std of N(0, 1) within 3%
    assert abs(kernel.mean()) < 0.03 and kernel.std() == pytest.approx(1.0, abs=0.03)
    expected = tf.nn.conv2d(x, kernel * math.sqrt(2.0 / fan_in), 1, "SAME")
    np.testing.assert_allclose(y, numpy(expected), rtol=1e-5, atol=1e-5)


def test_equalized_dense_learning_rate_multiplier_and_bias_init():
    """StyleGAN: weights N(0, 1/lrmul^2) scaled by lrmul/sqrt(fan_in); the bias stored /lrmul, applied *lrmul."""
    layer = layers.EqualizedDense(256, gain=1.0, lr_multiplier=0.01, bias_init=1.0)
    x = RNG.normal(size=(4, 64)).astype("float32")
    y = numpy(layer(x))
    assert layer.runtime_scale == pytest.approx(0.01 / 8.0)
    assert numpy(layer.kernel).std() == pytest.approx(100.0, rel=0.03)
    np.testing.assert_allclose(numpy(layer.bias), 100.0)
    np.testing.assert_allclose(y, x @ (numpy(layer.kernel) * 0.01 / 8.0) + 1.0, rtol=1e-4, atol=1e-4)
    assert numpy(layer(np.zeros((1, 64), "float32"))) == pytest.approx(np.ones((1, 256)))
    x = np.array([[-2.0, 0.5]], "float32")  # StyleGAN2's activation carries the He gain
    np.testing.assert_allclose(numpy(layers.ScaledLeakyReLU()(x)), [[-0.4 * math.sqrt(2), 0.5 * math.sqrt(2)]],
                               rtol=1e-6)


# ----------------------------------------------------------------------------
# Pixel norm (section 4.2) and the fade-in (section 2, Fig. 2)


def test_pixel_norm_gives_every_pixel_unit_mean_square():
    for shape in [(3, 5, 5, 16), (7, 32)]:  # feature maps and vectors (z)
        x = (5.0 * RNG.normal(size=shape) + 2.0).astype("float32")
        y = numpy(layers.PixelNorm()(x))
        np.testing.assert_allclose(np.mean(y ** 2, axis=-1), 1.0, rtol=1e-5)
        np.testing.assert_allclose(y / x, np.broadcast_to(y[..., :1] / x[..., :1], shape), rtol=1e-5)  # one scale


def test_fade_in_is_the_old_path_at_zero_and_the_new_one_at_one():
    old, new = RNG.normal(size=(2, 3, 4, 4, 2)).astype("float32")
    fade = layers.FadeIn()
    np.testing.assert_array_equal(numpy(fade([old, new, np.float32(0.0)])), old)
    np.testing.assert_array_equal(numpy(fade([old, new, np.float32(1.0)])), new)
    np.testing.assert_allclose(numpy(fade([old, new, np.float32(0.25)])), 0.75 * old + 0.25 * new, rtol=1e-6)


def test_contiguous_minibatch_stddev_groups_consecutive_samples_so_halves_of_a_batch_give_the_same_result():
    x = RNG.normal(size=(8, 3, 3, 2)).astype("float32")
    layer = layers.MinibatchStdDev(4, contiguous_groups=True)
    out = numpy(layer(x))[..., -1]
    for g in range(2):  # samples 4g .. 4g + 3
        expected = np.sqrt(np.var(x[4 * g:4 * g + 4].astype("float64"), axis=0) + 1e-8).mean()
        np.testing.assert_allclose(out[4 * g:4 * g + 4], expected, rtol=1e-5)
    halves = np.concatenate([numpy(layer(x[:4])), numpy(layer(x[4:]))])  # two replicas' shares
    np.testing.assert_allclose(numpy(layer(x)), halves, rtol=1e-6)


# ----------------------------------------------------------------------------
# StyleGAN2's synthesis layers (Karras et al. 2020, section 2.2)


def per_sample_reference(layer, x, w):
    """Eq. 1-3 literally: each sample's kernel s_i w_ijk, divided by its per-output-channel norm."""
    styles = numpy(layer.styles(w))
    kernel = numpy(layer.kernel) * layer.runtime_scale
    out = []
    for n in range(x.shape[0]):
        modulated = kernel * styles[n][None, None, :, None]
        modulated /= np.sqrt(np.sum(modulated ** 2, axis=(0, 1, 2), keepdims=True) + 1e-8)
        out.append(numpy(tf.nn.conv2d(x[n:n + 1], modulated, 1, "SAME"))[0])
    return np.stack(out) + numpy(layer.bias)


def test_modulated_convolution_is_the_papers_per_sample_demodulated_kernel():
    layer = layers.ModulatedConv2D(5, 3)
    x = RNG.normal(size=(3, 6, 6, 4)).astype("float32")
    w = RNG.normal(size=(3, 8)).astype("float32")
    layer([x, w])
    layer.bias.assign(RNG.normal(size=5).astype("float32"))
    np.testing.assert_allclose(numpy(layer([x, w])), per_sample_reference(layer, x, w), rtol=1e-4, atol=1e-4)
    upsampling = layers.ModulatedConv2D(2, 3, upsample=True)
    assert upsampling([np.ones((1, 4, 4, 3), "float32"), np.ones((1, 5), "float32")]).shape == (1, 8, 8, 2)


def test_demodulation_gives_unit_output_std_for_unit_variance_inputs_whatever_the_style():
    x = RNG.normal(size=(4, 40, 40, 64)).astype("float32")
    w = (3.0 * RNG.normal(size=(4, 16))).astype("float32")  # styles far from 1
    demodulated, plain = layers.ModulatedConv2D(32, 3), layers.ModulatedConv2D(32, 3, demodulate=False)
    y = numpy(demodulated([x, w]))[:, 1:-1, 1:-1]  # the zero-padded border sees fewer inputs
    np.testing.assert_allclose(y.std(axis=(1, 2)), 1.0, atol=0.08)  # per sample and channel, 1,444 pixels each
    z = numpy(plain([x, w]))[:, 1:-1, 1:-1]
    assert np.max(np.abs(z.std(axis=(1, 2)) - 1.0)) > 0.5  # without demodulation the style sets the scale


def test_noise_injection_starts_off_and_adds_per_pixel_noise_shared_by_the_channels():
    x = RNG.normal(size=(2, 4, 4, 3)).astype("float32")
    layer = layers.NoiseInjection()
    np.testing.assert_array_equal(numpy(layer(x)), x)  # strength starts at 0
    layer.strength.assign(2.0)
    noise = numpy(layer(x)) - x
    np.testing.assert_allclose(noise, np.broadcast_to(noise[..., :1], noise.shape), atol=1e-6)
    assert not np.allclose(noise[0], noise[1]) and not np.allclose(noise, numpy(layer(x)) - x)
    fixed = layers.NoiseInjection(randomize=False)
    fixed(x)
    fixed.strength.assign(2.0)
    np.testing.assert_allclose(numpy(fixed(x)) - x, np.broadcast_to(2.0 * numpy(fixed.noise_const), x.shape),
                               atol=1e-6)


def test_truncation_pulls_every_w_to_the_average_and_is_the_identity_without_psi():
    ws = RNG.normal(size=(3, 4, 6)).astype("float32")
    layer = layers.Truncation()
    np.testing.assert_array_equal(numpy(layer(ws)), ws)
    layer.update_average(np.full(6, 2.0, "float32"), decay=0.75)  # 0.75 * 0 + 0.25 * 2
    np.testing.assert_allclose(numpy(layer.w_avg), 0.5)
    np.testing.assert_allclose(numpy(layer([ws, np.float32(0.0)])), 0.5)
    np.testing.assert_allclose(numpy(layer([ws, np.float32(0.5)])), 0.5 + 0.5 * (ws - 0.5), rtol=1e-6)
    np.testing.assert_allclose(numpy(layer([ws, np.float32(1.0)])), ws, atol=1e-6)
    constant = layers.ConstantInput(5, 4)
    out = numpy(constant(ws))
    assert out.shape == (3, 4, 4, 5)
    np.testing.assert_array_equal(out[0], out[2])
    np.testing.assert_array_equal(numpy(layers.StyleSelect(2)(ws)), ws[:, 2])


# ----------------------------------------------------------------------------
# Serialization and arguments


LAYERS = [
    (lambda: layers.EqualizedDense(3, lr_multiplier=0.1, bias_init=1.0), [(5,)]),
    (lambda: layers.EqualizedConv2D(3, 1, gain=1.0, use_bias=False, padding="valid"), [(4, 4, 2)]),
    (lambda: layers.ScaledLeakyReLU(0.1, gain=2.0), [(4,)]),
    (lambda: layers.PixelNorm(epsilon=1e-4), [(4, 4, 3)]),
    (lambda: layers.FadeIn(), [(4, 4, 2), (4, 4, 2), ()]),
    (lambda: layers.ModulatedConv2D(3, 3, upsample=True), [(4, 4, 2), (5,)]),
    (lambda: layers.ModulatedConv2D(2, 1, demodulate=False), [(4, 4, 2), (5,)]),
    (lambda: layers.NoiseInjection(randomize=False, seed=3), [(4, 4, 2)]),
    (lambda: layers.ConstantInput(3, 4), [(2, 5)]),
    (lambda: layers.StyleSelect(1), [(2, 5)]),
    (lambda: layers.Truncation(), [(2, 5), ()]),
    (lambda: layers.MinibatchStdDev(2, contiguous_groups=True), [(4, 4, 2)]),
]


def test_layers_round_trip_through_config_and_keras_files(tmp_path):
    for index, (make, shapes) in enumerate(LAYERS):
        layer = make()
        clone = type(layer).from_config(layer.get_config())
        assert clone.get_config() == layer.get_config()
        inputs = [keras.Input(batch_shape=()) if shape == () else keras.Input(shape) for shape in shapes]
        model = keras.Model(inputs, make()(inputs if len(inputs) > 1 else inputs[0]))
        arrays = [np.float32(0.5) if shape == () else RNG.normal(size=(4,) + shape).astype("float32")
                  for shape in shapes]
        arrays = arrays if len(arrays) > 1 else arrays[0]
        for weight in model.layers[-1].weights:  # move weights off their initial values
            weight.assign(RNG.normal(size=weight.shape).astype("float32"))
        path = tmp_path / f"model_{index}.keras"
        model.save(path)
        loaded = keras.saving.load_model(path)
        assert type(loaded.layers[-1]) is type(layer)
        np.testing.assert_allclose(numpy(loaded(arrays)), numpy(model(arrays)), rtol=1e-6, atol=1e-6)


BAD_ARGUMENTS = [
    (lambda: layers.EqualizedDense(0), "units=0"),
    (lambda: layers.EqualizedConv2D(4, kernel_size=0), "kernel_size=0"),
    (lambda: layers.EqualizedDense(4, gain=-1.0), "gain=-1.0"),
    (lambda: layers.EqualizedDense(4, lr_multiplier=0), "lr_multiplier=0"),
    (lambda: layers.EqualizedDense(4, bias_init="one"), "bias_init='one'"),
    (lambda: layers.EqualizedConv2D(4, padding="full"), "padding='full'"),
    (lambda: layers.ScaledLeakyReLU(negative_slope=1.5), "negative_slope=1.5"),
    (lambda: layers.PixelNorm(epsilon=-1.0), "epsilon=-1.0"),
    (lambda: layers.ModulatedConv2D(0), "filters=0"),
    (lambda: layers.ModulatedConv2D(4, demodulate="yes"), "demodulate='yes'"),
    (lambda: layers.NoiseInjection(randomize=1), "randomize=1"),
    (lambda: layers.ConstantInput(0), "channels=0"),
    (lambda: layers.StyleSelect(-1), "index=-1"),
    (lambda: layers.MinibatchStdDev(contiguous_groups="yes"), "contiguous_groups='yes'"),
]


def test_bad_arguments_are_named():
    for make, match in BAD_ARGUMENTS:
        with pytest.raises(ValueError, match=match):
            make()
