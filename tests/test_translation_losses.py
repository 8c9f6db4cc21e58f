"""Losses and measures of the image-to-image models, checked against values worked out by hand."""

import numpy as np
import pytest
from keras import ops

from keras_gans import evaluation, losses, schedules
from keras_gans.losses import translation_generator_loss as generator_adversarial_loss

T = np.array([[0.0, 1.0], [-1.0, 0.5]], "float32")
P = np.array([[0.5, 1.0], [0.0, -0.5]], "float32")


def value(x):
    return float(ops.convert_to_numpy(x))


DISTANCES = [
    # |diffs| = 0.5, 0, 1, 1 -> mean 0.625; squares 0.25, 0, 1, 1 -> mean 0.5625.
    (losses.l1_loss, 0.625),
    (losses.mse_loss, 0.5625),
    (losses.get_distance("l1"), 0.625),
    (losses.get_distance("mse"), 0.5625),
]
ADVERSARIAL = [
    # CycleGAN's generator term E[(D(G(x)) - 1)^2], without LSGAN's 1/2: (0.5^2 + 2^2) / 2.
    ("least_squares", [0.5, 3.0], (0.25 + 4.0) / 2),
    # -log sigmoid(l) = softplus(-l): (log 2 + log(1 + e^-2)) / 2.
    ("non_saturating", [0.0, 2.0], (np.log(2.0) + np.log1p(np.exp(-2.0))) / 2),
]


def test_distances_and_generator_adversarial_losses_by_hand():
    for fn, expected in DISTANCES:
        assert value(fn(T, P)) == pytest.approx(expected)
        assert value(fn(T, T)) == 0.0
    with pytest.raises(ValueError, match="'l3'.*l1, mse"):
        losses.get_distance("l3")
    for variant, logits, expected in ADVERSARIAL:
        loss = generator_adversarial_loss(variant, np.array(logits, "float32"))
        assert value(loss) == pytest.approx(expected, rel=1e-6)


def test_psnr_l1_and_gradient_energy_by_hand():
    reference = np.zeros((2, 2, 2, 1))
    images = reference.copy()
    images[0] += 0.1  # MSE 0.01 -> 10 log10(4 / 0.01) = 26.0206 dB
    images[1, 0, 0, 0] = 0.2  # MSE 0.01 as well
    assert evaluation.psnr(images, reference) == pytest.approx(10 * np.log10(400.0))
    assert evaluation.psnr(images * 255 / 2, reference, data_range=255.0) == pytest.approx(10 * np.log10(400.0))
    assert evaluation.psnr(reference, reference) == np.inf
    assert evaluation.mean_absolute_error(images, reference) == pytest.approx((0.1 * 4 + 0.2) / 8)
    # A vertical edge [[0, 1], [0, 1]]: dx^2 mean 1 over 2 pairs, dy^2 mean 0 -> energy 1.
    edge = np.array([[[0.0], [1.0]], [[0.0], [1.0]]])[None]
    checker = np.array([[[0.0], [1.0]], [[1.0], [0.0]]])[None]  # dx^2 = dy^2 = 1 -> 2
    assert evaluation.gradient_energy(edge) == pytest.approx(1.0)
    assert evaluation.gradient_energy(np.concatenate([edge, checker])) == pytest.approx(1.5)
    assert evaluation.gradient_energy(np.ones((1, 3, 3, 2))) == 0.0
    with pytest.raises(ValueError, match="shape"):
        evaluation.psnr(images, reference[:1])


def test_constant_then_linear_decay_schedule():
    """CycleGAN: constant, then linear to zero (Zhu et al. 2017, appendix 7.1)."""
    schedule = schedules.ConstantThenLinearDecay(2e-4, constant_steps=100, decay_steps=50)
    for step, expected in [(0, 2e-4), (100, 2e-4), (110, 1.6e-4), (125, 1e-4), (150, 0.0), (400, 0.0)]:
        assert value(schedule(step)) == pytest.approx(expected, abs=1e-10)
    clone = schedules.ConstantThenLinearDecay.from_config(schedule.get_config())
    assert value(clone(125)) == pytest.approx(1e-4)
    for kwargs, match in [(dict(initial_learning_rate=0.0, constant_steps=1, decay_steps=1), "initial_learning_rate"),
                          (dict(initial_learning_rate=1.0, constant_steps=-1, decay_steps=1), "constant_steps=-1"),
                          (dict(initial_learning_rate=1.0, constant_steps=0, decay_steps=0), "decay_steps=0")]:
        with pytest.raises(ValueError, match=match):
            schedules.ConstantThenLinearDecay(**kwargs)
