"""Tests of keras_gans.callbacks: sample grids, toy scatter plots, checkpoints, NaN guard."""

import glob
import io
import math
import os

import keras
import numpy as np
import pytest
import tensorflow as tf
from PIL import Image

from keras_gans import callbacks, images
from keras_gans.models import GAN
from keras_gans.networks import mlp

RING8 = np.stack([np.cos(np.arange(8) * np.pi / 4), np.sin(np.arange(8) * np.pi / 4)], axis=1)


def make_gan(init_seed, *, gan_seed=7, sample_shape=(2,), latent_dim=4, batchnorm=False,
             g_dropout=0.0, d_dropout=0.0, latent_distribution="normal"):
    """A tiny MLP GAN; ``init_seed`` fixes the initial weights."""
    keras.utils.set_random_seed(init_seed)
    generator = mlp.generator(latent_dim, sample_shape, hidden_units=(8,), batchnorm=batchnorm,
                              dropout=g_dropout,
                              output_activation="tanh" if len(sample_shape) > 1 else None)
    discriminator = mlp.discriminator(sample_shape, hidden_units=(8,), dropout=d_dropout)
    gan = GAN(generator, discriminator, latent_dim, seed=gan_seed,
              latent_distribution=latent_distribution)
    gan.compile(d_optimizer=keras.optimizers.Adam(1e-2, beta_1=0.5),
                g_optimizer=keras.optimizers.Adam(1e-2, beta_1=0.5))
    return gan


def full_state(gan):
    """Every value an exact resume must restore, as NumPy arrays."""
    variables = (gan.variables + gan.d_optimizer.variables + gan.g_optimizer.variables
                 + [gan.seed_generator.state])
    return [(v.path, keras.ops.convert_to_numpy(v)) for v in variables]


def png(path):
    with Image.open(path) as image:
        return np.asarray(image)


def summary_events(log_dir):
    events = []
    for path in sorted(glob.glob(os.path.join(log_dir, "events.out.tfevents.*"))):
        for record in tf.data.TFRecordDataset(path):
            event = tf.compat.v1.Event.FromString(record.numpy())
            for value in event.summary.value:
                events.append((event.step, value))
    return events


class FakeModel:
    """A generator model (``keras_gans.protocols.Sampler``): ``generate`` calls a NumPy function of z (and labels)."""

    latent_distribution = "normal"

    def __init__(self, fn, latent_dim=2, num_classes=None):
        self.fn = fn
        self.latent_dim = latent_dim
        self.num_classes = num_classes
        self.calls = []

    def generate(self, z, labels=None):
        self.calls.append((np.array(z), None if labels is None else np.array(labels)))
        return self.fn(np.asarray(z)) if labels is None else self.fn(np.asarray(z), np.asarray(labels))


# ----------------------------------------------------------------------------- SampleGrid


def test_sample_grid_writes_one_png_per_epoch_and_an_image_summary(tmp_path):
    gan = make_gan(1, sample_shape=(4, 4, 1))
    data = np.random.default_rng(0).uniform(-1, 1, size=(16, 4, 4, 1)).astype("float32")
    sampler = callbacks.SampleGrid(tmp_path, seed=3, num_samples=6)
    gan.fit(data, batch_size=8, epochs=2, callbacks=[sampler], verbose=0, shuffle=False)

    files = sorted(os.listdir(tmp_path / "samples"))
    assert files == ["epoch_0001.png", "epoch_0002.png"]
    grid = png(tmp_path / "samples" / "epoch_0002.png")
    # 6 samples -> ceil(sqrt(6)) = 3 per row, 2 rows, 2 px padding: 2*4+3*2 x 3*4+4*2.
    assert grid.shape == (14, 20)
    # The PNG is the grid of the generator's final weights on z ~ default_rng(3).
    z = np.random.default_rng(3).standard_normal((6, 4), dtype=np.float32)
    expected = images.make_grid(images.to_uint8(gan.generator(z)))
    np.testing.assert_array_equal(grid, expected[..., 0])

    events = summary_events(tmp_path / "logs" / "samples")
    image_events = [(step, value) for step, value in events if value.tag == "samples"]
    assert [step for step, _ in image_events] == [1, 2]
    _, value = image_events[-1]
    assert value.metadata.plugin_data.plugin_name == "images"
    encoded = tf.make_ndarray(value.tensor)  # [width, height, png bytes]
    assert encoded[:2].tolist() == [b"20", b"14"]
    decoded = np.asarray(Image.open(io.BytesIO(encoded[2])))
    np.testing.assert_array_equal(decoded.reshape(grid.shape), grid)


