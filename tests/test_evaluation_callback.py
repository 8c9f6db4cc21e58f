"""The Evaluation callback, through ``experiment.run``: epoch logs, TensorBoard, ModelCheckpoint,
results.json."""

import dataclasses
import json

import keras
import numpy as np
import pytest
import tensorflow as tf
from scipy.special import softmax

from keras_gans import callbacks, config, data, evaluation, experiment, features, models, networks
from keras_gans.experiments.base import Experiment
RING = np.stack([np.cos(np.arange(8) * np.pi / 4), np.sin(np.arange(8) * np.pi / 4)], axis=1)


def build(spec):
    generator = networks.mlp.generator(2, spec.sample_shape, hidden_units=(8,), output_activation=None)
    discriminator = networks.mlp.discriminator(spec.sample_shape, hidden_units=(8,))
    return models.GAN(generator, discriminator, 2, seed=0)


@dataclasses.dataclass(frozen=True)
class NoSettings(config.Config):
    """An experiment without settings of its own."""


def scalar_events(log_dir):
    found = {}
    for path in tf.io.gfile.glob(f"{log_dir}/events.out.tfevents.*"):
        for record in tf.data.TFRecordDataset(path):
            event = tf.compat.v1.Event.FromString(record.numpy())
            for value in event.summary.value:
                found[(value.tag, event.step)] = float(tf.make_ndarray(value.tensor))
    return found


def test_fid_every_two_epochs_reaches_logs_tensorboard_checkpoints_and_results(tmp_path):
    real = next(data.load("ring8", split="test", batch_size=1000, shuffle=False).as_numpy_iterator())
    holder = {}

    def callbacks_fn(spec, model_dir, model):
        holder["fid"] = callbacks.Evaluation(model_dir, "fid", features.PixelFeatures(), real, num_samples=400,
                                             every=2, seed=3)
        holder["best"] = keras.callbacks.ModelCheckpoint(str(tmp_path / "best.weights.h5"), monitor="fid",
                                                         mode=holder["fid"].mode, save_best_only=True,
                                                         save_weights_only=True)
        return [holder["fid"], holder["best"]]  # the checkpoint after the measure

    class Evaluated(Experiment):
        name, Config, data_kinds = "evaluated", NoSettings, ("points",)

        def build(self, ctx):
            return build(ctx.spec)

        def callbacks(self, ctx, model):
            return callbacks_fn(ctx.spec, ctx.model_dir, model)

    run_config = config.RunConfig(dataset="ring8", batch_size=32, epochs=5, steps_per_epoch=2,
                                  model_dir=str(tmp_path / "run"), export=False)
    results = experiment.run(NoSettings(), run_config, experiment=Evaluated())
    fid, best = holder["fid"], holder["best"]
    # After epochs 2 and 4, and after the last one (5) although 5 is not a multiple of 2.
    assert sorted(fid.values) == [2, 4, 5] and fid.last_value == fid.values[5]
    assert fid.mode == "min" and best.best == min(fid.values.values())
    assert (tmp_path / "best.weights.h5").exists()
    # The logged value is the FID of the final model's samples from the fixed z against the real points.
    model = fid.model
    samples = model.generate(callbacks.fixed_latent(3, 400, 2)).numpy()
    assert fid.values[5] == pytest.approx(evaluation.fid(real, samples), rel=1e-6)
    saved = json.loads((tmp_path / "run" / "results.json").read_text())
    assert saved["metrics"]["fid"] == results["metrics"]["fid"] == pytest.approx(fid.values[5])
    events = scalar_events(tmp_path / "run" / "logs" / "evaluation")
    assert events == pytest.approx({("fid", epoch): value for epoch, value in fid.values.items()}, rel=1e-6)


def test_inception_score_kid_and_argument_checks(tmp_path):
    keras.utils.set_random_seed(0)
    model = build(experiment.DataSpec("ring8", (2,)))
    # A "classifier" of 2-D points: logits from the angle's octant, sharp.
    def octant_logits(points):
        angles = np.arctan2(points[:, 1], points[:, 0])
        return 20.0 * np.cos(angles[:, None] - np.arange(8) * np.pi / 4)

    score = callbacks.Evaluation(tmp_path, "inception_score", octant_logits, None, num_samples=100, seed=1)
    samples = model.generate(callbacks.fixed_latent(1, 100, 2)).numpy()
    expected = evaluation.inception_score(softmax(octant_logits(samples), axis=1))["mean"]
    assert score.evaluate(model) == pytest.approx(expected) and score.mode == "max"
    kid = callbacks.Evaluation(tmp_path, "kid", features.PixelFeatures(), RING, num_samples=50, seed=1,
                               kid_subsets=4, kid_subset_size=8)
    assert kid.evaluate(model) == pytest.approx(evaluation.kernel_inception_distance(
        RING, model.generate(callbacks.fixed_latent(1, 50, 2)).numpy(), num_subsets=4, subset_size=8,
        seed=1)["mean"])
    with pytest.raises(ValueError, match="`measure` must be one of"):
        callbacks.Evaluation(tmp_path, "sharpness", features.PixelFeatures(), RING)
    with pytest.raises(ValueError, match="`real` images are needed for measure='fid'"):
        callbacks.Evaluation(tmp_path, "fid", features.PixelFeatures(), None)
    with pytest.raises(ValueError, match="`every`"):
        callbacks.Evaluation(tmp_path, "fid", features.PixelFeatures(), RING, every=0)
