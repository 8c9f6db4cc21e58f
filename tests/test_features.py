"""Feature extractors (keras_gans.features): any layer of a model, pixels, InceptionV3 pool3."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_gans import features


def small_model(channels=1):
    images = keras.Input((8, 8, channels), name="images")
    x = keras.layers.Conv2D(3, 3, strides=2, padding="same", name="conv")(images)
    x = keras.layers.Flatten()(x)
    x = keras.layers.Dense(5, activation="relu", name="embedding")(x)
    return keras.Model(images, keras.layers.Dense(2, name="logits")(x))


def test_layer_features_fit_images_to_the_model_and_stream_datasets():
    model = small_model()
    extractor = features.LayerFeatures(model, "embedding", batch_size=3)
    assert extractor.name == f"{model.name}/embedding"
    small = np.random.default_rng(0).uniform(-1, 1, size=(7, 4, 4, 1)).astype(np.float32)
    resized = tf.image.resize(small, (8, 8), method="bilinear")
    embedding = keras.Model(model.inputs, model.get_layer("embedding").output)
    expected = embedding(resized).numpy()
    np.testing.assert_allclose(extractor(small), expected, rtol=1e-5, atol=1e-6)
    # The model's output (layer None) and a convolution map, flattened to [n, 4 * 4 * 3].
    np.testing.assert_allclose(features.LayerFeatures(model)(small), model(resized).numpy(),
                               rtol=1e-5, atol=1e-6)
    assert features.LayerFeatures(model, "conv")(small).shape == (7, 4 * 4 * 3)
    # The same features from a tf.data pipeline of (images, labels), batch by batch.
    dataset = tf.data.Dataset.from_tensor_slices((small, np.zeros(7, np.int32))).batch(4)
    streamed = np.concatenate(list(extractor.extract(dataset)))
    np.testing.assert_allclose(streamed, expected, rtol=1e-5, atol=1e-6)
    # Grayscale into an RGB model: the channel is repeated.
    rgb = features.LayerFeatures(small_model(channels=3), "embedding")
    gray = resized.numpy()
    np.testing.assert_allclose(rgb(gray), rgb(np.repeat(gray, 3, axis=-1)), rtol=1e-6)
    with pytest.raises(ValueError, match="`layer_name`='pool3' is not a layer"):
        features.LayerFeatures(model, "pool3")
    with pytest.raises(ValueError, match="2 channels"):
        extractor(np.zeros((1, 8, 8, 2)))
    with pytest.raises(ValueError, match=r"\[n, H, W, C\]"):
        extractor(np.zeros((3, 64)))


def test_features_and_logits_come_from_one_forward_pass_per_batch(monkeypatch):
    model = small_model()
    both = features.LayerFeatures(model, "embedding", logits_layer="logits", batch_size=3)
    images = np.random.default_rng(2).uniform(-1, 1, size=(7, 8, 8, 1)).astype(np.float32)
    calls = []
    predict = keras.Model.predict_on_batch
    monkeypatch.setattr(keras.Model, "predict_on_batch", lambda self, x: calls.append(len(x)) or predict(self, x))
    embedding, logits = both.features_and_logits(images)
    assert calls == [3, 3, 1]  # one call per batch of 3 gives both outputs
    monkeypatch.undo()
    np.testing.assert_allclose(embedding, features.LayerFeatures(model, "embedding")(images), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(logits, model(images).numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(both(images), embedding, rtol=1e-6, atol=1e-7)  # __call__: the features alone
    assert both.has_logits and not features.LayerFeatures(model, "embedding").has_logits
    with pytest.raises(ValueError, match="gives no logits"):
        features.LayerFeatures(model, "embedding").features_and_logits(images)
    with pytest.raises(ValueError, match="gives no logits"):
        features.PixelFeatures().features_and_logits(images)
    with pytest.raises(ValueError, match="`logits_layer`='scores' is not a layer"):
        features.LayerFeatures(model, "embedding", logits_layer="scores")


def test_pixel_features_flatten_any_batch():
    batch = np.arange(24, dtype=np.float32).reshape(2, 3, 2, 2)
    np.testing.assert_array_equal(features.PixelFeatures()(batch), batch.reshape(2, 12))
    points = np.arange(10, dtype=np.float32).reshape(5, 2)  # 2-D toy points pass through
    np.testing.assert_array_equal(np.concatenate(list(features.PixelFeatures().extract(points, batch_size=2))),
                                  points)


def test_inception_v3_pool3_of_small_grayscale_images():
    """Random weights (nothing downloads): 299x299 bilinear resize, gray -> RGB, 2048-d pool3."""
    with pytest.raises(ValueError, match="`weights` must be a local weights file"):
        features.inception_v3_features("/nowhere/inception_v3.h5")
    with pytest.raises(ValueError, match="include_top=True"):
        features.inception_v3_features(None, output="logits")
    with pytest.raises(ValueError, match="`with_logits`=True needs include_top=True"):
        features.inception_v3_features(None, with_logits=True)
    extractor = features.inception_v3_features(None)
    assert extractor.name == "inception_v3/pool3" and extractor.input_shape == (299, 299, 3)
    images = np.random.default_rng(1).uniform(-1, 1, size=(2, 8, 8, 1)).astype(np.float32)
    pool3 = extractor(images)
    assert pool3.shape == (2, 2048) and np.all(np.isfinite(pool3)) and np.all(pool3 >= 0)  # after ReLU
    by_hand = tf.image.resize(np.repeat(images, 3, axis=-1), (299, 299), method="bilinear")
    np.testing.assert_allclose(pool3, extractor.network.predict_on_batch(by_hand.numpy()),
                               rtol=1e-5, atol=1e-6)
    assert features.inception_v3_features(None) is extractor  # built (and traced) once per process
