"""SavedModel export in TensorFlow Serving's layout (docs/design.md, "Export").

The version folder must be what ``saved_model_cli`` and a fresh Python process
see: tag ``serve``, signature ``serving_default`` with input ``z`` and output
``images``, and the same images as the in-memory generator in inference mode.
"""

import hashlib
import os
import subprocess
import sys

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_gans import export, models
from keras_gans.networks import mlp

LATENT_DIM = 4
SHAPE = (3, 3, 1)
ENV = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")


def run_in_fresh_interpreter(script, *args, timeout, cwd=None):
    """Runs ``python -c script args...`` with nothing of the test's state; fails the test unless it exits 0."""
    result = subprocess.run([sys.executable, "-c", script, *map(str, args)], capture_output=True, text=True,
                            cwd=cwd, env=ENV, timeout=timeout)
    assert result.returncode == 0, result.stderr[-3000:]
    return result


def bn_generator():
    """A tiny MLP generator whose batchnorm moving statistics differ from batch statistics."""
    generator = mlp.generator(LATENT_DIM, SHAPE, hidden_units=(8,), batchnorm=True)
    for layer in generator.layers:
        if isinstance(layer, keras.layers.BatchNormalization):
            layer.moving_mean.assign(np.full(layer.moving_mean.shape, 0.3, np.float32))
            layer.moving_variance.assign(np.full(layer.moving_variance.shape, 2.0, np.float32))
    return generator


def latent(n=5, seed=0):
    return np.random.default_rng(seed).standard_normal((n, LATENT_DIM)).astype(np.float32)


def tree_hashes(root):
    """``{relative path: sha256}`` of every file under ``root``."""
    hashes = {}
    for folder, _, files in os.walk(root):
        for name in files:
            path = os.path.join(folder, name)
            with open(path, "rb") as file:
                hashes[os.path.relpath(path, root)] = hashlib.sha256(file.read()).hexdigest()
    return hashes


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """A GAN with a batchnorm generator, exported once as version 1."""
    keras.utils.set_random_seed(7)
    generator = bn_generator()
    gan = models.GAN(generator, mlp.discriminator(SHAPE, hidden_units=(8,)), LATENT_DIM)
    root = tmp_path_factory.mktemp("export") / "dcgan"  # missing: export_generator creates it
    version = export.export_generator(gan, root)
    return generator, root, version


def test_export_writes_version_1_and_returns_its_path(exported):
    _, root, version = exported
    assert version == os.path.join(str(root), "1")
    assert os.path.isfile(os.path.join(version, "saved_model.pb"))
    assert os.path.isdir(os.path.join(version, "variables"))


FRESH_PROCESS = """
import contextlib, io, sys
import numpy as np
import tensorflow as tf
from tensorflow.python.tools import saved_model_cli

version, z_file, images_file, show_file = sys.argv[1:]
serve = tf.saved_model.load(version).signatures["serving_default"]
out = serve(z=tf.constant(np.load(z_file)))
assert sorted(out) == ["images"], sorted(out)
np.save(images_file, out["images"].numpy())
sys.argv = ["saved_model_cli", "show", "--all", "--dir", version]
shown = io.StringIO()
with contextlib.redirect_stdout(shown):
    try:
        saved_model_cli.main()
    except SystemExit as stop:
        assert not stop.code, stop.code
with open(show_file, "w") as file:
    file.write(shown.getvalue())
"""


@pytest.fixture(scope="module")
def fresh_process(exported, tmp_path_factory):
    """One new interpreter loads the export, serves a z batch and runs ``saved_model_cli show --all`` on it."""
    _, _, version = exported
    folder = tmp_path_factory.mktemp("fresh")
    z = latent(6)
    np.save(folder / "z.npy", z)
    run_in_fresh_interpreter(FRESH_PROCESS, version, folder / "z.npy", folder / "images.npy", folder / "show.txt",
                             timeout=120)
    return z, np.load(folder / "images.npy"), (folder / "show.txt").read_text()


def test_saved_model_cli_shows_serve_tag_and_serving_default(fresh_process):
    out = fresh_process[2]
    assert "MetaGraphDef with tag-set: 'serve'" in out
    block = out[out.index("signature_def['serving_default']"):]
    block = block[:block.index("Method name is")]
    z_info = block[block.index("inputs['z']"):block.index("The given SavedModel SignatureDef contains "
                                                          "the following output")]
    assert "dtype: DT_FLOAT" in z_info and f"shape: (-1, {LATENT_DIM})" in z_info
    images_info = block[block.index("outputs['images']"):]
    assert "dtype: DT_FLOAT" in images_info and "shape: (-1, 3, 3, 1)" in images_info
    assert block.count("inputs[") == 1 and block.count("outputs[") == 1


