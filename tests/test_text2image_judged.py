"""The shapes judge reading a text-to-image generator: one image per caption, and the app's measures after training.

Reed et al. 2016 ask whether the images show what their captions say; on the
captioned shapes the judge reads every attribute a caption names, so the
agreement is exact. A stand-in generator returns the real image of each
caption, so what the judge reads there is known.
"""

import os

import numpy as np
import pytest
import tensorflow as tf

from keras_gans import callbacks, config, data, experiment, judges
from keras_gans.data import shapes
from keras_gans.experiments import text2image

COUNT = 300  # two chunks of generation: 250 + 50


class RealImages:
    """Stands in for a text-to-image model: the real 32-px image of each caption of ``captions``, in order."""

    latent_dim = 4

    def __init__(self, captions, images):
        self.captions, self.images = list(captions), images.astype(np.float32) / 127.5 - 1.0
        self.cursor, self.z = 0, []

    def generate(self, z, captions):
        rows = slice(self.cursor, self.cursor + len(captions))
        assert list(captions) == self.captions[rows], "captions asked out of order"
        self.cursor += len(captions)
        self.z.append(np.asarray(z))
        return self.images[rows]


@pytest.fixture(scope="module")
def judge():
    return judges.train_shapes_judge(image_size=64, num_examples=64, epochs=1)  # memoized: the tests' small judge


def test_each_caption_is_judged_against_its_own_image_at_the_judges_size(judge):
    captions = shapes.split_captions("test")[:COUNT]
    images = shapes.split_images("test", 32, COUNT)
    model = RealImages(captions, images)
    scores = judges.text_conditional_scores(model, judge, captions, seed=3)
    assert model.cursor == COUNT  # every caption once, in order (RealImages checks the order)
    upsampled = np.asarray(judges.shapes.resized_for_judge(images.astype(np.float32) / 127.5 - 1.0))
    assert scores == judges.caption_agreement(judge, upsampled, captions)
    # Another image for each caption is read differently: the figure follows the pairing.
    assert scores != judges.caption_agreement(judge, upsampled[::-1], captions)
    z = np.concatenate(model.z)
    assert z.shape == (COUNT, 4) and len(np.unique(z[:, 0])) == COUNT  # one z per caption
    np.testing.assert_array_equal(z, callbacks.fixed_latent(3, COUNT, 4))  # the z of the sample pictures
    with pytest.raises(ValueError, match="at least one caption"):
        judges.text_conditional_scores(model, judge, [])
    # z follows the model's prior, as the sample pictures draw it.
    uniform = RealImages(captions, images)
    uniform.latent_distribution = "uniform"
    judges.images_for_captions(uniform, captions, seed=3)
    np.testing.assert_array_equal(np.concatenate(uniform.z), callbacks.fixed_latent(3, COUNT, 4, "uniform"))


def test_the_app_reports_the_judges_reading_of_both_held_out_splits_on_shapes_captions_only(judge, monkeypatch,
                                                                                           tmp_path):
    kept_in = []
    monkeypatch.setattr(text2image.judges, "train_shapes_judge",
                        lambda cache_dir: kept_in.append(cache_dir) or judge)
    count = text2image.JUDGED_CAPTIONS
    asked = {split: data.load_captions("shapes/captions", split=split, num_examples=count)
             for split in ("test", "test_unseen")}
    # The real images of other captions, so that a caption mispaired with its image would read differently.
    real = shapes.split_images("train", 32, count)

    class Real:
        """Draws the i-th real image for the i-th caption of a split; notes the captions and z asked for."""

        latent_dim = 4

        def __init__(self):
            self.asked, self.z = [], []

        def generate(self, z, captions):
            start = len(self.asked) % count
            self.asked.extend(captions)
            self.z.append(np.asarray(z))
            return real[start:start + len(captions)].astype(np.float32) / 127.5 - 1.0

    def context(dataset):
        return experiment.Context(config=text2image.TextToImageConfig(), run=config.RunConfig(dataset=dataset, seed=2),
                                  spec=None, model_dir=str(tmp_path), steps_per_epoch=1)

    model = Real()
    measures = text2image.TextToImageExperiment().evaluate(context("shapes/captions"), model)
    assert set(measures) == set(asked)
    assert model.asked == asked["test"] + asked["test_unseen"]
    np.testing.assert_array_equal(np.concatenate(model.z)[:count], callbacks.fixed_latent(2, count, 4))
    upsampled = np.asarray(judges.shapes.resized_for_judge(real.astype(np.float32) / 127.5 - 1.0))
    for split in measures:
        assert measures[split] == judges.caption_agreement(judge, upsampled, asked[split])
        assert measures[split]["count"] == count
    assert text2image.TextToImageExperiment().evaluate(context("captions:/nowhere"), model) is None
    assert kept_in == [judges.judge_cache_dir()]  # the judge an earlier run kept, if any


