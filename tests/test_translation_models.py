"""Pix2Pix, SRGAN, CycleGAN and DiscoGAN: objectives by hand, update rules, save/load, checkpoints, export.

The objectives are checked with 1x1-convolution networks whose outputs are
known in closed form, through ``model.evaluate`` (the test step computes the
training losses in inference mode, without updating anything).
"""

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_gans import callbacks, data, export, models
from keras_gans.experiments import translation as translation_runs
from keras_gans.networks import vgg_features


def softplus(x):
    return np.log1p(np.exp(x))


def affine(scale, bias, shape, name, inputs=1):
    """``images -> scale * x + bias`` per pixel (a 1x1 convolution); two inputs are concatenated first."""
    if inputs == 2:
        source = keras.Input(shape, name="source")
        images = keras.Input(shape, name="images")
        x = keras.layers.Concatenate()([source, images])
        sources = [source, images]
    else:
        images = keras.Input(shape, name="images")
        x, sources = images, images
    kernel = np.reshape(np.asarray(scale, "float32"), (1, 1, -1, 1))  # one weight per input channel
    conv = keras.layers.Conv2D(1, 1, kernel_initializer=keras.initializers.Constant(kernel),
                               bias_initializer=keras.initializers.Constant(bias))
    return keras.Model(sources, conv(x), name=name)


def pairs(first, second, batch=4):
    return tf.data.Dataset.from_tensor_slices((first, second)).batch(batch)


RNG = np.random.default_rng(0)
A = RNG.uniform(-1, 1, (4, 4, 4, 1)).astype("float32")
B = RNG.uniform(-1, 1, (4, 4, 4, 1)).astype("float32")


# ----------------------------------------------------------------------------
# Objectives by hand


def test_pix2pix_objective_by_hand():
    """Isola et al. eq. 4: cGAN + 100 L1, D(source, image) conditional."""
    generator = affine(0.5, 0.0, (4, 4, 1), "g")
    discriminator = affine([0.3, -0.7], 0.1, (4, 4, 1), "d", inputs=2)  # 0.3 source - 0.7 image + 0.1
    model = models.Pix2Pix(generator, discriminator)
    model.compile()
    logs = model.evaluate(pairs(A, B), return_dict=True, verbose=0)
    fake = 0.5 * A
    real_logits, fake_logits = 0.3 * A - 0.7 * B + 0.1, 0.3 * A - 0.7 * fake + 0.1
    l1 = np.mean(np.abs(B - fake))
    adversarial = np.mean(softplus(-fake_logits))
    assert logs["content_loss"] == pytest.approx(l1, rel=1e-5)
    assert logs["g_adversarial"] == pytest.approx(adversarial, rel=1e-5)
    assert logs["g_loss"] == pytest.approx(adversarial + 100 * l1, rel=1e-5)
    assert logs["d_loss"] == pytest.approx(np.mean(softplus(-real_logits)) + np.mean(softplus(fake_logits)), rel=1e-5)


def test_cyclegan_objective_by_hand():
    """Zhu et al. eq. 3: LSGAN both ways + 10 cycle L1 + 5 identity L1; D halves its squares."""
    g_ab, g_ba = affine(0.5, 0.0, (4, 4, 1), "g_ab"), affine(1.5, 0.1, (4, 4, 1), "g_ba")
    d_a, d_b = affine(2.0, 0.3, (4, 4, 1), "d_a"), affine(-1.0, 0.2, (4, 4, 1), "d_b")
    model = models.CycleGAN(g_ab, g_ba, d_a, d_b, pool_size=0)
    model.compile()
    logs = model.evaluate(pairs(A, B), return_dict=True, verbose=0)
    fake_b, fake_a = 0.5 * A, 1.5 * B + 0.1
    adversarial = np.mean((-fake_b + 0.2 - 1) ** 2) + np.mean((2 * fake_a + 0.3 - 1) ** 2)
    cycle = np.mean(np.abs(1.5 * fake_b + 0.1 - A)) + np.mean(np.abs(0.5 * fake_a - B))
    identity = np.mean(np.abs(0.5 * B - B)) + np.mean(np.abs(1.5 * A + 0.1 - A))
    d_loss = (0.5 * np.mean((2 * A + 0.3 - 1) ** 2) + 0.5 * np.mean((2 * fake_a + 0.3) ** 2)
              + 0.5 * np.mean((-B + 0.2 - 1) ** 2) + 0.5 * np.mean((-fake_b + 0.2) ** 2))
    assert logs["g_adversarial"] == pytest.approx(adversarial, rel=1e-5)
    assert logs["cycle_loss"] == pytest.approx(cycle, rel=1e-5)
    assert logs["identity_loss"] == pytest.approx(identity, rel=1e-5)
    assert logs["g_loss"] == pytest.approx(adversarial + 10 * cycle + 5 * identity, rel=1e-5)
    assert logs["d_loss"] == pytest.approx(d_loss, rel=1e-5)


