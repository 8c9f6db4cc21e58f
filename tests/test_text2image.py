"""Text-to-image GANs (Reed et al. 2016): the losses by hand, the pairs of captions, the frozen encoder, round trips.

GAN-CLS scores three kinds of pairs (Algorithm 1); GAN-INT trains G on
interpolated embeddings (section 4.3); the encoder tokenizes inside the
model, so a SavedModel takes raw strings (an empty one and captions of mixed
lengths included), checked with ``saved_model_cli run`` in a fresh process.
"""

import dataclasses
import math
import os
import shutil
import subprocess
import sys

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_gans import config, experiment, export, layers, losses, models, networks
from keras_gans.experiments import text2image

ENV = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
LATENT_DIM, EMBEDDING_DIM, SHAPE = 3, 6, (8, 8, 3)
# Attributes of the test captions: colour, shape, size, each with synonyms.
GROUPS = [[["red"], ["blue"]], [["star"], ["circle", "disk"]], [["small", "little"], ["large", "big"]]]
CAPTIONS = ["a small red star", "a little red star",  # the same content, worded differently
            "a large blue disk", "a big blue circle",
            "a small blue star", "a little blue star"]


def softplus(x):
    return math.log1p(math.exp(x))


def encoder(vocabulary=None):
    vocabulary = vocabulary or networks.text_encoder.build_vocabulary(CAPTIONS)
    return networks.text_encoder.text_encoder(vocabulary, embedding_dim=EMBEDDING_DIM, word_dim=4, units=5,
                                              max_length=6)


def build_model(**options):
    generator = networks.text2image.generator(LATENT_DIM, EMBEDDING_DIM, SHAPE, projection_dim=4, base_filters=4)
    discriminator = networks.text2image.discriminator(SHAPE, EMBEDDING_DIM, projection_dim=4, base_filters=4)
    options.setdefault("content_key", layers.CaptionKey(GROUPS))
    return models.TextToImageGAN(generator, discriminator, encoder(), LATENT_DIM, seed=5, **options)


def batch(captions=CAPTIONS, labels=None):
    images = np.random.default_rng(0).uniform(-1, 1, (len(captions),) + SHAPE).astype("float32")
    data = (tf.constant(images), tf.constant(captions))
    return data if labels is None else data + (tf.constant(labels, tf.int32),)


# ------------------------------------------------------------------- losses


def test_matching_aware_discriminator_loss_weighs_the_three_pairs_as_algorithm_1():
    real, wrong, fake = [2.0, 0.0], [1.0, -1.0], [-1.0, 3.0]
    real_term = (softplus(-2.0) + softplus(0.0)) / 2  # -log s(real): (real image, right text) is real
    wrong_term = (softplus(1.0) + softplus(-1.0)) / 2  # -log(1 - s(wrong)): (real image, wrong text) is fake
    fake_term = (softplus(-1.0) + softplus(3.0)) / 2  # -log(1 - s(fake)): (fake image, right text) is fake
    loss = losses.matching_aware_discriminator_loss(np.array(real), np.array(wrong), np.array(fake))
    assert float(loss) == pytest.approx(real_term + 0.5 * (wrong_term + fake_term), rel=1e-6)
    plain = losses.matching_aware_discriminator_loss(np.array(real), None, np.array(fake), wrong_weight=0.0)
    assert float(plain) == pytest.approx(real_term + fake_term, rel=1e-6)
    masked = losses.matching_aware_discriminator_loss(np.array(real), np.array(wrong), np.array(fake),
                                                      wrong_mask=np.array([1.0, 0.0]))
    assert float(masked) == pytest.approx(real_term + 0.5 * softplus(1.0) / 2 + 0.5 * fake_term, rel=1e-6)
    with pytest.raises(ValueError, match="wrong_weight=1.5"):
        losses.matching_aware_discriminator_loss(np.array(real), np.array(wrong), np.array(fake), wrong_weight=1.5)


def test_interpolation_generator_loss_averages_real_and_interpolated_rows_as_the_authors_code():
    fake, interpolated = np.array([0.0, 1.0]), np.array([2.0])
    assert float(losses.interpolation_generator_loss(fake)) == pytest.approx((softplus(0.0) + softplus(-1.0)) / 2)
    weighted = losses.interpolation_generator_loss(fake, interpolated, interpolation_weight=0.5)
    assert float(weighted) == pytest.approx((softplus(0.0) + softplus(-1.0) + 0.5 * softplus(-2.0)) / 3)


def test_joint_embedding_loss_by_hand():
    images = np.array([[1.0, 0.0], [0.0, 1.0]])
    texts = np.array([[1.0, 0.0], [0.5, 0.5]])
    # s = [[1, .5], [0, .5]]: image 0 vs text 1: 1 + .5 - 1; image 1 vs text 0: 1 + 0 - .5;
    # text 0 vs image 1: 1 + 0 - 1 -> 0; text 1 vs image 0: 1 + .5 - .5. Sum 2 over B^2 = 4.
    assert float(losses.joint_embedding_loss(images, texts)) == pytest.approx(0.5)
    assert float(losses.joint_embedding_loss(images, texts, np.array([3, 3]))) == 0.0  # one class: no negative


