"""Text-to-image GANs (Reed et al. 2016): the losses by hand, the pairs of captions, the frozen encoder, round trips.

GAN-CLS scores three kinds of pairs (Algorithm 1); GAN-INT trains G on
interpolated embeddings (section 4.3); the encoder tokenizes inside the
model, so a SavedModel takes raw strings (an empty one and captions of mixed
lengths included), checked with ``saved_model_cli run`` in a fresh process.
"""

import dataclasses
import json
import math
import os
import textwrap

import keras
import numpy as np
import pytest
import tensorflow as tf
from PIL import Image

from keras_gans import config, experiment, export, layers, losses, models, networks
from keras_gans.data import shapes
from keras_gans.experiments import text2image
from test_export import run_in_fresh_interpreter

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


def test_the_app_refuses_a_cls_weight_of_one_where_d_never_sees_a_generated_image():
    real, wrong = np.array([2.0, 0.0]), np.array([1.0, -1.0])
    at_one = [float(losses.matching_aware_discriminator_loss(real, wrong, np.array(fake), wrong_weight=1.0))
              for fake in ([-1.0, 3.0], [5.0, -4.0])]
    assert at_one[0] == pytest.approx(at_one[1], rel=1e-7)  # the generated images leave D's loss unchanged
    with pytest.raises(config.ConfigError) as error:
        text2image.TextToImageConfig(cls_weight=1.0)
    assert error.value.as_flag() == "--cls_weight=1.0 must be in [0, 1) (at 1 D's loss holds no generated images)."
    assert text2image.TextToImageConfig(cls_weight=0.0).cls_weight == 0.0


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


def linear_discriminator(slope):
    """D(x, t) = slope * sum(x) + sum(t): its gradient in every pixel of x is ``slope``."""
    images, text = keras.Input(SHAPE, name="images"), keras.Input((EMBEDDING_DIM,), name="text_embedding")
    image_term = keras.layers.Dense(1, use_bias=False, kernel_initializer=keras.initializers.Constant(slope))(
        keras.layers.Flatten()(images))
    text_term = keras.layers.Dense(1, use_bias=False, kernel_initializer="ones")(text)
    return keras.Model([images, text], keras.layers.Add()([image_term, text_term]))


def test_r1_adds_half_gamma_times_the_squared_gradient_on_real_pairs_in_training_only():
    generator = networks.text2image.generator(LATENT_DIM, EMBEDDING_DIM, SHAPE, projection_dim=4, base_filters=4)
    options = dict(cls_weight=0.5, content_key=layers.CaptionKey(GROUPS), seed=5)
    plain = models.TextToImageGAN(generator, linear_discriminator(0.5), encoder(), LATENT_DIM, **options)
    penalized = models.TextToImageGAN(generator, plain.discriminator, plain.text_encoder, LATENT_DIM, r1_weight=0.1,
                                      **options)
    prepared = plain.prepare_batch(batch())
    fakes = {"images": tf.zeros((len(CAPTIONS),) + SHAPE)}
    loss, logs = plain.discriminator_loss(prepared, fakes, training=True)
    penalized_loss, penalized_logs = penalized.discriminator_loss(prepared, fakes, training=True)
    # 8 x 8 x 3 = 192 pixels of gradient 0.5: ||grad||^2 = 48 for every image; gamma / 2 * 48 = 2.4.
    assert float(penalized_logs["r1_penalty"]) == pytest.approx(48.0, rel=1e-5)
    assert float(penalized_loss) == pytest.approx(float(loss) + 2.4, rel=1e-5)
    assert float(penalized_logs["d_loss"]) == pytest.approx(float(loss), rel=1e-5)  # d_loss: the game alone
    assert "r1_penalty" not in logs
    evaluated, evaluation_logs = penalized.discriminator_loss(prepared, fakes, training=False)
    assert "r1_penalty" not in evaluation_logs
    assert float(evaluated) == pytest.approx(float(plain.discriminator_loss(prepared, fakes, training=False)[0]))
    assert models.TextToImageGAN.from_config(penalized.get_config()).r1_weight == 0.1
    with pytest.raises(ValueError, match="r1_weight=-1"):
        models.TextToImageGAN(generator, plain.discriminator, plain.text_encoder, LATENT_DIM, r1_weight=-1, **options)


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