def test_discogan_objective_by_hand():
    """Kim et al. eq. 5-6: -log D both ways + MSE reconstructions (weight 1); D cross-entropy."""
    g_ab, g_ba = affine(0.5, 0.0, (4, 4, 1), "g_ab"), affine(1.5, 0.1, (4, 4, 1), "g_ba")
    d_a, d_b = affine(2.0, 0.3, (4, 4, 1), "d_a"), affine(-1.0, 0.2, (4, 4, 1), "d_b")
    model = models.DiscoGAN(g_ab, g_ba, d_a, d_b)
    model.compile()
    logs = model.evaluate(pairs(A, B), return_dict=True, verbose=0)
    fake_b, fake_a = 0.5 * A, 1.5 * B + 0.1
    adversarial = np.mean(softplus(-(-fake_b + 0.2))) + np.mean(softplus(-(2 * fake_a + 0.3)))
    reconstruction = np.mean((1.5 * fake_b + 0.1 - A) ** 2) + np.mean((0.5 * fake_a - B) ** 2)
    d_loss = (np.mean(softplus(-(2 * A + 0.3))) + np.mean(softplus(2 * fake_a + 0.3))
              + np.mean(softplus(-(-B + 0.2))) + np.mean(softplus(-fake_b + 0.2)))
    assert logs["cycle_loss"] == pytest.approx(reconstruction, rel=1e-5)
    assert logs["identity_loss"] == 0.0
    assert logs["g_loss"] == pytest.approx(adversarial + reconstruction, rel=1e-5)
    assert logs["d_loss"] == pytest.approx(d_loss, rel=1e-5)


def sr_networks(low=(2, 2, 1)):
    lr = keras.Input(low, name="images")
    up = keras.layers.UpSampling2D(4)(keras.layers.Conv2D(1, 1, kernel_initializer=keras.initializers.Constant(0.5),
                                                          bias_initializer="zeros")(lr))
    generator = keras.Model(lr, up, name="g")
    high = keras.Input((low[0] * 4, low[1] * 4, 1), name="images")
    logit = keras.layers.GlobalAveragePooling2D()(keras.layers.Conv2D(
        1, 1, kernel_initializer=keras.initializers.Constant(2.0), bias_initializer="zeros")(high))
    return generator, keras.Model(high, logit, name="d")


def test_srgan_objective_by_hand_with_pixel_mse():
    """Ledig et al. eq. 3: content MSE + 1e-3 * -log D(G(x))."""
    generator, discriminator = sr_networks()
    model = models.SRGAN(generator, discriminator)
    model.compile()
    low = A[:, :2, :2]
    logs = model.evaluate(pairs(low, B.repeat(2, 1).repeat(2, 2)), return_dict=True, verbose=0)
    high = B.repeat(2, 1).repeat(2, 2)
    fake = (0.5 * low).repeat(4, 1).repeat(4, 2)
    mse = np.mean((high - fake) ** 2)
    adversarial = np.mean(softplus(-2.0 * fake.mean(axis=(1, 2, 3))))
    assert logs["content_loss"] == pytest.approx(mse, rel=1e-5)
    assert logs["g_loss"] == pytest.approx(mse + 1e-3 * adversarial, rel=1e-5)