# ------------------------------------------------------------------ captions


def test_wrong_texts_never_have_the_content_of_the_right_text():
    model = build_model(cls_weight=0.5)
    keys = keras.ops.convert_to_numpy(model.content_key(tf.constant(CAPTIONS)))
    assert len(set(keys.tolist())) == 3 and keys[0] == keys[1] and keys[2] == keys[3]
    _, embeddings, wrong, mask, _ = model.prepare_batch(batch())  # the step's own path, once
    assert np.all(keras.ops.convert_to_numpy(mask) == 1.0)
    embeddings, wrong = keras.ops.convert_to_numpy(embeddings), keras.ops.convert_to_numpy(wrong)
    assert all(keys[np.flatnonzero(np.all(np.isclose(embeddings, w), axis=1))[0]] != keys[i]
               for i, w in enumerate(wrong))
    rows = np.eye(len(CAPTIONS), dtype="float32")  # row i's embedding names caption i
    partners = [set() for _ in CAPTIONS]
    for _ in range(40):
        wrong, _, _ = model._pairs(tf.constant(rows), [tf.constant(keys)])
        for row, vector in enumerate(keras.ops.convert_to_numpy(wrong)):
            partners[row].add(int(np.argmax(vector)))
    for row in range(len(CAPTIONS)):  # every caption of other content, and only those, is drawn
        assert partners[row] == {j for j in range(len(CAPTIONS)) if keys[j] != keys[row]}
    # Labels narrow the choice further (the authors' cross-class pairs); a row with no partner is masked.
    _, mask, _ = model._pairs(tf.constant(rows), [tf.constant(keys), tf.constant([0, 0, 0, 0, 1, 1], "int64")])
    assert np.all(keras.ops.convert_to_numpy(mask) == 1.0)
    _, _, _, mask, _ = model.prepare_batch(batch(CAPTIONS[:2]))
    assert np.all(keras.ops.convert_to_numpy(mask) == 0.0)


def test_interpolated_embeddings_are_the_convex_combination_of_two_captions():
    model = build_model(cls_weight=0.0, interp_weight=1.0, interp_beta=0.3)
    _, embeddings, wrong, _, interpolated = model.prepare_batch(batch())
    embeddings, interpolated = (keras.ops.convert_to_numpy(x) for x in (embeddings, interpolated))
    assert wrong is None and interpolated.shape == (3, EMBEDDING_DIM)
    np.testing.assert_allclose(interpolated, 0.3 * embeddings[:3] + 0.7 * embeddings[3:], rtol=1e-6, atol=1e-7)


def test_caption_key_reads_attributes_and_round_trips():
    key = layers.CaptionKey(GROUPS)
    texts = tf.constant(["A LITTLE red Star!", "a small red star", "a redstar", "a big blue disk", ""])
    values = keras.ops.convert_to_numpy(key(texts))
    assert values[0] == values[1] and values[2] == values[4] == 0  # "redstar" names neither red nor star
    assert len(set(values.tolist())) == 3
    copy = keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(key))
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(copy(texts)), values)
    text_only = layers.CaptionKey()
    hashed = keras.ops.convert_to_numpy(text_only(tf.constant(["A red  star.", "a red star", "a star"])))
    assert hashed[0] == hashed[1] != hashed[2]
    with pytest.raises(ValueError, match="groups="):
        layers.CaptionKey([["red", "blue"]])


def test_tokens_outside_the_vocabulary_map_to_the_oov_token_and_empty_captions_encode():
    text_encoder = encoder()
    tokens = keras.ops.convert_to_numpy(text_encoder.get_layer("tokens")(
        tf.constant(["a zebra star", "", "a a a a a a a a a a"])))
    vocabulary = networks.text_encoder.vocabulary_of(text_encoder)
    assert tokens[0, 1] == 1 and tokens[0, 0] == vocabulary.index("a") + 2  # 0 pads, 1 is out of vocabulary
    assert np.all(tokens[1] == 0) and tokens.shape == (3, 6)  # cut to max_length
    outputs = keras.ops.convert_to_numpy(text_encoder(tf.constant(["", "zebra", "a small red star"])))
    assert np.all(np.isfinite(outputs))
    average = layers.MaskedAverage()
    copy = keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(average))
    states = np.arange(12, dtype="float32").reshape(2, 3, 2)
    mask = np.array([[True, True, False], [False, False, False]])
    np.testing.assert_allclose(keras.ops.convert_to_numpy(copy(states, mask=mask)), [[1.0, 2.0], [0.0, 0.0]])


# --------------------------------------------------------- training and saving


