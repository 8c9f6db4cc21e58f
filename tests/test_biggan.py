"""BigGAN's model: orthogonal regularization targets, EMA start, standing statistics, truncation, saving, serving."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_gans import export, layers, models, networks, penalties
from keras_gans.config import ConfigError, RunConfig
from keras_gans.experiments import biggan as biggan_experiment
from keras_gans.experiments.base import Context, DataSpec
from keras_gans.models import biggan as biggan_model

LATENT, CLASSES, SHAPE = 6, 3, (16, 16, 1)


def tiny_biggan(**options):
    generator = networks.biggan.generator(LATENT, SHAPE, CLASSES, channels=2, shared_dim=4, attention_resolution=8)
    discriminator = networks.biggan.discriminator(SHAPE, CLASSES, channels=2, attention_resolution=8)
    return models.BigGAN(generator, discriminator, LATENT, CLASSES, seed=0, **options)


def latent(rows, seed=0):
    return np.random.default_rng(seed).standard_normal((rows, LATENT)).astype("float32")


def test_orthogonal_regularization_covers_g_kernels_but_not_the_shared_embedding():
    model = tiny_biggan(orthogonal_weight=1e-4)
    paths = [weight.path for weight in model.orthogonal_weights]
    assert not any("shared_embedding" in path for path in paths)
    assert any("cbn1_gain" in path for path in paths) and any("attention_query" in path for path in paths)
    assert all(len(weight.shape) >= 2 for weight in model.orthogonal_weights)
    expected = sum(float(penalties.orthogonal_regularization(weight)) for weight in model.orthogonal_weights)
    assert float(model.orthogonal_penalty()) == pytest.approx(expected, rel=1e-5)
    with pytest.raises(ValueError, match="orthogonal_weight"):
        tiny_biggan(orthogonal_weight=-1.0)


def test_ema_start_copies_g_until_the_start_then_averages():
    generator = networks.mlp.generator(2, (2,), hidden_units=(4,), output_activation=None)
    discriminator = networks.mlp.discriminator((2,), hidden_units=(4,))
    gan = models.GAN(generator, discriminator, 2, ema_decay=0.9, ema_start=2, seed=0)
    gan.compile(d_optimizer=keras.optimizers.SGD(0.1), g_optimizer=keras.optimizers.SGD(0.1), run_eagerly=True)
    data = np.random.default_rng(0).normal(size=(8, 2)).astype("float32")
    gaps = []
    for _ in range(3):
        gan.train_on_batch(data)
        gaps.append(max(float(np.abs(a - b).max()) for a, b in zip(gan.ema_generator.get_weights(),
                                                                   gan.generator.get_weights())))
    assert gaps[0] == 0.0 and gaps[1] == 0.0  # updates 1 and 2: a copy of G
    assert gaps[2] > 0.0  # update 3 averages
    assert models.GAN.from_config(gan.get_config()).ema_start == 2
    with pytest.raises(ValueError, match="ema_start"):
        models.GAN(generator, discriminator, 2, ema_start=-1)


def test_standing_statistics_average_the_batch_moments_and_change_nothing_else():
    model = tiny_biggan(ema_decay=0.999)
    network = model.sampling_generator
    norms = [layer for layer in network._flatten_layers() if isinstance(layer, keras.layers.BatchNormalization)]
    labels = tf.constant([0, 1, 2, 0], "int32")
    batches = {"a": [tf.constant(latent(4, 1)), labels], "b": [tf.constant(latent(4, 2)), labels]}
    for layer in network._flatten_layers():
        if isinstance(layer, layers.SNDense):
            layer.sn_u.assign(np.ones(layer.sn_u.shape, "float32"))  # an SN vector that a training call would move

    def stats():
        return [np.concatenate([norm.moving_mean.numpy(), norm.moving_variance.numpy()]) for norm in norms]

    before = {weight.path: weight.numpy().copy() for weight in network.weights}
    single = {}
    for name in ("a", "b"):
        biggan_model.standing_statistics(network, lambda k, name=name: batches[name], 1)
        single[name] = stats()
    biggan_model.standing_statistics(network, lambda k: batches["a" if k == 1 else "b"], 2)
    for both, a, b in zip(stats(), single["a"], single["b"]):
        np.testing.assert_allclose(both, (a + b) / 2, rtol=1e-5, atol=1e-6)
    moving = {weight.path for norm in norms for weight in (norm.moving_mean, norm.moving_variance)}
    for weight in network.weights:
        if weight.path in moving:
            assert not np.allclose(weight.numpy(), before[weight.path])
        else:
            np.testing.assert_array_equal(weight.numpy(), before[weight.path])
    assert all(norm.momentum == 0.9 and not norm.trainable for norm in norms)  # settings restored
    seed_state = model.seed_generator.state.numpy().copy()
    model.standing_statistics(num_batches=2, batch_size=4, truncation=0.5)
    np.testing.assert_array_equal(model.seed_generator.state.numpy(), seed_state)  # its own draws


def test_generate_truncates_z_and_keras_file_round_trip(tmp_path):
    model = tiny_biggan(ema_decay=0.999, ema_start=5)
    model.compile(d_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.0),
                  g_optimizer=keras.optimizers.Adam(5e-5, beta_1=0.0))
    z, labels = latent(4) * 3.0, np.array([0, 1, 2, 1])
    truncated = np.asarray(model.generate(z, labels, truncation=0.5))
    np.testing.assert_allclose(truncated, np.asarray(model.generate(layers.truncate_latent(z, 0.5), labels)),
                               atol=1e-6)
    assert not np.allclose(truncated, np.asarray(model.generate(z, labels)))
    with pytest.raises(ValueError, match="labels"):
        model.generate(z, [0, 1, 2, 3])
    model.save(tmp_path / "biggan.keras")
    loaded = keras.models.load_model(tmp_path / "biggan.keras")
    assert (loaded.n_critic, loaded.split_real_batch, loaded.ema_start, loaded.loss_name) == (2, True, 5, "hinge")
    np.testing.assert_allclose(np.asarray(loaded.generate(z, labels, truncation=0.5)), truncated, atol=1e-6)


def test_a_default_for_an_input_the_network_lacks_is_refused():
    model = tiny_biggan()
    with pytest.raises(ValueError, match="'truncation_psi'"):
        export.Endpoint(model.sampling_network(), {"truncation_psi": 1.0})


def test_export_serves_z_labels_and_an_optional_truncation(tmp_path):
    model = tiny_biggan(ema_decay=0.999)
    model.standing_statistics(num_batches=2, batch_size=8)
    z, labels = latent(5, 3) * 2.0, np.array([0, 1, 2, 0, 1], "int32")
    loaded = tf.saved_model.load(export.export_generator(model, tmp_path / "export"))
    signature = loaded.signatures["serving_default"]
    assert sorted(signature.structured_input_signature[1]) == ["labels", "truncation", "z"]
    plain = loaded.serving_default(z=tf.constant(z), labels=tf.constant(labels))["images"]  # truncation left out
    half = signature(z=tf.constant(z), labels=tf.constant(labels), truncation=tf.constant(0.5))["images"]
    np.testing.assert_allclose(plain, np.asarray(model.generate(z, labels)), atol=1e-5)
    np.testing.assert_allclose(half, np.asarray(model.generate(z, labels, truncation=0.5)), atol=1e-5)
    assert not np.allclose(plain, half)


def test_two_replica_mirrored_step_matches_one_device(mirrored):
    """Two D steps on dealt real batches, cross-replica batch norm in G, SN vectors averaged over replicas."""
    rng = np.random.default_rng(0)
    images = rng.uniform(-1, 1, (8, *SHAPE)).astype("float32")
    classes = rng.integers(0, CLASSES, 8).astype("int32")

    def train(strategy):
        keras.utils.set_random_seed(0)
        with strategy.scope():
            # No attention: it holds no cross-replica state, and leaving it out saves a quarter of the time.
            g = networks.biggan.generator(LATENT, SHAPE, CLASSES, channels=2, shared_dim=4, attention_resolution=0)
            d = networks.biggan.discriminator(SHAPE, CLASSES, channels=2, attention_resolution=0)
            model = models.BigGAN(g, d, LATENT, CLASSES, ema_decay=0.9, seed=7)
            # G's conv biases feed batch norms, so their gradients are rounding noise, which Adam would
            # scale up to full steps: SGD keeps the comparison about the step, not about that noise.
            model.compile(d_optimizer=keras.optimizers.Adam(1e-3, beta_1=0.0),
                          g_optimizer=keras.optimizers.SGD(0.1))
        n = strategy.num_replicas_in_sync
        shards = strategy.experimental_distribute_values_from_function(lambda context: tuple(
            tf.constant(np.split(array, n)[context.replica_id_in_sync_group]) for array in (images, classes)))
        strategy.run(model.train_step, args=(shards,))  # two D steps on dealt halves, one G step, eagerly
        return model.get_weights() + model.ema_generator.get_weights()

    single, replicated = train(tf.distribute.get_strategy()), train(mirrored)
    assert max(float(np.max(np.abs(a - b))) for a, b in zip(single, replicated)) < 1e-5


def test_experiment_refuses_sizes_the_networks_cannot_take():
    experiment = biggan_experiment.BigGANExperiment()

    def build(spec, **options):
        config = biggan_experiment.BigGANConfig(channels=4, **options)
        ctx = Context(config=config, run=None, spec=spec, model_dir="", steps_per_epoch=1)
        return experiment.build(ctx)

    digits = DataSpec("digits", (16, 16, 1), num_classes=10)
    with pytest.raises(ConfigError, match="`attention_resolution`=64 must be 0 or one of"):
        build(digits, attention_resolution=64)  # the paper's place at 128 px
    with pytest.raises(ConfigError, match="`latent_dim`=100 is not a multiple of the 3 chunks"):
        build(digits, latent_dim=100, attention_resolution=8)
    with pytest.raises(ConfigError, match="`image_size`=24"):
        build(DataSpec("digits", (24, 24, 1), num_classes=10), attention_resolution=0)


def test_the_pooled_trunk_convolves_at_every_resolution_and_projects_its_flattened_4x4_map(tmp_path):
    discriminator = networks.biggan.discriminator((32, 32, 3), CLASSES, channels=2, attention_resolution=8,
                                                  trunk="pooled")
    convolutions = [layer for layer in discriminator.layers if isinstance(layer, layers.SNConv2D)]
    assert [(c.filters, c.kernel_size, c.strides) for c in convolutions] == [
        (8, (3, 3), (1, 1)), (16, (3, 3), (1, 1)), (32, (3, 3), (1, 1))]
    names = [layer.name for layer in discriminator.layers]
    assert names.index("pooled2_pool") < names.index("attention") < names.index("pooled3_conv")  # 16 -> 8 px
    assert tuple(discriminator.get_layer("features").output.shape) == (None, 4 * 4 * 32)
    images = np.random.default_rng(0).uniform(-1, 1, (4, 32, 32, 3)).astype("float32")
    labels = np.array([0, 1, 2, 1], "int32")
    features = keras.Model(discriminator.inputs, discriminator.get_layer("features").output)([images, labels])
    embedding = discriminator.get_layer("projection")
    by_hand = (np.asarray(discriminator.get_layer("linear_logit")(features))[:, 0]
               + np.sum(np.asarray(embedding.embedding(labels)) * np.asarray(features), axis=-1))
    np.testing.assert_allclose(np.asarray(discriminator([images, labels]))[:, 0], by_hand, rtol=1e-4, atol=1e-5)
    discriminator.save(tmp_path / "d.keras")
    loaded = keras.models.load_model(tmp_path / "d.keras")
    np.testing.assert_allclose(np.asarray(loaded([images, labels])), np.asarray(discriminator([images, labels])),
                               atol=1e-5)
    with pytest.raises(ValueError, match="trunk='strided'"):
        networks.biggan.discriminator((32, 32, 3), CLASSES, trunk="strided")


def test_the_summed_pooled_trunk_projects_the_relu_maps_summed_over_the_4x4_positions(tmp_path):
    discriminator = networks.biggan.discriminator((32, 32, 3), CLASSES, channels=2, attention_resolution=0,
                                                  trunk="pooled_sum")
    assert tuple(discriminator.get_layer("features").output.shape) == (None, 32)
    images = np.random.default_rng(1).uniform(-1, 1, (4, 32, 32, 3)).astype("float32")
    labels = np.array([0, 1, 2, 1], "int32")
    maps = keras.Model(discriminator.inputs, discriminator.get_layer("pooled3_pool").output)([images, labels])
    summed = np.maximum(np.asarray(maps), 0).sum(axis=(1, 2))  # [4, 32]
    features = keras.Model(discriminator.inputs, discriminator.get_layer("features").output)([images, labels])
    np.testing.assert_allclose(np.asarray(features), summed, rtol=1e-5, atol=1e-5)
    embedding = discriminator.get_layer("projection")
    by_hand = (np.asarray(discriminator.get_layer("linear_logit")(features))[:, 0]
               + np.sum(np.asarray(embedding.embedding(labels)) * summed, axis=-1))
    np.testing.assert_allclose(np.asarray(discriminator([images, labels]))[:, 0], by_hand, rtol=1e-4, atol=1e-5)
    discriminator.save(tmp_path / "d.keras")
    loaded = keras.models.load_model(tmp_path / "d.keras")
    np.testing.assert_allclose(np.asarray(loaded([images, labels])), np.asarray(discriminator([images, labels])),
                               atol=1e-5)
    config = biggan_experiment.BigGANConfig(d_trunk="pooled_sum")
    assert config.d_trunk == "pooled_sum"


def test_the_biggan_app_passes_the_trunk_and_the_wrong_label_weight():
    experiment = biggan_experiment.BigGANExperiment()
    config = biggan_experiment.BigGANConfig(channels=2, latent_dim=9, shared_dim=4, attention_resolution=8,
                                            d_trunk="pooled", wrong_label_weight=0.5)
    ctx = Context(config=config, run=RunConfig(seed=0), spec=DataSpec("digits", (16, 16, 1), num_classes=10),
                  model_dir="", steps_per_epoch=1)
    model = experiment.build(ctx)
    assert model.discriminator.get_layer("pooled1_conv") is not None
    assert model.wrong_label_weight == 0.5 and "d_wrong" in model.trackers
    with pytest.raises(ConfigError, match="d_trunk"):
        biggan_experiment.BigGANConfig(d_trunk="strided")


@pytest.mark.parametrize("hierarchical", [True, False])
def test_class_input_makes_the_4x4_map_depend_on_the_class_and_only_then(hierarchical, tmp_path):
    def input_maps(generator, z, labels):
        return np.asarray(keras.Model(generator.inputs, generator.get_layer("input_map").output)([z, labels]))

    z = np.repeat(latent(1), CLASSES, axis=0)
    labels = np.arange(CLASSES, dtype="int32")
    options = dict(channels=2, shared_dim=4, hierarchical=hierarchical, attention_resolution=0)
    plain = networks.biggan.generator(LATENT, SHAPE, CLASSES, **options)
    maps = input_maps(plain, z, labels)
    np.testing.assert_array_equal(maps[1:], maps[:1].repeat(CLASSES - 1, axis=0))  # the class enters later
    first = LATENT // 3 if hierarchical else LATENT
    assert tuple(plain.get_layer("input_linear").kernel.shape) == (first, 4 * 4 * 4 * 2)  # as saved before
    assert "input_condition" not in [layer.name for layer in plain.layers]

    conditioned = networks.biggan.generator(LATENT, SHAPE, CLASSES, class_input=True, **options)
    kernel = conditioned.get_layer("input_linear").kernel
    assert tuple(kernel.shape) == (4 + first, 4 * 4 * 4 * 2)  # embedding rows, then z's
    maps = input_maps(conditioned, z, labels)
    assert min(np.abs(maps[i] - maps[j]).max() for i in range(CLASSES) for j in range(i)) > 1e-3
    embedded = np.asarray(conditioned.get_layer("shared_embedding")(labels))
    linear = conditioned.get_layer("input_linear")
    by_hand = np.asarray(linear(np.concatenate([embedded, z[:, :first]], axis=1))).reshape(maps.shape)
    np.testing.assert_allclose(maps, by_hand, rtol=1e-5, atol=1e-6)
    conditioned.save(tmp_path / "g.keras")
    loaded = keras.models.load_model(tmp_path / "g.keras")
    np.testing.assert_allclose(np.asarray(loaded([z, labels])), np.asarray(conditioned([z, labels])), atol=1e-5)

    experiment = biggan_experiment.BigGANExperiment()
    config = biggan_experiment.BigGANConfig(channels=2, latent_dim=9, shared_dim=4, attention_resolution=8,
                                            class_input=True)
    ctx = Context(config=config, run=RunConfig(seed=0), spec=DataSpec("digits", (16, 16, 1), num_classes=10),
                  model_dir="", steps_per_epoch=1)
    assert tuple(experiment.build(ctx).generator.get_layer("input_linear").kernel.shape)[0] == 4 + 3


def test_the_biggan_app_reads_its_samples_with_the_class_judge_of_cgan_and_acgan(monkeypatch, tmp_path):
    def judge_of(num_classes, size, channels, favourite):
        """A judge that reads every image as class ``favourite``."""
        images = keras.Input((size, size, channels))
        flat = keras.layers.Flatten()(images)
        logits = keras.layers.Dense(num_classes, kernel_initializer="zeros",
                                    bias_initializer=keras.initializers.Constant(np.eye(num_classes)[favourite]))(flat)
        return keras.Model(images, logits)

    asked = []
    monkeypatch.setattr(biggan_experiment.judges, "shape_classifier",
                        lambda size, cache_dir: asked.append(("shapes", size)) or judge_of(6, size, 3, 2))
    monkeypatch.setattr(biggan_experiment.judges, "train_digit_classifier",
                        lambda **options: asked.append(("digits", options["image_size"])) or judge_of(3, 16, 1, 0))
    experiment = biggan_experiment.BigGANExperiment()
    options = dict(channels=2, latent_dim=8, shared_dim=4, attention_resolution=0, standing_batches=1,
                   standing_batch_size=6, truncation_sweep=(1.0,))
    cases = (("shapes", (32, 32, 3), 6), ("digits", SHAPE, CLASSES))
    for name, shape, classes in cases:
        config = biggan_experiment.BigGANConfig(**{**options, "latent_dim": 8 if name == "shapes" else 6})
        ctx = Context(config=config, run=RunConfig(dataset=name, image_size=shape[0], seed=0),
                      spec=DataSpec(name, shape, num_classes=classes), model_dir=str(tmp_path / name),
                      steps_per_epoch=1)
        scores = experiment.evaluate(ctx, experiment.build(ctx))
        # Every sample is read as the judge's favourite class: the share of one class of the requested labels.
        assert scores["accuracy"] == pytest.approx(1 / classes) and asked[-1] == (name, shape[0])
    assert asked == [(name, shape[0]) for name, shape, _ in cases]  # one judge per run, the class judge
