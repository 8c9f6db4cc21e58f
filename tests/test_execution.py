"""How a train step runs: XLA where it works and is faster, several steps per call where steps are small."""

import dataclasses
import json

import keras
import numpy as np
import pytest
import tensorflow as tf
from absl import logging

from keras_gans import callbacks, config, execution, experiment, experiments, models, networks


def tiny_gan():
    generator = networks.mlp.generator(2, (2,), hidden_units=(8,), output_activation=None)
    discriminator = networks.mlp.discriminator((2,), hidden_units=(8,))
    return models.GAN(generator, discriminator, 2, seed=0)


@pytest.mark.parametrize("requested, steps_per_epoch, points, expected", [
    (None, 100, True, 50),   # the 2-D sets' default
    (None, 22, True, 22),    # an epoch shorter than the default runs whole
    (None, 150, True, 50),
    (None, 70, True, 35),    # the largest divisor of 70 that is <= 50
    (None, 22, False, 1),    # images: one step per call
    (8, 22, False, 2),       # 8 does not divide 22: 2 does
    (7, 23, False, 1),       # a prime epoch runs one step per call
    (4, 40, False, 4),
])
def test_steps_per_execution_divides_the_epoch(requested, steps_per_epoch, points, expected):
    assert execution.steps_per_execution(requested, steps_per_epoch, points=points) == expected


@pytest.mark.parametrize("requested, steps_per_epoch, expected", [
    (None, 100, 10),  # a small image step: ten steps per call
    (None, 22, 2),    # the largest divisor of 22 that is <= 10
    (None, 7, 7),     # an epoch shorter than the default runs whole
    (1, 100, 1),      # the flag decides
])
def test_small_image_steps_run_ten_to_a_call(requested, steps_per_epoch, expected):
    assert execution.steps_per_execution(requested, steps_per_epoch, small_step=True) == expected


def test_a_step_is_small_up_to_the_arithmetic_threshold():
    assert execution.is_small_step(execution.SMALL_STEP_MAX_FORWARD_GFLOP)
    assert not execution.is_small_step(execution.SMALL_STEP_MAX_FORWARD_GFLOP * 1.01)
    assert not execution.is_small_step(None)  # not countable: one step per call


def test_an_experiment_runs_small_image_steps_several_to_a_call_and_large_ones_one_by_one():
    registered = experiments.get("dcgan")
    images = experiments.base.DataSpec("digits", (16, 16, 1), num_classes=10)
    ctx = experiments.base.Context(config=registered.Config(), run=config.RunConfig(batch_size=64), spec=images,
                                   model_dir="", steps_per_epoch=1)
    digits = models.GAN(networks.dcgan.generator(100, (16, 16, 1), base_filters=8),
                        networks.dcgan.discriminator((16, 16, 1), base_filters=8), 100, seed=0)
    heavy = models.GAN(networks.dcgan.generator(100, (64, 64, 1), base_filters=32),
                       networks.dcgan.discriminator((64, 64, 1), base_filters=32), 100, seed=0)
    assert registered.small_step(ctx, digits) and not registered.small_step(ctx, heavy)


def test_several_replicas_take_one_step_per_call_and_say_so_once(monkeypatch):
    said = []
    monkeypatch.setattr(logging, "warning", said.append)
    monkeypatch.setattr(execution, "_SAID", set())
    assert execution.steps_per_execution(None, 100, points=True, replicas=2) == 1
    assert execution.steps_per_execution(10, 100, replicas=2) == 1
    assert execution.steps_per_execution(None, 100, replicas=2) == 1  # one step asked for: nothing to say
    assert len(said) == 1 and "2 replicas" in said[0]


def test_a_lowered_steps_per_execution_is_said_once(monkeypatch):
    said = []
    monkeypatch.setattr(logging, "warning", said.append)
    monkeypatch.setattr(execution, "_SAID", set())
    for _ in range(3):
        execution.steps_per_execution(12, 22)
    assert len(said) == 1 and "--steps_per_execution=12 runs 11" in said[0]


