"""The class-conditional ProGAN of the authors' code (Karras et al. 2018; AC-GAN terms of Odena et al. 2017)."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_gans import config, experiment, export, models, networks, penalties
from keras_gans.experiments.progressive import ProGANConfig

RNG = np.random.default_rng(0)
TINY = dict(fmap_base=16, fmap_max=4)
K = 3


def numpy(x):
    return keras.ops.convert_to_numpy(x)


def conditional_players(size=8, channels=1, num_classes=K):
    return (networks.progan.generator(4, (size, size, channels), num_classes=num_classes, **TINY),
            networks.progan.discriminator((size, size, channels), num_classes=num_classes, **TINY))


def cross_entropy(logits, labels):
    """Softmax cross-entropy of each row, worked out in NumPy."""
    logits = logits - logits.max(axis=1, keepdims=True)
    log_softmax = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    return -log_softmax[np.arange(len(labels)), labels]


def test_g_pixel_normalizes_z_with_the_one_hot_label_beside_it_and_d_scores_then_reads_the_class():
    generator, discriminator = conditional_players()
    z = RNG.normal(size=(4, 4)).astype("float32")
    labels = np.array([0, 1, 2, 1], np.int32)
    latent = keras.Model(generator.inputs, generator.get_layer("latent_norm").output)
    joint = np.concatenate([z, np.eye(K, dtype="float32")[labels]], axis=1)
    expected = joint / np.sqrt(np.mean(joint ** 2, axis=1, keepdims=True) + 1e-8)
    np.testing.assert_allclose(numpy(latent([z, labels])), expected, rtol=1e-5)
    grown = networks.progan.grown_generator(generator, 8)
    np.testing.assert_array_equal(numpy(grown([z, labels, np.float32(1.0)])), numpy(generator([z, labels])[-1]))
    other = numpy(grown([z, (labels + 1) % K, np.float32(1.0)]))
    assert np.abs(other - numpy(generator([z, labels])[-1])).max() > 1e-4  # the label reaches the image
    images = [RNG.normal(size=(4, r, r, 1)).astype("float32") for r in (4, 8)]
    assert [tuple(score.shape) for score in discriminator(images)] == [(4, 1 + K), (4, 1 + K)]


@pytest.mark.parametrize("fake_class_weight", [1.0, 0.0])
def test_d_and_g_losses_add_the_weighted_class_cross_entropy_to_the_wasserstein_terms(fake_class_weight):
    generator, discriminator = conditional_players()
    model = models.ProGAN(generator, discriminator, 4, num_classes=K, class_weight=0.5,
                          fake_class_weight=fake_class_weight, ema_decay=0.0, seed=0)
    reals = RNG.uniform(-1, 1, size=(4, 8, 8, 1)).astype("float32")
    real_labels = np.array([2, 0, 1, 1], np.int32)
    batch = model.prepare_batch((tf.constant(reals), tf.constant(real_labels)))
    fake_images, fake_labels = model.make_fakes(batch, training=False)
    critic = networks.progan.grown_discriminator(discriminator, 8)
    real_out, fake_out = (numpy(critic([x, np.float32(1.0)])) for x in (reals, numpy(fake_images)))
    real_ce, fake_ce = cross_entropy(real_out[:, 1:], real_labels), cross_entropy(fake_out[:, 1:], numpy(fake_labels))

    d_loss, d_logs = model.discriminator_loss(batch, (fake_images, fake_labels), training=False)
    wasserstein = fake_out[:, 0].mean() - real_out[:, 0].mean()
    expected = wasserstein + 0.5 * (real_ce.mean() + fake_class_weight * fake_ce.mean())
    np.testing.assert_allclose(float(d_loss), expected, rtol=1e-5)
    np.testing.assert_allclose(float(d_logs["d_real"]), real_out[:, 0].mean(), rtol=1e-5)
    assert float(d_logs["real_accuracy"]) == np.mean(real_out[:, 1:].argmax(axis=1) == real_labels)

    g_loss, g_logs = model.generator_loss(batch, (fake_images, fake_labels), training=False)
    np.testing.assert_allclose(float(g_logs["g_class_loss"]), fake_ce.mean(), rtol=1e-5)
    np.testing.assert_allclose(float(g_loss), -fake_out[:, 0].mean() + 0.5 * fake_ce.mean(), rtol=1e-5)


def test_the_gradient_penalty_and_the_drift_read_the_score_alone():
    generator, discriminator = conditional_players()
    model = models.ProGAN(generator, discriminator, 4, num_classes=K, ema_decay=0.0, seed=0)
    reals = RNG.uniform(-1, 1, size=(4, 8, 8, 1)).astype("float32")
    batch = model.prepare_batch((tf.constant(reals), tf.constant([0, 1, 2, 0], tf.int32)))
    fakes = model.make_fakes(batch, training=False)
    state = numpy(model.seed_generator.state)
    _, logs = model.discriminator_loss(batch, fakes, training=True)
    critic = networks.progan.grown_discriminator(discriminator, 8)

    def score(images, training=True):
        return critic([images, tf.constant(1.0)], training=training)[:, :1]

    model.seed_generator.state.assign(state)  # the same interpolation points
    expected = penalties.gradient_penalty(score, batch[0], fakes[0], model.seed_generator)
    np.testing.assert_allclose(float(logs["gradient_penalty"]), float(expected), rtol=1e-5)
    np.testing.assert_allclose(float(logs["drift"]), np.mean(numpy(score(tf.constant(reals)))[:, 0] ** 2), rtol=1e-5)


def test_players_built_for_other_class_counts_and_bad_labels_are_refused_by_name():
    generator, discriminator = conditional_players()
    plain = networks.progan.generator(4, (8, 8, 1), **TINY)
    with pytest.raises(ValueError, match="`num_classes`=None needs a generator with inputs \\['z'\\]"):
        models.ProGAN(generator, discriminator, 4)
    with pytest.raises(ValueError, match="`num_classes`=3 needs"):
        models.ProGAN(plain, discriminator, 4, num_classes=K)
    with pytest.raises(ValueError, match="num_classes=1"):
        networks.progan.generator(4, (8, 8, 1), num_classes=1, **TINY)
    model = models.ProGAN(generator, discriminator, 4, num_classes=K, seed=0)
    with pytest.raises(ValueError, match="labels"):
        model.generate(np.zeros((2, 4), np.float32), labels=[0, K])
    with pytest.raises(ValueError, match="labelled batches"):
        model.prepare_batch(tf.zeros((2, 8, 8, 1)))
    unconditional = models.ProGAN(plain, networks.progan.discriminator((8, 8, 1), **TINY), 4, seed=0)
    with pytest.raises(ValueError, match="`labels` needs a class-conditional ProGAN"):
        unconditional.generate(2, labels=[0, 1])


def test_keras_file_and_export_serve_z_and_labels(tmp_path):
    model = models.ProGAN(*conditional_players(channels=3), 4, num_classes=K, fake_class_weight=0.0, ema_decay=0.9,
                          seed=0)
    model.compile()
    model.save(tmp_path / "progan.keras")
    loaded = keras.saving.load_model(tmp_path / "progan.keras")
    z, labels = RNG.normal(size=(3, 4)).astype("float32"), np.array([2, 0, 1], np.int32)
    np.testing.assert_array_equal(numpy(loaded.generate(z, labels)), numpy(model.generate(z, labels)))
    assert loaded.num_classes == K and loaded.get_config()["class_weight"] == 1.0
    assert loaded.get_config()["fake_class_weight"] == 0.0
    serve = tf.saved_model.load(export.export_generator(model, tmp_path / "export")).signatures["serving_default"]
    served = serve(z=tf.constant(z), labels=tf.constant(labels))["images"]
    np.testing.assert_allclose(numpy(served), numpy(model.generate(z, labels)), atol=1e-6)


def test_a_conditional_run_on_digits_reports_the_judged_class_agreement(tmp_path):
    run = config.RunConfig(dataset="digits", image_size=8, batch_size=8, epochs=2, steps_per_epoch=2,
                           model_dir=str(tmp_path / "run"), export=False, seed=0)
    results = experiment.run(ProGANConfig(conditional=True, latent_dim=8, **TINY), run)
    evaluation = results["evaluation"]
    assert evaluation["num_samples"] == 1000 and 0.0 <= evaluation["accuracy"] <= 1.0
    assert {"d_class_loss", "g_class_loss", "real_accuracy"} <= set(results["metrics"])


def test_a_run_whose_growth_ends_early_skips_the_judge_and_class_weights_need_conditional(tmp_path):
    run = config.RunConfig(dataset="digits", image_size=8, batch_size=8, epochs=1, steps_per_epoch=1,
                           model_dir=str(tmp_path / "run"), export=False, seed=0)
    results = experiment.run(ProGANConfig(conditional=True, latent_dim=8, **TINY), run)
    assert results["evaluation"] == {"skipped": "--epochs ended the growth at 4x4; the class judge reads 8x8 images"}
    with pytest.raises(config.ConfigError, match="`fake_class_weight`=0.0 weighs a class term"):
        experiment.run(ProGANConfig(fake_class_weight=0.0, latent_dim=8, **TINY), run)