def test_shapes_captions_share_a_key_exactly_when_they_name_the_same_attributes():
    captions, attributes = shapes.split_captions("test")[:2000], shapes.split_attributes("test")
    keys = keras.ops.convert_to_numpy(text2image.content_key("shapes/captions")(tf.constant(captions)))
    named = np.stack([attributes[name][:2000] for name in ("size_bin", "color", "shape", "cell")], axis=1)
    same_named = np.all(named[:, None] == named[None, :], axis=2)
    assert np.count_nonzero(same_named) > 2000  # some captions name the same attributes in other words
    np.testing.assert_array_equal(keys[:, None] == keys[None, :], same_named)
    assert text2image.content_key("captions:birds") is None  # elsewhere: equal texts


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


def test_caption_swap_names_each_other_value_and_leaves_captions_naming_none():
    swap = layers.CaptionSwap([["circle", "disk"], ["square"], ["star", "five-pointed star"]])
    texts = tf.constant(["a red DISK on the left", "a Five-pointed star", "a blue square", "a red blob"])
    seen = [set() for _ in range(4)]
    for choice in np.linspace(0.0, 0.999, 8):  # [0, 0.5) draws the first other value, [0.5, 1) the second
        swapped, named = swap(texts, tf.fill([4], float(choice)))
        np.testing.assert_array_equal(keras.ops.convert_to_numpy(named), [True, True, True, False])
        for row, text in enumerate(keras.ops.convert_to_numpy(swapped)):
            seen[row].add(text.decode())
    assert seen[0] == {"a red square on the left", "a red star on the left"}
    assert seen[1] == {"a circle", "a square"}  # the two-word phrase goes whole
    assert seen[2] == {"a blue circle", "a blue star"}
    assert seen[3] == {"a red blob"}
    copy = keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(swap))
    assert copy.values == swap.values
    with pytest.raises(ValueError, match="at least two"):
        layers.CaptionSwap([["star"]])


def test_caption_swap_with_partners_names_only_the_partners_of_the_value_named():
    values = [["circle", "disk"], ["square"], ["star"], ["heart"]]
    swap = layers.CaptionSwap(values, partners=[[1, 2, 3], [3], [1, 3], [1]])
    texts = tf.constant(["a red disk", "a blue square", "a star on the left", "a big heart", "a red blob"])
    seen = [set() for _ in range(5)]
    for choice in np.linspace(0.0, 0.999, 9):
        swapped, named = swap(texts, tf.fill([5], float(choice)))
        np.testing.assert_array_equal(keras.ops.convert_to_numpy(named), [True, True, True, True, False])
        for row, text in enumerate(keras.ops.convert_to_numpy(swapped)):
            seen[row].add(text.decode())
    assert seen[0] == {"a red square", "a red star", "a red heart"}
    assert seen[1] == {"a blue heart"}
    assert seen[2] == {"a square on the left", "a heart on the left"}
    assert seen[3] == {"a big square"}
    assert seen[4] == {"a red blob"}
    copy = keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(swap))
    assert copy.partners == swap.partners == ((1, 2, 3), (3,), (1, 3), (1,))
    config = swap.get_config()
    del config["partners"]  # as a swap saved before partners existed: every other value
    assert layers.CaptionSwap.from_config(config).partners is None
    assert "partners" not in layers.CaptionSwap(values).get_config()  # so earlier code reads it
    for partners in ([[1], [0]], [[1, 2, 3], [3], [2], [1]], [[1, 2, 3], [], [1], [1]], [[4], [3], [1], [1]]):
        with pytest.raises(ValueError, match="partners="):  # too few lists; star to itself; none; no value 4
            layers.CaptionSwap(values, partners=partners)