def test_fresh_process_reproduces_the_generator_in_inference_mode(exported, fresh_process):
    generator = exported[0]
    z, images, _ = fresh_process
    assert images.dtype == np.float32 and images.shape == (6,) + SHAPE
    np.testing.assert_allclose(images, generator(z, training=False).numpy(), atol=1e-6, rtol=0)
    # Batchnorm ran on its moving statistics, not on the batch's: training mode differs.
    assert np.abs(images - generator(z, training=True).numpy()).max() > 1e-2


def test_second_export_is_version_2_and_leaves_version_1_untouched(exported):
    generator, root, version = exported
    before = tree_hashes(version)
    stats_before = {path: os.stat(os.path.join(version, path)).st_mtime_ns for path in before}
    second = export.export_generator(generator, root)
    assert second == os.path.join(str(root), "2")
    assert sorted(os.listdir(root)) == ["1", "2"]  # no staging folder left behind
    assert tree_hashes(version) == before
    assert {path: os.stat(os.path.join(version, path)).st_mtime_ns for path in before} == stats_before
    assert export.list_versions(root) == [1, 2] and export.next_version(root) == 3


def test_trained_gan_exports_its_generator_with_the_learned_moving_statistics(tmp_path):
    generator = mlp.generator(LATENT_DIM, SHAPE, hidden_units=(8,), batchnorm=True)
    gan = models.GAN(generator, mlp.discriminator(SHAPE, hidden_units=(8,)), LATENT_DIM, seed=1)
    gan.compile(d_optimizer=keras.optimizers.Adam(1e-2), g_optimizer=keras.optimizers.Adam(1e-2))
    real = np.random.default_rng(0).uniform(-1, 1, (32,) + SHAPE).astype(np.float32)
    gan.fit(tf.data.Dataset.from_tensor_slices(real).batch(8), epochs=1, shuffle=False, verbose=0)
    moving_mean = generator.get_layer("bn_0").moving_mean.numpy()
    assert np.abs(moving_mean).max() > 0  # training moved the statistics away from their init
    serve = tf.saved_model.load(export.export_generator(gan, tmp_path)).signatures["serving_default"]
    z = latent(5, seed=1)
    images = serve(z=tf.constant(z))["images"].numpy()
    np.testing.assert_allclose(images, generator(z, training=False).numpy(), atol=1e-6, rtol=0)
    assert np.abs(images - generator(z, training=True).numpy()).max() > 1e-2


def test_conditional_generator_exports_z_and_labels(tmp_path):
    z_in = keras.Input((LATENT_DIM,), name="z")
    labels_in = keras.Input(shape=(), dtype="int32", name="labels")
    embedded = keras.layers.Embedding(3, LATENT_DIM)(labels_in)
    x = keras.layers.Dense(6, activation="tanh")(keras.layers.Concatenate()([z_in, embedded]))
    x = keras.layers.Reshape((2, 3, 1))(x)  # [batch, 6] -> [batch, 2, 3, 1]
    generator = keras.Model([z_in, labels_in], x)
    version = export.export_generator(generator, tmp_path / "cgan")
    serve = tf.saved_model.load(version).signatures["serving_default"]
    _, inputs = serve.structured_input_signature
    assert sorted(inputs) == ["labels", "z"]
    assert inputs["z"].dtype == tf.float32 and inputs["z"].shape.as_list() == [None, LATENT_DIM]
    assert inputs["labels"].dtype == tf.int32 and inputs["labels"].shape.as_list() == [None]
    assert serve.structured_outputs["images"].shape.as_list() == [None, 2, 3, 1]
    z, labels = latent(4), np.array([0, 1, 2, 1], np.int32)
    images = serve(z=tf.constant(z), labels=tf.constant(labels))["images"].numpy()
    np.testing.assert_allclose(images, generator([z, labels]).numpy(), atol=1e-6, rtol=0)
    # The label matters: another class gives other images for the same z.
    other = serve(z=tf.constant(z), labels=tf.constant(labels[::-1].copy()))["images"].numpy()
    assert np.abs(other[0] - images[0]).max() > 1e-4


def test_translation_generator_exports_images_input(tmp_path):
    source = keras.Input((4, 4, 3), name="images")
    out = keras.layers.Conv2D(3, 3, padding="same", activation="tanh")(source)
    generator = keras.Model(source, out)
    version = export.export_generator(generator, tmp_path / "pix2pix")
    serve = tf.saved_model.load(version).signatures["serving_default"]
    _, inputs = serve.structured_input_signature
    assert list(inputs) == ["images"] and inputs["images"].shape.as_list() == [None, 4, 4, 3]
    batch = np.random.default_rng(1).uniform(-1, 1, (2, 4, 4, 3)).astype(np.float32)
    np.testing.assert_allclose(serve(images=tf.constant(batch))["images"].numpy(),
                               generator(batch).numpy(), atol=1e-6, rtol=0)


@pytest.fixture
def tiny_generator():
    return mlp.generator(2, (2,), hidden_units=(4,))


