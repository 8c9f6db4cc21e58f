"""``experiment.run`` in-process, from configs and no absl flags: the hooks through which
experiments add callbacks and results."""

import dataclasses
import json

import keras
import numpy as np
import pytest
import tensorflow as tf
from absl import flags

from keras_gans import config, experiment, models, networks
from keras_gans.experiments import objectives
from keras_gans.experiments.base import Experiment


def short_ring8_run(tmp_path):
    """A short ring8 run's common settings."""
    return config.RunConfig(dataset="ring8", batch_size=32, epochs=2, steps_per_epoch=3,
                            model_dir=str(tmp_path / "run"), export=False)


def build(spec):
    generator = networks.mlp.generator(2, spec.sample_shape, hidden_units=(8,), output_activation=None)
    discriminator = networks.mlp.discriminator(spec.sample_shape, hidden_units=(8,))
    return models.GAN(generator, discriminator, 2, seed=0)


@dataclasses.dataclass(frozen=True)
class TinyConfig(config.Config):
    hidden: int = config.option(8, "Hidden units.")


class EpochCounter(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.epochs = []

    def on_epoch_end(self, epoch, logs=None):
        self.epochs.append(epoch)


def test_apps_add_callbacks_a_sampler_and_results(tmp_path):
    run_config = short_ring8_run(tmp_path)
    model_dir = tmp_path / "run"
    seen = {}
    counter = EpochCounter()

    class Hooks(Experiment):
        name, Config, data_kinds = "hooks", TinyConfig, ("points",)

        def build(self, ctx):
            return build(ctx.spec)

        def callbacks(self, ctx, model):
            seen["callbacks"] = (ctx.spec.name, ctx.model_dir, model.name)
            return [counter]

        def sample_callback(self, ctx, model):
            seen["sampler"] = ctx.spec.sample_shape
            return super().sample_callback(ctx, model)

        def evaluate(self, ctx, model):
            return {"mean_sample_norm": float(np.linalg.norm(model.generate(np.zeros((1, 2))).numpy())),
                    "dataset": ctx.spec.name}

    results = experiment.run(TinyConfig(), run_config, experiment=Hooks())
    assert seen == {"sampler": (2,), "callbacks": ("ring8", str(model_dir), seen["callbacks"][2])}
    assert counter.epochs == [0, 1]  # the extra callback took part in fit
    written = json.loads((model_dir / "results.json").read_text())
    assert written["evaluation"]["dataset"] == "ring8"
    assert written["evaluation"] == results["evaluation"]
    assert np.isfinite(written["evaluation"]["mean_sample_norm"])
    assert sorted(p.name for p in (model_dir / "samples").iterdir()) == ["epoch_0001.png", "epoch_0002.png"]


def test_an_experiment_runs_from_python_with_configs_and_no_flags_and_rebuilds_from_its_folder(tmp_path):
    """The README's Python example: a registered experiment, its config objects, no absl parsing; the
    model rebuilt from the run's config.json and last checkpoint makes what the export makes."""
    assert not flags.FLAGS.is_parsed()
    gan_config = objectives.GANConfig(hidden_units=(8,))
    run_config = short_ring8_run(tmp_path).replace(epochs=1, export=True, export_dir=str(tmp_path / "export"))
    results = experiment.run(gan_config, run_config)
    assert results["experiment"] == "gan" and results["steps"] == 3
    written = json.loads((tmp_path / "run" / "config.json").read_text())
    assert written == {"experiment": "gan", "config": gan_config.to_dict(), "run": run_config.to_dict()}
    assert "--hidden_units=8" in (tmp_path / "run" / "flags.cfg").read_text().splitlines()

    exp, read_config, read_run = experiment.read_run(tmp_path / "run")
    assert (exp.name, read_config, read_run) == ("gan", gan_config, run_config)
    checkpoint = tf.train.latest_checkpoint(tmp_path / "run" / "checkpoints")
    rebuilt = experiment.rebuild(exp, read_config, read_run, checkpoint)
    z = np.random.default_rng(0).normal(size=(4, 2)).astype("float32")
    served = tf.saved_model.load(results["export"]).signatures["serving_default"](z=tf.constant(z))["images"]
    np.testing.assert_allclose(rebuilt.generate(z).numpy(), served.numpy(), atol=1e-6)
    fresh = experiment.rebuild(exp, read_config, read_run)  # no checkpoint: other weights
    assert np.abs(fresh.generate(z).numpy() - served.numpy()).max() > 1e-3


def test_a_run_folder_of_other_networks_is_refused_naming_model_dir(tmp_path):
    run_config = short_ring8_run(tmp_path).replace(epochs=1)
    experiment.run(objectives.GANConfig(hidden_units=(8,)), run_config)
    with pytest.raises(config.ConfigError, match="`model_dir`=.* holds a checkpoint of other networks"):
        experiment.run(objectives.GANConfig(hidden_units=(16,)), run_config)


def test_bad_settings_raise_a_config_error_naming_them():
    for kwargs, flag in [({"epochs": -1}, "--epochs=-1"), ({"dataset": "imagenet64"}, "--dataset=imagenet64"),
                         ({"batch_size": 0}, "--batch_size=0"), ({"optimizer": "sgd"}, "--optimizer=sgd"),
                         ({"image_size": 7}, "--image_size=7")]:
        with pytest.raises(config.ConfigError) as error:
            config.RunConfig(**kwargs)
        assert error.value.as_flag().startswith(flag), error.value.as_flag()
    with pytest.raises(config.ConfigError, match="hidden_units"):
        TinyConfig.from_dict({"hidden": 4, "hidden_units": [3]})