def test_xla_default_follows_what_is_faster_and_the_flag_forces_either_way():
    gan = tiny_gan()
    assert execution.jit_compile(None, gan) is True
    assert execution.jit_compile(None, gan, faster=False) is False
    assert execution.jit_compile(False, gan) is False
    assert execution.jit_compile(True, gan, faster=False) is True


def test_avx512_is_read_from_the_cpu_flags(tmp_path):
    wide, narrow = tmp_path / "wide", tmp_path / "narrow"
    wide.write_text("processor\t: 0\nflags\t\t: fpu sse2 avx2 fma avx512f avx512bw\n")
    narrow.write_text("processor\t: 0\nflags\t\t: fpu sse2 avx2 fma avx512_fake\n")
    assert execution.cpu_has_avx512(str(wide)) is True
    assert execution.cpu_has_avx512(str(narrow)) is False
    assert execution.cpu_has_avx512(str(tmp_path / "absent")) is False


def test_a_step_above_the_arithmetic_threshold_runs_without_xla_and_says_why_once(monkeypatch):
    said = []
    monkeypatch.setattr(logging, "warning", said.append)
    monkeypatch.setattr(execution, "_SAID", set())
    monkeypatch.setattr(execution, "cpu_has_avx512", lambda: True)
    gan = tiny_gan()
    limit = execution.CPU_XLA_MAX_FORWARD_GFLOP
    assert execution.jit_compile(None, gan, count_gflop=lambda: limit) is True
    assert execution.jit_compile(None, gan, count_gflop=lambda: None) is True  # not counted: the experiment decides
    assert execution.jit_compile(None, gan, count_gflop=lambda: 2.5 * limit) is False
    assert execution.jit_compile(None, gan, count_gflop=lambda: 2.5 * limit) is False
    assert execution.jit_compile(True, gan, count_gflop=lambda: 2.5 * limit) is True
    assert len(said) == 1 and f"{2.5 * limit:.1f} GFLOP" in said[0] and "--jit_compile forces it on" in said[0]


def test_the_arithmetic_is_counted_only_when_it_decides(monkeypatch):
    counted = []

    def count():
        counted.append(1)
        return 100.0

    gan = tiny_gan()
    monkeypatch.setattr(execution, "cpu_has_avx512", lambda: False)
    assert execution.jit_compile(None, gan, count_gflop=count) is True  # no AVX-512: the experiment decides
    monkeypatch.setattr(execution, "cpu_has_avx512", lambda: True)
    assert execution.jit_compile(False, gan, count_gflop=count) is False
    assert execution.jit_compile(True, gan, count_gflop=count) is True
    assert execution.jit_compile(None, gan, faster=False, count_gflop=count) is False
    assert counted == []
    assert execution.jit_compile(None, gan, count_gflop=count) is False
    assert counted == [1]


@pytest.mark.parametrize("avx512", [True, False])
def test_on_an_avx512_cpu_an_experiment_leaves_xla_off_for_a_large_image_step(monkeypatch, avx512):
    monkeypatch.setattr(execution, "cpu_has_avx512", lambda: avx512)
    assert execution.cpu_only()  # the machines the suite runs on have no GPU
    registered = experiments.get("dcgan")
    assert registered.xla_faster
    heavy = models.GAN(networks.dcgan.generator(100, (64, 64, 1), base_filters=32),
                       networks.dcgan.discriminator((64, 64, 1), base_filters=32), 100, seed=0)
    images = experiments.base.DataSpec("shapes", (64, 64, 1), num_classes=6)
    ctx = experiments.base.Context(config=registered.Config(), run=config.RunConfig(batch_size=64), spec=images,
                                   model_dir="", steps_per_epoch=1)
    assert registered.jit_compile(ctx, heavy) is (not avx512)
    assert registered.jit_compile(ctx, tiny_gan()) is True
    forced = dataclasses.replace(ctx, run=config.RunConfig(batch_size=64, jit_compile=True))
    assert registered.jit_compile(forced, heavy) is True