def test_sample_grid_every_two_epochs_writes_only_even_epochs(tmp_path):
    gan = make_gan(1, sample_shape=(4, 4, 1))
    sampler = callbacks.SampleGrid(tmp_path, every=2, num_samples=4)
    sampler.set_model(gan)
    for epoch in range(5):
        sampler.on_epoch_end(epoch, {"d_loss": 1.0})
    sampler.on_train_end()
    assert sorted(os.listdir(tmp_path / "samples")) == ["epoch_0002.png", "epoch_0004.png"]
    steps = [step for step, value in summary_events(tmp_path / "logs" / "samples")
             if value.tag == "samples"]
    assert steps == [2, 4]


def test_sample_grid_uses_a_fixed_z_and_leaves_the_training_stream_alone(tmp_path):
    gan = make_gan(1, sample_shape=(4, 4, 1))
    state_before = keras.ops.convert_to_numpy(gan.seed_generator.state).copy()
    first = callbacks.SampleGrid(tmp_path / "a", seed=5, num_samples=9)
    second = callbacks.SampleGrid(tmp_path / "b", seed=5, num_samples=9)
    other = callbacks.SampleGrid(tmp_path / "c", seed=6, num_samples=9)
    for sampler in (first, second, other):
        sampler.set_model(gan)
        sampler.on_epoch_end(0)
        sampler.on_epoch_end(0)  # a second call on the same instance: same z again
    grid_a = png(tmp_path / "a" / "samples" / "epoch_0001.png")
    np.testing.assert_array_equal(grid_a, png(tmp_path / "b" / "samples" / "epoch_0001.png"))
    assert not np.array_equal(grid_a, png(tmp_path / "c" / "samples" / "epoch_0001.png"))
    # Drawing z from the model's seed generator would have advanced it.
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(gan.seed_generator.state), state_before)


def test_uniform_latent_models_get_a_uniform_fixed_z():
    gan = make_gan(1, latent_distribution="uniform")
    sampler = callbacks.SampleGrid("unused", seed=2, num_samples=500)
    z, labels = sampler._fixed_inputs(gan)
    assert labels is None
    assert z.shape == (500, 4) and z.dtype == np.float32
    np.testing.assert_array_equal(
        z, np.random.default_rng(2).uniform(-1, 1, size=(500, 4)).astype(np.float32))
    assert z.min() >= -1 and z.max() <= 1 and z.std() < 0.7  # U[-1,1]: std 0.577, N(0,1): 1


def test_conditional_models_get_one_grid_row_per_class(tmp_path):
    # Each sample is a 2x2 image filled with (label - 1): class 0 black, 1 grey, 2 white.
    model = FakeModel(lambda z, labels: np.broadcast_to(
        (labels - 1.0)[:, None, None, None], (len(labels), 2, 2, 1)), num_classes=3)
    sampler = callbacks.SampleGrid(tmp_path, num_samples=7)
    sampler.set_model(model)
    sampler.on_epoch_end(0)
    z, labels = model.calls[0]
    np.testing.assert_array_equal(labels, [0, 0, 1, 1, 2, 2])  # 7 // 3 = 2 per row
    assert z.shape == (6, 2)
    grid = png(tmp_path / "samples" / "epoch_0001.png")
    assert grid.shape == (3 * 2 + 4 * 2, 2 * 2 + 3 * 2)  # 3 rows, 2 columns
    for row, value in enumerate([0, 128, 255]):
        top = 2 + row * 4
        np.testing.assert_array_equal(grid[top:top + 2, 2:4], value)
        np.testing.assert_array_equal(grid[top:top + 2, 6:8], value)


def test_sample_grid_skips_non_finite_samples_without_failing(tmp_path):
    model = FakeModel(lambda z: np.full((len(z), 2, 2, 1), np.nan, np.float32))
    sampler = callbacks.SampleGrid(tmp_path, num_samples=4)
    sampler.set_model(model)
    sampler.on_epoch_end(0)
    assert not os.path.exists(tmp_path / "samples" / "epoch_0001.png")


@pytest.mark.parametrize("kwargs, name", [({"every": 0}, "every"), ({"num_samples": -1}, "num_samples"),
                                          ({"seed": 1.5}, "seed")])
def test_sample_grid_validates_arguments(kwargs, name):
    with pytest.raises(ValueError, match=name):
        callbacks.SampleGrid("unused", **kwargs)


# ----------------------------------------------------------------------------- ToyScatter


