"""CGAN and ACGAN: the class-conditional losses by hand, label plumbing, saving, export, bad input,
and a 2-replica MirroredStrategy fit of all four conditional models against one device."""

import math
import re

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_gans import callbacks, config, experiment, experiments, export, layers, losses, models, networks

SHAPE = (8, 8, 1)
LATENT = 4
K = 3


def ce(logits, label):
    """-log softmax(logits)[label], written out."""
    return -(logits[label] - math.log(sum(math.exp(v) for v in logits)))


def tiny(kind, **options):
    generator = networks.conditional.generator(LATENT, SHAPE, K, base_filters=4)
    if kind == "cgan":
        return models.CGAN(generator, networks.conditional.discriminator(SHAPE, K, base_filters=4), LATENT, K, seed=0,
                           **options)
    discriminator = networks.conditional.auxiliary_classifier_discriminator(SHAPE, K, base_filters=4)
    return models.ACGAN(generator, discriminator, LATENT, K, seed=0, **options)


def labelled(labels, batch=4):
    images = np.random.default_rng(0).uniform(-1, 1, (len(labels),) + SHAPE).astype(np.float32)
    return tf.data.Dataset.from_tensor_slices((images, np.asarray(labels, np.int32))).batch(batch)


# ----------------------------------------------------------------------------- losses by hand


ACGAN_CASES = [  # real class logits, real labels, fake class logits, fake labels
    ([[2.0, 0.0], [0.0, 0.0]], [0, 1], [[0.0, 1.0]], [1]),
    ([[1.0, -1.0, 3.0]], [2], [[0.5, 0.5, 0.5], [4.0, 0.0, 0.0]], [0, 1]),
]


def test_acgan_loss_pair_is_the_class_cross_entropy_of_odena_eq_2():
    for real_logits, real_labels, fake_logits, fake_labels in ACGAN_CASES:
        real = np.mean([ce(l, y) for l, y in zip(real_logits, real_labels)])
        fake = np.mean([ce(l, y) for l, y in zip(fake_logits, fake_labels)])
        args = (np.array(real_logits), np.array(real_labels), np.array(fake_logits), np.array(fake_labels))
        assert float(losses.acgan_discriminator_loss(*args)) == pytest.approx(real + fake, rel=1e-6)  # -L_C
        assert float(losses.acgan_discriminator_loss(*args, fake_weight=0.0)) == pytest.approx(real, rel=1e-6)
        g = losses.acgan_generator_loss(np.array(fake_logits), np.array(fake_labels))
        assert float(g) == pytest.approx(fake, rel=1e-6)  # G's share of -L_C


def test_acgan_loss_of_the_first_row_worked_out():
    # Real: log(1 + e^-2) and log 2; fake: log(1 + e^-1).
    d = losses.acgan_discriminator_loss(np.array([[2.0, 0.0], [0.0, 0.0]]), np.array([0, 1]),
                                        np.array([[0.0, 1.0]]), np.array([1]))
    assert float(d) == pytest.approx((0.126928 + 0.693147) / 2 + 0.313262, abs=1e-6)


@pytest.mark.parametrize("fake_class_weight", [1.0, 0.0])
def test_acgan_class_term_of_a_step_counts_the_fakes_by_their_weight(fake_class_weight):
    """D's logged class term is the cross-entropy of its own class logits on the real images plus
    ``fake_class_weight`` times that on the fakes, labelled with the classes G was asked for."""
    model = tiny("acgan", fake_class_weight=fake_class_weight)
    rng = np.random.default_rng(3)
    images = rng.uniform(-1, 1, (4,) + SHAPE).astype(np.float32)
    labels, fake_labels = np.array([0, 1, 2, 1], np.int32), np.array([2, 2, 0, 1], np.int32)
    fake_images = rng.uniform(-1, 1, (4,) + SHAPE).astype(np.float32)
    fakes = {"images": tf.constant(fake_images), "inputs": [tf.zeros((4, LATENT)), tf.constant(fake_labels)]}
    _, logs = model.discriminator_loss((tf.constant(images), tf.constant(labels)), fakes, training=False)
    real_logits = model.discriminator(images, training=False)[1].numpy().tolist()
    fake_logits = model.discriminator(fake_images, training=False)[1].numpy().tolist()
    real = np.mean([ce(l, y) for l, y in zip(real_logits, labels)])
    fake = np.mean([ce(l, y) for l, y in zip(fake_logits, fake_labels)])
    assert float(logs["d_class_loss"]) == pytest.approx(real + fake_class_weight * fake, rel=1e-5)