def test_xla_default_is_off_under_two_replicas_and_says_why_once(mirrored, monkeypatch):
    said = []
    monkeypatch.setattr(logging, "warning", said.append)
    monkeypatch.setattr(execution, "_SAID", set())
    with mirrored.scope():
        gan = tiny_gan()
        assert execution.jit_compile(None, gan) is False
        assert execution.jit_compile(None, gan) is False
        assert execution.jit_compile(True, gan) is True
    assert len(said) == 1 and "2 replicas" in said[0] and "--jit_compile forces it on" in said[0]


def test_a_model_whose_step_xla_cannot_compile_trains_without_it_and_refuses_the_flag(monkeypatch):
    said = []
    monkeypatch.setattr(logging, "warning", said.append)
    monkeypatch.setattr(execution, "_SAID", set())
    gan = tiny_gan()
    gan.xla_unsupported = "its step reads strings"
    assert execution.jit_compile(None, gan) is False
    assert said == ["XLA is off for GAN: its step reads strings."]  # no flag to offer: forcing it fails
    with pytest.raises(config.ConfigError, match="jit_compile.*cannot compile GAN's step: its step reads strings"):
        execution.jit_compile(True, gan)


@pytest.mark.parametrize("name", sorted(experiments.REGISTRY))
def test_each_experiment_defaults_to_xla_only_where_it_measured_faster(name):
    registered = experiments.get(name)
    gan = tiny_gan()
    images = experiments.base.DataSpec("digits", (16, 16, 1), num_classes=10)
    ctx = experiments.base.Context(config=registered.Config(), run=config.RunConfig(), spec=images,
                                   model_dir="", steps_per_epoch=1)
    assert registered.jit_compile(ctx, gan) is registered.xla_faster
    forced = dataclasses.replace(ctx, run=config.RunConfig(jit_compile=not registered.xla_faster))
    assert registered.jit_compile(forced, gan) is (not registered.xla_faster)


def test_run_config_leaves_both_unset_and_checks_the_count():
    run = config.RunConfig()
    assert run.jit_compile is None and run.steps_per_execution is None
    with pytest.raises(config.ConfigError, match="steps_per_execution"):
        config.RunConfig(steps_per_execution=0)


class BatchEnds(keras.callbacks.Callback):
    """The optimizer step at every batch end Keras reports, and the epochs that ended."""

    def __init__(self):
        super().__init__()
        self.steps, self.epochs = [], []

    def on_train_batch_end(self, batch, logs=None):
        self.steps.append(int(self.model.g_optimizer.iterations.numpy()))

    def on_epoch_end(self, epoch, logs=None):
        self.epochs.append((epoch, int(self.model.g_optimizer.iterations.numpy())))


def watched(name, callback):
    """The registered experiment ``name`` and a copy of it that adds ``callback`` to fit and skips the
    evaluation after training."""
    registered = experiments.get(name)

    class Watched(type(registered)):
        def callbacks(self, ctx, model):
            return [callback]

        def evaluate(self, ctx, model):
            return None

    return registered, Watched()