def test_toy_scatter_covers_every_mode_when_the_generator_outputs_the_centers(tmp_path):
    model = FakeModel(lambda z: RING8[np.arange(len(z)) % 8].astype(np.float32))
    scatter = callbacks.ToyScatter(tmp_path, RING8, 0.01, num_samples=800)
    scatter.set_model(model)
    logs = {"d_loss": 0.5}
    scatter.on_epoch_end(0, logs)
    scatter.on_train_end()

    assert scatter.last_coverage["modes"] == 8
    assert scatter.last_coverage["high_quality"] == pytest.approx(1.0)
    assert scatter.last_coverage["reverse_kl"] == pytest.approx(0.0, abs=1e-6)
    for key in ("modes", "high_quality", "reverse_kl"):
        assert logs[f"mode_coverage/{key}"] == scatter.last_coverage[key]
    picture = png(tmp_path / "samples" / "epoch_0001.png")
    assert picture.shape == (512, 512, 3)
    scalars = {value.tag for _, value in summary_events(tmp_path / "logs" / "samples")}
    assert {"mode_coverage/modes", "mode_coverage/high_quality", "mode_coverage/reverse_kl"} <= scalars


def test_toy_scatter_sees_a_collapsed_generator_cover_one_mode(tmp_path):
    gan = make_gan(1)
    output = gan.generator.get_layer("output")
    kernel, bias = output.get_weights()
    output.set_weights([np.zeros_like(kernel), RING8[2].astype(np.float32)])  # every z -> mode 2
    scatter = callbacks.ToyScatter(tmp_path, RING8, 0.01, num_samples=300)
    coverage = scatter.evaluate(gan)
    assert coverage["modes"] == 1
    assert coverage["high_quality"] == pytest.approx(1.0)
    # KL(one-hot || uniform over 8 modes) = log 8.
    assert coverage["reverse_kl"] == pytest.approx(math.log(8), rel=1e-4)
    assert not os.path.exists(tmp_path / "samples")  # evaluate writes nothing
    assert scatter.last_coverage is None


def test_scatter_image_draws_points_and_three_std_circles():
    centers = np.array([[-1.0, 1.0], [1.0, 1.0]])
    picture = callbacks.scatter_image(np.array([[1.0, 1.0]]), centers, 0.1, size=101)
    assert picture.shape == (101, 101, 3) and picture.dtype == np.uint8
    # View: half = 1.25 * max(1, 0.3) + 6 * 0.1 = 1.85 around (0, 1); 100 / 3.7 px per unit.
    scale = 100 / 3.7

    def to_px(x, y):  # (column, row); rows grow downwards
        return int((x + 1.85) * scale), int((1.0 + 1.85 - y) * scale)

    column, row = to_px(1.0, 1.0)
    assert tuple(picture[row, column]) == (31, 119, 180)  # the point: blue
    column, row = to_px(-1.0, 1.0)
    assert tuple(picture[row, column]) == (255, 255, 255)  # the empty mode's centre
    rim = to_px(-1.0 + 0.3, 1.0)[0]  # the 3-std circle's right edge, 8 px from the centre
    assert any(tuple(p) == (214, 39, 40) for p in picture[row, rim - 2:rim + 3])  # red
    assert tuple(picture[row, column + 4]) == (255, 255, 255)  # inside the circle: empty


# ----------------------------------------------------------------------------- Checkpointer


def test_checkpointer_resumes_exactly(tmp_path):
    data = np.random.default_rng(0).normal(size=(64, 2)).astype("float32")
    options = dict(batchnorm=True, g_dropout=0.2, d_dropout=0.2)
    a = make_gan(1, gan_seed=7, **options)
    checkpointer = callbacks.Checkpointer(tmp_path)
    assert checkpointer.restore(a) == 0  # nothing to restore yet
    guard = callbacks.NonFiniteGuard()
    a.fit(data, batch_size=16, epochs=2, callbacks=[guard, checkpointer], verbose=0, shuffle=False)
    assert guard.message is None
    assert checkpointer.directory == os.path.join(str(tmp_path), "checkpoints")
    assert checkpointer.latest_checkpoint.endswith("ckpt-2")

    b = make_gan(2, gan_seed=99, **options)  # other weights, other seed-generator state
    before = full_state(b)
    assert any(not np.array_equal(x, y) for (_, x), (_, y) in zip(before, full_state(a)))
    assert callbacks.Checkpointer(tmp_path).restore(b) == 2
    for (path, value_a), (_, value_b) in zip(full_state(a), full_state(b)):
        np.testing.assert_array_equal(value_a, value_b, err_msg=path)
    assert int(b.g_optimizer.iterations) == int(b.d_optimizer.iterations) == 8
    # Batch-norm moving statistics and the dropout layers' seed states are in there too.
    restored_paths = {path for path, _ in full_state(b)}
    assert any("moving_mean" in p for p in restored_paths)
    assert any("seed_generator_state" in p for p in restored_paths)

    a.fit(data, batch_size=16, epochs=3, initial_epoch=2, verbose=0, shuffle=False)
    b.fit(data, batch_size=16, epochs=3, initial_epoch=2, verbose=0, shuffle=False)
    for (path, value_a), (_, value_b) in zip(full_state(a), full_state(b)):
        np.testing.assert_allclose(value_a, value_b, rtol=0, atol=1e-7, err_msg=path)


