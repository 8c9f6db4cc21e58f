"""DiffAugment (Zhao et al. 2020): its transforms worked out by hand, the ranges its parameters are
drawn from, G's gradient through it, and a GAN showing D augmented images in training only."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_gans import diff_augment, models, networks
from keras_gans.diff_augment import adjust_color, augment, cut_out, translate

RAMP = np.arange(1, 65, dtype="float32").reshape(1, 8, 8, 1)  # pixel (r, c) holds 8 r + c + 1


def moved(image, down, right):
    """``image`` [H, W] moved down and right by whole pixels, 0 where nothing lands: written out."""
    out = np.zeros_like(image)
    for r in range(image.shape[0]):
        for c in range(image.shape[1]):
            if 0 <= r - down < image.shape[0] and 0 <= c - right < image.shape[1]:
                out[r, c] = image[r - down, c - right]
    return out


def test_translate_moves_each_image_by_its_own_offset_and_fills_the_border_with_zero():
    images = np.concatenate([RAMP, -RAMP, RAMP])
    offsets = tf.constant([[1, -1], [0, 0], [-1, 1]])  # 8 // 8 = 1 pixel at most
    out = translate(tf.constant(images), offsets).numpy()[..., 0]
    np.testing.assert_array_equal(out[0], moved(RAMP[0, ..., 0], 1, -1))
    np.testing.assert_array_equal(out[1], -RAMP[0, ..., 0])
    np.testing.assert_array_equal(out[2], moved(RAMP[0, ..., 0], -1, 1))
    assert out[0, 0, 0] == 0 and out[0, 1, 0] == 2  # the top row is border; row 1 holds row 0 one pixel left


def test_cut_out_blanks_half_the_image_around_the_centre_clipped_at_the_edges():
    ones = tf.ones((3, 8, 8, 2))
    out = cut_out(ones, tf.constant([[4, 4], [0, 8], [8, 0]])).numpy()
    blank = out[..., 0] == 0
    assert np.all(out[..., 0] == out[..., 1])  # every channel alike
    np.testing.assert_array_equal(np.argwhere(blank[0]).min(0), [2, 2])  # rows and columns 2..5: a 4x4 square
    np.testing.assert_array_equal(np.argwhere(blank[0]).max(0), [5, 5])
    assert blank[0].sum() == 16
    assert blank[1].sum() == 4 and blank[1][:2, 6:].all()  # the corner quarter of the square that is inside
    assert blank[2].sum() == 4 and blank[2][6:, :2].all()


def test_adjust_color_adds_brightness_then_scales_saturation_and_contrast():
    pixels = tf.constant([[[[0.0, 0.4], [-0.6, -0.2]]]])  # one image, 1 x 2 pixels, 2 channels
    out = adjust_color(pixels, tf.constant([0.1]), tf.constant([0.5]), tf.constant([2.0])).numpy()
    # + 0.1: (0.1, 0.5), (-0.5, -0.1); saturation 0.5 about each pixel's mean (0.3, -0.3): (0.2, 0.4),
    # (-0.4, -0.2); contrast 2 about the image's mean 0: (0.4, 0.8), (-0.8, -0.4).
    np.testing.assert_allclose(out[0, 0], [[0.4, 0.8], [-0.8, -0.4]], atol=1e-6)


def drawn(policy, images, count, seed=0):
    return augment(tf.constant(np.repeat(images, count, axis=0)), policy, keras.random.SeedGenerator(seed)).numpy()


def test_translation_draws_every_shift_up_to_an_eighth_of_the_side_evenly():
    dot = np.zeros((1, 16, 16, 1), "float32")
    dot[0, 8, 8, 0] = 1.0
    out = drawn(["translation"], dot, 4000)[..., 0]
    assert np.all(out.reshape(4000, -1).sum(1) == 1)  # the dot is always moved, never lost (16 // 8 = 2)
    rows, columns = np.argwhere(out)[:, 1] - 8, np.argwhere(out)[:, 2] - 8
    for shifts in (rows, columns):
        values, counts = np.unique(shifts, return_counts=True)
        np.testing.assert_array_equal(values, [-2, -1, 0, 1, 2])
        np.testing.assert_allclose(counts / 4000, 0.2, atol=0.03)
    assert abs(np.corrcoef(rows, columns)[0, 1]) < 0.05  # the two axes drawn independently


def test_cutout_centres_cover_the_whole_image_with_a_half_side_square():
    out = drawn("cutout", np.ones((1, 16, 16, 1), "float32"), 3000)[..., 0]
    blank = out == 0
    areas = blank.reshape(3000, -1).sum(1)
    assert areas.max() == 64 and areas.min() == 16  # 8 x 8 inside; a quarter of it at a corner
    first_rows = np.array([np.argwhere(b)[:, 0].min() for b in blank])
    last_rows = np.array([np.argwhere(b)[:, 0].max() for b in blank])
    centres = np.where(first_rows == 0, last_rows - 3, first_rows + 4)  # rows centre - 4 ... centre + 3
    assert set(centres) == set(range(17))  # centres 0 ... 16 (the paper's code: an even side reaches 16)


def test_color_factors_are_drawn_per_image_within_the_papers_ranges():
    flat = np.zeros((1, 4, 4, 3), "float32")  # a flat grey image: only the brightness moves it
    out = drawn(["color"], flat, 4000)
    brightness = out[:, 0, 0, 0]
    assert np.all(out == brightness[:, None, None, None])
    assert -0.5 <= brightness.min() < -0.49 and 0.49 < brightness.max() < 0.5
    assert abs(brightness.mean()) < 0.02


def test_the_generators_gradient_flows_through_the_kept_pixels_only():
    """The paper's point: T is differentiable, so G learns from D's view of T(G(z))."""
    images = tf.Variable(tf.ones((64, 16, 16, 1)))
    with tf.GradientTape() as tape:
        out = augment(images, ["translation", "cutout"], keras.random.SeedGenerator(3))
        total = tf.reduce_sum(out)
    gradient = tape.gradient(total, images).numpy()
    kept = out.numpy()
    assert set(np.unique(gradient)) == {0.0, 1.0}
    np.testing.assert_array_equal(gradient.reshape(64, -1).sum(1), kept.reshape(64, -1).sum(1))
    assert (kept == 0).any() and (kept == 1).any()


def mean_pixel_gan(policy):
    """G draws all-ones 16x16 images; D's logit is the mean pixel. Neither learns."""
    z = keras.Input((2,))
    flat = keras.layers.Dense(256, kernel_initializer="zeros", bias_initializer="ones")(z)
    generator = keras.Model(z, keras.layers.Reshape((16, 16, 1))(flat))
    x = keras.Input((16, 16, 1))
    logit = keras.layers.Dense(1, kernel_initializer=keras.initializers.Constant(1 / 256), bias_initializer="zeros")(
        keras.layers.Flatten()(x))
    gan = models.GAN(generator, keras.Model(x, logit), 2, seed=5, diff_augment=policy)
    gan.compile(d_optimizer=keras.optimizers.SGD(0.0), g_optimizer=keras.optimizers.SGD(0.0))
    return gan


