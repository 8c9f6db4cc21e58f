"""``apps/generate.py`` end to end: exports made here, the app run as a user runs it, in one fresh process.

That process runs the app's entry point (``cli.run_app(generate.main)``) once
per command line below, each with its own ``sys.argv``, stdout and stderr, and
reports each exit status and output: one TensorFlow start for all of them.
"""

import json
import os
import textwrap

import keras
import numpy as np
import pytest
from PIL import Image

from keras_gans import export, images
from keras_gans.networks import mlp
from test_export import run_in_fresh_interpreter

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LATENT_DIM = 3
SHAPE = (4, 5, 1)  # H, W, C of one sample

DRIVER = textwrap.dedent("""
    import contextlib, importlib.util, io, json, sys
    from absl import flags
    from keras_gans import cli

    spec = importlib.util.spec_from_file_location("generate", sys.argv[1])
    generate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generate)
    reports = []
    for args in json.loads(sys.argv[2]):
        flags.FLAGS.unparse_flags()
        sys.argv = ["generate.py", *args]
        stdout, stderr, status = io.StringIO(), io.StringIO(), 0
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            try:
                cli.run_app(generate.main)
            except SystemExit as stop:
                status = stop.code or 0
        reports.append({"returncode": status, "stdout": stdout.getvalue(), "stderr": stderr.getvalue()})
    print(json.dumps(reports))
""")


def read_png(path):
    with Image.open(path) as image:
        return np.asarray(image)