def test_checkpointer_keeps_max_to_keep_and_skips_non_finite_epochs(tmp_path):
    gan = make_gan(1)
    checkpointer = callbacks.Checkpointer(tmp_path, max_to_keep=2)
    checkpointer.set_model(gan)
    for epoch in range(4):
        checkpointer.on_epoch_end(epoch, {"d_loss": 0.7, "g_loss": 0.7})
    directory = checkpointer.directory
    assert sorted(glob.glob(os.path.join(directory, "ckpt-*.index"))) == [
        os.path.join(directory, "ckpt-3.index"), os.path.join(directory, "ckpt-4.index")]

    stamps = {path: os.stat(path).st_mtime_ns for path in glob.glob(os.path.join(directory, "*"))}
    checkpointer.on_epoch_end(4, {"d_loss": float("nan"), "g_loss": 0.7})
    checkpointer.on_epoch_end(5, {"d_loss": 0.7, "g_loss": np.float32(np.inf)})
    assert {path: os.stat(path).st_mtime_ns for path in glob.glob(os.path.join(directory, "*"))} == stamps
    assert checkpointer.latest_checkpoint.endswith("ckpt-4")

    # Sample-quality measures are not training health: an infinite reverse KL still saves.
    checkpointer.on_epoch_end(6, {"d_loss": 0.7, "mode_coverage/reverse_kl": float("inf")})
    assert checkpointer.latest_checkpoint.endswith("ckpt-7")
    assert callbacks.Checkpointer(tmp_path).restore(make_gan(2)) == 7


def test_checkpointer_restores_slots_of_an_optimizer_built_after_restore(tmp_path):
    a = make_gan(1)
    rng = np.random.default_rng(0)
    for variable in a.d_optimizer.variables + a.g_optimizer.variables:  # non-trivial slot values
        variable.assign(rng.integers(1, 100, size=variable.shape).astype(variable.dtype))
    checkpointer = callbacks.Checkpointer(tmp_path)
    checkpointer.set_model(a)
    checkpointer.on_epoch_end(0, {})

    b = make_gan(2)
    b.d_optimizer = keras.optimizers.Adam(1e-2, beta_1=0.5)  # not built: no slots yet
    assert not b.d_optimizer.built
    assert callbacks.Checkpointer(tmp_path).restore(b) == 1
    b.d_optimizer.build(b.discriminator.trainable_variables)  # deferred restoration fills them
    assert len(b.d_optimizer.variables) == len(a.d_optimizer.variables) > 2
    for va, vb in zip(a.d_optimizer.variables, b.d_optimizer.variables):
        np.testing.assert_array_equal(keras.ops.convert_to_numpy(va), keras.ops.convert_to_numpy(vb),
                                      err_msg=vb.path)


def test_checkpointer_saves_model_declared_items(tmp_path):
    k = tf.Variable(0.25)
    a = make_gan(1)
    a.checkpoint_items = lambda: {"k": k}
    checkpointer = callbacks.Checkpointer(tmp_path)
    checkpointer.set_model(a)
    checkpointer.on_epoch_end(0, {})
    k.assign(0.0)
    b = make_gan(2)
    k_b = tf.Variable(-1.0)
    b.checkpoint_items = lambda: {"k": k_b}
    assert callbacks.Checkpointer(tmp_path).restore(b) == 1
    assert float(k_b.numpy()) == 0.25

    c = make_gan(3)
    c.checkpoint_items = lambda: {"epoch": tf.Variable(0)}
    with pytest.raises(ValueError, match="reserved"):
        callbacks.Checkpointer(tmp_path / "other").restore(c)


def test_checkpointer_rejects_a_checkpoint_of_another_architecture(tmp_path):
    checkpointer = callbacks.Checkpointer(tmp_path)
    checkpointer.set_model(make_gan(1))
    checkpointer.on_epoch_end(0, {"d_loss": 1.0})
    with pytest.raises(ValueError):
        callbacks.Checkpointer(tmp_path).restore(make_gan(1, latent_dim=3))


