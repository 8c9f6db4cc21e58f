"""ProGAN (Karras et al. 2018): the fade-in, the stage as training state, exact resume, files and export."""

import os

import keras
import numpy as np
import pytest
import tensorflow as tf
from PIL import Image

from keras_gans import config, experiment, export, interrupts, models, networks
from keras_gans.experiments.progressive import GrowthPhase, ProGANConfig, ProGANExperiment
from test_apps import assert_same_state, final_state
from test_interrupts import InterruptAt

RNG = np.random.default_rng(0)
TINY = dict(fmap_base=16, fmap_max=4)


def numpy(x):
    return keras.ops.convert_to_numpy(x)


def players(size=8, channels=1):
    return (networks.progan.generator(4, (size, size, channels), **TINY),
            networks.progan.discriminator((size, size, channels), **TINY))


def test_the_fade_in_is_the_old_path_at_alpha_0_and_the_new_one_at_alpha_1():
    generator, discriminator = players()
    z = RNG.normal(size=(4, 4)).astype("float32")
    full_4, full_8 = (numpy(image) for image in generator(z))
    grown = networks.progan.grown_generator(generator, 8)
    np.testing.assert_array_equal(numpy(grown([z, np.float32(1.0)])), full_8)
    np.testing.assert_array_equal(numpy(grown([z, np.float32(0.0)])), full_4.repeat(2, axis=1).repeat(2, axis=2))
    images = RNG.normal(size=(4, 8, 8, 1)).astype("float32")
    pooled = images.reshape(4, 4, 2, 4, 2, 1).mean(axis=(2, 4))
    score_4, score_8 = (numpy(score) for score in discriminator([pooled, images]))
    critic = networks.progan.grown_discriminator(discriminator, 8)
    np.testing.assert_allclose(numpy(critic([images, np.float32(1.0)])), score_8, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(numpy(critic([images, np.float32(0.0)])), score_4, rtol=1e-5, atol=1e-6)


def test_the_critic_loss_is_wasserstein_plus_ten_gradient_penalty_plus_a_thousandth_of_the_drift():
    """With a linear critic D(x) = 0.5 sum(x), ||grad D|| = sqrt(16 x 0.25) = 2 on 4x4x1 images: penalty (2 - 1)^2 = 1.

    Reals all 1 and all 0.5 score 8 and 4, fakes all -0.25 score -2: Wasserstein -2 - 6 = -8, drift (64 + 16) / 2
    = 40, so the loss is -8 + 10 x 1 + 0.001 x 40 = 2.04 (Karras et al. 2018: lambda 10, epsilon_drift 0.001).
    """
    model = models.ProGAN(*players(), 4, seed=0)
    model.compile(run_eagerly=True)
    model.enter_phase(0, GrowthPhase("4x4", 1, 4, 4, steps_per_epoch=1))
    def linear_critic(images, training=True):
        return 0.5 * keras.ops.sum(images, axis=(1, 2, 3))[:, None], None

    model._critic = lambda alpha: linear_critic
    real = np.stack([np.ones((4, 4, 1)), np.full((4, 4, 1), 0.5)]).astype("float32")
    fake = np.full((2, 4, 4, 1), -0.25, "float32")
    total, logs = model.discriminator_loss((real, np.float32(1.0)), fake, training=True)
    assert float(logs["d_loss"]) == pytest.approx(-8.0)
    assert float(logs["drift"]) == pytest.approx(40.0)
    assert float(logs["gradient_penalty"]) == pytest.approx(1.0, abs=1e-5)
    assert float(total) == pytest.approx(2.04, abs=1e-4)


def test_alpha_follows_the_images_shown_and_a_new_phase_resets_the_optimizers():
    model = models.ProGAN(*players(), 4, seed=0)
    model.compile(run_eagerly=True)
    assert model.resolution == 8 and float(model.alpha()) == 1.0  # a new model samples at full resolution
    reals = tf.constant(RNG.uniform(-1, 1, size=(4, 8, 8, 1)).astype("float32"))
    model.enter_phase(0, GrowthPhase("4x4", 1, 4, 4, steps_per_epoch=2))
    model.train_step(tf.image.resize(reals, (4, 4)))
    assert int(model.d_optimizer.iterations) == 1 and int(model.images_seen) == 4

    model.enter_phase(1, GrowthPhase("8x8", 3, 4, 8, steps_per_epoch=2, fade_epochs=1))  # fades over 1 x 2 x 4
    assert int(model.fade_images) == 8 and int(model.phase_images) == 0 and float(model.alpha()) == 0.0
    assert int(model.d_optimizer.iterations) == 0 and int(model.g_optimizer.iterations) == 0
    assert all(not np.any(numpy(v)) for v in model.d_optimizer.variables if "momentum" in v.path or "velocity" in v.path)
    assert float(model.d_optimizer.learning_rate) == pytest.approx(1e-3)  # the rate is not state
    # At alpha = 0 the reals are their 4x4 version, upsampled, like the fakes.
    faded, _ = model.prepare_batch(reals)
    coarse = numpy(reals).reshape(4, 4, 2, 4, 2, 1).mean(axis=(2, 4)).repeat(2, axis=1).repeat(2, axis=2)
    np.testing.assert_allclose(numpy(faded), coarse, rtol=1e-5, atol=1e-6)
    alphas = []
    for _ in range(3):
        logs = model.train_step(reals)
        alphas.append(float(logs["alpha"]))
    assert alphas == [0.0, 0.5, 1.0] and float(model.alpha()) == 1.0
    assert int(model.images_seen) == 16 and int(model.d_optimizer.iterations) == 3
    model.enter_phase(1, GrowthPhase("8x8", 3, 4, 8, steps_per_epoch=2, fade_epochs=1))  # a resume: no reset
    assert int(model.d_optimizer.iterations) == 3 and int(model.phase_images) == 12
    assert model.generate(2).shape == (2, 8, 8, 1)


class EagerProGAN(ProGANExperiment):
    """The registered experiment, compiled to run eagerly: a few tiny steps cost less than tracing them."""

    def compile(self, ctx, model):
        super().compile(ctx, model)
        model.compile(d_optimizer=model.d_optimizer, g_optimizer=model.g_optimizer, run_eagerly=True)


class Killed(Exception):
    pass


def killed_after(last_epoch):
    """The experiment, killed at the end of epoch ``last_epoch`` (0-based)."""
    class KilledRun(EagerProGAN):
        def callbacks(self, ctx, model):
            class Kill(keras.callbacks.Callback):  # after the Checkpointer's save, like a SIGKILL then
                def on_epoch_end(self, epoch, logs=None):
                    if epoch == last_epoch:
                        raise Killed()

            return [Kill()]

    return KilledRun()


def tensorboard_scalars(log_dir, tag):
    values = []
    for name in sorted(os.listdir(log_dir)):
        for event in tf.compat.v1.train.summary_iterator(os.path.join(log_dir, name)):
            values += [float(tf.make_ndarray(v.tensor)) for v in event.summary.value if v.tag == tag]
    return values


@pytest.mark.parametrize("last_epoch", [0, 1], ids=["end_of_4x4", "mid_fade_in"])
def test_a_run_killed_at_the_growth_or_in_a_fade_in_resumes_at_its_alpha_and_ends_bit_identical(tmp_path, last_epoch):
    # 4x4 for 1 epoch, then 8x8 fading in over 2 epochs; 1 step of 8 images per epoch; killed after the 4x4
    # epoch (the resumed run grows G and D, resets the optimizers and starts the fade) or the first 8x8 one.
    settings = ProGANConfig(latent_dim=4, fade_epochs=2, stabilize_epochs=1, **TINY)
    def run_config(name, sample_every=4):  # the picture draws from NumPy: the training stream is the same
        return config.RunConfig(dataset="digits", image_size=8, batch_size=8, epochs=3, steps_per_epoch=1,
                                deterministic=True, export=False, model_dir=str(tmp_path / name),
                                sample_every=sample_every)

    unbroken = experiment.run(settings, run_config("a", sample_every=1), experiment=EagerProGAN())
    with pytest.raises(Killed):
        experiment.run(settings, run_config("b"), experiment=killed_after(last_epoch))
    resumed = experiment.run(settings, run_config("b"), experiment=EagerProGAN())
    assert resumed["initial_epoch"] == last_epoch + 1
    assert_same_state(final_state(tmp_path / "b"), final_state(tmp_path / "a"))  # bitwise
    assert unbroken["steps"] == 3 and [p["image_size"] for p in unbroken["phases"]] == [4, 8]
    assert {k: unbroken["metrics"][k] for k in ("phase", "resolution", "alpha", "images_seen")} == {
        "phase": 1.0, "resolution": 8.0, "alpha": 0.5, "images_seen": 24.0}
    log_dir = tmp_path / "a" / "logs" / "train"
    assert tensorboard_scalars(log_dir, "epoch_alpha") == [1.0, 0.0, 0.5]  # each epoch's last step
    assert tensorboard_scalars(log_dir, "epoch_resolution") == [4.0, 8.0, 8.0]
    grids = [Image.open(tmp_path / "a" / "samples" / f"epoch_{e:04d}.png").size for e in (1, 2)]
    assert grids == [(50, 50), (82, 82)]  # 8 x 8 samples of 4x4, then of 8x8, with 2-pixel padding


def test_a_ctrl_c_in_the_middle_of_a_fade_in_epoch_resumes_there_and_ends_bit_identical(tmp_path):
    # 4x4 for 1 epoch, then 8x8 fading in over 2 epochs, 4 steps each; stopped at step 3 of epoch 2.
    settings = ProGANConfig(latent_dim=4, fade_epochs=2, stabilize_epochs=1, **TINY)

    class Interrupted(EagerProGAN):
        def callbacks(self, ctx, model):
            return [InterruptAt(epoch=1, batch=1)]

    def run_config(name):
        return config.RunConfig(dataset="digits", image_size=8, batch_size=8, epochs=3, steps_per_epoch=4,
                                deterministic=True, export=False, model_dir=str(tmp_path / name), sample_every=4)

    unbroken = experiment.run(settings, run_config("a"), experiment=EagerProGAN())
    with pytest.raises(interrupts.TrainingInterrupted, match="step 3 of epoch 2"):
        experiment.run(settings, run_config("b"), experiment=Interrupted())
    resumed = experiment.run(settings, run_config("b"), experiment=EagerProGAN())
    assert resumed["initial_epoch"] == 1 and resumed["steps"] == unbroken["steps"] == 12
    assert resumed["metrics"]["alpha"] == unbroken["metrics"]["alpha"] == 0.875  # 7 of the 8 fade steps
    assert_same_state(final_state(tmp_path / "b"), final_state(tmp_path / "a"))  # bitwise


def test_phases_follow_the_schedule_and_end_where_the_epochs_do():
    settings = ProGANConfig(fade_epochs=2, stabilize_epochs=3, batch_sizes=(16, 8))

    def schedule(epochs):
        phases = ProGANExperiment().phases(config.RunConfig(image_size=16, epochs=epochs), settings)
        return [(p.image_size, p.epochs, p.batch_size, p.fade_epochs) for p in phases]

    # 4x4 stabilizes 3 epochs; 8x8 fades 2 and stabilizes 3; 16x16 fades 2 and trains to the end.
    assert schedule(12) == [(4, 3, 16, 0), (8, 5, 8, 2), (16, 4, 8, 2)]
    assert schedule(4) == [(4, 3, 16, 0), (8, 1, 8, 2)]  # a shorter run stops inside the 8x8 fade-in
    with pytest.raises(config.ConfigError, match="`image_size`=None must be set"):
        ProGANExperiment().phases(config.RunConfig(epochs=12), settings)
    # An early phase trains on the run's images average-pooled (a set may only come in large sizes).
    run = config.RunConfig(dataset="digits", image_size=16, seed=3)
    small = next(iter(experiment._load(run, GrowthPhase("4x4", 1, 8, 4), shuffle=False)))[0]
    full = next(iter(experiment._load(run, GrowthPhase("16x16", 1, 8, 16), shuffle=False)))[0]
    np.testing.assert_allclose(numpy(small), numpy(full).reshape(8, 4, 4, 4, 4, 1).mean(axis=(2, 4)), atol=1e-6)


def test_keras_file_and_export_round_trips(tmp_path):
    model = models.ProGAN(*players(channels=3), 4, ema_decay=0.9, seed=0)
    model.compile()
    model.images_seen.assign(4)
    for average in model.ema_generator.weights:  # an average that differs from G
        average.assign(RNG.normal(size=average.shape).astype("float32"))
    model.save(tmp_path / "progan.keras")
    loaded = keras.saving.load_model(tmp_path / "progan.keras")
    z = RNG.normal(size=(3, 4)).astype("float32")
    np.testing.assert_array_equal(numpy(loaded.generate(z)), numpy(model.generate(z)))
    assert loaded.get_config()["drift_weight"] == 0.001 and int(loaded.images_seen) == 4
    path = export.export_generator(model, tmp_path / "export")
    serve = tf.saved_model.load(path).signatures["serving_default"]
    np.testing.assert_allclose(numpy(serve(z=tf.constant(z))["images"]), numpy(model.generate(z)), atol=1e-6)