def test_a_gan_shows_d_augmented_real_and_fake_images_in_training_and_plain_ones_in_evaluation():
    gan = mean_pixel_gan(["cutout"])
    real = tf.ones((32, 16, 16, 1))
    fake = gan.generator(tf.zeros((32, 2)))  # all ones; no draw from the model's seed
    _, logs = gan.discriminator_loss(real, fake, training=True)
    # The same draws, in the same order (the real batch first), from a fresh copy of the model's seed.
    seed = keras.random.SeedGenerator(5)
    expected_real, expected_fake = (augment(images, ["cutout"], seed) for images in (real, fake))
    assert float(logs["d_real"]) == pytest.approx(float(tf.reduce_mean(expected_real)), abs=1e-6)
    assert float(logs["d_fake"]) == pytest.approx(float(tf.reduce_mean(expected_fake)), abs=1e-6)
    assert 0.75 <= float(logs["d_real"]) <= 0.94 and float(logs["d_real"]) != float(logs["d_fake"])
    _, plain = gan.discriminator_loss(real, fake, training=False)
    assert float(plain["d_real"]) == float(plain["d_fake"]) == pytest.approx(1.0)
    _, g_logs = gan.generator_loss(real, fake, training=True)  # G's step judges T(G(z)) too
    assert float(g_logs["g_loss"]) > float(gan.generator_loss(real, fake, training=False)[1]["g_loss"])


def test_the_policy_is_checked_kept_in_the_config_and_refused_for_points():
    gan = mean_pixel_gan("translation,cutout")
    assert gan.diff_augment == ("translation", "cutout")
    assert gan.get_config()["diff_augment"] == ["translation", "cutout"]
    assert models.GAN.from_config(gan.get_config()).diff_augment == ("translation", "cutout")
    assert mean_pixel_gan(()).diff_augment == ()
    for bad in (["zoom"], ["cutout", "cutout"], 3):
        with pytest.raises(ValueError, match=r"`diff_augment` must name each of color, translation, cutout"):
            mean_pixel_gan(bad)
    with pytest.raises(ValueError, match=r"`diff_augment`=color transforms images .* shape \(4, 2\)"):
        augment(tf.zeros((4, 2)), ["color"], keras.random.SeedGenerator(0))
    assert diff_augment.POLICIES == ("color", "translation", "cutout")


