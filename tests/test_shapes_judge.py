"""The shapes judge (judges.shapes), its feature extractor and the attribute measures (metrics.attributes)."""

import dataclasses
import math

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_gans import config, experiment, features, judges, metrics
from keras_gans.experiments import conditional
from keras_gans.data import shapes
from keras_gans.judges import shapes as shapes_judge
from keras_gans.networks import attributes as attribute_networks

# ----------------------------------------------------------------------------
# Measures, by hand


def test_attribute_accuracy_by_hand():
    requested = {"shape": np.array([0, 1, 2, -1]), "color": np.array([3, -1, 4, 5])}
    predicted = {"shape": np.array([0, 2, 2, 4]), "color": np.array([3, 0, 1, 5]), "cell": np.zeros(4, int)}
    scores = metrics.attribute_accuracy(requested, predicted)
    # shape asked of 3 images, right for 2; colour asked of 3, right for 2 (3 and 5, not 4);
    # all asked attributes right: image 0 and image 3 (only its colour asked) of the 4 asked anything.
    assert scores["shape"] == pytest.approx(2 / 3) and scores["color"] == pytest.approx(2 / 3)
    assert scores["all"] == pytest.approx(2 / 4) and scores["count"] == 4
    with pytest.raises(ValueError, match="`size_bin`"):
        metrics.attribute_accuracy({"size_bin": np.array([0])}, predicted)
    with pytest.raises(ValueError, match="requested"):
        metrics.attribute_accuracy({}, predicted)


def test_attribute_coverage_by_hand():
    coverage = metrics.attribute_coverage([0, 0, 1, 1, 1], [0, 2, 2, 2, 0], 2, 3)
    assert coverage["covered"] == 4 and coverage["total"] == 6 and coverage["share"] == pytest.approx(4 / 6)
    assert coverage["missing"] == [(0, 1), (1, 1)]
    assert coverage["counts"] == [[1, 0, 1], [1, 0, 2]]
    with pytest.raises(ValueError, match="`second`"):
        metrics.attribute_coverage([0, 1], [0, 3], 2, 3)


def test_code_attribute_correlation_by_hand():
    codes = np.array([[1.0, 0.0], [2.0, 0.0], [3.0, 1.0]])
    attributes = {"x": np.array([5.0, 5.0, 5.0]), "y": np.array([3.0, 1.0, 2.0]), "size": np.array([1.0, 1.0, 0.0])}
    first, second = metrics.code_attribute_correlation(codes, attributes)
    # Code 0 centred: (-1, 0, 1); y centred: (1, -1, 0) -> r = -1 / (sqrt 2 * sqrt 2) = -0.5;
    # size centred: (1/3, 1/3, -2/3) -> r = (-1/3 - 2/3) / (sqrt 2 * sqrt(6) / 3) = -sqrt(3) / 2;
    # x is constant -> 0. Code 1 centred: (-1/3, -1/3, 2/3) = -(size centred) -> r = -1; with y: 0.
    assert first["r"] == pytest.approx({"x": 0.0, "y": -0.5, "size": -math.sqrt(3) / 2})
    assert first["best"] == "size" and first["best_abs_r"] == pytest.approx(math.sqrt(3) / 2)
    assert second["r"] == pytest.approx({"x": 0.0, "y": 0.0, "size": -1.0}, abs=1e-12)
    assert second["best"] == "size" and second["best_abs_r"] == pytest.approx(1.0)
    with pytest.raises(ValueError, match="`attributes\\['y'\\]`"):
        metrics.code_attribute_correlation(codes, {"y": np.zeros(2)})
    with pytest.raises(ValueError, match="`attributes`"):
        metrics.code_attribute_correlation(codes, {})


