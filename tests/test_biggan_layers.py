"""BigGAN's layers and penalty against the formulas (Brock et al. 2019; Zhang et al. 2019; Miyato et al. 2018)."""

import math

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_gans import layers, penalties

RNG = np.random.default_rng(0)


def round_trip(layer, inputs):
    """A layer rebuilt from its config with its weights gives the same output."""
    layer(inputs)
    clone = type(layer).from_config(layer.get_config())
    clone(inputs)
    clone.set_weights(layer.get_weights())
    np.testing.assert_allclose(np.asarray(clone(inputs)), np.asarray(layer(inputs)), rtol=1e-5, atol=1e-6)


def top_singular_value(matrix):
    return np.linalg.svd(np.asarray(matrix, np.float64), compute_uv=False)[0]


# ------------------------------------------------------------------ spectral normalization


def test_spectral_norm_converges_to_the_top_singular_value_and_keeps_the_raw_kernel():
    layer = layers.SNDense(4, use_bias=False)
    x = RNG.standard_normal((3, 6)).astype("float32")
    layer(x)
    raw = layer.kernel.numpy().copy()
    for _ in range(30):  # one power iteration per training call
        layer(x, training=True)
    np.testing.assert_array_equal(layer.kernel.numpy(), raw)  # the trainable weight is never overwritten
    np.testing.assert_allclose(np.asarray(layer(x)), x @ (raw / top_singular_value(raw)), rtol=1e-4, atol=1e-5)


def test_gradient_passes_through_sigma_unlike_the_keras_wrapper():
    # W / sigma(W) does not change when W is scaled, so with sigma differentiable the gradient of any
    # loss is orthogonal to W (Euler: <dL/dW, W> = 0). Keras's wrapper holds sigma constant: it is not.
    x = RNG.standard_normal((5, 6)).astype("float32")
    ours = layers.SNDense(4, use_bias=False)
    ours(x)
    theirs = keras.layers.SpectralNormalization(keras.layers.Dense(4, use_bias=False), power_iterations=30)
    theirs(x)
    for _ in range(30):
        ours(x, training=True)
    raw = theirs.layer.kernel.numpy().copy()
    theirs.layer.kernel.assign(ours.kernel)
    inner = {}
    for name, layer, kernel in (("ours", ours, ours.kernel), ("keras", theirs, theirs.layer.kernel)):
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum(tf.square(layer(x, training=name == "keras") - 1.0))
        inner[name] = float(tf.reduce_sum(tape.gradient(loss, kernel) * kernel))
    assert abs(inner["ours"]) < 1e-4
    assert abs(inner["keras"]) > 1e-2
    assert not np.allclose(theirs.layer.kernel.numpy(), raw)  # Keras writes W / sigma into the kernel


def test_spectral_conv_and_embedding_round_trip_and_validate():
    conv = layers.SNConv2D(3, 3, padding="same", epsilon=1e-6)
    round_trip(conv, RNG.standard_normal((2, 4, 4, 2)).astype("float32"))
    round_trip(layers.SNEmbedding(5, 3), np.array([0, 4, 2], "int32"))
    with pytest.raises(ValueError, match="epsilon"):
        layers.SNDense(2, epsilon=0.0)
    with pytest.raises(ValueError, match="channels_first"):
        layers.SNConv2D(2, 1, data_format="channels_first")


def test_spectral_layers_keep_u_in_keras_files(tmp_path):
    inputs = keras.Input((6,))
    model = keras.Model(inputs, layers.SNDense(3)(inputs))
    model.layers[-1](np.ones((1, 6), "float32"), training=True)
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras")
    np.testing.assert_array_equal(loaded.layers[-1].sn_u.numpy(), model.layers[-1].sn_u.numpy())


# ------------------------------------------------------------------ conditional batch norm


