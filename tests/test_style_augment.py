"""Style augmentation: warps and stroke changes by hand, per-image draws, gradients, and InfoGAN's use of it."""

import math

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_gans import models, networks, style_augment
from keras_gans.style_augment import augment, change_stroke, warp, warp_transforms


def parameters(batch=1, rotation=0.0, shear=0.0, scale_x=1.0, scale_y=1.0, shift_x=0.0, shift_y=0.0):
    return [tf.fill((batch,), float(value)) for value in (rotation, shear, scale_x, scale_y, shift_x, shift_y)]


def dot(row, column, size=7):
    image = np.full((1, size, size, 1), -1.0, np.float32)
    image[0, row, column, 0] = 1.0
    return tf.constant(image)


def brightest(image):
    return np.unravel_index(int(np.argmax(np.asarray(image)[0, :, :, 0])), image.shape[1:3])


def test_no_warp_leaves_the_image_and_shifts_move_the_content_right_and_down():
    image = tf.constant(np.random.default_rng(0).uniform(-1, 1, (1, 7, 7, 1)).astype(np.float32))
    assert np.allclose(warp(image, warp_transforms(7, 7, *parameters())), image, atol=1e-6)
    moved = warp(dot(3, 3), warp_transforms(7, 7, *parameters(shift_x=2.0, shift_y=-1.0)))
    assert brightest(moved) == (2, 5)
    assert float(tf.reduce_max(moved)) == pytest.approx(1.0)


def test_a_quarter_turn_turns_the_x_axis_into_the_y_axis_about_the_centre():
    # The dot right of the centre goes below it (rows grow downwards); a half-pixel shift splits it in two.
    turned = warp(dot(3, 5), warp_transforms(7, 7, *parameters(rotation=math.pi / 2)))
    assert brightest(turned) == (5, 3)
    half = np.asarray(warp(dot(3, 3), warp_transforms(7, 7, *parameters(shift_x=0.5))))[0, 3, :, 0]
    assert half[3] == pytest.approx(0.0) and half[4] == pytest.approx(0.0)  # bilinear: halfway from -1 to 1


def test_scale_and_shear_move_points_as_written():
    # Scaling by 2 along x sends the dot one column right of the centre two columns right.
    assert brightest(warp(dot(3, 4), warp_transforms(7, 7, *parameters(scale_x=2.0)))) == (3, 5)
    # Shear 1 moves a point x += y: two rows below the centre, it moves two columns right.
    assert brightest(warp(dot(5, 3), warp_transforms(7, 7, *parameters(shear=1.0)))) == (5, 5)


def test_stroke_blends_towards_the_3x3_dilation_or_erosion():
    image = np.full((3, 5, 5, 1), -1.0, np.float32)
    image[:, 1:4, 1:4, 0] = 1.0  # a 3x3 square: dilation is the whole image, erosion its centre only
    out = np.asarray(change_stroke(tf.constant(image), tf.constant([1.0, -1.0, 0.5])))[..., 0]
    assert np.allclose(out[0], 1.0)
    assert out[1][2, 2] == 1.0 and np.sum(out[1] == 1.0) == 1 and np.allclose(out[1][out[1] < 1], -1.0)
    assert out[2][0, 0] == pytest.approx(0.0) and out[2][2, 2] == 1.0  # halfway to the dilation


def test_each_image_draws_its_own_transform_and_the_seed_repeats_it():
    one_image = np.random.default_rng(1).uniform(-1, 1, (1, 9, 9, 1)).astype(np.float32)
    images = tf.constant(np.repeat(one_image, 4, axis=0))
    first = augment(images, ["warp", "stroke"], keras.random.SeedGenerator(3))
    again = augment(images, "warp,stroke", keras.random.SeedGenerator(3))
    assert np.allclose(first, again)
    assert all(not np.allclose(first[0], first[i]) for i in (1, 2, 3))
    assert np.allclose(augment(images, (), keras.random.SeedGenerator(3)), images)


def test_g_gets_a_gradient_through_the_augmentation():
    images = tf.Variable(np.random.default_rng(2).uniform(-1, 1, (2, 8, 8, 1)).astype(np.float32))
    with tf.GradientTape() as tape:
        total = tf.reduce_sum(augment(images, style_augment.POLICIES, keras.random.SeedGenerator(0)) ** 2)
    gradient = tape.gradient(total, images)
    assert gradient is not None and float(tf.reduce_sum(tf.abs(gradient))) > 0


def tiny_infogan(code_augment):
    generator = networks.infogan.generator(2, (8, 8, 1), 3, 1, base_filters=4)
    discriminator = networks.infogan.discriminator((8, 8, 1), 3, 1, base_filters=4, q_units=8)
    return models.InfoGAN(generator, discriminator, 2, 3, 1, code_augment=code_augment, seed=4)


def test_infogans_q_reads_the_categorical_code_from_the_augmented_copy_in_training_only():
    model = tiny_infogan(["warp"])
    images = tf.constant(np.random.default_rng(3).uniform(-1, 1, (6, 8, 8, 1)).astype(np.float32))
    fakes = {"inputs": [tf.zeros((6, 2)), tf.constant([0, 1, 2, 0, 1, 2]), tf.zeros((6, 1))], "images": images}
    logit, categorical, continuous = model._judge_fakes(fakes, training=True)
    expected = model.discriminator(augment(images, ["warp"], keras.random.SeedGenerator(4)), training=True)
    plain = model.discriminator(images, training=True)
    assert np.allclose(categorical, expected[1], atol=1e-5) and not np.allclose(categorical, plain[1], atol=1e-3)
    assert np.allclose(logit, plain[0], atol=1e-5) and np.allclose(continuous, plain[2], atol=1e-5)
    evaluated = model._judge_fakes(fakes, training=False)[1]
    assert np.allclose(evaluated, model.discriminator(images, training=False)[1], atol=1e-5)


def test_the_policy_is_checked_and_kept_in_the_config():
    model = tiny_infogan("warp,stroke")
    assert model.code_augment == ("warp", "stroke")
    assert models.InfoGAN.from_config(model.get_config()).code_augment == ("warp", "stroke")
    assert tiny_infogan(()).code_augment == ()
    for bad in (["rotate"], ["warp", "warp"], 3):
        with pytest.raises(ValueError, match=r"`code_augment` must name each of warp, stroke at most once"):
            tiny_infogan(bad)