def test_the_lookalike_option_swaps_each_shape_for_its_lookalikes_and_checks_the_shares(tmp_path):
    swaps, shares = text2image.wrong_swaps("shapes/captions", 0.5, 0.25, 0.25)
    assert shares == [0.5, 0.25, 0.25]
    assert [swap.name for swap in swaps] == ["wrong_swap", "wrong_size_swap", "wrong_lookalike_swap"]
    lookalike = swaps[2]
    captions = ["a big red square at the top", "a red heart", "a small star", "a triangle", "a plus sign",
                "a green disk"]
    seen = [set() for _ in captions]
    for choice in np.linspace(0.0, 0.999, 11):
        swapped, _ = lookalike(tf.constant(captions), tf.fill([len(captions)], float(choice)))
        for row, text in enumerate(keras.ops.convert_to_numpy(swapped)):
            seen[row].add(text.decode())
    assert seen[:5] == [{"a big red heart at the top", "a big red triangle at the top"}, {"a red square"},
                        {"a small triangle", "a small cross"}, {"a star", "a square"}, {"a star"}]
    assert seen[5] == {f"a green {shape}" for shape in ("square", "triangle", "star", "heart", "cross")}
    assert text2image.wrong_swaps("shapes/captions", 0.0, 0.0, 0.5)[1] == [0.5]
    model = build_model(cls_weight=0.5, wrong_swap=[lookalike], swap_share=[0.5])
    model.save(tmp_path / "model.keras")
    loaded = keras.saving.load_model(tmp_path / "model.keras", compile=False)
    assert loaded.wrong_swap[0].partners == lookalike.partners
    with pytest.raises(config.ConfigError) as error:
        text2image.wrong_swaps("shapes/captions", 0.75, 0.0, 0.5)
    assert error.value.as_flag().startswith("--wrong_lookalike_share=0.5 with --wrong_shape_share=0.75")
    with pytest.raises(config.ConfigError) as error:
        text2image.wrong_swaps("shapes/captions", 0.75, 0.5, 0.01)  # over 1 before the lookalike share
    assert error.value.as_flag().startswith("--wrong_size_share=0.5 and --wrong_shape_share=0.75")
    with pytest.raises(config.ConfigError) as error:
        text2image.wrong_swaps("captions:birds", 0.0, 0.0, 0.5)
    assert error.value.as_flag().startswith("--wrong_lookalike_share=0.5 swaps the shape words")


def test_swapped_wrong_texts_differ_from_the_right_one_in_the_shape_alone():
    model = build_model(cls_weight=0.5, wrong_swap=layers.CaptionSwap(GROUPS[1]), swap_share=1.0)
    captions = CAPTIONS + ["a small red blob"]  # names no shape: keeps another row's caption
    _, embeddings, wrong, mask, _ = model.prepare_batch(batch(captions))
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(mask), np.ones(len(captions)))
    swapped = ["a small red circle", "a little red circle", "a large blue star", "a big blue star",
               "a small blue circle", "a little blue circle"]  # star <-> circle, the only other value
    np.testing.assert_allclose(keras.ops.convert_to_numpy(wrong)[:6],
                               keras.ops.convert_to_numpy(model.encode(swapped)), rtol=1e-5, atol=1e-6)
    others = keras.ops.convert_to_numpy(model.encode(CAPTIONS))
    assert np.any(np.all(np.isclose(others, keras.ops.convert_to_numpy(wrong)[6], atol=1e-6), axis=1))
    plain = build_model(cls_weight=0.5, wrong_swap=layers.CaptionSwap(GROUPS[1]), swap_share=0.0)
    _, embeddings, wrong, _, _ = plain.prepare_batch(batch())
    wrong, embeddings = keras.ops.convert_to_numpy(wrong), keras.ops.convert_to_numpy(embeddings)
    assert all(np.any(np.all(np.isclose(embeddings, w, atol=1e-6), axis=1)) for w in wrong)  # other rows only
    with pytest.raises(ValueError, match="wrong_swap="):
        build_model(wrong_swap=layers.CaptionKey(GROUPS))


def test_the_shape_swap_option_builds_on_shapes_captions_only_and_round_trips(tmp_path):
    swap = text2image.wrong_swap("shapes/captions", 0.5)
    swapped, _ = swap(tf.constant(["a big red heart at the top"]), tf.constant([0.0]))
    assert keras.ops.convert_to_numpy(swapped)[0] == b"a big red circle at the top"
    assert text2image.wrong_swap("captions:birds", 0.0) is None
    with pytest.raises(config.ConfigError) as error:
        text2image.wrong_swap("captions:birds", 0.5)
    assert error.value.as_flag().startswith("--wrong_shape_share=0.5 swaps the shape words")
    model = build_model(cls_weight=0.5, wrong_swap=layers.CaptionSwap(GROUPS[1]), swap_share=0.25)
    model.save(tmp_path / "model.keras")
    loaded = keras.saving.load_model(tmp_path / "model.keras", compile=False)
    assert loaded.wrong_swap.values == model.wrong_swap.values and loaded.swap_share == 0.25