def test_judge_targets_and_rotation_error_respect_the_symmetry():
    record = shapes.sample_attributes(4, seed=0, shape=["circle", "square", "triangle", "star"],
                                      rotation=[1.0, 0.1, 0.2, 0.3])
    targets = shapes_judge.judge_targets(record)
    np.testing.assert_allclose(targets["rotation"][0], [0.0, 0.0])  # the circle has no rotation
    np.testing.assert_allclose(targets["rotation"][1], [math.cos(0.4), math.sin(0.4)], atol=1e-6)  # 4 * 0.1
    np.testing.assert_allclose(targets["rotation"][3], [math.cos(1.5), math.sin(1.5)], atol=1e-6)  # 5 * 0.3
    # A square read at 0.1 + pi/2 is right: the error is taken modulo its period; 0.2 off -> 0.2.
    vectors = np.array([[math.cos(4 * (0.1 + math.pi / 2)), math.sin(4 * (0.1 + math.pi / 2))],
                        [math.cos(3 * 0.4), math.sin(3 * 0.4)]])
    errors = shapes_judge._angle_error(vectors, np.array([0.1, 0.2]), np.array([1, 2]))
    np.testing.assert_allclose(errors, [0.0, 0.2], atol=1e-6)


# ----------------------------------------------------------------------------
# The judge


def test_network_heads_features_and_bad_arguments():
    model = attribute_networks.attribute_classifier((16, 16, 3), {"a": 3, "b": 2}, features=32, seed=1)
    outputs = model(np.zeros((2, 16, 16, 3), np.float32))
    assert tuple(outputs["a"].shape) == (2, 3) and tuple(outputs["b"].shape) == (2, 2)
    assert model.get_layer("features").output.shape[-1] == 32
    for kwargs, named in (({"image_shape": (7, 7, 3)}, "image_shape"), ({"heads": {}}, "heads"),
                          ({"features": 0}, "features")):
        arguments = {"image_shape": (16, 16, 3), "heads": {"a": 3}, **kwargs}
        with pytest.raises(ValueError, match=f"`{named}`"):
            attribute_networks.attribute_classifier(**arguments)
    with pytest.raises(ValueError, match="`image_size`"):
        judges.train_shapes_judge(image_size=7)
    with pytest.raises(ValueError, match="`num_examples`"):
        judges.train_shapes_judge(image_size=16, num_examples=-1)


def test_judge_learns_a_small_subset_deterministically_and_round_trips(tmp_path):
    shapes_judge.train_shapes_judge.cache_clear()
    options = dict(image_size=32, num_examples=JUDGE_EXAMPLES, epochs=JUDGE_EPOCHS)
    judge = judges.train_shapes_judge(cache_dir=tmp_path, **options)
    assert judges.train_shapes_judge(cache_dir=tmp_path, **options) is judge  # memoized
    report = judges.judge_report(judge, num_examples=300)
    # Stated for this small run (measured 0.96 and 0.78; chance 1/6 and 1/9); the full judge is held to 99%
    # by benchmarks/shapes_judge.py.
    assert report["color_accuracy"] >= COLOR_TARGET and report["cell_accuracy"] >= CELL_TARGET, report
    assert report["num_examples"] == 300
    # Loaded from its file in a fresh memo: the same weights.
    shapes_judge.train_shapes_judge.cache_clear()
    loaded = judges.train_shapes_judge(cache_dir=tmp_path, **options)
    assert loaded is not judge
    for a, b in zip(judge.get_weights(), loaded.get_weights()):
        np.testing.assert_array_equal(a, b)
    # Trained again from scratch: the same weights.
    shapes_judge.train_shapes_judge.cache_clear()
    again = judges.train_shapes_judge(**options)
    for a, b in zip(judge.get_weights(), again.get_weights()):
        np.testing.assert_array_equal(a, b)
    # The measures on its readings: real test images asked for their own attributes, and their captions.
    images = shapes.split_images("test", 32, 200)
    truth = shapes.split_attributes("test")
    requested = {name: truth[name][:200] for name in ("shape", "color", "cell")}
    read = judges.predict_attributes(judge, images)
    scores = judges.attribute_scores(judge, images, requested)
    assert scores["color"] == pytest.approx(np.mean(read["color"] == requested["color"]))
    assert scores["coverage"]["covered"] == len({*zip(read["shape"], read["color"])})
    agreement = judges.caption_agreement(judge, images, shapes.split_captions("test")[:200])
    assert agreement["color"] == pytest.approx(scores["color"]) and agreement["count"] == 200
    extractor = features.shapes_classifier_features(**options)
    assert extractor(images[:5] / 127.5 - 1.0).shape == (5, 256)
    # Smaller images shown to the same judge: its features of them upsampled as resized_for_judge does.
    small = shapes.split_images("test", 16, 5) / 127.5 - 1.0
    upsampled = features.shapes_classifier_features(**{**options, "image_size": 16, "judge_size": 32})(small)
    np.testing.assert_allclose(upsampled, extractor(np.asarray(shapes_judge.resized_for_judge(small, 32))),
                               rtol=1e-4, atol=1e-5)
    assert np.abs(upsampled - extractor(np.asarray(tf.image.resize(small, (32, 32))))).max() > 1e-3
    shapes_judge.train_shapes_judge.cache_clear()