def test_caption_agreement_logs_the_share_read_right_on_all_four_every_few_epochs_and_at_the_last(judge, tmp_path):
    captions = shapes.split_captions("test")[:COUNT]
    images = shapes.split_images("test", 32, COUNT)
    reading = callbacks.CaptionAgreement(tmp_path, captions, lambda: judge, seed=3, every=2)
    reading.set_params({"epochs": 3})
    logged = []
    for epoch in range(3):
        model = RealImages(captions, images)  # the same images each epoch: the same reading
        reading.set_model(model)
        logs = {}
        reading.on_epoch_end(epoch, logs)
        logged.append(logs.get("caption_agreement"))
    expected = judges.text_conditional_scores(RealImages(captions, images), judge, captions, seed=3)["all"]
    assert logged == [None, expected, expected] and reading.values == {2: expected, 3: expected}
    reading.on_train_end()
    events = [event for path in (tmp_path / "logs" / "evaluation").iterdir()
              for event in tf.compat.v1.train.summary_iterator(str(path))]
    scalars = {event.step: float(tf.make_ndarray(value.tensor)) for event in events for value in event.summary.value
               if value.tag == "caption_agreement"}
    assert len(os.listdir(tmp_path / "logs" / "evaluation")) == 1
    assert scalars == pytest.approx({2: expected, 3: expected})  # the TensorBoard scalar, one file
    diverged = RealImages(captions, images)
    diverged.images = np.full_like(diverged.images, np.nan)
    reading.set_model(diverged)
    logs = {}
    reading.on_epoch_end(3, logs)  # a generator gone to NaN is not read
    assert logs == {} and 4 not in reading.values
    with pytest.raises(ValueError, match="at least one caption"):
        callbacks.CaptionAgreement(tmp_path, [], lambda: judge)


def test_keep_best_reads_the_validation_captions_and_keeps_the_best_epoch_on_shapes_captions_only(tmp_path):
    def context(dataset, keep_best):
        return experiment.Context(config=text2image.TextToImageConfig(keep_best=keep_best),
                                  run=config.RunConfig(dataset=dataset, seed=2), spec=None, model_dir=str(tmp_path),
                                  steps_per_epoch=1)

    exp = text2image.TextToImageExperiment()
    assert exp.callbacks(context("shapes/captions", False), None) == []
    reading, keep = exp.callbacks(context("shapes/captions", True), None)
    assert isinstance(reading, callbacks.CaptionAgreement) and isinstance(keep, callbacks.KeepBest)
    assert keep.monitor == reading.name and keep.mode == "max" and reading.seed == 3  # z unlike the reported ones
    count = text2image.JUDGED_CAPTIONS
    held_out = data.load_captions("shapes/captions", split="test", num_examples=2 * count)
    assert reading.captions == held_out[count:]  # after the reported ones: the choice never sees them
    with pytest.raises(config.ConfigError) as error:
        exp.build(context("captions:/nowhere", True))
    assert error.value.as_flag().startswith("--keep_best=True needs the shapes judge")