def test_two_swaps_share_the_wrong_texts_each_changing_its_own_attribute_alone():
    swaps = [layers.CaptionSwap(GROUPS[1]), layers.CaptionSwap(GROUPS[2])]  # shape, then size
    captions = CAPTIONS * 8
    texts = tf.constant(captions)
    zeros = tf.zeros([len(captions)])  # each group has two values: the swap's draw cannot matter
    for shares, everyone in (([0.5, 0.5], True), ([0.25, 0.25], False)):
        model = build_model(cls_weight=0.5, wrong_swap=swaps, swap_share=shares)
        _, _, wrong, _, _ = model.prepare_batch(batch(captions))
        by_shape, by_size = (keras.ops.convert_to_numpy(model.encode(swap(texts, zeros)[0])) for swap in swaps)
        wrong = keras.ops.convert_to_numpy(wrong)
        is_shape = np.all(np.isclose(wrong, by_shape, atol=1e-6), axis=1)
        is_size = np.all(np.isclose(wrong, by_size, atol=1e-6), axis=1)
        assert not np.any(is_shape & is_size)  # a row is swapped once at most
        assert is_shape.any() and is_size.any()  # both kinds in a batch of 48
        assert np.all(is_shape | is_size) == everyone  # at shares summing to 1/2 some rows keep another's caption
    with pytest.raises(ValueError, match="sum to at most 1"):
        build_model(wrong_swap=swaps, swap_share=[0.75, 0.5])
    with pytest.raises(ValueError, match="one share per swap"):
        build_model(wrong_swap=swaps, swap_share=0.5)
    with pytest.raises(ValueError, match=r"swap_share\[1\]"):
        build_model(wrong_swap=swaps, swap_share=[0.5, 1.5])


def test_two_swaps_round_trip_and_the_size_share_option_checks_its_sum(tmp_path):
    model = build_model(cls_weight=0.5, wrong_swap=[layers.CaptionSwap(GROUPS[1]), layers.CaptionSwap(GROUPS[2])],
                        swap_share=[0.25, 0.5])
    model.save(tmp_path / "model.keras")
    loaded = keras.saving.load_model(tmp_path / "model.keras", compile=False)
    assert [swap.values for swap in loaded.wrong_swap] == [swap.values for swap in model.wrong_swap]
    assert loaded.swap_share == [0.25, 0.5]
    swap, share = text2image.wrong_swaps("shapes/captions", 0.5, 0.5)
    assert share == [0.5, 0.5]
    swapped, _ = swap[1](tf.constant(["a big red heart at the top"]), tf.constant([0.0]))
    assert keras.ops.convert_to_numpy(swapped)[0] == b"a small red heart at the top"
    assert text2image.wrong_swaps("shapes/captions", 0.5)[1] == 0.5  # the shape swap alone, as before
    with pytest.raises(config.ConfigError) as error:
        text2image.wrong_swaps("shapes/captions", 0.75, 0.5)
    assert error.value.as_flag().startswith("--wrong_size_share=0.5 and --wrong_shape_share=0.75")
    with pytest.raises(config.ConfigError) as error:
        text2image.wrong_swaps("captions:birds", 0.0, 0.5)
    assert error.value.as_flag().startswith("--wrong_size_share=0.5 swaps the size words")


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