def conditional_generator():
    """z and labels in, [2, 3, 1] images out."""
    keras.utils.set_random_seed(5)
    z_in = keras.Input((LATENT_DIM,), name="z")
    labels_in = keras.Input(shape=(), dtype="int32", name="labels")
    embedded = keras.layers.Embedding(3, 4)(labels_in)
    x = keras.layers.Concatenate()([z_in, embedded])
    x = keras.layers.Dense(6, activation="tanh")(x)
    x = keras.layers.Reshape((2, 3, 1))(x)  # [batch, 6] -> [batch, 2, 3, 1]
    return keras.Model([z_in, labels_in], x)


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Two unconditional generators exported as versions 1 and 2 of one root, one conditional one, and
    ``{case: (report, output folder)}`` of the app run on them."""
    folder = tmp_path_factory.mktemp("generate")
    keras.utils.set_random_seed(11)
    generators = [mlp.generator(LATENT_DIM, SHAPE, hidden_units=(8,)) for _ in range(2)]
    for generator in generators:
        export.export_generator(generator, folder / "mlp")
    conditional = conditional_generator()
    export.export_generator(conditional, folder / "cgan")
    cases = {
        "latest": [f"--export_dir={folder / 'mlp'}", "--num_samples=16", "--seed=3"],
        "bad_version": [f"--export_dir={folder / 'mlp'}", "--version=7"],
        "missing": [f"--export_dir={folder / 'nowhere'}"],
        "conditional": [f"--export_dir={folder / 'cgan'}", "--num_samples=9", "--num_classes=3", "--seed=0"],
        "labels_unused": [f"--export_dir={folder / 'mlp'}", "--labels=3"],
        "label_out_of_range": [f"--export_dir={folder / 'cgan'}", "--labels=0,5"],
    }
    outputs = {case: folder / case for case in cases}
    for case, output in outputs.items():
        output.mkdir()
        cases[case].append(f"--output={output / 'grid.png'}")
    cases["latest"][-1] = f"--output={outputs['latest'] / 'new' / 'grid.png'}"  # a folder the app creates
    cases["output_is_a_folder"] = [f"--export_dir={folder / 'mlp'}", f"--output={outputs['latest']}"]
    outputs["output_is_a_folder"] = outputs["latest"]
    result = run_in_fresh_interpreter(DRIVER, os.path.join(ROOT, "apps", "generate.py"),
                                      json.dumps(list(cases.values())), timeout=300, cwd=ROOT)
    reports = dict(zip(cases, json.loads(result.stdout.strip().splitlines()[-1])))
    return folder, generators, conditional, {case: (reports[case], outputs[case]) for case in cases}


def test_writes_the_latest_versions_images_for_the_seeded_z(runs):
    folder, (first, latest), _, reports = runs
    result, output = reports["latest"]
    assert result["returncode"] == 0, result["stderr"][-3000:]
    assert f"from {os.path.join(str(folder / 'mlp'), '2')}" in result["stdout"]
    grid = read_png(output / "new" / "grid.png")
    # 16 samples: 4 per row, 4 rows, 2 pixels of padding between and around the cells.
    assert grid.shape == (4 * 4 + 5 * 2, 4 * 5 + 5 * 2) and grid.dtype == np.uint8
    z = np.random.default_rng(3).standard_normal((16, LATENT_DIM)).astype(np.float32)
    expected = images.make_grid(images.to_uint8(latest(z, training=False)), nrow=4)[..., 0]
    # Same pixels up to a float32 rounding flip of one level.
    assert np.abs(grid.astype(int) - expected).max() <= 1
    assert np.mean(grid == expected) > 0.99
    # Not version 1's generator, and not another seed's draw.
    older = images.make_grid(images.to_uint8(first(z, training=False)), nrow=4)[..., 0]
    assert np.abs(grid.astype(int) - older).max() > 10
    other_z = np.random.default_rng(4).standard_normal((16, LATENT_DIM)).astype(np.float32)
    other = images.make_grid(images.to_uint8(latest(other_z, training=False)), nrow=4)[..., 0]
    assert np.abs(grid.astype(int) - other).max() > 10


def test_bad_version_fails_naming_the_flag(runs):
    result, output = runs[3]["bad_version"]
    assert result["returncode"] != 0
    assert "--version=7 is not in" in result["stderr"]
    assert "available versions: [1, 2]" in result["stderr"]
    assert len(result["stderr"].strip().splitlines()) == 1, result["stderr"]  # the one line, no traceback
    assert os.listdir(output) == []


def test_missing_export_dir_fails_clearly(runs):
    folder, _, _, reports = runs
    result, output = reports["missing"]
    assert result["returncode"] != 0
    assert f"--export_dir={folder / 'nowhere'} does not exist or is not a directory" in result["stderr"]
    assert os.listdir(output) == [] and not (folder / "nowhere").exists()


def test_conditional_export_cycles_labels_through_num_classes(runs):
    _, _, generator, reports = runs
    result, output = reports["conditional"]
    assert result["returncode"] == 0, result["stderr"][-3000:]
    z = np.random.default_rng(0).standard_normal((9, LATENT_DIM)).astype(np.float32)
    labels = np.array([0, 1, 2] * 3, np.int32)
    expected = images.make_grid(images.to_uint8(generator([z, labels])), nrow=3)[..., 0]
    grid = read_png(output / "grid.png")
    assert grid.shape == (3 * 2 + 4 * 2, 3 * 3 + 4 * 2)
    assert np.abs(grid.astype(int) - expected).max() <= 1
    # The labels were used: all zeros would give other pixels.
    zeros = images.make_grid(images.to_uint8(generator([z, np.zeros(9, np.int32)])), nrow=3)[..., 0]
    assert np.abs(grid.astype(int) - zeros).max() > 5


@pytest.mark.parametrize("case,message", [
    ("labels_unused", "--labels=3 is for signatures that take 'labels'; --signature=serving_default takes ['z']"),
    ("label_out_of_range", "--signature=serving_default refused the inputs made from the flags: indices"),
    ("output_is_a_folder", "is a directory; name a .png file in it"),
])
def test_flags_the_export_cannot_use_fail_in_one_line_before_writing(runs, case, message):
    result, output = runs[3][case]
    assert result["returncode"] == 1
    assert message in result["stderr"], result["stderr"]
    assert len(result["stderr"].strip().splitlines()) == 1, result["stderr"]
    assert not any(name.endswith(".png") for name in os.listdir(output))