def test_conditional_batch_norm_of_a_class_uses_its_embedding_gain_and_bias():
    num_classes, dim, channels = 3, 4, 5
    embedding = keras.layers.Embedding(num_classes, dim)
    labels = np.array([2, 0, 1], "int32")
    codes = embedding(labels)
    cbn = layers.ConditionalBatchNorm(spectral_norm=False, epsilon=1e-5)
    x = RNG.standard_normal((3, 2, 2, channels)).astype("float32")
    out = np.asarray(cbn([x, codes], training=False))  # moving statistics: mean 0, variance 1
    table = embedding.embeddings.numpy()
    w_gain, w_bias = cbn.gain.kernel.numpy(), cbn.bias.kernel.numpy()
    for row, label in enumerate(labels):
        gain, bias = 1.0 + table[label] @ w_gain, table[label] @ w_bias
        np.testing.assert_allclose(out[row], x[row] / math.sqrt(1.0 + 1e-5) * gain + bias, rtol=1e-5, atol=1e-5)


def test_conditional_batch_norm_normalizes_with_batch_statistics_when_training():
    cbn = layers.ConditionalBatchNorm(spectral_norm=True)
    x = (3.0 + 2.0 * RNG.standard_normal((64, 3))).astype("float32")
    codes = np.zeros((64, 2), "float32")  # no conditioning: gain 1, bias 0
    out = np.asarray(cbn([x, codes], training=True))
    np.testing.assert_allclose(out.mean(axis=0), 0.0, atol=1e-4)
    np.testing.assert_allclose(out.std(axis=0), 1.0, atol=1e-3)
    round_trip(cbn, [x, codes])
    with pytest.raises(ValueError, match="momentum"):
        layers.ConditionalBatchNorm(momentum=1.5)


# ------------------------------------------------------------------ self-attention