@pytest.mark.parametrize("trunk", ["dcgan", "pooled"])
def test_the_text_joins_d_at_4x4_after_either_trunk(trunk):
    discriminator = networks.text2image.discriminator((16, 16, 3), EMBEDDING_DIM, projection_dim=4, base_filters=2,
                                                      trunk=trunk)
    features = discriminator.get_layer("text2image_discriminator_trunk")
    kinds = {type(layer).__name__ for layer in features.layers}
    # Two blocks bring 16x16 to 4x4, the filters doubling from 2: 4 channels, then the 4 of the projected text.
    assert tuple(features.outputs[0].shape[1:]) == (4, 4, 4)
    assert tuple(discriminator.get_layer("features_and_text").output.shape[1:]) == (4, 4, 8)
    assert ("MaxPooling2D" in kinds) == (trunk == "pooled")
    assert ("DownsampleBlock" in kinds) == (trunk == "dcgan")  # stride-2 convolutions
    logits = discriminator([np.zeros((2, 16, 16, 3), "float32"), np.zeros((2, EMBEDDING_DIM), "float32")])
    assert tuple(logits.shape) == (2, 1)
    with pytest.raises(ValueError, match="trunk='strided'"):
        networks.text2image.discriminator((16, 16, 3), EMBEDDING_DIM, trunk="strided")


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


def test_the_sample_grid_takes_held_out_captions_and_the_training_ones_where_none_are_held_out(tmp_path):
    records = [{"image": "a.png", "split": "test"}, {"image": "b.png"}, {"image": "c.png"}]
    for record in records:
        Image.fromarray(np.zeros((4, 4, 3), np.uint8)).save(tmp_path / record["image"])
        record["captions"] = [f"{record['image']} one", f"{record['image']} two"]
    (tmp_path / "captions.jsonl").write_text("".join(json.dumps(record) + "\n" for record in records))
    assert text2image.sample_captions(f"captions:{tmp_path}", count=3) == ["a.png one", "a.png two"]
    (tmp_path / "captions.jsonl").write_text("".join(json.dumps(record) + "\n" for record in records[1:]))
    assert text2image.sample_captions(f"captions:{tmp_path}", count=3) == ["b.png one", "b.png two", "c.png one"]


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



# ------------------------------------------------------- one fresh process

# The one subprocess of these tests: two logical CPUs must be set before TensorFlow starts. It checks that a
# GAN-INT-CLS step under a 2-replica MirroredStrategy equals one device's (the wrong and interpolated partners are
# drawn from the global batch, distribute.gather_replicas), then serves captions from the export with
# ``saved_model_cli run`` and with apps/generate.py, as a user's fresh process would. The players there have no
# batch norm (whose statistics are per replica) and the encoder is a bag of words, which keeps the tracing short.
FRESH_PROCESS = textwrap.dedent("""
    import importlib.util, json, os, sys
    import numpy as np
    import tensorflow as tf
    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
    import keras
    from absl import flags
    from tensorflow.python.tools import saved_model_cli
    from keras_gans import layers, models

    version, z_file, texts, outdir, app_file, grid = sys.argv[1:]

    captions = ["a red star", "a blue star", "a red disk", "a blue disk", "red", "blue", "star", "disk"] * 2
    images = np.random.default_rng(0).uniform(-1, 1, (16, 4, 4, 1)).astype("float32")

    def build():
        text = keras.Input((), dtype="string", name="text")
        tokens = keras.layers.TextVectorization(vocabulary=["a", "red", "blue", "star", "disk"],
                                                output_sequence_length=3)(text)
        encoder = keras.Model(text, keras.layers.GlobalAveragePooling1D()(keras.layers.Embedding(7, 3)(tokens)))
        z, embedding = keras.Input((2,), name="z"), keras.Input((3,), name="text_embedding")
        joint = keras.layers.Concatenate()([z, embedding])
        generator = keras.Model([z, embedding], keras.layers.Reshape((4, 4, 1))(
            keras.layers.Dense(16, activation="tanh")(joint)))
        x, embedding = keras.Input((4, 4, 1), name="images"), keras.Input((3,), name="text_embedding")
        discriminator = keras.Model([x, embedding], keras.layers.Dense(1)(
            keras.layers.Concatenate()([keras.layers.Flatten()(x), embedding])))
        return models.TextToImageGAN(generator, discriminator, encoder, 2, cls_weight=0.5, interp_weight=1.0,
                                     content_key=layers.CaptionKey([[["red"], ["blue"]], [["star"], ["disk"]]]),
                                     seed=3)

    def train(strategy):
        keras.utils.set_random_seed(0)  # the same initial weights in both runs
        with strategy.scope():
            model = build()
            model.compile(d_optimizer=keras.optimizers.Adam(1e-2), g_optimizer=keras.optimizers.Adam(1e-2),
                          run_eagerly=True)  # tracing the distributed step costs more than 2 steps
        initial = [w.numpy() for w in model.trainable_weights]
        dataset = tf.data.Dataset.from_tensor_slices((images, captions)).batch(8, drop_remainder=True)
        history = model.fit(dataset, epochs=1, verbose=0).history
        return initial, [w.numpy() for w in model.trainable_weights], history

    mirrored = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
    initial, replicated, history = train(mirrored)
    _, single, single_history = train(tf.distribute.get_strategy())
    report = {"replicas": mirrored.num_replicas_in_sync,
              "max_move": max(float(np.max(np.abs(a - b))) for a, b in zip(replicated, initial)),
              "max_weight_diff": max(float(np.max(np.abs(a - b))) for a, b in zip(single, replicated)),
              "d_wrong": [history["d_wrong"][-1], single_history["d_wrong"][-1]]}

    def exit_status(call):
        try:
            call()
        except SystemExit as stop:
            return stop.code or 0
        return 0

    sys.argv = ["saved_model_cli", "run", "--dir", version, "--tag_set", "serve", "--signature_def",
                "serving_default", "--inputs", f"z={z_file}", "--input_exprs", f"text={texts}", "--outdir", outdir]
    report["saved_model_cli"] = exit_status(saved_model_cli.main)

    spec = importlib.util.spec_from_file_location("generate", app_file)
    generate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generate)
    flags.FLAGS(["generate", f"--export_dir={os.path.dirname(version)}", f"--output={grid}",
                 "--text=a large blue star in the centre", "--text=", "--per_caption=3"])
    report["generate"] = exit_status(lambda: generate.main(["generate"]))
    print(json.dumps(report))
""")
SERVED_TEXTS = ["a large blue star in the centre", "", "red"]  # an empty string and mixed lengths


