"""Semi-supervised GAN: the K+1-class losses by hand, the labelled set, saving, bad input."""

import math

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_gans import data, losses, models, networks

SHAPE = (8, 8, 1)
LATENT = 4
K = 3


def labelled_set(n=6):
    rng = np.random.default_rng(0)
    return rng.uniform(-1, 1, (n,) + SHAPE).astype(np.float32), np.arange(n, dtype=np.int32) % K


def tiny(**options):
    images, labels = labelled_set()
    generator = networks.dcgan.generator(LATENT, SHAPE, base_filters=4)
    discriminator = networks.classifier.digit_classifier(SHAPE, K, seed=0)
    return models.SGAN(generator, discriminator, LATENT, images, labels, seed=0, **options)


def test_losses_follow_salimans_section_5():
    # Logits (0, log 3): Z = 1 + 3 = 4, so D(x) = Z / (Z + 1) = 4/5 and p(class 1 | real) = 3/4.
    real = np.array([[0.0, 0.0]])          # Z = 2: D = 2/3
    fake = np.array([[0.0, math.log(3.0)]])  # Z = 4: D = 4/5
    assert float(losses.semi_supervised_labelled_loss(fake, np.array([1]))) == pytest.approx(-math.log(0.75))
    # -log D(real) - log(1 - D(fake)) = -log(2/3) - log(1/5)
    assert float(losses.semi_supervised_unlabelled_loss(real, fake)) == pytest.approx(
        -math.log(2 / 3) - math.log(1 / 5), rel=1e-6)
    # -log D(fake) = -log(4/5)
    assert float(losses.semi_supervised_generator_loss(fake)) == pytest.approx(-math.log(0.8), rel=1e-6)


def test_unlabelled_loss_averages_over_the_batch():
    real = np.array([[0.0, 0.0], [10.0, -10.0]])   # Z = 2 and e^10 + e^-10
    fake = np.array([[-10.0, -10.0], [0.0, 0.0]])  # Z = 2 e^-10 and 2
    # -log D(x) = log(1 + 1/Z) on real data; -log(1 - D(x)) = log(1 + Z) on generated data.
    real_term = (math.log(1 + 1 / 2) + math.log(1 + 1 / (math.exp(10) + math.exp(-10)))) / 2
    fake_term = (math.log(1 + 2 * math.exp(-10)) + math.log(1 + 2)) / 2
    assert float(losses.semi_supervised_unlabelled_loss(real, fake)) == pytest.approx(real_term + fake_term, rel=1e-5)


def test_class_balanced_indices_keep_per_class_examples_deterministically():
    labels = np.array([0, 1, 2, 0, 1, 2, 0, 1, 2, 0])
    first = data.class_balanced_indices(labels, 2, seed=3)
    np.testing.assert_array_equal(first, data.class_balanced_indices(labels, 2, seed=3))
    assert np.all(np.diff(first) > 0) and np.bincount(labels[first]).tolist() == [2, 2, 2]
    with pytest.raises(ValueError, match=r"`per_class`=4 exceeds the 3 examples of class 1"):
        data.class_balanced_indices(labels, 4)


def test_labelled_set_lives_in_the_model_and_survives_a_keras_file(tmp_path):
    model = tiny(feature_matching=False, unsupervised_weight=0.5)
    model.compile()
    images, labels = labelled_set()
    np.testing.assert_array_equal(model.labelled_images.numpy(), images)
    assert model.num_labelled == 6 and model.classifier_classes == K
    assert model.num_classes is None  # G is unconditional: no one-row-per-class grids
    model.save(tmp_path / "sgan.keras")
    loaded = keras.saving.load_model(tmp_path / "sgan.keras")
    np.testing.assert_array_equal(loaded.labelled_images.numpy(), images)
    np.testing.assert_array_equal(loaded.labelled_labels.numpy(), labels)
    assert (loaded.feature_matching, loaded.unsupervised_weight) == (False, 0.5)
    z = np.ones((2, LATENT), np.float32)
    np.testing.assert_allclose(loaded.generate(z), model.generate(z), atol=1e-6)


def test_without_the_unsupervised_loss_d_ignores_unlabelled_and_generated_data():
    """unsupervised_weight=0 is the supervised baseline: D's update must not depend on the unlabelled batch."""
    updates = []
    for seed in (1, 2):
        model = tiny(unsupervised_weight=0.0)
        model.compile()
        unlabelled = np.random.default_rng(seed).uniform(-1, 1, (4,) + SHAPE).astype(np.float32)
        logs = model.train_step(tf.constant(unlabelled))  # eager: one step
        updates.append(model.discriminator.get_weights())
        assert float(logs["unsupervised_loss"]) > 0  # measured, just not trained on
    for a, b in zip(*updates):
        np.testing.assert_array_equal(a, b)
    trained = tiny(unsupervised_weight=1.0)
    trained.compile()
    trained.train_step(tf.constant(np.zeros((4,) + SHAPE, np.float32)))
    assert any(not np.array_equal(a, b) for a, b in zip(trained.discriminator.get_weights(), updates[0]))


def test_bad_labelled_sets_and_networks_give_clear_errors():
    images, labels = labelled_set()
    generator = networks.dcgan.generator(LATENT, SHAPE, base_filters=4)
    discriminator = networks.classifier.digit_classifier(SHAPE, K)
    with pytest.raises(ValueError, match=r"`labelled_labels` must be in \[0, num_classes=3\); received "
                                         r"labelled_labels value 5"):
        models.SGAN(generator, discriminator, LATENT, images, np.array([0, 1, 2, 5, 0, 1]))
    with pytest.raises(ValueError, match="`labelled_labels` must be 6 integer class ids"):
        models.SGAN(generator, discriminator, LATENT, images, labels[:4])
    with pytest.raises(ValueError, match=r"`labelled_images` must have shape \[n, 8, 8, 1\]"):
        models.SGAN(generator, discriminator, LATENT, images[:, :4], labels)
    with pytest.raises(ValueError, match="`feature_layer`='nope'"):
        models.SGAN(generator, discriminator, LATENT, images, labels, feature_layer="nope")