def test_srgan_vgg_content_loss_uses_scaled_features():
    """Eq. 5 with randomly initialized VGG19 at 32x32: MSE of phi / 12.75."""
    vgg = vgg_features.feature_extractor((32, 32, 1), layer="block1_conv2")
    generator, discriminator = sr_networks(low=(8, 8, 1))
    model = models.SRGAN(generator, discriminator, feature_extractor=vgg)
    high = np.random.default_rng(1).uniform(-1, 1, (2, 32, 32, 1)).astype("float32")
    fake = np.random.default_rng(2).uniform(-1, 1, (2, 32, 32, 1)).astype("float32")
    expected = np.mean(((vgg(high).numpy() - vgg(fake).numpy()) / 12.75) ** 2)
    assert float(model.content_loss(high, fake)) == pytest.approx(expected, rel=1e-4)
    assert expected > 0 and not vgg.trainable_weights


# ----------------------------------------------------------------------------
# Update rules


def weights(network):
    return [w.numpy().copy() for w in network.trainable_weights]


def changed(before, network):
    """Whether any trainable weight moved (batch-norm statistics move with every forward pass)."""
    return any(not np.array_equal(b, a.numpy()) for b, a in zip(before, network.trainable_weights))


def tiny_pix2pix(**kwargs):
    """Pix2Pix on 4x4 images with 1x1-convolution players (cheap to trace)."""
    return models.Pix2Pix(affine(0.8, 0.1, (4, 4, 1), "g"), affine([0.5, 0.4], 0.0, (4, 4, 1), "d", inputs=2),
                          **kwargs)


def test_l1_alone_never_updates_the_discriminator_and_pretraining_holds_it():
    source = RNG.uniform(-1, 1, (8, 4, 4, 1)).astype("float32")
    target = RNG.uniform(-1, 1, (8, 4, 4, 1)).astype("float32")
    model = tiny_pix2pix(adversarial_weight=0.0)
    model.compile()
    d_before, g_before = weights(model.discriminator), weights(model.generator)
    model.fit(pairs(source, target), epochs=1, verbose=0)
    assert not changed(d_before, model.discriminator) and changed(g_before, model.generator)
    assert int(model.d_optimizer.iterations) == 0 and int(model.g_optimizer.iterations) == 2

    model = models.PairedTranslator(model.generator, model.discriminator, pretrain_steps=2)
    model.compile(d_optimizer=keras.optimizers.Adam(1e-2))
    d_before = weights(model.discriminator)
    model.fit(pairs(source, target), epochs=1, verbose=0)  # 2 steps: D gets zero gradients
    assert not changed(d_before, model.discriminator)
    model.fit(pairs(source[:4], target[:4]), epochs=1, verbose=0)  # step 3: the adversarial phase
    assert changed(d_before, model.discriminator)


def tiny_cyclegan(pool_size=3, seed=0):
    """CycleGAN on 4x4 images with 1x1-convolution players with random weights (cheap to trace)."""
    rng = np.random.default_rng(seed)
    return models.CycleGAN(*[affine(rng.normal(), rng.normal(), (4, 4, 1), name)
                             for name in ("g_ab", "g_ba", "d_a", "d_b")], pool_size=pool_size, seed=seed)