def test_epochs_and_checkpoints_end_where_they_would_with_one_step_per_call(tmp_path):
    ends = BatchEnds()
    registered, watched_gan = watched("gan", ends)
    run = config.RunConfig(dataset="ring8", batch_size=32, epochs=3, steps_per_epoch=30,
                           model_dir=str(tmp_path / "run"), export=False)
    gan_config = registered.Config(hidden_units=(16, 16))
    results = experiment.run(gan_config, run, experiment=watched_gan)
    # 30 steps per epoch, 30 steps per call (the largest divisor <= 50): one batch end per epoch.
    assert ends.steps == [30, 60, 90]
    assert ends.epochs == [(0, 30), (1, 60), (2, 90)]
    assert results["steps"] == 90
    assert sorted(p.name for p in (tmp_path / "run" / "samples").iterdir()) == [
        "epoch_0001.png", "epoch_0002.png", "epoch_0003.png"]
    saved = tf.train.load_checkpoint(tf.train.latest_checkpoint(str(tmp_path / "run" / "checkpoints")))
    names = [n for n in saved.get_variable_to_shape_map() if n.startswith("g_optimizer/_iterations")]
    assert [int(saved.get_tensor(n)) for n in names] == [90]


def test_a_small_image_run_takes_ten_steps_per_call_by_default(tmp_path):
    ends = BatchEnds()
    registered, watched_dcgan = watched("dcgan", ends)
    run = config.RunConfig(dataset="digits", image_size=8, batch_size=16, epochs=2, steps_per_epoch=20,
                           model_dir=str(tmp_path / "run"), export=False)
    experiment.run(registered.Config(base_filters=8, latent_dim=8), run, experiment=watched_dcgan)
    assert ends.steps == [10, 20, 30, 40]
    assert ends.epochs == [(0, 20), (1, 40)]


def test_the_guard_stops_within_the_call_where_a_loss_became_nan(tmp_path):
    gan = tiny_gan()
    gan.compile(steps_per_execution=10)
    gan.d_optimizer.learning_rate = 1e30  # D's weights overflow within the first steps
    guard = callbacks.NonFiniteGuard()
    points = tf.data.Dataset.from_tensors(tf.ones((16, 2))).repeat()
    gan.fit(points, epochs=1, steps_per_epoch=100, callbacks=[guard], verbose=0, shuffle=False)
    assert guard.message is not None and "at step 10 " in guard.message + " "
    assert int(gan.g_optimizer.iterations.numpy()) == 10  # stopped after the first call of 10 steps


def xla_digits_run(tmp_path, name, epochs):
    return config.RunConfig(dataset="digits", image_size=8, batch_size=64, epochs=epochs, steps_per_epoch=4,
                            steps_per_execution=2, model_dir=str(tmp_path / name), export=False)


def test_an_xla_compiled_image_run_resumes_bit_exactly(tmp_path):
    """DCGAN on digits with the default XLA and two steps per call: 2 epochs, or 1 epoch then a resumed 1."""
    dcgan = experiments.get("dcgan")
    small = dcgan.Config(base_filters=8, latent_dim=8)
    compiled = []

    class Recorded(type(dcgan)):
        def compile(self, ctx, model):
            super().compile(ctx, model)
            compiled.append((model.jit_compile, ctx.run.jit_compile))

        def evaluate(self, ctx, model):
            return None

    experiment.run(small, xla_digits_run(tmp_path, "whole", 2), experiment=Recorded())
    experiment.run(small, xla_digits_run(tmp_path, "cut", 1), experiment=Recorded())
    resumed = experiment.run(small, xla_digits_run(tmp_path, "cut", 2), experiment=Recorded())
    assert compiled == [(True, None)] * 3  # XLA by default, and config.json keeps it unset
    assert resumed["initial_epoch"] == 1 and resumed["steps"] == 8
    stored = json.loads((tmp_path / "cut" / "config.json").read_text())
    assert stored["run"]["jit_compile"] is None

    def state(name):
        reader = tf.train.load_checkpoint(tf.train.latest_checkpoint(str(tmp_path / name / "checkpoints")))
        return {n: reader.get_tensor(n) for n in reader.get_variable_to_shape_map()
                if n != "_CHECKPOINTABLE_OBJECT_GRAPH" and not n.startswith("save_counter")}

    whole, cut = state("whole"), state("cut")
    assert sorted(whole) == sorted(cut)
    for name in whole:
        np.testing.assert_array_equal(whole[name], cut[name], err_msg=name)
