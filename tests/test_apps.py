"""The apps end to end, in their own processes as a user runs them where that is the point.

Covers the experiment runner's promises: the ring8 quickstart, exact resume after a
SIGKILL, MirroredStrategy and MultiWorkerMirroredStrategy runs through
``experiment.run``, and clear errors on bad input.
"""

import json
import os
import signal
import socket
import subprocess
import sys
import time

import numpy as np
import pytest
from absl import flags

from keras_gans import cli, config, experiment, experiments

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ENV = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", PYTHONUNBUFFERED="1")
# A short ring8 run: 2 epochs of 40 steps.
SHORT = ["--dataset=ring8", "--hidden_units=32,32", "--batch_size=64", "--epochs=2",
         "--steps_per_epoch=40", "--deterministic"]
# The same in this process, whose other tests must not inherit op determinism (TensorFlow cannot turn it off).
IN_PROCESS = [arg for arg in SHORT if arg != "--deterministic"]


def app_command(app, *args):
    return [sys.executable, os.path.join(ROOT, "apps", f"{app}.py"), *args]


def run_app(app, *args, env=None, timeout=600):
    return subprocess.run(app_command(app, *args), capture_output=True, text=True, cwd=ROOT,
                          env=env or ENV, timeout=timeout)


def final_state(model_dir):
    """Every tensor of a run's last checkpoint: both networks, both optimizers, seed state."""
    import tensorflow as tf

    reader = tf.train.load_checkpoint(tf.train.latest_checkpoint(os.path.join(model_dir, "checkpoints")))
    names = [n for n in reader.get_variable_to_shape_map()
             if n != "_CHECKPOINTABLE_OBJECT_GRAPH" and not n.startswith("save_counter")]
    assert any(n.startswith("g_optimizer") for n in names) and any("seed" in n for n in names), names
    return {name: reader.get_tensor(name) for name in names}


def assert_same_state(a, b, atol=0.0):
    assert sorted(a) == sorted(b)
    for name in a:
        np.testing.assert_allclose(a[name], b[name], atol=atol, rtol=0, err_msg=name)


def test_ring8_quickstart_writes_its_outputs(tmp_path):
    """The README quickstart cut to 2 epochs of 100 steps, enough for some samples to reach a mode on
    every seed tried (0-4: 4 or 5 modes; after 50 steps some seeds had none). Its promise of 8 covered
    modes is checked by ``benchmarks/ring8_quickstart.py`` (the full 8,000 steps)
    and, at equal time, by ``benchmarks/mode_coverage.py --configs=pacgan2``."""
    result = run_app("gan", "--flagfile=apps/configs/gan_ring8.cfg", "--epochs=2", "--steps_per_epoch=100",
                     f"--model_dir={tmp_path / 'run'}", f"--export_dir={tmp_path / 'export'}")
    assert result.returncode == 0, result.stderr[-3000:]
    results = json.loads((tmp_path / "run" / "results.json").read_text())
    assert results["steps"] == 200
    assert 1 <= results["mode_coverage"]["modes"] <= 8, results
    assert set(results["mode_coverage"]) == {"modes", "high_quality", "reverse_kl"}
    samples = sorted(os.listdir(tmp_path / "run" / "samples"))
    assert samples == ["epoch_0001.png", "epoch_0002.png"]
    assert os.listdir(tmp_path / "run" / "logs")
    assert (tmp_path / "export" / "1" / "saved_model.pb").exists()
    # flags.cfg holds the resolved flags, including the ones from the flagfile.
    flagfile = (tmp_path / "run" / "flags.cfg").read_text().splitlines()
    assert {"--dataset=ring8", "--hidden_units=128,128,128", "--pack=2", "--epochs=2"} <= set(flagfile)