def test_cyclegan_step_updates_all_four_networks_and_fills_the_pools(tmp_path):
    model = tiny_cyclegan()
    model.compile()
    before = {name: weights(getattr(model, name)) for name in
              ("generator_ab", "generator_ba", "discriminator_a", "discriminator_b")}
    model.fit(pairs(A, B, batch=2), epochs=1, verbose=0)
    assert all(changed(before[name], getattr(model, name)) for name in before)
    assert int(model.pool_a.num_stored.numpy()) == 3 and int(model.pool_b.num_stored.numpy()) == 3
    assert model.generator is model.generator_ab and model.discriminator is model.discriminator_b

    # The Checkpointer restores every network, both optimizers and the pools into a fresh model.
    checkpointer = callbacks.Checkpointer(tmp_path)
    checkpointer.set_model(model)
    checkpointer.on_epoch_end(0)
    keras.utils.set_random_seed(99)
    fresh = tiny_cyclegan()
    fresh.compile()
    assert callbacks.Checkpointer(tmp_path).restore(fresh) == 1
    for name in before:
        for saved, restored in zip(getattr(model, name).get_weights(), getattr(fresh, name).get_weights()):
            np.testing.assert_array_equal(saved, restored)
    np.testing.assert_array_equal(fresh.pool_b.images.numpy(), model.pool_b.images.numpy())
    assert int(fresh.g_optimizer.iterations) == int(model.g_optimizer.iterations) == 2


# ----------------------------------------------------------------------------
# Serialization, export, samples


def test_pix2pix_and_cyclegan_round_trip_through_keras_files(tmp_path):
    for model in (tiny_pix2pix(l1_weight=50.0), tiny_cyclegan(pool_size=4, seed=5)):
        x = RNG.uniform(-1, 1, (3,) + tuple(model.generator.inputs[0].shape[1:])).astype("float32")
        model.compile(d_optimizer=keras.optimizers.Adam(3e-4), g_optimizer=keras.optimizers.Adam(1e-4))
        path = tmp_path / f"{model.name}.keras"
        model.save(path)
        loaded = keras.saving.load_model(path)
        assert type(loaded) is type(model)
        np.testing.assert_allclose(loaded.translate(x).numpy(), model.translate(x).numpy(), atol=1e-6)
        assert float(loaded.g_optimizer.learning_rate) == pytest.approx(1e-4)
    assert loaded.pool_size == 4 and loaded.cycle_weight == 10.0 and loaded.identity_weight == 5.0
    np.testing.assert_allclose(loaded.translate(x, "b_to_a").numpy(), model.translate(x, "b_to_a").numpy(), atol=1e-6)


def test_srgan_and_discogan_configs_round_trip():
    generator, discriminator = sr_networks()
    srgan = models.SRGAN(generator, discriminator, adversarial_weight=0.01, pretrain_steps=7)
    clone = models.SRGAN.from_config(srgan.get_config())
    assert (clone.adversarial_weight, clone.pretrain_steps, clone.distance_name) == (0.01, 7, "mse")
    nets = [affine(1.0, 0.0, (4, 4, 1), name) for name in ("a", "b", "c", "d")]
    disco = models.DiscoGAN(*nets, reconstruction_weight=2.0, distance="l1")
    clone = models.DiscoGAN.from_config(disco.get_config())
    assert (clone.reconstruction_weight, clone.distance_name, clone.pool_size, clone.identity_weight) == (2.0, "l1", 0, 0)


def test_cyclegan_exports_both_directions(tmp_path):
    model = tiny_cyclegan()
    version = export.export_generator(model, tmp_path / "cyclegan")
    loaded = tf.saved_model.load(version)
    assert sorted(loaded.signatures) == ["a_to_b", "b_to_a", "serving_default"]
    x = RNG.uniform(-1, 1, (2, 4, 4, 1)).astype("float32")
    for name, network in [("serving_default", model.generator_ab), ("a_to_b", model.generator_ab),
                          ("b_to_a", model.generator_ba)]:
        signature = loaded.signatures[name]
        assert list(signature.structured_input_signature[1]) == ["images"]
        out = signature(images=tf.constant(x))["images"].numpy()
        np.testing.assert_allclose(out, network(x, training=False).numpy(), atol=1e-5)


