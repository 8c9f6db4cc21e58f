"""StyleGAN2 (Karras et al. 2020): lazy regularization, the path length mean, truncation, mixing, files."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_gans import losses, models, networks, penalties

RNG = np.random.default_rng(0)
TINY = dict(fmap_base=16, fmap_max=4)


def numpy(x):
    return keras.ops.convert_to_numpy(x)


def tiny_stylegan2(size=8, channels=1, **options):
    generator = networks.stylegan2.generator(4, (size, size, channels), w_dim=4, mapping_layers=1, **TINY)
    discriminator = networks.stylegan2.discriminator((size, size, channels), **TINY)
    model = models.StyleGAN2(generator, discriminator, 4, seed=0, **options)
    model.compile(run_eagerly=True)
    return model


def spy(monkeypatch, name):
    """Records every call of ``penalties.<name>`` (as its results) and lets it run."""
    calls = []
    original = getattr(penalties, name)

    def recorded(*args, **kwargs):
        calls.append(original(*args, **kwargs))
        return calls[-1]

    monkeypatch.setattr(penalties, name, recorded)
    return calls


def test_lazy_r1_runs_every_interval_steps_from_the_first_with_gamma_scaled_by_the_interval(monkeypatch):
    model = tiny_stylegan2(r1_gamma=3.0, r1_interval=4)
    real = tf.constant(RNG.uniform(-1, 1, size=(4, 8, 8, 1)).astype("float32"))
    fake = model.make_fakes(real, training=False)
    plain = float(losses.non_saturating_discriminator_loss(model.discriminator(real), model.discriminator(fake)))
    calls = spy(monkeypatch, "r1_penalty")
    for step in range(6):
        model.d_optimizer.iterations.assign(step)
        count = len(calls)
        loss, logs = model.discriminator_loss(real, fake, training=True)
        due = len(calls) > count
        assert due == (step % 4 == 0), step
        r1 = float(calls[-1]) if due else 0.0
        assert float(loss) == pytest.approx(plain + 3.0 / 2 * 4 * r1, rel=1e-5), step  # gamma/2 x interval x R1
        assert float(logs["r1_penalty"][1]) == float(due)  # off steps do not count in the logged mean
    assert len(calls) == 2 and float(calls[0]) > 0


def test_path_length_regularization_runs_every_interval_steps_and_moves_its_running_mean(monkeypatch):
    model = tiny_stylegan2(path_length_weight=2.0, path_length_interval=2, path_length_decay=0.01)
    real = tf.constant(RNG.uniform(-1, 1, size=(4, 8, 8, 1)).astype("float32"))
    fake = model.make_fakes(real, training=False)
    plain = float(losses.non_saturating_generator_loss(model.discriminator(fake)))
    calls = spy(monkeypatch, "path_lengths")
    mean = 0.0  # the running mean starts at 0
    for step in range(4):
        model.g_optimizer.iterations.assign(step)
        count = len(calls)
        loss, _ = model.generator_loss(real, fake, training=True)
        assert (len(calls) > count) == (step % 2 == 0), step
        if step % 2:
            assert float(model.path_length_mean) == pytest.approx(mean)  # unchanged off its steps
            assert float(loss) == pytest.approx(plain, rel=1e-6)
            continue
        lengths = numpy(calls[-1])
        assert lengths.shape == (2,)  # half the batch
        mean = mean + 0.01 * (lengths.mean() - mean)  # updated before the penalty, as the authors' code
        assert float(model.path_length_mean) == pytest.approx(mean, rel=1e-5)
        penalty = np.mean((lengths - mean) ** 2)
        assert float(loss) == pytest.approx(plain + 2.0 * 2 * penalty, rel=1e-5)  # weight x interval


def test_truncation_psi_0_gives_every_z_the_average_ws_image_and_mixing_swaps_styles_at_the_cutoff():
    model = tiny_stylegan2(style_mixing=1.0)
    real = tf.zeros((4, 8, 8, 1))
    model.make_fakes(real, training=True)  # a training call moves w_avg: 0.995 * 0 + 0.005 * mean(w)
    w_avg = numpy(model.truncation.w_avg)
    assert np.any(w_avg)
    z = RNG.normal(size=(5, 4)).astype("float32")
    np.testing.assert_allclose(numpy(model.map(z, 0.0)), np.broadcast_to(w_avg, (5, model.num_ws, 4)), atol=1e-6)
    for layer in model.synthesis.layers:  # noise that matters, so fixing it is what makes the images equal
        if isinstance(layer, keras.layers.Layer) and hasattr(layer, "strength"):
            layer.strength.assign(1.0)
    with model.fixed_noise(seed=0):
        images = numpy(model.generate(z, truncation_psi=0.0))
        np.testing.assert_allclose(images, np.broadcast_to(images[:1], images.shape), atol=1e-5)
        a, b = z[:2], z[2:4]
        np.testing.assert_allclose(numpy(model.mix(a, b, 0)), numpy(model.synthesize(model.map(b))), atol=1e-5)
        np.testing.assert_allclose(numpy(model.mix(a, b, model.num_ws)), numpy(model.synthesize(model.map(a))),
                                   atol=1e-5)
    # Training mixes at one cutoff in [1, num_ws - 1] for the whole batch: each sample switches once, there.
    ws = numpy(model._mixed_ws(4, training=True, update_average=False))
    switches = [{i for i in range(1, model.num_ws) if not np.allclose(row[i], row[i - 1])} for row in ws]
    assert len(switches[0]) == 1 and all(s == switches[0] for s in switches)


def test_keras_file_round_trip_keeps_the_averages(tmp_path):
    model = tiny_stylegan2(ema_decay=0.9, r1_interval=1)
    model.path_length_mean.assign(0.25)
    model.truncation.w_avg.assign(RNG.normal(size=4).astype("float32"))
    model.ema_generator.get_layer("truncation").w_avg.assign(RNG.normal(size=4).astype("float32"))
    model.save(tmp_path / "stylegan2.keras")
    loaded = keras.saving.load_model(tmp_path / "stylegan2.keras")
    assert float(loaded.path_length_mean) == float(model.path_length_mean)
    assert loaded.get_config()["r1_interval"] == 1
    z = RNG.normal(size=(3, 4)).astype("float32")
    with model.fixed_noise(1), loaded.fixed_noise(1):
        np.testing.assert_allclose(numpy(loaded.generate(z, truncation_psi=0.5)),
                                   numpy(model.generate(z, truncation_psi=0.5)), atol=1e-6)


def test_in_fit_r1_runs_on_the_steps_a_multiple_of_its_interval_and_path_length_on_those_of_its_own(monkeypatch):
    model = tiny_stylegan2(r1_interval=4, path_length_weight=2.0, path_length_interval=3)
    r1_calls, path_calls = spy(monkeypatch, "r1_penalty"), spy(monkeypatch, "path_lengths")
    images = RNG.uniform(-1, 1, size=(28, 8, 8, 1)).astype("float32")
    model.fit(tf.data.Dataset.from_tensor_slices(images).batch(4), epochs=1, verbose=0)  # steps 0..6, eagerly
    assert int(model.d_optimizer.iterations) == 7 and int(model.g_optimizer.iterations) == 7
    assert len(r1_calls) == 2  # steps 0 and 4
    assert len(path_calls) == 3  # steps 0, 3 and 6
