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

SHORT_RUN = IN_PROCESS + ["--steps_per_epoch=20", "--export=false"]  # 2 epochs of 20 steps


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


# Keras reports the end of each execution of steps: with 4 steps per call, after steps 4, 8, 12, ...
@pytest.mark.parametrize("per_call, signal_after, saved_at", [(1, 10, 11), (4, 8, 12)])
def test_a_stop_mid_epoch_saves_that_step_and_the_run_resumes_exactly(tmp_path, capsys, per_call, signal_after,
                                                                      saved_at):
    gan = experiments.get("gan")

    class Interrupted(type(gan)):
        def callbacks(self, ctx, model):
            return [*super().callbacks(ctx, model), InterruptAt(epoch=1, batch=signal_after - 1)]

    def configs(name):
        return cli.configs_from_args(gan, [*SHORT_RUN, f"--steps_per_execution={per_call}",
                                           f"--model_dir={tmp_path / name}"])

    experiment.run(*configs("whole"), experiment=gan)
    with pytest.raises(interrupts.TrainingInterrupted) as stopped:
        experiment.run(*configs("cut"), experiment=Interrupted())
    # The SIGINT arrives after a call into TensorFlow; the checkpointer acts at the end of the next one.
    assert f"step {saved_at} of epoch 2 (20 steps)" in str(stopped.value), stopped.value
    cut = tmp_path / "cut" / "checkpoints"
    assert tf.train.latest_checkpoint(str(cut)).endswith("ckpt-1")  # the epochs' checkpoints: only the first
    saved = tf.train.load_checkpoint(tf.train.latest_checkpoint(str(cut / "interrupted")))
    assert saved.get_tensor("epoch/.ATTRIBUTES/VARIABLE_VALUE") == 1
    assert saved.get_tensor("epoch_step/.ATTRIBUTES/VARIABLE_VALUE") == saved_at
    assert not (tmp_path / "cut" / "results.json").exists()

    capsys.readouterr()
    resumed = experiment.run(*configs("cut"), experiment=gan)
    assert resumed["initial_epoch"] == 1 and resumed["steps"] == 40
    assert f"Epoch 2: resuming at step {saved_at + 1} of 20" in capsys.readouterr().out
    assert not (cut / "interrupted").exists()  # the epoch's checkpoint replaced it
    whole = _state(tf.train.latest_checkpoint(str(tmp_path / "whole" / "checkpoints")))
    again = _state(tf.train.latest_checkpoint(str(cut)))
    assert sorted(whole) == sorted(again)
    for name in whole:
        np.testing.assert_array_equal(whole[name], again[name], err_msg=name)


@pytest.mark.parametrize("epoch", [0, 1])
def test_a_stop_on_an_epochs_last_step_saves_that_epoch_and_the_last_one_finishes_the_run(tmp_path, epoch):
    gan = experiments.get("gan")

    class Interrupted(type(gan)):
        def callbacks(self, ctx, model):
            return [*super().callbacks(ctx, model), InterruptAt(epoch=epoch, batch=18)]

    run_dir = tmp_path / "run"
    configs = cli.configs_from_args(gan, [*SHORT_RUN, "--steps_per_execution=1", f"--model_dir={run_dir}"])
    if epoch == 0:
        with pytest.raises(interrupts.TrainingInterrupted, match="at the end of epoch 1"):
            experiment.run(*configs, experiment=Interrupted())
    else:  # the run's last step: training is complete, so the run measures and ends as usual
        assert experiment.run(*configs, experiment=Interrupted())["steps"] == 40
    assert tf.train.latest_checkpoint(str(run_dir / "checkpoints")).endswith(f"ckpt-{epoch + 1}")
    assert not (run_dir / "checkpoints" / "interrupted").exists()
    # The callbacks after the Checkpointer still saw the epoch end: its picture is there.
    assert (run_dir / "samples" / f"epoch_{epoch + 1:04d}.png").exists()
    assert (run_dir / "results.json").exists() == (epoch == 1)


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
    # Mid-epoch the step is saved apart; at an epoch's end, as that epoch.
    mid_epoch = last.startswith("gan.py: Training stopped at step ")
    assert (model_dir / "checkpoints" / "interrupted").is_dir() == mid_epoch, last