def test_a_judge_drawn_smaller_learns_the_images_as_they_are_shown_to_it(tmp_path, monkeypatch):
    learned, read = [], []
    monkeypatch.setattr(shapes_judge, "train_heads", lambda judge, images, *args, **kwargs: learned.append(images))
    predict = shapes_judge.predict_attributes
    monkeypatch.setattr(shapes_judge, "predict_attributes", lambda judge, images: read.append(images)
                        or predict(judge, images))
    shapes_judge.train_shapes_judge.cache_clear()
    try:
        judge = judges.train_shapes_judge(image_size=64, num_examples=8, epochs=1, drawn_at=32, cache_dir=tmp_path)
        small = shapes.split_images("train", 32, 8)
        shown = np.asarray(shapes_judge.resized_for_judge(small.astype(np.float32) / 127.5 - 1.0))
        assert judge.inputs[0].shape[1] == 64 and learned[0].dtype == np.uint8 and learned[0].shape == (8, 64, 64, 3)
        # The 32-px images upsampled bicubically, to within the uint8 rounding; not the images drawn at 64 px.
        np.testing.assert_allclose(learned[0] / 127.5 - 1.0, shown, atol=0.5 / 127.5 + 1e-6)
        assert np.abs(learned[0].astype(int) - shapes.split_images("train", 64, 8)).max() > 64
        fingerprint = shapes_judge.judge_fingerprint(judge, 32)
        assert (tmp_path / f"shapes_judge_64px_drawn32px_seed0_n8_e1_{fingerprint}.weights.h5").is_file()
        # Its report reads the test images drawn at 32 px and shown the same way.
        report = judges.judge_report(judge, num_examples=50, drawn_at=32)
        test_small = shapes.split_images("test", 32, 50).astype(np.float32) / 127.5 - 1.0
        np.testing.assert_allclose(read[0] / 127.5 - 1.0, shapes_judge.resized_for_judge(test_small),
                                   atol=0.5 / 127.5 + 1e-6)
        truth = shapes.split_attributes("test")
        assert report["num_examples"] == 50
        shape_read = predict(judge, read[0])["shape"]
        assert report["shape_accuracy"] == pytest.approx(np.mean(shape_read == truth["shape"][:50]))
        # Without drawn_at: the 64-px images themselves, under a name without the drawing size.
        plain = judges.train_shapes_judge(image_size=64, num_examples=8, epochs=1, cache_dir=tmp_path)
        np.testing.assert_array_equal(learned[1], shapes.split_images("train", 64, 8))
        plain_fingerprint = shapes_judge.judge_fingerprint(plain, 64)
        assert plain_fingerprint != fingerprint
        assert (tmp_path / f"shapes_judge_64px_seed0_n8_e1_{plain_fingerprint}.weights.h5").is_file()
    finally:
        shapes_judge.train_shapes_judge.cache_clear()
    for drawn_at in (7, 48):
        with pytest.raises(ValueError, match=f"`drawn_at` must be a power of two.*drawn_at={drawn_at}"):
            judges.train_shapes_judge(drawn_at=drawn_at)