def test_checkpointer_validates_arguments():
    with pytest.raises(ValueError, match="max_to_keep"):
        callbacks.Checkpointer("unused", max_to_keep=0)
    uncompiled = GAN(mlp.generator(2, (2,)), mlp.discriminator((2,)), 2)
    with pytest.raises(ValueError, match="compile"):
        callbacks.Checkpointer("unused").restore(uncompiled)


def mirrored_gan(strategy, seed):
    keras.utils.set_random_seed(seed)
    with strategy.scope():
        generator = mlp.generator(4, (2,), hidden_units=(8,), batchnorm=True, output_activation=None)
        gan = GAN(generator, mlp.discriminator((2,), hidden_units=(8,)), 4, seed=seed)
        gan.compile(d_optimizer=keras.optimizers.Adam(1e-2, beta_1=0.5),
                    g_optimizer=keras.optimizers.Adam(1e-2, beta_1=0.5))
    return gan


def max_state_diff(a, b):
    """The largest difference of every variable, both optimizers' slots and the seed state."""
    def state(gan):
        variables = gan.variables + gan.d_optimizer.variables + gan.g_optimizer.variables + [gan.seed_generator.state]
        return [keras.ops.convert_to_numpy(v).astype("float64") for v in variables]

    return max(float(np.max(np.abs(x - y))) for x, y in zip(state(a), state(b)))


def test_checkpointer_resumes_exactly_under_mirrored_strategy(tmp_path, mirrored):
    data = np.random.default_rng(0).normal(size=(64, 2)).astype("float32")
    dataset = tf.data.Dataset.from_tensor_slices(data).batch(16, drop_remainder=True)
    a = mirrored_gan(mirrored, 1)
    a.fit(dataset, epochs=2, callbacks=[callbacks.Checkpointer(tmp_path)], verbose=0)
    b = mirrored_gan(mirrored, 2)
    assert max_state_diff(a, b) > 1e-3
    assert callbacks.Checkpointer(tmp_path).restore(b) == 2
    assert max_state_diff(a, b) == 0.0
    a.fit(dataset, epochs=3, initial_epoch=2, verbose=0)
    b.fit(dataset, epochs=3, initial_epoch=2, verbose=0)
    assert max_state_diff(a, b) < 1e-6
    assert int(b.g_optimizer.iterations.numpy()) == 12


# ----------------------------------------------------------------------------- NonFiniteGuard


def test_guard_stops_at_the_first_nan_and_the_last_good_checkpoint_stays(tmp_path):
    rng = np.random.default_rng(0)
    clean = rng.normal(size=(32, 2)).astype("float32")
    poisoned = rng.normal(size=(32, 2)).astype("float32")
    poisoned[17] = np.nan  # in the 3rd batch of 8
    gan = make_gan(1)
    guard = callbacks.NonFiniteGuard()
    checkpointer = callbacks.Checkpointer(tmp_path)
    gan.fit(clean, batch_size=8, epochs=1, callbacks=[guard, checkpointer], verbose=0, shuffle=False)
    assert guard.message is None
    files = glob.glob(os.path.join(checkpointer.directory, "*"))
    stamps = {path: (os.stat(path).st_mtime_ns, open(path, "rb").read()) for path in files}

    history = gan.fit(poisoned, batch_size=8, epochs=3, initial_epoch=1,
                      callbacks=[guard, checkpointer], verbose=0, shuffle=False)
    # Epoch 1 took 4 steps; the 3rd batch of epoch 2 is step 7.
    assert guard.message == "d_loss became nan at step 7 (epoch 2)"
    assert int(gan.g_optimizer.iterations) == 7  # stopped right there
    assert gan.stop_training
    assert len(history.history["d_loss"]) == 1  # epoch 3 never ran
    after = {path: (os.stat(path).st_mtime_ns, open(path, "rb").read())
             for path in glob.glob(os.path.join(checkpointer.directory, "*"))}
    assert after == stamps
    fresh = make_gan(2)
    assert callbacks.Checkpointer(tmp_path).restore(fresh) == 1
    assert all(np.all(np.isfinite(value)) for _, value in full_state(fresh))


def test_guard_reports_infinity_and_names_the_metric():
    guard = callbacks.NonFiniteGuard()
    gan = make_gan(1)
    guard.set_model(gan)
    guard.on_train_begin()
    guard.on_epoch_begin(0)
    guard.on_train_batch_end(0, {"d_loss": 0.3, "g_loss": 1.0})
    assert guard.message is None and not gan.stop_training
    guard.on_train_batch_end(1, {"d_loss": 0.3, "g_loss": float("-inf")})
    assert guard.message == "g_loss became inf at step 0 (epoch 1)"  # no step trained yet
    assert gan.stop_training