def softplus(x):
    return math.log1p(math.exp(x))


@pytest.mark.parametrize("weight", [0.5, 1.0])
def test_cgan_wrong_label_pairs_enter_d_loss_as_gan_cls_fakes(weight):
    """Reed et al. 2016, Algorithm 1, for class labels: real + w * (real image, wrong label) + (1 - w) * fake."""
    model = tiny("cgan", wrong_label_weight=weight)
    wrong = np.array([2, 0, 1, 0], np.int32)
    model.wrong_labels = lambda labels: tf.constant(wrong)  # the draw is tested below
    rng = np.random.default_rng(5)
    images, fake_images = (rng.uniform(-1, 1, (4,) + SHAPE).astype(np.float32) for _ in range(2))
    labels, fake_labels = np.array([0, 1, 2, 1], np.int32), np.array([2, 2, 0, 1], np.int32)
    fakes = {"images": tf.constant(fake_images), "inputs": [tf.zeros((4, LATENT)), tf.constant(fake_labels)]}
    loss, logs = model.discriminator_loss((tf.constant(images), tf.constant(labels)), fakes, training=False)
    logits = {name: model.discriminator([x, y], training=False).numpy()[:, 0].tolist()
              for name, x, y in (("real", images, labels), ("wrong", images, wrong), ("fake", fake_images, fake_labels))}
    real = np.mean([softplus(-v) for v in logits["real"]])
    by_hand = (real + weight * np.mean([softplus(v) for v in logits["wrong"]])
               + (1 - weight) * np.mean([softplus(v) for v in logits["fake"]]))
    assert float(loss) == pytest.approx(by_hand, rel=1e-5)
    assert float(logs["d_wrong"]) == pytest.approx(np.mean(logits["wrong"]), rel=1e-5, abs=1e-6)


def test_wrong_labels_are_drawn_uniformly_from_the_other_classes():
    model = tiny("cgan", wrong_label_weight=0.5)
    labels = np.repeat(np.arange(K, dtype=np.int32), 3000)
    wrong = np.asarray(model.wrong_labels(tf.constant(labels)))
    assert not np.any(wrong == labels)
    for label in range(K):
        shares = np.bincount(wrong[labels == label], minlength=K) / 3000
        others = [other for other in range(K) if other != label]
        np.testing.assert_allclose(shares[others], 1 / (K - 1), atol=0.03)


def test_the_wrong_label_weight_is_kept_and_checked(tmp_path):
    assert "d_wrong" not in tiny("cgan").trackers
    exp = experiments.get("cgan")
    run_config = config.RunConfig(dataset="digits", image_size=8, model_dir=str(tmp_path), export=False)
    model = experiment.rebuild(exp, exp.Config(base_filters=4, wrong_label_weight=0.25), run_config)
    assert model.wrong_label_weight == 0.25 and "d_wrong" in model.trackers
    assert models.CGAN.from_config(model.get_config()).wrong_label_weight == 0.25
    with pytest.raises(ValueError, match=re.escape("received wrong_label_weight=1.5")):
        tiny("cgan", wrong_label_weight=1.5)
    with pytest.raises(config.ConfigError, match="wrong_label_weight"):
        exp.Config(wrong_label_weight=-0.1)
    # At 1 the generated images' share of D's loss, 1 - w, is 0: G would train against nothing.
    for name in ("cgan", "biggan"):
        with pytest.raises(config.ConfigError, match=r"wrong_label_weight.*1\.0.*no generated images"):
            experiments.get(name).Config(wrong_label_weight=1.0)