def test_export_dir_under_proc_fails_naming_it(tiny_generator):
    target = "/proc/keras_gans_cannot_write_here"
    with pytest.raises(OSError, match="export_dir='/proc/keras_gans_cannot_write_here'"):
        export.export_generator(tiny_generator, target)
    assert not os.path.exists(target)


def test_regular_file_in_the_way_fails_naming_it(tiny_generator, tmp_path):
    blocker = tmp_path / "blocker"
    blocker.write_text("not a folder")
    with pytest.raises(NotADirectoryError, match="not a directory") as info:
        export.export_generator(tiny_generator, blocker)
    assert repr(str(blocker)) in str(info.value)
    below = blocker / "models"  # a file in the way of a parent folder
    with pytest.raises(OSError) as info:
        export.export_generator(tiny_generator, below)
    assert repr(str(below)) in str(info.value)
    assert blocker.read_text() == "not a folder"


def test_failed_write_leaves_no_version_and_no_staging(tiny_generator, tmp_path, monkeypatch):
    def broken(endpoints, path):
        with open(os.path.join(path, "saved_model.pb"), "w") as file:
            file.write("half written")
        raise RuntimeError("disk full")

    monkeypatch.setattr(export, "_write_saved_model", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        export.export_generator(tiny_generator, tmp_path)
    assert os.listdir(tmp_path) == []


def test_version_appearing_during_export_is_left_untouched(tiny_generator, tmp_path, monkeypatch):
    write = export._write_saved_model

    def racing(endpoints, path):
        write(endpoints, path)
        os.makedirs(tmp_path / "1")  # another exporter finished version 1 meanwhile
        (tmp_path / "1" / "marker").write_text("theirs")

    monkeypatch.setattr(export, "_write_saved_model", racing)
    with pytest.raises(FileExistsError, match="untouched"):
        export.export_generator(tiny_generator, tmp_path)
    assert os.listdir(tmp_path) == ["1"] and os.listdir(tmp_path / "1") == ["marker"]
    assert (tmp_path / "1" / "marker").read_text() == "theirs"


def test_next_version_skips_every_integer_entry(tmp_path):
    for name in ("1", "7", "abc", ".tmp-3-xyz", "\u00b2"):
        os.makedirs(tmp_path / name)
    (tmp_path / "9").write_text("a file named 9")
    assert export.list_versions(tmp_path) == [1, 7]
    assert export.next_version(tmp_path) == 10  # never collides with the file "9"
    assert export.next_version(tmp_path / "missing") == 1
    assert export.list_versions(tmp_path / "missing") == []


def test_serving_endpoints_choices_and_errors(tiny_generator):
    assert export.serving_endpoints(tiny_generator) == {"serving_default": tiny_generator}

    class WithGenerator:
        generator = tiny_generator

    assert export.serving_endpoints(WithGenerator()) == {"serving_default": tiny_generator}

    class NamedEndpoints:
        def serving_endpoints(self):
            return {"a_to_b": tiny_generator}

    with pytest.raises(ValueError, match="serving_default"):
        export.serving_endpoints(NamedEndpoints())
    with pytest.raises(ValueError, match="model=42"):
        export.serving_endpoints(42)


def test_input_signature_names_each_spec_after_its_input():
    a = keras.Input((2,), name="z")
    b = keras.Input((2,), name="w")
    model = keras.Model([a, b], keras.layers.Add()([a, b]))
    specs = export.input_signature(model)
    assert [s.name for s in specs] == ["z", "w"] and specs[0].shape.as_list() == [None, 2]


class _CountedCalls(keras.layers.Layer):
    """Identity that counts its calls: a traced or symbolic call runs the Python body once."""

    calls = 0

    def call(self, x):
        type(self).calls += 1
        return x


def test_each_distinct_endpoint_is_traced_once_and_callable_by_name(tmp_path):
    z = keras.Input((LATENT_DIM,), name="z")
    forward = keras.Model(z, keras.layers.Dense(2)(_CountedCalls()(z)))
    backward = keras.Model(z, keras.layers.Dense(2)(_CountedCalls()(z)))

    class TwoWay:  # a translation model's shape: serving_default is a_to_b under a second name
        def serving_endpoints(self):
            return {"serving_default": forward, "a_to_b": forward, "b_to_a": backward}

    _CountedCalls.calls = 0
    loaded = tf.saved_model.load(export.export_generator(TwoWay(), tmp_path))
    assert _CountedCalls.calls == 2
    x = latent(3)
    for name, network in (("serving_default", forward), ("a_to_b", forward), ("b_to_a", backward)):
        np.testing.assert_allclose(loaded.signatures[name](z=tf.constant(x))["images"], network(x), atol=1e-6)
        np.testing.assert_allclose(getattr(loaded, name)(tf.constant(x))["images"], network(x), atol=1e-6)