def test_translation_picture_rows_and_grid(tmp_path):
    """Rows input | output | target line up per column; a small SR input row is enlarged by repetition."""
    low = np.full((2, 2, 2, 1), -1.0, "float32")
    low[1] = 1.0
    high = np.zeros((2, 8, 8, 3), "float32")
    picture = callbacks.translation_picture([low, high, high])
    assert picture.shape == (3 * 8 + 4 * 2, 2 * 8 + 3 * 2, 3)
    assert np.all(picture[2:10, 2:10] == 0) and np.all(picture[2:10, 12:20] == 255)  # gray row repeated to RGB
    with pytest.raises(ValueError, match="divide"):
        callbacks.translation_picture([np.zeros((1, 3, 3, 1)), np.zeros((1, 8, 8, 1))])

    model = tiny_cyclegan(pool_size=0)
    grid = callbacks.TranslationGrid(tmp_path, (A[:2], B[:2]))
    grid.set_model(model)
    grid.on_epoch_end(0)
    written = keras.utils.load_img(tmp_path / "samples" / "epoch_0001.png")
    assert written.size == (2 * 4 + 3 * 2, 6 * 4 + 7 * 2)  # 2 columns, 6 rows: a, G_AB(a), rec, b, G_BA(b), rec


def test_cycle_measures_of_an_invertible_pair_are_zero():
    g_ab, g_ba = affine(0.5, 0.0, (4, 4, 1), "g_ab"), affine(2.0, 0.0, (4, 4, 1), "g_ba")
    model = models.CycleGAN(g_ab, g_ba, affine(1.0, 0.0, (4, 4, 1), "d_a"), affine(1.0, 0.0, (4, 4, 1), "d_b"))
    measures = translation_runs.cycle_measures(model, A, B)
    assert measures["cycle_l1_a"] == pytest.approx(0.0, abs=1e-6)
    assert measures["cycle_l1_b"] == pytest.approx(0.0, abs=1e-6)


BAD_ARGUMENTS = [
    (lambda: tiny_pix2pix(l1_weight=-1.0), "content_weight=-1.0"),
    (lambda: tiny_pix2pix(loss="wasserstein"), "loss='wasserstein'"),
    (lambda: models.PairedTranslator(affine(1, 0, (4, 4, 1), "g"), affine(1, 0, (4, 4, 1), "d"),
                                     pretrain_steps=-1), "pretrain_steps=-1"),
    (lambda: models.CycleGAN(affine(1, 0, (4, 4, 1), "a"), affine(1, 0, (4, 4, 3), "b"),
                             affine(1, 0, (4, 4, 1), "c"), affine(1, 0, (4, 4, 1), "d")), "identity_weight"),
    (lambda: models.DiscoGAN(*[affine(1, 0, (4, 4, 1), n) for n in "abcd"], distance="l2"), "'l2'"),
    (lambda: tiny_cyclegan().translate(A, "sideways"), "direction='sideways'"),
]


def test_bad_model_arguments_are_named():
    for make, match in BAD_ARGUMENTS:
        with pytest.raises(ValueError, match=match):
            make()


class _Lookup:
    """A translator that maps each test image to a fixed image (a copier maps it to itself)."""

    def __init__(self, *pairings):
        self.table = {}
        for sources, targets, direction in pairings:
            self.table.update({(direction, s.tobytes()): t for s, t in zip(sources, targets)})

    def translate(self, images, direction="a_to_b"):
        return np.stack([self.table.get((direction, image.tobytes()), image) for image in np.asarray(images)])


def test_digit_identity_tells_translating_from_copying():
    """A copier keeps every digit but never reaches the other domain; the true translation does both."""
    test = data.translation_arrays("digits2bold", split="test", image_size=16)
    copier = translation_runs.digit_identity(_Lookup(), image_size=16, epochs=3)
    oracle = translation_runs.digit_identity(_Lookup((test["a"], test["b"], "a_to_b"),
                                                     (test["b"], test["a"], "b_to_a")), image_size=16, epochs=3)
    assert copier["judge_domain"] > 0.95 and copier["a_to_b"] > 0.6  # the copy still reads as the digit
    for direction in ("a_to_b", "b_to_a"):
        assert copier[f"{direction}_in_domain"] < 0.1 and copier[f"{direction}_both"] < 0.1
        assert oracle[f"{direction}_in_domain"] > 0.9 and oracle[f"{direction}_both"] > 0.85
