"""The apps end to end, each in its own process as a user runs them.

Covers issue 3's acceptance checks: the ring8 quickstart, exact resume after a
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

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ENV = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", PYTHONUNBUFFERED="1")
# A short ring8 run: 2 epochs of 40 steps.
SHORT = ["--dataset=ring8", "--hidden_units=32,32", "--batch_size=64", "--epochs=2",
         "--steps_per_epoch=40", "--deterministic"]


def app_command(app, *args):
    return [sys.executable, os.path.join(ROOT, "apps", f"{app}.py"), *args]


def run_app(app, *args, env=None, timeout=600):
    return subprocess.run(app_command(app, *args), capture_output=True, text=True, cwd=ROOT,
                          env=env or ENV, timeout=timeout)


def exported_images(export_root, z):
    """Images of the newest exported version for ``z``, computed in a fresh process."""
    script = ("import sys, json, numpy as np, tensorflow as tf\n"
              "root = sys.argv[1]; version = max(int(v) for v in __import__('os').listdir(root) if v.isdigit())\n"
              "f = tf.saved_model.load(f'{root}/{version}').signatures['serving_default']\n"
              "z = np.array(json.loads(sys.argv[2]), 'float32')\n"
              "print(json.dumps(f(z=tf.constant(z))['images'].numpy().tolist()))\n")
    result = subprocess.run([sys.executable, "-c", script, str(export_root), json.dumps(z.tolist())],
                            capture_output=True, text=True, env=ENV, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    return np.array(json.loads(result.stdout))


Z = np.random.default_rng(0).normal(size=(16, 2)).astype("float32")


def test_ring8_quickstart_spreads_over_the_modes_and_writes_its_outputs(tmp_path):
    """The README quickstart, cut to 2 epochs of 500 steps (1,000 of its 3,000) (the full run is
    ``benchmarks/ring8_quickstart.py``: 8 of 8 modes)."""
    result = run_app("gan", "--flagfile=apps/configs/gan_ring8.cfg", "--epochs=2", "--steps_per_epoch=500",
                     f"--model_dir={tmp_path / 'run'}", f"--export_dir={tmp_path / 'export'}")
    assert result.returncode == 0, result.stderr[-3000:]
    results = json.loads((tmp_path / "run" / "results.json").read_text())
    assert results["mode_coverage"]["modes"] >= 6, results
    assert results["mode_coverage"]["high_quality"] >= 0.1, results
    samples = sorted(os.listdir(tmp_path / "run" / "samples"))
    assert samples == ["epoch_0001.png", "epoch_0002.png"]
    assert os.listdir(tmp_path / "run" / "logs")
    assert (tmp_path / "export" / "1" / "saved_model.pb").exists()
    # flags.cfg holds the resolved flags, including the ones from the flagfile.
    flagfile = (tmp_path / "run" / "flags.cfg").read_text().splitlines()
    assert "--dataset=ring8" in flagfile and "--hidden_units=256,256" in flagfile and "--epochs=2" in flagfile


def test_a_killed_run_resumes_exactly(tmp_path):
    """SIGKILL after the first checkpoint, restart from flags.cfg: same generator as an unbroken run."""
    args = SHORT + ["--epochs=3", "--steps_per_epoch=150"]
    unbroken = run_app("gan", *args, f"--model_dir={tmp_path / 'a'}", f"--export_dir={tmp_path / 'ea'}")
    assert unbroken.returncode == 0, unbroken.stderr[-3000:]

    model_dir = tmp_path / "b"
    process = subprocess.Popen(app_command("gan", *args, f"--model_dir={model_dir}",
                                           f"--export_dir={tmp_path / 'eb'}"),
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
    assert results["steps"] == 3 * 150
    np.testing.assert_array_equal(exported_images(tmp_path / "eb", Z), exported_images(tmp_path / "ea", Z))


def test_mirrored_run_through_the_app_matches_the_single_device_run(tmp_path):
    # Few steps: the all-reduce sums gradients in a different order than one
    # device does, and a GAN's dynamics amplify that rounding over long runs.
    few = SHORT + ["--steps_per_epoch=5"]
    single = run_app("gan", *few, f"--model_dir={tmp_path / 's'}", f"--export_dir={tmp_path / 'es'}")
    assert single.returncode == 0, single.stderr[-3000:]
    mirrored = run_app("gan", *few, "--strategy=mirrored", "--virtual_cpus=2",
                       f"--model_dir={tmp_path / 'm'}", f"--export_dir={tmp_path / 'em'}")
    assert mirrored.returncode == 0, mirrored.stderr[-3000:]
    np.testing.assert_allclose(exported_images(tmp_path / "em", Z), exported_images(tmp_path / "es", Z),
                               atol=1e-5)


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
            app_command("gan", *SHORT, "--strategy=multi_worker", f"--model_dir={tmp_path / 'run'}",
                        f"--export_dir={tmp_path / 'export'}"),
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    outputs = [p.communicate(timeout=300) for p in processes]
    for process, (_, stderr) in zip(processes, outputs):
        assert process.returncode == 0, stderr[-3000:]
    results = json.loads((tmp_path / "run" / "results.json").read_text())  # written by the chief only
    assert results["steps"] == 2 * 40
    assert np.isfinite(results["metrics"]["d_loss"])
    assert os.listdir(tmp_path / "export") == ["1"]


@pytest.mark.parametrize("args,message", [
    (["--dataset=imagenet64"], "--dataset"),
    (["--data_dir=/no/such/folder"], "--data_dir"),
    (["--epochs=-1"], "--epochs"),
    (["--batch_size=63", "--strategy=mirrored", "--virtual_cpus=2"], "--batch_size=63"),
    (["--export_dir=/proc/keras_gans_export"], "--export_dir"),
])
def test_bad_input_gets_a_clear_error_and_exit_status(tmp_path, args, message):
    result = run_app("gan", *SHORT, f"--model_dir={tmp_path / 'run'}", *args)
    assert result.returncode != 0
    assert message in result.stderr + result.stdout
    assert "Traceback" not in result.stderr