def test_the_acgan_app_passes_fake_class_weight_and_the_trunk_to_the_model(tmp_path):
    exp = experiments.get("acgan")
    run_config = config.RunConfig(dataset="digits", image_size=8, model_dir=str(tmp_path), export=False)
    model = experiment.rebuild(exp, exp.Config(base_filters=4, fake_class_weight=0.25, d_trunk="pooled",
                                               minibatch_discrimination=True), run_config)
    assert model.fake_class_weight == 0.25
    clone = models.ACGAN.from_config(model.get_config())
    assert clone.fake_class_weight == 0.25
    assert clone.discriminator.get_layer("acgan_discriminator_features").get_layer("conv_1_pool") is not None
    assert clone.discriminator.get_layer("minibatch_discrimination").num_kernels == 32
    with pytest.raises(config.ConfigError, match="d_trunk"):
        exp.Config(d_trunk="strided")


def test_the_pooled_trunk_convolves_at_every_resolution_and_pools_to_4x4():
    trunk = networks.conditional.pooled_features((32, 32, 3), base_filters=4)
    convolutions = [layer for layer in trunk.layers if isinstance(layer, keras.layers.Conv2D)]
    assert [(c.filters, c.kernel_size, c.strides) for c in convolutions] == [
        (4, (3, 3), (1, 1)), (8, (3, 3), (1, 1)), (16, (3, 3), (1, 1))]
    assert tuple(trunk.output.shape) == (None, 4 * 4 * 16)
    assert [type(layer).__name__ for layer in trunk.layers].count("MaxPooling2D") == 3
    with_sn = networks.conditional.pooled_features((16, 16, 1), base_filters=4, spectral_norm=True)
    assert sum(isinstance(layer, keras.layers.SpectralNormalization) for layer in with_sn.layers) == 2
    with pytest.raises(ValueError, match="trunk='strided'"):
        networks.conditional.auxiliary_classifier_discriminator((16, 16, 1), 3, trunk="strided")


def test_the_cgan_pooled_trunk_reads_the_image_and_its_label_maps(tmp_path):
    discriminator = networks.conditional.discriminator((16, 16, 1), K, base_filters=4, trunk="pooled")
    body = discriminator.get_layer("conditional_discriminator_body")
    convolutions = [layer for layer in body.layers if isinstance(layer, keras.layers.Conv2D)]
    assert [(c.filters, c.kernel_size, c.strides) for c in convolutions] == [(4, (3, 3), (1, 1)), (8, (3, 3), (1, 1))]
    assert tuple(body.inputs[0].shape) == (None, 16, 16, 1 + K)  # the image and K label maps
    images = np.random.default_rng(0).uniform(-1, 1, (2, 16, 16, 1)).astype(np.float32)
    logits = [discriminator([images, np.full(2, label, np.int32)]).numpy() for label in range(K)]
    assert not np.allclose(logits[0], logits[1])  # the label changes the logit
    exp = experiments.get("cgan")
    run_config = config.RunConfig(dataset="digits", image_size=8, model_dir=str(tmp_path), export=False)
    model = experiment.rebuild(exp, exp.Config(base_filters=4, d_trunk="pooled"), run_config)
    assert model.discriminator.get_layer("conditional_discriminator_body").get_layer("conv_1_pool") is not None
    with pytest.raises(config.ConfigError, match="d_trunk"):
        exp.Config(d_trunk="strided")