def test_a_step_trains_both_players_and_leaves_the_text_encoder_frozen():
    model = build_model(cls_weight=0.5, interp_weight=1.0)
    model.compile(d_optimizer=keras.optimizers.Adam(1e-2), g_optimizer=keras.optimizers.Adam(1e-2), run_eagerly=True)
    before = {name: [w.numpy().copy() for w in network.weights]
              for name, network in (("g", model.generator), ("d", model.discriminator), ("t", model.text_encoder))}
    history = model.fit(tf.data.Dataset.from_tensors(batch()), epochs=1, verbose=0).history
    assert set(history) == {"d_loss", "g_loss", "d_real", "d_fake", "d_wrong"}
    moved = {name: max(float(np.max(np.abs(a - b.numpy()))) for a, b in zip(weights, network.weights))
             for (name, weights), network in zip(before.items(),
                                                 (model.generator, model.discriminator, model.text_encoder))}
    assert moved["g"] > 1e-4 and moved["d"] > 1e-4 and moved["t"] == 0.0
    assert "text_encoder" in model.checkpoint_items()


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """A model with a moving average of G, saved as .keras and exported once."""
    keras.utils.set_random_seed(3)
    model = build_model(ema_decay=0.9)
    root = tmp_path_factory.mktemp("text2image")
    model.save(root / "model.keras")
    return model, root, export.export_generator(model, root / "export")


def test_keras_file_round_trip_keeps_the_vocabulary_and_the_images(exported):
    model, root, _ = exported
    loaded = keras.saving.load_model(root / "model.keras")
    z = np.random.default_rng(1).standard_normal((3, LATENT_DIM)).astype("float32")
    texts = ["a small red star", "zebra", ""]
    np.testing.assert_allclose(keras.ops.convert_to_numpy(loaded.generate(z, texts)),
                               keras.ops.convert_to_numpy(model.generate(z, texts)), atol=1e-6)
    assert networks.text_encoder.vocabulary_of(loaded.text_encoder) == networks.text_encoder.vocabulary_of(
        model.text_encoder)
    assert (loaded.cls_weight, loaded.interp_weight, loaded.ema_generator is not None) == (0.5, 0.0, True)
    with pytest.raises(ValueError, match="`text` must be one caption or 3 captions"):
        model.generate(z, ["a", "b"])


def test_export_serves_caption_strings_and_precomputed_embeddings(exported):
    model, _, version = exported
    loaded = tf.saved_model.load(version)
    assert set(loaded.signatures) == {"serving_default", "text_embedding_to_image", "encode_text"}
    texts = tf.constant(["a large blue disk", "", "a little red star on the very far left of everything"])
    z = tf.constant(np.random.default_rng(2).standard_normal((3, LATENT_DIM)).astype("float32"))
    images = loaded.signatures["serving_default"](text=texts, z=z)["images"]
    embedding = loaded.signatures["encode_text"](text=texts)["text_embedding"]
    again = loaded.signatures["text_embedding_to_image"](z=z, text_embedding=embedding)["images"]
    np.testing.assert_allclose(images.numpy(), again.numpy(), atol=1e-6)
    np.testing.assert_allclose(images.numpy(), keras.ops.convert_to_numpy(model.generate(z, texts)), atol=1e-5)


def test_saved_model_cli_runs_a_caption_batch_with_an_empty_string(exported, tmp_path):
    model, _, version = exported
    texts = ["a large blue star in the centre", "", "red"]
    z = np.random.default_rng(4).standard_normal((3, LATENT_DIM)).astype("float32")
    np.save(tmp_path / "z.npy", z)
    cli = shutil.which("saved_model_cli")
    command = [cli] if cli else [sys.executable, "-m", "tensorflow.python.tools.saved_model_cli"]
    result = subprocess.run(command + ["run", "--dir", version, "--tag_set", "serve", "--signature_def",
                                       "serving_default", "--inputs", f"z={tmp_path / 'z.npy'}",
                                       "--input_exprs", f"text={texts!r}", "--outdir", str(tmp_path / "out")],
                            capture_output=True, text=True, env=ENV, timeout=180)
    assert result.returncode == 0, result.stderr[-3000:]
    images = np.load(tmp_path / "out" / "images.npy")
    assert images.shape == (3,) + SHAPE
    np.testing.assert_allclose(images, keras.ops.convert_to_numpy(model.generate(z, texts)), atol=1e-5)


def test_the_experiment_reuses_the_encoder_saved_in_its_run(tmp_path):
    saved = encoder(["a", "red", "star"])
    saved.save(tmp_path / text2image.ENCODER_FILE)
    ctx = experiment.Context(config=text2image.TextToImageConfig(), run=config.RunConfig(dataset="captions:none"),
                             spec=None, model_dir=str(tmp_path), steps_per_epoch=1)
    loaded = text2image.TextToImageExperiment().text_encoder(ctx)
    assert networks.text_encoder.vocabulary_of(loaded) == ["a", "red", "star"]
    bad = dataclasses.replace(ctx, config=ctx.config.replace(text_encoder=str(tmp_path / "missing.keras")))
    with pytest.raises(config.ConfigError) as error:
        text2image.TextToImageExperiment().text_encoder(bad)
    assert error.value.as_flag().startswith(f"--text_encoder={tmp_path / 'missing.keras'} is not a readable")