@pytest.fixture(scope="module")
def fresh_process(exported, tmp_path_factory):
    """Runs FRESH_PROCESS once; returns its report, the z it served and its output folder."""
    _, _, version = exported
    folder = tmp_path_factory.mktemp("fresh")
    z = np.random.default_rng(4).standard_normal((len(SERVED_TEXTS), LATENT_DIM)).astype("float32")
    np.save(folder / "z.npy", z)
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    result = run_in_fresh_interpreter(FRESH_PROCESS, version, folder / "z.npy", repr(SERVED_TEXTS), folder / "out",
                                      os.path.join(root, "apps", "generate.py"), folder / "grid.png", timeout=600)
    return json.loads(result.stdout.strip().splitlines()[-1]), z, folder, result.stdout


def test_a_step_under_two_replicas_matches_one_device(fresh_process):
    report = fresh_process[0]
    assert report["replicas"] == 2
    assert report["max_move"] > 1e-3, report  # training moved the weights: a real comparison
    assert report["max_weight_diff"] < 1e-5, report
    assert abs(report["d_wrong"][0] - report["d_wrong"][1]) < 1e-5, report


def test_saved_model_cli_runs_a_caption_batch_with_an_empty_string(exported, fresh_process):
    model = exported[0]
    report, z, folder, _ = fresh_process
    assert report["saved_model_cli"] == 0
    images = np.load(folder / "out" / "images.npy")
    assert images.shape == (len(SERVED_TEXTS),) + SHAPE
    np.testing.assert_allclose(images, keras.ops.convert_to_numpy(model.generate(z, SERVED_TEXTS)), atol=1e-5)


def test_generate_app_writes_one_captioned_row_per_text(fresh_process):
    report, _, folder, stdout = fresh_process
    assert report["generate"] == 0 and "Wrote 6 images" in stdout
    with Image.open(folder / "grid.png") as picture:
        grid = np.asarray(picture)
    assert grid.shape[1] == 3 * 8 + 4 * 2  # three images per caption
    band = grid[2:14, 2:3 * 8 + 6]  # the first caption, light on black, above its row
    assert np.count_nonzero(band > 128) >= 10
    assert grid.shape[0] > 2 * (8 + 2)  # two rows, each under its caption band
