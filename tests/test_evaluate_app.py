"""``apps/evaluate.py`` in-process on a DCGAN trained here for a few steps, exported and checkpointed."""

import collections
import functools
import importlib.util
import json
import os

import keras
import numpy as np
import pytest
from absl import app, flags
from PIL import Image

from keras_gans import (callbacks, cli, data, evaluation, experiment, experiments, export, features, images,
                        models, networks)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FLAGS = flags.FLAGS
LATENT_DIM = 8
ROWS, STEPS = 3, 4  # interpolation grid
# A judge trained for 2 epochs instead of 10 (its accuracy is tested in test_classifier.py).
SMALL = ["--classifier_epochs=2", "--num_samples=150", "--kid_subsets=5", "--memorization_samples=4", "--nearest=2",
         f"--interpolation_rows={ROWS}", f"--interpolation_steps={STEPS}", "--batch_size=64"]


def load_app():
    spec = importlib.util.spec_from_file_location("evaluate", os.path.join(ROOT, "apps", "evaluate.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


evaluate_app = load_app()


def run(*args):
    """Parses the flags as ``python apps/evaluate.py *args`` would, runs main, restores the defaults.

    Returns:
        The report main wrote (``report.json`` in ``--output_dir``).
    """
    FLAGS.unparse_flags()
    try:
        FLAGS(["evaluate", *args])
        assert evaluate_app.main(["evaluate"]) is None  # app.run exits with main's return value
        with open(os.path.join(FLAGS.output_dir, "report.json")) as file:
            return json.load(file)
    finally:
        FLAGS.unparse_flags()


def png(path):
    with Image.open(path) as image:
        return np.asarray(image)


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """A 32x32 DCGAN after 6 steps on digits: exported, and checkpointed in a run folder with flags.cfg."""
    keras.utils.set_random_seed(3)
    root = tmp_path_factory.mktemp("evaluate")
    generator = networks.dcgan.generator(LATENT_DIM, (32, 32, 1), base_filters=8)
    discriminator = networks.dcgan.discriminator((32, 32, 1), base_filters=8)
    gan = models.GAN(generator, discriminator, LATENT_DIM, seed=0)
    gan.compile()
    model_dir = root / "run"
    dataset = data.load("digits", batch_size=32, image_size=32).take(6)
    gan.fit(dataset, epochs=1, callbacks=[callbacks.Checkpointer(model_dir)], verbose=0)
    (model_dir / "flags.cfg").write_text(f"--dataset=digits\n--image_size=32\n--latent_dim={LATENT_DIM}\n"
                                         "--base_filters=8\n--noexport\n")
    export_dir = root / "export"
    export.export_generator(gan, export_dir)
    return gan, model_dir, export_dir


def test_evaluates_an_export_and_writes_report_and_grids(trained, tmp_path):
    gan, _, export_dir = trained
    report = run(f"--flagfile={ROOT}/apps/configs/evaluate_digits.cfg", f"--export_dir={export_dir}",
                 f"--output_dir={tmp_path}", "--arithmetic=0,1,8", *SMALL)
    measures, floor = report["measures"], report["reference"]["measures"]
    assert report["features"] == "digits_classifier/features" and report["generator"].endswith("1")
    assert measures["num_generated"] == 150 and measures["num_real"] == 1437 and floor["num_generated"] == 360
    assert set(measures) >= {"fid", "kid", "precision", "recall", "density", "coverage", "inception_score"}
    # Six steps of training are far from the real digits; the held-out real digits are close.
    assert measures["fid"] > 5 * floor["fid"] > 0
    assert measures["kid"]["mean"] > floor["kid"]["mean"] + 3 * floor["kid"]["std"]
    assert floor["precision"] > 0.5 and floor["recall"] > 0.5 and measures["recall"] < floor["recall"]
    assert 1 <= measures["inception_score"]["mean"] < floor["inception_score"]["mean"] <= 10

    # Interpolation grid: ROWS rows of STEPS 32x32 cells; its first and last columns are G(z_start), G(z_end).
    grid = png(tmp_path / "interpolation.png")
    assert grid.shape == (ROWS * 34 + 2, STEPS * 34 + 2)
    ends = callbacks.fixed_latent(1, 2 * ROWS, LATENT_DIM)  # --seed=0, so the ends use seed 1
    for row in range(ROWS):
        top = 2 + 34 * row
        for column, z in ((0, ends[row]), (STEPS - 1, ends[ROWS + row])):
            left = 2 + 34 * column
            expected = images.to_uint8(gan.generate(z[np.newaxis]))[0, ..., 0]
            assert np.abs(grid[top:top + 32, left:left + 32].astype(int) - expected).max() <= 1

    # Memorization: the reported nearest training digit is the true nearest, by brute force.
    train, _ = data.load_arrays("digits", image_size=32)
    first = gan.generate(callbacks.fixed_latent(0, 4, LATENT_DIM)).numpy()
    distances = np.linalg.norm((first[:, None] - train[None]).reshape(4, len(train), -1), axis=-1)
    assert report["memorization"]["nearest_train_indices"] == distances.argmin(axis=1).tolist()
    assert report["memorization"]["nearest_distance_mean"] == pytest.approx(distances.min(axis=1).mean(), 1e-5)
    assert png(tmp_path / "memorization.png").shape == (4 * 34 + 2, 3 * 34 + 2)

    # Arithmetic groups: up to 3 of the 512 samples from seed 2 that the judge assigns to 0, 1 and 8.
    judge = features.digit_classifier_features(image_size=32, epochs=2, output="logits")
    predicted = judge(gan.generate(callbacks.fixed_latent(2, 512, LATENT_DIM))).argmax(axis=1)
    sizes = [min(3, int(np.sum(predicted == c))) for c in (0, 1, 8)]
    assert report["arithmetic"]["group_sizes"] == sizes
    assert (report["arithmetic"]["grid"] is not None) == (tmp_path / "arithmetic.png").exists() == all(sizes)


def test_a_runs_last_checkpoint_is_evaluated_with_the_runs_flags(trained, tmp_path):
    gan, model_dir, _ = trained
    # Dataset, image size and the DCGAN's sizes come from the run's flags.cfg.
    report = run(f"--model_dir={model_dir}", "--app=dcgan", f"--output_dir={tmp_path}", "--reference_split=",
                 "--measures=fid", *SMALL)
    assert report["generator"].endswith("ckpt-1") and "reference" not in report
    assert report["dataset"] == "digits" and report["image_size"] == 32
    # The FID computed here, from the trained model itself, with the same judge, z and real split.
    judge = features.digit_classifier_features(image_size=32, epochs=2)
    real = evaluation.feature_statistics(judge.extract(data.load_arrays("digits", image_size=32)[0]))
    fake = evaluation.feature_statistics([judge(gan.generate(callbacks.fixed_latent(0, 150, LATENT_DIM)))])
    assert report["measures"]["fid"] == pytest.approx(evaluation.fid(real, fake), rel=1e-4)


def test_each_split_is_read_once_and_each_batch_embedded_once(trained, tmp_path, monkeypatch):
    _, _, export_dir = trained
    read = collections.Counter()  # images read from each real split
    load_split = evaluate_app.load_split

    class CountedSplit:
        def __init__(self, flag):  # "split" or "reference_split"
            self.dataset, self.split = load_split(flag), FLAGS[flag].value
            self.element_spec = self.dataset.element_spec

        def __iter__(self):
            for batch, labels in self.dataset.as_numpy_iterator():
                read[self.split] += len(batch)
                yield batch, labels

    kept = []  # the FeatureStatistics the app makes

    class RecordedStatistics(evaluation.FeatureStatistics):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            kept.append(self)

    forward = []  # batch sizes of the judge's forward passes
    predict = keras.Model.predict_on_batch
    monkeypatch.setattr(evaluate_app, "load_split", CountedSplit)
    monkeypatch.setattr(evaluation, "FeatureStatistics", RecordedStatistics)
    monkeypatch.setattr(keras.Model, "predict_on_batch", lambda self, x: forward.append(len(x)) or predict(self, x))
    report = run(f"--flagfile={ROOT}/apps/configs/evaluate_digits.cfg", f"--export_dir={export_dir}",
                 f"--output_dir={tmp_path}", "--measures=fid", *SMALL)
    assert read == {"train": 1437, "test": 360}  # the training split also served the memorization search
    # One pass of the judge per batch of 64, giving the features and the IS's logits together.
    assert forward == [64, 64, 22] + [64] * 5 + [40] + [64] * 22 + [29]  # generated, test, train
    assert "inception_score" in report["measures"] and "inception_score" in report["reference"]["measures"]
    assert len(kept) == 3 and all(statistics.keep == 0 for statistics in kept)  # FID alone keeps no rows


def test_shapes_are_measured_in_the_shapes_judges_features(tmp_path, monkeypatch):
    keras.utils.set_random_seed(4)
    gan = models.GAN(networks.dcgan.generator(LATENT_DIM, (16, 16, 3), base_filters=8),
                     networks.dcgan.discriminator((16, 16, 3), base_filters=8), LATENT_DIM, seed=0)
    export.export_generator(gan, tmp_path / "export")
    # The judge of 512 images and one epoch instead of 16,000 and two keeps it quick; auto asks for it.
    asked = []
    small = functools.partial(features.shapes_classifier_features, num_examples=512, epochs=1)
    monkeypatch.setattr(features, "shapes_classifier_features",
                        lambda **kwargs: asked.append(kwargs) or small(**kwargs))
    report = run(f"--export_dir={tmp_path / 'export'}", "--dataset=shapes", "--image_size=16", "--nojudge_cache",
                 "--seed=3", "--split=test", "--reference_split=", f"--output_dir={tmp_path / 'report'}", *SMALL)
    # One instrument whatever the run's seed: the 64-px judge of seed 0, the 16-px images upsampled to it.
    assert asked == [{"image_size": 16, "judge_size": 64, "seed": 0, "cache_dir": None}]
    assert report["features"] == "shapes_judge_64/features_of_16px"
    measures = report["measures"]
    assert measures["num_real"] == 10_000 and measures["num_generated"] == 150
    # The FID computed here with that extractor, from the same samples and real split.
    judge = small(image_size=16, judge_size=64, seed=0, cache_dir=None)
    real = evaluation.feature_statistics(judge.extract(data.load_arrays("shapes", split="test", image_size=16)[0]))
    fake = evaluation.feature_statistics([judge(gan.generate(callbacks.fixed_latent(3, 150, LATENT_DIM)))])
    assert measures["fid"] == pytest.approx(evaluation.fid(real, fake), rel=1e-4) and measures["fid"] > 1


@pytest.fixture
def measured(monkeypatch):
    """The image batches ``--features=pixels`` embeds, in the order the app embeds them."""
    batches = []

    class RecordingPixels(features.PixelFeatures):
        def __call__(self, images):
            batches.append(np.asarray(images))
            return super().__call__(images)

    monkeypatch.setattr(features, "PixelFeatures", RecordingPixels)
    return batches


def test_a_text_to_image_export_draws_the_captions_of_the_split_it_is_compared_with(tmp_path, measured):
    keras.utils.set_random_seed(5)
    shape, embedding_dim = (16, 16, 3), 6
    # The images of the unseen shape-colour pairs with their captions, as the real pass reads them.
    pairs = [(images, texts) for images, texts in data.load(
        "shapes/captions", split="test_unseen", image_size=16, batch_size=500, shuffle=False,
        drop_remainder=False).as_numpy_iterator()]
    captions = [text.decode() for _, texts in pairs for text in texts]
    count = len(captions) + 15  # more samples than the split: its captions again from the first
    encoder = networks.text_encoder.text_encoder(networks.text_encoder.build_vocabulary(captions),
                                                 embedding_dim=embedding_dim, word_dim=4, units=5, max_length=12)
    model = models.TextToImageGAN(
        networks.text2image.generator(LATENT_DIM, embedding_dim, shape, projection_dim=4, base_filters=4),
        networks.text2image.discriminator(shape, embedding_dim, projection_dim=4, base_filters=4),
        encoder, LATENT_DIM, seed=0)
    export.export_generator(model, tmp_path / "export")
    report = run(f"--export_dir={tmp_path / 'export'}", "--dataset=shapes/captions", "--split=test_unseen",
                 "--reference_split=", "--features=pixels", "--measures=fid", "--seed=3",
                 f"--output_dir={tmp_path / 'report'}", *SMALL, f"--num_samples={count}")
    assert report["captions"] == {"split": "test_unseen", "count": len(captions)}
    generated, real = np.split(np.concatenate(measured), [count])  # the samples first, then the real split
    np.testing.assert_array_equal(real, np.concatenate([images for images, _ in pairs]))
    z = callbacks.fixed_latent(3, count, LATENT_DIM)
    # Sample i is drawn for the caption of real image i (i modulo the split's size), not for another caption.
    np.testing.assert_allclose(generated, model.generate(z, captions + captions[:15]), atol=1e-5)
    assert np.abs(generated[:200] - np.asarray(model.generate(z[:200], captions[:200][::-1]))).max() > 1e-3
    with pytest.raises(app.UsageError, match="draws captions; --dataset=shapes holds none"):
        run(f"--export_dir={tmp_path / 'export'}", "--dataset=shapes", f"--output_dir={tmp_path / 'plain'}")
    with pytest.raises(app.UsageError, match="^--split=valid is not a split of shapes/captions"):
        run(f"--export_dir={tmp_path / 'export'}", "--dataset=shapes/captions", "--split=valid",
            f"--output_dir={tmp_path / 'bad_split'}")


def test_a_text_to_image_run_is_read_from_its_last_checkpoint_as_from_its_export(tmp_path, measured):
    # A folder of four training images with two captions each: the loader pairs one with each image.
    lines = []
    for i, colour in enumerate(("red", "green", "blue", "red")):
        pixels = np.zeros((16, 16, 3), np.uint8)
        pixels[4 * i:4 * i + 8, :, ("red", "green", "blue").index(colour)] = 255
        Image.fromarray(pixels).save(tmp_path / f"{i}.png")
        lines.append({"image": f"{i}.png", "captions": [f"a {colour} band, number {i}", f"{colour} {i}"]})
    (tmp_path / "captions.jsonl").write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    exp = experiments.get("text2image")
    settings, run_config = cli.configs_from_args(exp, [
        f"--dataset=captions:{tmp_path}", "--image_size=16", "--batch_size=2", "--epochs=1", "--steps_per_epoch=2",
        "--pretrain_steps=2", "--base_filters=4", "--embedding_dim=6", "--latent_dim=4", "--seed=1",
        f"--model_dir={tmp_path / 'run'}", f"--export_dir={tmp_path / 'export'}"])
    experiment.run(settings, run_config)
    options = ["--reference_split=", "--features=pixels", "--measures=fid", "--num_samples=6", "--seed=2",
               "--batch_size=4", "--memorization_samples=2", "--nearest=1"]
    from_checkpoint = run(f"--model_dir={tmp_path / 'run'}", f"--output_dir={tmp_path / 'report'}", *options)
    from_export = run(f"--export_dir={tmp_path / 'export'}", f"--dataset=captions:{tmp_path}",
                      f"--output_dir={tmp_path / 'report_export'}", *options)
    assert from_checkpoint["captions"] == from_export["captions"] == {"split": "train", "count": 4}
    # Six samples (the four captions, then the first two again) and the four real images, twice.
    assert [len(batch) for batch in measured] == [4, 2, 4] * 2
    np.testing.assert_allclose(np.concatenate(measured[:2]), np.concatenate(measured[3:5]), atol=1e-5)
    assert from_checkpoint["measures"]["fid"] == pytest.approx(from_export["measures"]["fid"], rel=1e-3)


def test_bad_input_fails_naming_the_flag(trained, tmp_path):
    _, _, export_dir = trained
    with pytest.raises(app.UsageError, match="--version=4 is not in .* available versions: \\[1\\]"):
        run(f"--export_dir={export_dir}", "--version=4", f"--output_dir={tmp_path}")
    with pytest.raises(app.UsageError, match=r"makes \(32, 32, 1\) images; --dataset=digits at "
                                             r"--image_size=16"):
        run(f"--export_dir={export_dir}", "--dataset=digits", "--image_size=16", f"--output_dir={tmp_path}")
    with pytest.raises(app.UsageError, match="--features=shapes_judge reads the shapes sets; received "
                                             "--dataset=digits"):
        run(f"--export_dir={export_dir}", "--image_size=32", "--features=shapes_judge", f"--output_dir={tmp_path}")
    with pytest.raises(app.UsageError, match="--inception_weights"):
        run(f"--export_dir={export_dir}", "--image_size=32", "--features=inception_v3",
            f"--output_dir={tmp_path}")
    for flag, name in (("split", "validation"), ("reference_split", "valid")):  # before any image is measured
        with pytest.raises(app.UsageError, match=f"^--{flag}={name} is not a split of digits: use one of train, "
                                                 f"test.$"):
            run(f"--export_dir={export_dir}", "--image_size=32", f"--{flag}={name}", f"--output_dir={tmp_path}")
    assert not os.listdir(tmp_path)
    (tmp_path / "a_file").write_text("in the way")
    with pytest.raises(app.UsageError, match="--output_dir=.*a_file/report cannot be created: Not a directory"):
        run(f"--export_dir={export_dir}", f"--output_dir={tmp_path / 'a_file' / 'report'}")