def test_shape_classifier_reads_16_and_32_px_with_a_judge_drawn_at_their_size(monkeypatch):
    asked = []
    judge = shapes_judge.build_shapes_judge(64)
    monkeypatch.setattr(shapes_judge, "train_shapes_judge", lambda **options: asked.append(options) or judge)
    for size in (16, 32, 48, 64, 128):
        judges.shape_classifier(size)
    drawn = [(options.get("drawn_at"), options.get("num_examples")) for options in asked]
    # A power of two under 64 px: its own judge, from READER_EXAMPLES images; 48 px and 64 px and up: the 64-px judge.
    assert drawn == [(16, 32_000), (32, 32_000), (None, None), (None, None), (None, None)]
    assert all(options["image_size"] == 64 for options in asked)
    judges.shape_classifier(32, num_examples=640)
    assert asked[-1]["num_examples"] == 640 and asked[-1]["drawn_at"] == 32


JUDGE_EXAMPLES = 640
JUDGE_EPOCHS = 2
COLOR_TARGET = 0.9
CELL_TARGET = 0.6


def test_shape_classifier_shows_a_64_px_judge_resized_images_of_any_size():
    tiny = dict(num_examples=64, epochs=1)
    rng = np.random.default_rng(0)
    # A smaller power-of-two size is read by the judge that learned the images drawn at that size.
    for size, resize, drawn_at in ((32, "bicubic", 32), (64, None, None), (128, "area", None)):
        judge = judges.train_shapes_judge(image_size=64, drawn_at=drawn_at, **tiny)
        classifier = judges.shape_classifier(size, **tiny)
        images = rng.uniform(-1.0, 1.0, (4, size, size, 3)).astype(np.float32)
        seen = images if resize is None else np.clip(tf.image.resize(images, (64, 64), method=resize), -1.0, 1.0)
        expected = keras.Model(judge.inputs, judge.get_layer("shape").output).predict_on_batch(seen)
        np.testing.assert_allclose(classifier.predict_on_batch(images), expected, atol=1e-5, err_msg=str(size))
        assert classifier.output.shape[-1] == len(shapes.SHAPES)
    for size in (4, 512):
        with pytest.raises(ValueError, match="`image_size`"):
            judges.shape_classifier(size)


def test_the_conditional_apps_judge_shapes_with_the_shapes_judge(monkeypatch, tmp_path):
    asked, kept_in = [], []
    monkeypatch.setattr(judges, "shape_classifier",
                        lambda size, cache_dir: asked.append(size) or kept_in.append(cache_dir) or "shape judge")
    monkeypatch.setattr(judges, "train_digit_classifier", lambda **options: asked.append(options) or "digit judge")
    run = config.RunConfig(dataset="shapes")  # the set's own size: the generated images' size is the spec's
    spec = experiment.DataSpec(name="shapes", sample_shape=(32, 32, 3), num_classes=6, toy_modes=None)
    ctx = experiment.Context(config=None, run=run, spec=spec, model_dir="", steps_per_epoch=1)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    assert conditional.class_judge(ctx) == "shape judge" and asked == [32]
    # Kept across runs in the judge cache, unless the run says --nojudge_cache.
    assert kept_in == [str(tmp_path / "keras_gans" / "judges")]
    conditional.class_judge(dataclasses.replace(ctx, run=run.replace(judge_cache=False)))
    assert kept_in[1] is None
    digits = dataclasses.replace(ctx, spec=dataclasses.replace(spec, name="digits", sample_shape=(16, 16, 1)),
                                 run=config.RunConfig(dataset="digits", image_size=16))
    assert conditional.class_judge(digits) == "digit judge" and asked[-1]["dataset"] == "digits"


# ----------------------------------------------------------------------------
# The judges kept on disk


