"""``experiment.run`` in-process: the hooks through which apps add callbacks and results."""

import json

import keras
import numpy as np
import pytest
from absl import flags

from keras_gans import experiment, models, networks

FLAGS = flags.FLAGS


@pytest.fixture
def parsed_flags(tmp_path):
    """Parses a short ring8 run's flags, and restores the defaults afterwards."""
    FLAGS.unparse_flags()
    FLAGS(["test", "--dataset=ring8", "--batch_size=32", "--epochs=2", "--steps_per_epoch=3",
           f"--model_dir={tmp_path / 'run'}", "--noexport"])
    yield tmp_path / "run"
    FLAGS.unparse_flags()


def build(spec):
    generator = networks.mlp.generator(2, spec.sample_shape, hidden_units=(8,), output_activation=None)
    discriminator = networks.mlp.discriminator(spec.sample_shape, hidden_units=(8,))
    return models.GAN(generator, discriminator, 2, seed=0)


class EpochCounter(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.epochs = []

    def on_epoch_end(self, epoch, logs=None):
        self.epochs.append(epoch)


def test_apps_add_callbacks_a_sampler_and_results(parsed_flags):
    model_dir = parsed_flags
    seen = {}
    counter = EpochCounter()

    def callbacks_fn(spec, run_dir, model):
        seen["callbacks"] = (spec.name, str(run_dir), model.name)
        return [counter]

    def sample_callback_fn(spec, run_dir, model):
        seen["sampler"] = spec.sample_shape
        return experiment.default_sample_callback(spec, run_dir, model)

    def evaluate_fn(model, spec):
        return {"mean_sample_norm": float(np.linalg.norm(model.generate(np.zeros((1, 2))).numpy())),
                "dataset": spec.name}

    results = experiment.run(build, name="hooks", sample_callback_fn=sample_callback_fn,
                             callbacks_fn=callbacks_fn, evaluate_fn=evaluate_fn)
    assert seen == {"sampler": (2,), "callbacks": ("ring8", str(model_dir), seen["callbacks"][2])}
    assert counter.epochs == [0, 1]  # the extra callback took part in fit
    written = json.loads((model_dir / "results.json").read_text())
    assert written["evaluation"]["dataset"] == "ring8"
    assert written["evaluation"] == results["evaluation"]
    assert np.isfinite(written["evaluation"]["mean_sample_norm"])
    assert sorted(p.name for p in (model_dir / "samples").iterdir()) == ["epoch_0001.png", "epoch_0002.png"]
