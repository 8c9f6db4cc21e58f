"""Ctrl-C during training: the run saves the step it is at, stops with one line, and resumes exactly."""

import os
import signal
import subprocess
import time

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_gans import cli, experiment, experiments, interrupts
from test_apps import ENV, IN_PROCESS, ROOT, SHORT, app_command

# One step per call, so that a stop can fall inside an epoch of 40 steps.
ONE_STEP = IN_PROCESS + ["--steps_per_execution=1", "--export=false"]


def test_the_first_sigint_calls_back_and_the_second_raises():
    calls = []
    before = signal.getsignal(signal.SIGINT)
    with pytest.raises(KeyboardInterrupt):
        with interrupts.first_sigint_calls(lambda: calls.append("stop")):
            os.kill(os.getpid(), signal.SIGINT)
            assert calls == ["stop"]  # no exception: the block goes on
            os.kill(os.getpid(), signal.SIGINT)
    assert calls == ["stop"]
    assert signal.getsignal(signal.SIGINT) is before


class InterruptAt(keras.callbacks.Callback):
    """Sends this process a SIGINT at the end of one step, as a Ctrl-C in the terminal would."""

    def __init__(self, epoch, batch):
        super().__init__()
        self.at = (epoch, batch)
        self.epoch = None

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        if (self.epoch, batch) == self.at:
            os.kill(os.getpid(), signal.SIGINT)


def _state(checkpoint):
    reader = tf.train.load_checkpoint(checkpoint)
    return {name: reader.get_tensor(name) for name in reader.get_variable_to_shape_map()
            if name != "_CHECKPOINTABLE_OBJECT_GRAPH" and not name.startswith("save_counter")
            and not name.startswith("epoch")}


def test_a_stop_mid_epoch_saves_that_step_and_the_run_resumes_exactly(tmp_path):
    gan = experiments.get("gan")

    class Interrupted(type(gan)):
        def callbacks(self, ctx, model):
            return [*super().callbacks(ctx, model), InterruptAt(epoch=1, batch=9)]

    def configs(name):
        return cli.configs_from_args(gan, [*ONE_STEP, f"--model_dir={tmp_path / name}"])

    experiment.run(*configs("whole"), experiment=gan)
    with pytest.raises(interrupts.TrainingInterrupted) as stopped:
        experiment.run(*configs("cut"), experiment=Interrupted())
    # The SIGINT arrives after step 10 of the second epoch; the checkpointer acts at the end of the next step.
    assert "step 11 of epoch 2 (40 steps)" in str(stopped.value), stopped.value
    cut = tmp_path / "cut" / "checkpoints"
    assert tf.train.latest_checkpoint(str(cut)).endswith("ckpt-1")  # the epochs' checkpoints: only the first
    saved = tf.train.load_checkpoint(tf.train.latest_checkpoint(str(cut / "interrupted")))
    assert saved.get_tensor("epoch/.ATTRIBUTES/VARIABLE_VALUE") == 1
    assert saved.get_tensor("epoch_step/.ATTRIBUTES/VARIABLE_VALUE") == 11
    assert not (tmp_path / "cut" / "results.json").exists()

    resumed = experiment.run(*configs("cut"), experiment=gan)
    assert resumed["initial_epoch"] == 1 and resumed["steps"] == 80
    assert not (cut / "interrupted").exists()  # the epoch's checkpoint replaced it
    whole = _state(tf.train.latest_checkpoint(str(tmp_path / "whole" / "checkpoints")))
    again = _state(tf.train.latest_checkpoint(str(cut)))
    assert sorted(whole) == sorted(again)
    for name in whole:
        np.testing.assert_array_equal(whole[name], again[name], err_msg=name)


def test_a_stop_on_an_epochs_last_step_saves_that_epoch(tmp_path):
    gan = experiments.get("gan")

    class Interrupted(type(gan)):
        def callbacks(self, ctx, model):
            return [*super().callbacks(ctx, model), InterruptAt(epoch=0, batch=38)]

    run_dir = tmp_path / "run"
    with pytest.raises(interrupts.TrainingInterrupted, match="at the end of epoch 1"):
        experiment.run(*cli.configs_from_args(gan, [*ONE_STEP, f"--model_dir={run_dir}"]), experiment=Interrupted())
    assert tf.train.latest_checkpoint(str(run_dir / "checkpoints")).endswith("ckpt-1")
    assert not (run_dir / "checkpoints" / "interrupted").exists()


def test_ctrl_c_ends_an_app_with_one_line_and_status_130(tmp_path):
    model_dir = tmp_path / "run"
    args = [*SHORT, "--epochs=200", "--steps_per_execution=1", "--export=false", f"--model_dir={model_dir}"]
    process = subprocess.Popen(app_command("gan", *args), cwd=ROOT, env=ENV, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 300
    while not (model_dir / "checkpoints" / "checkpoint").exists() and process.poll() is None \
            and time.time() < deadline:
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 130, stderr[-3000:]
    assert "Traceback" not in stderr
    last = stderr.strip().splitlines()[-1]
    assert last.startswith("gan.py: Training stopped at ") and last.endswith("again to resume from there."), last
    assert os.path.isdir(model_dir / "checkpoints")