def test_the_summed_pooled_trunk_reads_the_relu_maps_summed_over_the_4x4_positions():
    trunk = networks.conditional.pooled_sum_features((32, 32, 3), base_filters=4)
    assert tuple(trunk.output.shape) == (None, 16)  # the last block's filters, not 4 * 4 * 16
    images = np.random.default_rng(2).uniform(-1, 1, (3, 32, 32, 3)).astype(np.float32)
    maps = np.asarray(keras.Model(trunk.inputs, trunk.get_layer("conv_3_pool").output)(images))  # [3, 4, 4, 16]
    assert maps.min() < 0  # LeakyReLU leaves negatives for the ReLU to drop
    np.testing.assert_allclose(np.asarray(trunk(images)), np.maximum(maps, 0).sum(axis=(1, 2)), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("name", ["cgan", "acgan"])
def test_the_apps_build_d_on_the_summed_trunk_and_save_it(name, tmp_path):
    exp = experiments.get(name)
    run_config = config.RunConfig(dataset="digits", image_size=8, model_dir=str(tmp_path), export=False)
    model = experiment.rebuild(exp, exp.Config(base_filters=4, d_trunk="pooled_sum"), run_config)
    discriminator = model.discriminator
    trunk_name = "conditional_discriminator_body" if name == "cgan" else "acgan_discriminator_features"
    trunk = discriminator.get_layer(trunk_name)
    assert tuple(trunk.get_layer("features").output.shape) == (None, 4)  # the one block's filters, not 4 * 4 * 4
    assert isinstance(trunk.get_layer("mean_pool"), keras.layers.GlobalAveragePooling2D)
    images = np.random.default_rng(3).uniform(-1, 1, (2, 8, 8, 1)).astype(np.float32)
    inputs = [images, np.array([0, 2], np.int32)] if name == "cgan" else images
    discriminator.save(tmp_path / "d.keras")
    loaded = keras.models.load_model(tmp_path / "d.keras")
    for before, after in zip(tf.nest.flatten(discriminator(inputs)), tf.nest.flatten(loaded(inputs))):
        np.testing.assert_allclose(np.asarray(after), np.asarray(before), atol=1e-6)


def test_acgan_minibatch_discrimination_shows_the_batch_to_the_real_fake_logit_only():
    """Salimans et al. 2016, section 3.2: o(x_i) sums exp(-L1) over the batch, so a batch of N copies gives
    o = N; the real/fake logit of an image then depends on its batch-mates, its class logits do not."""
    with_mbd = networks.conditional.auxiliary_classifier_discriminator(
        SHAPE, K, base_filters=4, trunk="pooled", minibatch_discrimination=True, minibatch_kernels=5)
    rng = np.random.default_rng(0)
    image = rng.uniform(-1, 1, (1,) + SHAPE).astype(np.float32)
    mixed = np.concatenate([image, rng.uniform(-1, 1, (3,) + SHAPE).astype(np.float32)])
    copies = np.repeat(image, 4, axis=0)
    closeness = keras.Model(with_mbd.inputs, with_mbd.get_layer("minibatch_discrimination").output)
    np.testing.assert_allclose(closeness(copies)[:, -5:], 4.0, rtol=1e-6)
    (mixed_logit, mixed_classes), (copies_logit, copies_classes) = with_mbd(mixed), with_mbd(copies)
    assert abs(float(mixed_logit[0, 0]) - float(copies_logit[0, 0])) > 1e-4
    np.testing.assert_allclose(mixed_classes[0], copies_classes[0], rtol=1e-5, atol=1e-6)
    without = networks.conditional.auxiliary_classifier_discriminator(SHAPE, K, base_filters=4, trunk="pooled")
    np.testing.assert_allclose(without(mixed)[0][0], without(copies)[0][0], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("trunk", ["dcgan", "pooled"])
def test_cgan_minibatch_discrimination_shows_the_batch_to_the_logit(trunk, tmp_path):
    """With minibatch discrimination, D(x, y) of one labelled image changes with its batch-mates (a batch of
    4 copies gives o = 4, section 3.2 of Salimans et al. 2016); without it, it does not."""
    rng = np.random.default_rng(0)
    image = rng.uniform(-1, 1, (1,) + SHAPE).astype(np.float32)
    mixed = np.concatenate([image, rng.uniform(-1, 1, (3,) + SHAPE).astype(np.float32)])
    copies, labels = np.repeat(image, 4, axis=0), np.full(4, 1, np.int32)
    with_mbd = networks.conditional.discriminator(SHAPE, K, base_filters=4, trunk=trunk, minibatch_discrimination=True)
    body = with_mbd.get_layer("conditional_discriminator_body")
    closeness = keras.Model(body.inputs, body.get_layer("minibatch_discrimination").output)
    joint = keras.Model(with_mbd.inputs, with_mbd.get_layer("images_and_labels").output)
    np.testing.assert_allclose(closeness(joint([copies, labels]))[:, -32:], 4.0, rtol=1e-6)
    assert abs(float(with_mbd([mixed, labels])[0, 0]) - float(with_mbd([copies, labels])[0, 0])) > 1e-4
    without = networks.conditional.discriminator(SHAPE, K, base_filters=4, trunk=trunk)
    assert "minibatch_discrimination" not in [layer.name for layer in
                                              without.get_layer("conditional_discriminator_body").layers]
    np.testing.assert_allclose(without([mixed, labels])[0], without([copies, labels])[0], rtol=1e-5, atol=1e-6)
    exp = experiments.get("cgan")
    run_config = config.RunConfig(dataset="digits", image_size=8, model_dir=str(tmp_path), export=False)
    model = experiment.rebuild(exp, exp.Config(base_filters=4, d_trunk=trunk, minibatch_discrimination=True),
                               run_config)
    clone = models.CGAN.from_config(model.get_config())
    body = clone.discriminator.get_layer("conditional_discriminator_body")
    assert body.get_layer("minibatch_discrimination").num_kernels == 32


# ----------------------------------------------------------------------------- plumbing


def test_class_one_hot_encodes_ids_and_refuses_out_of_range():
    layer = layers.ClassOneHot(3)
    np.testing.assert_array_equal(layer(np.array([2, 0], np.int32)), [[0, 0, 1], [1, 0, 0]])
    for bad in ([0, 3], [-1, 0]):
        with pytest.raises(tf.errors.InvalidArgumentError, match=r"num_classes=3"):
            layer(np.array(bad, np.int32))
    with pytest.raises(ValueError, match="num_classes"):
        layers.ClassOneHot(0)


def test_the_label_enters_both_players():
    generator = networks.conditional.generator(LATENT, SHAPE, K, base_filters=4)
    discriminator = networks.conditional.discriminator(SHAPE, K, base_filters=4)
    acgan_d = networks.conditional.auxiliary_classifier_discriminator(SHAPE, K, base_filters=4)
    z = tf.zeros((2, LATENT)) + 0.5
    images = generator([z, tf.constant([0, 1])])
    assert tuple(images.shape) == (2,) + SHAPE
    assert not np.allclose(images[0], images[1])  # same z, different label
    logits = discriminator([tf.concat([images[:1], images[:1]], 0), tf.constant([0, 2])])
    assert tuple(logits.shape) == (2, 1) and logits[0, 0] != logits[1, 0]
    assert [tuple(o.shape) for o in acgan_d(images)] == [(2, 1), (2, K)]
    assert [t.name for t in generator.inputs] == ["z", "labels"]


def test_fit_logs_and_one_grid_row_per_class(tmp_path):
    for kind, extra in (("cgan", set()), ("acgan", {"d_class_loss", "g_class_loss", "real_accuracy"})):
        model = tiny(kind)
        model.compile(run_eagerly=kind == "acgan")  # one traced fit is enough (test time)
        history = model.fit(labelled([0, 1, 2, 1, 0, 2, 2, 1]), epochs=1, verbose=0).history
        assert set(history) == {"d_loss", "g_loss", "d_real", "d_fake"} | extra
        assert all(np.isfinite(v[-1]) for v in history.values())
        grid = callbacks.SampleGrid(tmp_path, num_samples=6).grid(model)  # 2 samples per class
        assert grid.shape == (K * 8 + (K + 1) * 2, 2 * 8 + 3 * 2, 1)


def test_generate_takes_labels_and_draws_them_when_absent():
    model = tiny("cgan")
    z = np.random.default_rng(1).standard_normal((3, LATENT)).astype(np.float32)
    images = model.generate(z, [2, 2, 0])
    np.testing.assert_allclose(images[0], model.generator([tf.constant(z[:1]), tf.constant([2])])[0], atol=1e-6)
    assert tuple(model.generate(5).shape) == (5,) + SHAPE


@pytest.mark.parametrize("kind", ["cgan", "acgan"])
def test_keras_file_round_trip(kind, tmp_path):
    model = tiny(kind)
    model.compile()
    path = tmp_path / f"{kind}.keras"
    model.save(path)
    loaded = keras.saving.load_model(path)
    assert type(loaded) is type(model) and loaded.num_classes == K
    z, labels = np.ones((3, LATENT), np.float32), [0, 1, 2]
    np.testing.assert_allclose(loaded.generate(z, labels), model.generate(z, labels), atol=1e-6)
    for a, b in zip(loaded.discriminator.get_weights(), model.discriminator.get_weights()):
        np.testing.assert_array_equal(a, b)
    if kind == "acgan":
        assert loaded.class_weight == model.class_weight


def test_export_serves_z_and_int32_labels(tmp_path):
    model = tiny("acgan")
    version = export.export_generator(model, tmp_path / "acgan")
    serve = tf.saved_model.load(version).signatures["serving_default"]
    inputs = serve.structured_input_signature[1]
    assert sorted(inputs) == ["labels", "z"]
    assert inputs["labels"].dtype == tf.int32 and inputs["labels"].shape.as_list() == [None]
    assert inputs["z"].shape.as_list() == [None, LATENT]
    z = np.random.default_rng(2).standard_normal((3, LATENT)).astype(np.float32)
    labels = np.array([1, 0, 2], np.int32)
    np.testing.assert_allclose(serve(z=tf.constant(z), labels=tf.constant(labels))["images"],
                               model.generate(z, labels), atol=1e-5)
    with pytest.raises(tf.errors.InvalidArgumentError, match="num_classes=3"):
        serve(z=tf.constant(z), labels=tf.constant([0, 7, 1], tf.int32))


# ----------------------------------------------------------------------------- bad input


def test_bad_data_and_arguments_give_clear_errors():
    model = tiny("cgan")
    model.compile(run_eagerly=True)
    images_only = tf.data.Dataset.from_tensor_slices(np.zeros((8,) + SHAPE, np.float32)).batch(4)
    with pytest.raises(ValueError, match=r"labelled batches \(images, labels\)"):
        model.fit(images_only, epochs=1, verbose=0)
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"`labels` must be class ids in \[0, num_classes=3\)"):
        model.fit(labelled([0, 1, 2, 9]), epochs=1, verbose=0)  # e.g. a 10-class dataset
    with pytest.raises(ValueError, match=r"`labels` must be in \[0, num_classes=3\); received labels value 5"):
        model.generate(np.zeros((2, LATENT)), [1, 5])
    with pytest.raises(ValueError, match="`labels` must be 2 integer class ids"):
        model.generate(np.zeros((2, LATENT)), [1, 2, 0])
    with pytest.raises(ValueError, match=r"`num_classes`=4 disagrees with the generator"):
        models.CGAN(model.generator, model.discriminator, LATENT, 4)
    with pytest.raises(ValueError, match="inputs \\[images, labels\\]"):
        models.CGAN(model.generator, networks.dcgan.discriminator(SHAPE, base_filters=4), LATENT, K)
    with pytest.raises(ValueError, match="class_logits"):
        models.ACGAN(model.generator, model.discriminator, LATENT, K)
    with pytest.raises(ValueError, match="`num_classes` must be an int >= 2; received num_classes=1"):
        models.CGAN(model.generator, model.discriminator, LATENT, 1)


def test_apps_refuse_unlabelled_data_and_a_disagreeing_class_count():
    spec = experiment.DataSpec(name="digits", sample_shape=(16, 16, 1), num_classes=10)
    assert experiment.class_count(spec) == 10 == experiment.class_count(spec, 10)
    with pytest.raises(config.ConfigError) as error:
        experiment.class_count(spec, 7)
    assert re.search("--num_classes=7 disagrees with --dataset=digits, which has 10", error.value.as_flag())
    with pytest.raises(config.ConfigError) as error:
        experiment.class_count(experiment.DataSpec(name="ring8", sample_shape=(2,)))
    assert re.search("--dataset=ring8 has no labels", error.value.as_flag())


# ----------------------------------------------------------------------------- distribution

# The 2-replica check: batch-norm-free players, since per-replica batch statistics would differ from
# one device's by design.
REPLICA_SHAPE = (4, 4, 1)


def replica_mlp(inputs, parts, outputs, name):
    x = keras.layers.Concatenate()(parts) if len(parts) > 1 else parts[0]
    x = keras.layers.Dense(16, activation="relu")(x)
    heads = [keras.layers.Dense(units, activation=act)(x) for units, act in outputs]
    return keras.Model(inputs, heads if len(heads) > 1 else heads[0], name=name)


def replica_generator(code_inputs):
    z = keras.Input((LATENT,), name="z")
    inputs, parts = [z], [z]
    for name in code_inputs:
        if name == "continuous_code":
            code = keras.Input((2,), name=name)
            parts.append(code)
        else:
            code = keras.Input((), dtype="int32", name=name)
            parts.append(layers.ClassOneHot(K)(code))
        inputs.append(code)
    flat = replica_mlp(inputs, parts, [(16, "tanh")], "g")
    return keras.Model(inputs, keras.layers.Reshape(REPLICA_SHAPE)(flat.outputs[0]))


def replica_discriminator(outputs, with_labels=False):
    x = keras.Input(REPLICA_SHAPE, name="images")
    inputs, parts = [x], [keras.layers.Flatten()(x)]
    if with_labels:
        y = keras.Input((), dtype="int32", name="labels")
        inputs.append(y)
        parts.append(layers.ClassOneHot(K)(y))
    return replica_mlp(inputs, parts, outputs, "d")


def replica_model(kind, images, labels):
    if kind == "cgan":
        return models.CGAN(replica_generator(["labels"]), replica_discriminator([(1, None)], True), LATENT, K, seed=3)
    if kind == "acgan":
        return models.ACGAN(replica_generator(["labels"]), replica_discriminator([(1, None), (K, None)]), LATENT, K,
                            seed=3)
    if kind == "infogan":
        return models.InfoGAN(replica_generator(["categorical_code", "continuous_code"]),
                              replica_discriminator([(1, None), (K, None), (2, None)]), LATENT, K, 2, seed=3)
    d = networks.classifier.digit_classifier(REPLICA_SHAPE, K)
    return models.SGAN(replica_generator([]), d, LATENT, images[:6], labels[:6], seed=3)


def train_replicated(kind, strategy):
    rng = np.random.default_rng(0)
    images = rng.uniform(-1, 1, (32,) + REPLICA_SHAPE).astype("float32")
    labels = rng.integers(0, K, 32).astype("int32")
    keras.utils.set_random_seed(0)
    with strategy.scope():
        model = replica_model(kind, images, labels)
        # Eager steps: the same replica logic without tracing 8 train functions (test time).
        model.compile(d_optimizer=keras.optimizers.Adam(1e-2), g_optimizer=keras.optimizers.Adam(1e-2),
                      run_eagerly=True)
    dataset = tf.data.Dataset.from_tensor_slices((images, labels)).batch(16, drop_remainder=True)
    history = model.fit(dataset, epochs=1, verbose=0).history
    return model.get_weights(), history


@pytest.mark.parametrize("kind", ["cgan", "acgan", "infogan", "sgan"])
def test_two_replica_mirrored_fit_matches_one_device_for_every_model(kind, mirrored):
    one, one_logs = train_replicated(kind, tf.distribute.get_strategy())
    two, two_logs = train_replicated(kind, mirrored)
    assert mirrored.num_replicas_in_sync == 2
    assert max(float(np.max(np.abs(a - b))) for a, b in zip(one, two)) < 1e-5
    assert abs(one_logs["d_loss"][-1] - two_logs["d_loss"][-1]) < 1e-5
    assert abs(one_logs["g_loss"][-1] - two_logs["g_loss"][-1]) < 1e-5