def train_on_images(strategy):
    keras.utils.set_random_seed(0)  # identical initial weights in both runs
    with strategy.scope():
        gan = models.GAN(networks.mlp.generator(4, (8, 8, 1), hidden_units=(16,)),
                         networks.mlp.discriminator((8, 8, 1), hidden_units=(16,)), 4, seed=7,
                         diff_augment=diff_augment.POLICIES)
        gan.compile(d_optimizer=keras.optimizers.Adam(1e-2), g_optimizer=keras.optimizers.Adam(1e-2))
    images = np.random.default_rng(0).uniform(-1, 1, (64, 8, 8, 1)).astype("float32")
    gan.fit(tf.data.Dataset.from_tensor_slices(images).batch(16, drop_remainder=True), epochs=1, verbose=0)
    return gan.get_weights()


def test_two_replicas_augment_the_global_batch_as_one_device_does(mirrored):
    single, multi = train_on_images(tf.distribute.get_strategy()), train_on_images(mirrored)
    assert max(float(np.max(np.abs(a - b))) for a, b in zip(single, multi)) < 1e-5


def conditional_case(kind, policy):
    """A tiny CGAN or BigGAN, its discriminator and a labelled real and fake batch of 16x16 images."""
    shape, classes = (16, 16, 1), 3
    if kind == "cgan":
        generator = networks.conditional.generator(4, shape, classes, base_filters=4)
        discriminator = networks.conditional.discriminator(shape, classes, base_filters=4)
        model = models.CGAN(generator, discriminator, 4, classes, seed=5, diff_augment=policy)
    else:
        generator = networks.biggan.generator(6, shape, classes, channels=2, shared_dim=4, attention_resolution=0)
        discriminator = networks.biggan.discriminator(shape, classes, channels=2, attention_resolution=0)
        model = models.BigGAN(generator, discriminator, 6, classes, seed=5, diff_augment=policy)
    rng = np.random.default_rng(0)
    real, fake = (tf.constant(rng.uniform(-1, 1, (8,) + shape).astype("float32")) for _ in range(2))
    labels = tf.constant([0, 1, 2, 0, 1, 2, 0, 1])

    def d_logs(training):
        _, logs = model.discriminator_loss((real, labels), {"images": fake, "inputs": [None, labels]}, training)
        return logs

    def expected(images, training=True):  # D's mean logit on (images, labels) as the model must show them
        return float(tf.reduce_mean(discriminator([images, labels], training=training)))
    return model, real, fake, d_logs, expected


def stylegan2_case(policy):
    generator = networks.stylegan2.generator(4, (8, 8, 1), w_dim=4, mapping_layers=1, fmap_base=16, fmap_max=4)
    discriminator = networks.stylegan2.discriminator((8, 8, 1), fmap_base=16, fmap_max=4)
    model = models.StyleGAN2(generator, discriminator, 4, r1_gamma=0.0, seed=5, diff_augment=policy)
    rng = np.random.default_rng(0)
    real, fake = (tf.constant(rng.uniform(-1, 1, (8, 8, 8, 1)).astype("float32")) for _ in range(2))

    def d_logs(training):
        return model.discriminator_loss(real, fake, training)[1]

    def expected(images, training=True):
        return float(tf.reduce_mean(discriminator(images, training=training)))
    return model, real, fake, d_logs, expected


@pytest.mark.parametrize("kind", ["cgan", "biggan", "stylegan2"])
def test_the_papers_other_models_judge_augmented_images_in_training(kind):
    """Zhao et al. apply DiffAugment to BigGAN and StyleGAN2 (CGAN's D, and BigGAN's, also take labels)."""
    policy = ["translation", "cutout"]
    model, real, fake, d_logs, expected = stylegan2_case(policy) if kind == "stylegan2" else \
        conditional_case(kind, policy)
    logs = d_logs(True)
    seed = keras.random.SeedGenerator(5)  # the model's seed, not drawn from yet: the real batch first
    augmented_real, augmented_fake = (augment(images, policy, seed) for images in (real, fake))
    assert float(logs["d_real"]) == pytest.approx(expected(augmented_real), abs=1e-5)
    assert float(logs["d_fake"]) == pytest.approx(expected(augmented_fake), abs=1e-5)
    assert float(logs["d_real"]) != pytest.approx(expected(real), abs=1e-4)
    assert float(d_logs(False)["d_real"]) == pytest.approx(expected(real, False), abs=1e-5)  # evaluation: as drawn
    assert model.get_config()["diff_augment"] == policy
    with pytest.raises(ValueError, match="`diff_augment` must name each of"):
        stylegan2_case(["rotation"]) if kind == "stylegan2" else conditional_case(kind, ["rotation"])