def test_a_killed_run_resumes_exactly(tmp_path):
    """SIGKILL after the first checkpoint, restart from flags.cfg: same generator as an unbroken run."""
    args = SHORT + ["--epochs=3", "--steps_per_epoch=60", "--export=false"]
    unbroken = run_app("gan", *args, f"--model_dir={tmp_path / 'a'}")
    assert unbroken.returncode == 0, unbroken.stderr[-3000:]

    model_dir = tmp_path / "b"
    process = subprocess.Popen(app_command("gan", *args, f"--model_dir={model_dir}"),
                               cwd=ROOT, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    state = model_dir / "checkpoints" / "checkpoint"
    deadline = time.time() + 300
    while not state.exists() and process.poll() is None and time.time() < deadline:
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert not (model_dir / "results.json").exists(), "the run finished before it could be killed"

    resumed = run_app("gan", f"--flagfile={model_dir / 'flags.cfg'}")
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    results = json.loads((model_dir / "results.json").read_text())
    assert results["initial_epoch"] >= 1
    assert results["steps"] == 3 * 60
    assert_same_state(final_state(model_dir), final_state(tmp_path / "a"))  # bitwise


def test_mirrored_run_through_the_app_matches_the_single_device_run(tmp_path):
    # Few steps: the all-reduce sums gradients in a different order than one
    # device does, and a GAN's dynamics amplify that rounding over long runs.
    # Both runs in this process, which has two logical CPUs (tests/conftest.py). The mirrored run
    # cannot use XLA, which draws other random numbers: the one-device run leaves it off too.
    few = IN_PROCESS + ["--steps_per_epoch=5"]
    gan = experiments.get("gan")
    for name, args in (("s", ["--nojit_compile"]), ("m", ["--strategy=mirrored", "--virtual_cpus=2"])):
        configs = cli.configs_from_args(gan, [*few, *args, f"--model_dir={tmp_path / name}",
                                              f"--export_dir={tmp_path / ('e' + name)}"])
        assert experiment.run(*configs, experiment=gan)["replicas"] == (2 if name == "m" else 1)
    assert_same_state(final_state(tmp_path / "m"), final_state(tmp_path / "s"), atol=1e-5)


def _free_ports(n):
    sockets = [socket.socket() for _ in range(n)]
    for s in sockets:
        s.bind(("localhost", 0))
    ports = [s.getsockname()[1] for s in sockets]
    for s in sockets:
        s.close()
    return ports


def test_two_worker_multi_worker_mirrored_run_on_localhost(tmp_path):
    workers = [f"localhost:{port}" for port in _free_ports(2)]
    processes = []
    for index in range(2):
        tf_config = {"cluster": {"worker": workers}, "task": {"type": "worker", "index": index}}
        env = dict(ENV, TF_CONFIG=json.dumps(tf_config))
        processes.append(subprocess.Popen(
            app_command("gan", *SHORT, "--steps_per_epoch=10", "--strategy=multi_worker",
                        f"--model_dir={tmp_path / 'run'}", f"--export_dir={tmp_path / 'export'}"),
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    outputs = [p.communicate(timeout=300) for p in processes]
    for process, (_, stderr) in zip(processes, outputs):
        assert process.returncode == 0, stderr[-3000:]
    results = json.loads((tmp_path / "run" / "results.json").read_text())  # written by the chief only
    assert results["steps"] == 2 * 10
    assert np.isfinite(results["metrics"]["d_loss"])
    assert os.listdir(tmp_path / "export") == ["1"]


@pytest.mark.parametrize("args,message", [
    (["--epoch=3"], "Did you mean: epochs"),  # refused by the flag parser
    (["--dataset=digits2bold"], "--dataset=digits2bold holds unpaired data"),  # refused by a config check
])
def test_bad_input_gets_a_clear_error_and_exit_status(tmp_path, args, message):
    result = run_app("gan", *SHORT, f"--model_dir={tmp_path / 'run'}", *args)
    assert result.returncode != 0
    assert message in result.stderr + result.stdout
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr  # the one line, no usage text


def test_a_missing_flagfile_is_refused_by_the_flag_parser_naming_it():
    """A flag parser error, which the app prints as its one line (as the typo above shows)."""
    with pytest.raises(flags.Error, match="no_such.cfg"):
        cli.configs_from_args(experiments.get("gan"), [*IN_PROCESS, "--flagfile=apps/configs/no_such.cfg"])


@pytest.mark.parametrize("args,message", [
    (["--dataset=imagenet64"], "--dataset=imagenet64 is not a known dataset"),
    (["--data_dir=/no/such/folder"], "--data_dir=/no/such/folder does not exist"),
    (["--epochs=-1"], "--epochs=-1 must be >= 0"),
    (["--seed=-1"], "--seed=-1 must be an integer in [0, 2**32)"),  # NumPy's and TensorFlow's seeds
    (["--beta_1=1.0"], "--beta_1=1.0 must be in [0, 1)"),
    (["--top_k_fraction=0"], "--top_k_fraction=0.0 must be in (0, 1]"),
    (["--batch_size=63", "--strategy=mirrored", "--virtual_cpus=2"], "--batch_size=63 is not divisible"),
    (["--export_dir=/proc/keras_gans_export"], "--export_dir=/proc/keras_gans_export is not writable"),
])
def test_bad_values_are_refused_before_training_naming_the_flag(tmp_path, args, message):
    """The ConfigError the app turns into its one line (as the cases above show)."""
    gan = experiments.get("gan")
    with pytest.raises(config.ConfigError) as error:
        experiment.run(*cli.configs_from_args(gan, [*IN_PROCESS, f"--model_dir={tmp_path / 'run'}", *args]),
                       experiment=gan)
    assert message in error.value.as_flag()
    assert not (tmp_path / "run" / "checkpoints").exists()