def test_the_judge_cache_is_in_keras_home(monkeypatch, tmp_path):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    assert judges.judge_cache_dir() == str(tmp_path / "keras" / "keras_gans" / "judges")
    monkeypatch.delenv("KERAS_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert judges.judge_cache_dir() == str(tmp_path / "home" / ".keras" / "keras_gans" / "judges")


def test_the_fingerprint_changes_with_what_the_weights_depend_on(monkeypatch):
    judge = shapes_judge.build_shapes_judge(32)
    fingerprint = shapes_judge.judge_fingerprint(judge, 32)
    assert len(fingerprint) == 10
    # The same network built again, in the same process: the same fingerprint.
    assert shapes_judge.judge_fingerprint(shapes_judge.build_shapes_judge(32), 32) == fingerprint
    # Another drawing size, another network (one head fewer), another learning rate: another fingerprint.
    assert shapes_judge.judge_fingerprint(judge, 16) != fingerprint
    fewer_heads = attribute_networks.attribute_classifier((32, 32, 3), shapes_judge.CLASS_HEADS, seed=0,
                                                          name="shapes_judge_32")
    assert shapes_judge.judge_fingerprint(fewer_heads, 32) != fingerprint
    monkeypatch.setattr(shapes_judge, "LEARNING_RATE", shapes_judge.LEARNING_RATE / 2)
    assert shapes_judge.judge_fingerprint(judge, 32) != fingerprint


def test_a_judge_kept_by_other_code_is_not_read(monkeypatch, tmp_path):
    trained = []
    monkeypatch.setattr(shapes_judge, "train_heads", lambda judge, *args, **kwargs: trained.append(judge))
    options = dict(image_size=16, num_examples=8, epochs=1, cache_dir=tmp_path)
    shapes_judge.train_shapes_judge.cache_clear()
    try:
        judges.train_shapes_judge(**options)
        (kept,) = tmp_path.glob("shapes_judge_16px_seed0_n8_e1_*.weights.h5")
        shapes_judge.train_shapes_judge.cache_clear()
        judges.train_shapes_judge(**options)
        assert len(trained) == 1  # read back, not trained again
        # Code that trains at another rate finds the kept file's name taken by another fingerprint: it trains
        # its own judge and keeps it beside the first.
        monkeypatch.setattr(shapes_judge, "LEARNING_RATE", shapes_judge.LEARNING_RATE / 2)
        shapes_judge.train_shapes_judge.cache_clear()
        judges.train_shapes_judge(**options)
        assert len(trained) == 2 and kept.is_file()
        assert len(list(tmp_path.glob("shapes_judge_16px_seed0_n8_e1_*.weights.h5"))) == 2
    finally:
        shapes_judge.train_shapes_judge.cache_clear()


def test_a_cache_that_cannot_be_written_is_said_and_the_judge_still_returned(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(shapes_judge, "train_heads", lambda *args, **kwargs: None)
    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder")
    shapes_judge.train_shapes_judge.cache_clear()
    try:
        judge = judges.train_shapes_judge(image_size=16, num_examples=8, epochs=1, cache_dir=blocker / "judges")
    finally:
        shapes_judge.train_shapes_judge.cache_clear()
    assert judge.inputs[0].shape[1] == 16
    said = capsys.readouterr().out
    assert f"could not be kept in {blocker / 'judges'}" in said and "trains it again" in said


def test_the_judge_shows_its_training_progress_in_a_terminal(monkeypatch, capsys):
    monkeypatch.setattr(shapes_judge.execution, "fit_verbosity", lambda: 1)  # as in a terminal
    shapes_judge.train_shapes_judge.cache_clear()
    try:
        judges.train_shapes_judge(image_size=16, num_examples=64, epochs=1)  # 2 steps of 32
    finally:
        shapes_judge.train_shapes_judge.cache_clear()
    said = capsys.readouterr().out
    assert "Training the shapes judge: 16 px, 64 images, 1 epochs" in said and "2/2" in said