def numpy_attention(layer, x):
    """SAGAN's block (the released code's form) written out with the layer's 1x1 kernels."""
    kernel = {name: getattr(layer, name).kernel.numpy()[0, 0] for name in ("query", "key", "value", "output_conv")}
    batch, height, width, _ = x.shape

    def pool(maps):  # 2x2 max pooling
        return maps.reshape(batch, height // 2, 2, width // 2, 2, -1).max(axis=(2, 4))

    queries = (x @ kernel["query"]).reshape(batch, height * width, -1)
    keys = pool(x @ kernel["key"]).reshape(batch, height * width // 4, -1)
    values = pool(x @ kernel["value"]).reshape(batch, height * width // 4, -1)
    logits = queries @ keys.transpose(0, 2, 1)
    beta = np.exp(logits - logits.max(-1, keepdims=True))
    beta /= beta.sum(-1, keepdims=True)
    attended = (beta @ values).reshape(batch, height, width, -1)
    return x + layer.gamma.numpy() * (attended @ kernel["output_conv"]), beta


def test_self_attention_is_the_identity_at_gamma_zero_and_its_rows_sum_to_one():
    layer = layers.SelfAttention(spectral_norm=False)
    x = RNG.standard_normal((2, 4, 6, 16)).astype("float32")
    np.testing.assert_array_equal(np.asarray(layer(x)), x)  # gamma starts at 0
    beta = np.asarray(layer.attention_map(x))
    assert beta.shape == (2, 24, 6)  # every position attends over the 2x2-pooled keys
    np.testing.assert_allclose(beta.sum(axis=-1), 1.0, rtol=1e-5)
    layer.gamma.assign(0.7)
    expected, expected_beta = numpy_attention(layer, x)
    np.testing.assert_allclose(beta, expected_beta, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(np.asarray(layer(x)), expected, rtol=1e-4, atol=1e-5)
    round_trip(layers.SelfAttention(), x)
    with pytest.raises(ValueError, match="even"):
        layers.SelfAttention()(np.zeros((1, 3, 4, 16), "float32"))


# ------------------------------------------------------------------ projection, chunks


def test_projection_term_is_the_inner_product_of_the_class_embedding_and_the_features():
    features = RNG.standard_normal((3, 4)).astype("float32")
    labels = np.array([1, 0, 1], "int32")
    plain = layers.ClassProjection(2, spectral_norm=False)
    table = None
    out = np.asarray(plain([features, labels]))
    table = plain.embedding.embeddings.numpy()
    np.testing.assert_allclose(out[:, 0], [features[i] @ table[y] for i, y in enumerate(labels)], rtol=1e-5)
    normalized = layers.ClassProjection(2)
    normalized([features, labels])
    for _ in range(30):
        normalized([features, labels], training=True)
    table = normalized.embedding.embeddings.numpy()
    expected = [features[i] @ table[y] / top_singular_value(table) for i, y in enumerate(labels)]
    np.testing.assert_allclose(np.asarray(normalized([features, labels]))[:, 0], expected, rtol=1e-4)
    round_trip(plain, [features, labels])
    with pytest.raises(tf.errors.InvalidArgumentError, match="num_classes=2"):
        plain([features, np.array([0, 2, 1], "int32")])


def test_latent_chunks_split_z_in_order():
    z = np.arange(12, dtype="float32").reshape(2, 6)
    chunks = layers.LatentChunks(3)(z)
    np.testing.assert_array_equal(np.asarray(chunks[1]), z[:, 2:4])
    with pytest.raises(ValueError, match="num_chunks=4"):
        layers.LatentChunks(4)(z)


# ------------------------------------------------------------------ orthogonal regularization


def test_orthogonal_regularization_by_hand():
    # W^T W = [[1+9, 2+12], [2+12, 4+16]]: off-diagonal 14 twice, 2 * 14^2 = 392.
    assert float(penalties.orthogonal_regularization(np.array([[1.0, 2.0], [3.0, 4.0]]))) == pytest.approx(392.0)
    # A 1x1 convolution kernel [1, 1, fan_in, units] is the same matrix.
    kernel = np.array([[1.0, 2.0], [3.0, 4.0]]).reshape(1, 1, 2, 2)
    assert float(penalties.orthogonal_regularization(kernel)) == pytest.approx(392.0)


def test_orthogonal_regularization_is_zero_for_orthogonal_filters_whatever_their_norms():
    q, _ = np.linalg.qr(RNG.standard_normal((5, 5)))
    assert float(penalties.orthogonal_regularization(q)) == pytest.approx(0.0, abs=1e-10)
    # Only the off-diagonal is penalized: scaled orthogonal columns cost nothing either.
    assert float(penalties.orthogonal_regularization(q[:, :3] * [1.0, 3.0, 0.5])) == pytest.approx(0.0, abs=1e-9)
    with pytest.raises(ValueError, match="at least two axes"):
        penalties.orthogonal_regularization(np.ones(3))


# ------------------------------------------------------------------ truncation


def test_truncated_z_never_exceeds_the_threshold_and_keeps_the_entries_inside():
    z = RNG.standard_normal((4000, 16)).astype("float32")
    for threshold in (2.0, 1.0, 0.5, 0.04):
        out = np.asarray(layers.truncate_latent(z, threshold))
        assert np.abs(out).max() <= threshold
        inside = np.abs(z) <= threshold
        np.testing.assert_array_equal(out[inside], z[inside])
    np.testing.assert_array_equal(np.asarray(layers.truncate_latent(z, 0.0)), z)  # <= 0: untruncated
    per_row = np.asarray(layers.LatentTruncation()([z[:3], np.array([0.5, 0.0, 1.0], "float32")]))
    assert np.abs(per_row[0]).max() <= 0.5 and np.abs(per_row[2]).max() <= 1.0
    np.testing.assert_array_equal(per_row[1], z[1])


def test_truncated_normal_has_the_truncated_normal_mean_magnitude():
    # For Z ~ N(0, 1) given |Z| <= t: E|Z| = sqrt(2/pi) (1 - exp(-t^2/2)) / erf(t/sqrt2).
    for threshold in (0.5, 1.0):
        draws = np.asarray(layers.truncated_normal((200_000,), threshold, seed=3))
        expected = math.sqrt(2 / math.pi) * (1 - math.exp(-threshold ** 2 / 2)) / math.erf(threshold / math.sqrt(2))
        assert np.abs(draws).mean() == pytest.approx(expected, abs=0.005)
