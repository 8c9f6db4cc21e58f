"""``apps/generate.py`` end to end: an export made here, the app run as a user runs it."""

import os
import subprocess
import sys

import keras
import numpy as np
import pytest
from PIL import Image

from keras_gans import export, images
from keras_gans.networks import mlp

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ENV = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
LATENT_DIM = 3
SHAPE = (4, 5, 1)  # H, W, C of one sample


def run_generate(*args):
    return subprocess.run([sys.executable, os.path.join(ROOT, "apps", "generate.py"), *args],
                          capture_output=True, text=True, cwd=ROOT, env=ENV, timeout=180)


def read_png(path):
    with Image.open(path) as image:
        return np.asarray(image)


@pytest.fixture(scope="module")
def exports(tmp_path_factory):
    """Two unconditional generators exported as versions 1 and 2 of one root."""
    keras.utils.set_random_seed(11)
    root = tmp_path_factory.mktemp("generate") / "mlp"
    generators = [mlp.generator(LATENT_DIM, SHAPE, hidden_units=(8,)) for _ in range(2)]
    for generator in generators:
        export.export_generator(generator, root)
    return root, generators


def test_writes_the_latest_versions_images_for_the_seeded_z(exports, tmp_path):
    root, (first, latest) = exports
    output = tmp_path / "out" / "grid.png"
    result = run_generate(f"--export_dir={root}", f"--output={output}", "--num_samples=16", "--seed=3")
    assert result.returncode == 0, result.stderr[-3000:]
    assert f"from {os.path.join(str(root), '2')}" in result.stdout
    grid = read_png(output)
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


def test_bad_version_fails_naming_the_flag(exports, tmp_path):
    root, _ = exports
    output = tmp_path / "grid.png"
    result = run_generate(f"--export_dir={root}", "--version=7", f"--output={output}")
    assert result.returncode != 0
    assert "--version=7 is not in" in result.stderr
    assert "available versions: [1, 2]" in result.stderr
    assert not output.exists()


def test_missing_export_dir_fails_clearly(tmp_path):
    missing = tmp_path / "nowhere"
    result = run_generate(f"--export_dir={missing}", f"--output={tmp_path / 'grid.png'}")
    assert result.returncode != 0
    assert f"--export_dir={missing} does not exist or is not a directory" in result.stderr
    assert os.listdir(tmp_path) == []


def test_conditional_export_cycles_labels_through_num_classes(tmp_path):
    keras.utils.set_random_seed(5)
    z_in = keras.Input((LATENT_DIM,), name="z")
    labels_in = keras.Input(shape=(), dtype="int32", name="labels")
    embedded = keras.layers.Embedding(3, 4)(labels_in)
    x = keras.layers.Concatenate()([z_in, embedded])
    x = keras.layers.Dense(6, activation="tanh")(x)
    x = keras.layers.Reshape((2, 3, 1))(x)  # [batch, 6] -> [batch, 2, 3, 1]
    generator = keras.Model([z_in, labels_in], x)
    root = tmp_path / "cgan"
    export.export_generator(generator, root)
    output = tmp_path / "grid.png"

    result = run_generate(f"--export_dir={root}", f"--output={output}", "--num_samples=9",
                          "--num_classes=3", "--seed=0")
    assert result.returncode == 0, result.stderr[-3000:]
    z = np.random.default_rng(0).standard_normal((9, LATENT_DIM)).astype(np.float32)
    labels = np.array([0, 1, 2] * 3, np.int32)
    expected = images.make_grid(images.to_uint8(generator([z, labels])), nrow=3)[..., 0]
    grid = read_png(output)
    assert grid.shape == (3 * 2 + 4 * 2, 3 * 3 + 4 * 2)
    assert np.abs(grid.astype(int) - expected).max() <= 1
    # The labels were used: all zeros would give other pixels.
    zeros = images.make_grid(images.to_uint8(generator([z, np.zeros(9, np.int32)])), nrow=3)[..., 0]
    assert np.abs(grid.astype(int) - zeros).max() > 5
