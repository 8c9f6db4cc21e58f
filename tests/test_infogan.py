"""InfoGAN: the mutual-information and clustering terms by hand, the code warm-up, code plumbing, the code grid,
saving, export, bad input."""

import math

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_gans import callbacks, evaluation, export, losses, models, networks
from keras_gans.style_augment import augment

SHAPE = (8, 8, 1)
LATENT = 4
K = 3
D = 2


def tiny_players():
    generator = networks.infogan.generator(LATENT, SHAPE, K, D, base_filters=4)
    return generator, networks.infogan.discriminator(SHAPE, K, D, base_filters=4, q_units=8)


def tiny():
    return models.InfoGAN(*tiny_players(), LATENT, K, D, continuous_weight=0.5, seed=0)


def test_categorical_term_is_the_cross_entropy_of_q():
    logits = np.array([[0.0, math.log(3.0)], [1.0, 1.0]])
    codes = np.array([1, 0])
    # -log(3/4) and -log(1/2): Q's log-likelihood of the codes, negated and averaged.
    expected = (-math.log(0.75) - math.log(0.5)) / 2
    assert float(losses.infogan_categorical_loss(logits, codes)) == pytest.approx(expected, rel=1e-6)


GAUSSIAN_CASES = [  # codes, Q's mean, Q's log std, -E[log Q(c | x)]
    # Unit variance: 0.5 (c - mu)^2 + 0.5 log(2 pi) per dimension, summed, batch-averaged.
    ([[0.5, -1.0]], [[0.0, 0.0]], None, 0.5 * (0.25 + 1.0) + math.log(2 * math.pi)),
    # sigma = 2 in the first dimension: 0.5 (0.5 / 2)^2 + log 2 + 0.5 log(2 pi).
    ([[0.5, -1.0]], [[0.0, 0.0]], [[math.log(2.0), 0.0]],
     0.5 * 0.0625 + math.log(2.0) + 0.5 + math.log(2 * math.pi)),
    ([[1.0], [3.0]], [[1.0], [1.0]], None, (0.0 + 2.0) / 2 + 0.5 * math.log(2 * math.pi)),
]


def test_continuous_term_is_the_gaussian_negative_log_likelihood():
    for codes, mean, log_std, expected in GAUSSIAN_CASES:
        value = losses.infogan_continuous_loss(np.array(codes), np.array(mean),
                                               None if log_std is None else np.array(log_std))
        assert float(value) == pytest.approx(expected, rel=1e-6)


def test_codes_enter_g_and_q_reads_them_back():
    model = tiny()
    z = np.ones((2, LATENT), np.float32)
    images = model.generate(z, [0, 2], np.zeros((2, D), np.float32))
    assert tuple(images.shape) == (2,) + SHAPE and not np.allclose(images[0], images[1])
    moved = model.generate(z, [0, 0], np.array([[0.0, 0.0], [1.0, 0.0]], np.float32))
    assert not np.allclose(moved[0], moved[1])
    assert [tuple(o.shape) for o in model.discriminator(images)] == [(2, 1), (2, K), (2, D)]
    assert [t.name for t in model.generator.inputs] == ["z", "categorical_code", "continuous_code"]
    assert tuple(model.generate(5).shape) == (5,) + SHAPE


def test_fit_reports_the_mutual_information_bound():
    model = tiny()
    model.compile(run_eagerly=True)  # the same step without tracing it (test time)
    images = np.random.default_rng(0).uniform(-1, 1, (8,) + SHAPE).astype(np.float32)
    history = model.fit(tf.data.Dataset.from_tensor_slices(images).batch(4), epochs=1, verbose=0).history
    assert set(history) == {"d_loss", "g_loss", "categorical_loss", "continuous_loss", "mutual_information"}
    # Each logged value is a mean over the same steps, so the bound's identity holds for the means.
    assert history["mutual_information"][-1] == pytest.approx(math.log(K) - history["categorical_loss"][-1],
                                                              abs=1e-5)


class _RecordingModel:
    """An InfoGAN (``keras_gans.protocols.CodeSampler``): the image encodes its categorical code and first
    continuous code."""

    latent_dim, num_categories, num_continuous = 3, 2, 2
    latent_distribution, num_classes = "normal", None

    def __init__(self):
        self.calls = []

    def generate(self, z, codes, continuous):
        self.calls.append((np.array(z), np.array(codes), np.array(continuous)))
        value = 0.5 * np.asarray(codes, np.float32) - 0.25 + 0.1 * np.asarray(continuous)[:, 0]
        return np.broadcast_to(value[:, None, None, None], (len(codes), 4, 4, 1))


def test_code_grid_has_a_row_per_category_and_sweeps_each_continuous_code(tmp_path):
    model = _RecordingModel()
    grid = callbacks.LatentCodeGrid(tmp_path, steps=3, sweep=2.0).grid(model)
    z, codes, continuous = model.calls[0]
    np.testing.assert_array_equal(codes, [0] * 6 + [1] * 6)        # one row per code value
    row = [[-2, 0], [0, 0], [2, 0], [0, -2], [0, 0], [0, 2]]       # code 1 swept, then code 2
    np.testing.assert_array_equal(continuous, row + row)
    assert np.all(z == z[0])                                        # one z for the whole grid
    assert grid.shape == (2 * 4 + 3 * 2, 6 * 4 + 7 * 2, 1)
    with pytest.raises(ValueError, match="steps"):
        callbacks.LatentCodeGrid(tmp_path, steps=1)


def test_categorical_code_scores_match_codes_to_classes():
    def judge(images, training=False):  # reads the class back from the pixel value
        return np.eye(3)[np.round((np.asarray(images)[:, 0, 0, 0] + 0.5) * 2).astype(int)]

    class Model:
        latent_dim, num_categories, num_continuous = 2, 3, 1

        def generate(self, z, codes, continuous):  # code c is drawn as class (c + 1) % 3
            shifted = (np.asarray(codes) + 1) % 3
            return np.broadcast_to((shifted / 2.0 - 0.5)[:, None, None, None], (len(codes), 2, 2, 1))

    scores = evaluation.categorical_code_scores(Model(), judge, num_samples=30)
    assert scores["agreement"] == 1.0 and scores["mapping"] == [1, 2, 0]
    assert scores["coverage"] == 3 and scores["histogram_kl"] == pytest.approx(0.0, abs=1e-12)
    assert scores["num_samples"] == 30


def test_keras_file_round_trip(tmp_path):
    model = tiny()
    model.compile()
    model.save(tmp_path / "infogan.keras")
    loaded = keras.saving.load_model(tmp_path / "infogan.keras")
    assert isinstance(loaded, models.InfoGAN)
    assert (loaded.num_categories, loaded.num_continuous, loaded.continuous_weight) == (K, D, 0.5)
    args = (np.ones((2, LATENT), np.float32), [1, 2], np.full((2, D), 0.3, np.float32))
    np.testing.assert_allclose(loaded.generate(*args), model.generate(*args), atol=1e-6)


def test_export_serves_the_codes_by_name(tmp_path):
    model = tiny()
    serve = tf.saved_model.load(export.export_generator(model, tmp_path / "infogan")).signatures["serving_default"]
    inputs = serve.structured_input_signature[1]
    assert sorted(inputs) == ["categorical_code", "continuous_code", "z"]
    assert inputs["categorical_code"].dtype == tf.int32 and inputs["categorical_code"].shape.as_list() == [None]
    assert inputs["continuous_code"].shape.as_list() == [None, D]
    z, codes, continuous = np.ones((2, LATENT), np.float32), np.array([2, 0], np.int32), np.zeros((2, D), np.float32)
    out = serve(z=tf.constant(z), categorical_code=tf.constant(codes), continuous_code=tf.constant(continuous))
    np.testing.assert_allclose(out["images"], model.generate(z, codes, continuous), atol=1e-5)


def test_bad_codes_and_networks_give_clear_errors():
    model = tiny()
    z = np.zeros((2, LATENT), np.float32)
    with pytest.raises(ValueError, match=r"`categorical_code` must be in \[0, num_classes=3\); received "
                                         r"categorical_code value 3"):
        model.generate(z, [0, 3])
    with pytest.raises(ValueError, match=r"`continuous_code` must have shape \[2, 2\]"):
        model.generate(z, [0, 1], np.zeros((2, 3), np.float32))
    with pytest.raises(ValueError, match="`num_categories`=4 disagrees with the generator"):
        models.InfoGAN(model.generator, networks.infogan.discriminator(SHAPE, 4, D, base_filters=4), LATENT, 4, D)
    with pytest.raises(ValueError, match=r"num_continuous=3"):
        models.InfoGAN(model.generator, model.discriminator, LATENT, K, 3)
    with pytest.raises(ValueError, match="must take inputs"):
        models.InfoGAN(networks.dcgan.generator(LATENT, SHAPE, base_filters=4), model.discriminator, LATENT, K, D)
    with pytest.raises(ValueError, match="`continuous_weight` must be a number >= 0"):
        models.InfoGAN(model.generator, model.discriminator, LATENT, K, D, continuous_weight=-1.0)


CLUSTERING_CASES = [  # Q's probabilities for the images, for their copies, the mutual information I
    # Confident, agreeing, both clusters used: P = diag(1/2, 1/2), I = log 2.
    ([[1.0, 0.0], [0.0, 1.0]], [[1.0, 0.0], [0.0, 1.0]], math.log(2.0)),
    # Every reading uniform: P = 1/4 everywhere, the product of its marginals, I = 0.
    ([[0.5, 0.5], [0.5, 0.5]], [[1.0, 0.0], [0.0, 1.0]], 0.0),
    # One cluster for everything: P = [[1, 0], [0, 0]], I = 1 log(1 / (1 * 1)) = 0.
    ([[1.0, 0.0], [1.0, 0.0]], [[1.0, 0.0], [1.0, 0.0]], 0.0),
    # Unsure but agreeing: P = [[5/16, 3/16], [3/16, 5/16]], marginals 1/2:
    # I = 2 (5/16) log(5/4) + 2 (3/16) log(3/4).
    ([[0.75, 0.25], [0.25, 0.75]], [[0.75, 0.25], [0.25, 0.75]],
     0.625 * math.log(1.25) + 0.375 * math.log(0.75)),
]


def test_clustering_term_is_minus_the_mutual_information_of_the_two_readings():
    for readings, copies, information in CLUSTERING_CASES:
        logits, copy_logits = (np.log(np.maximum(np.array(p), 1e-30)) for p in (readings, copies))
        value = float(losses.invariant_clustering_loss(logits, copy_logits))
        assert value == pytest.approx(-information, abs=1e-6)


def test_clustering_term_of_two_replicas_is_that_of_their_global_batch(mirrored):
    logits = 3 * np.random.default_rng(5).normal(size=(2, 8, 3)).astype(np.float32)  # [view, row, K]
    one_device = float(losses.invariant_clustering_loss(logits[0], logits[1]))

    def per_replica(context):
        rows = slice(4 * context.replica_id_in_sync_group, 4 * context.replica_id_in_sync_group + 4)
        return tf.constant(logits[0, rows]), tf.constant(logits[1, rows])

    inputs = mirrored.experimental_distribute_values_from_function(per_replica)
    values = mirrored.run(lambda pair: losses.invariant_clustering_loss(*pair), args=(inputs,))
    assert [float(v) for v in mirrored.experimental_local_results(values)] == pytest.approx([one_device] * 2,
                                                                                             abs=1e-6)
    halves = [float(losses.invariant_clustering_loss(logits[0, i:i + 4], logits[1, i:i + 4])) for i in (0, 4)]
    assert all(abs(half - one_device) > 0.05 for half in halves)  # a replica's own rows would give another value


def clustering_infogan(weight, code_augment=("warp",)):
    return models.InfoGAN(*tiny_players(), LATENT, K, D, code_augment=code_augment, clustering_weight=weight,
                          seed=4)


def test_d_step_adds_the_clustering_term_of_real_images_and_their_augmented_copies():
    model = clustering_infogan(0.5)
    rng = np.random.default_rng(6)
    real = tf.constant(rng.uniform(-1, 1, (6, 8, 8, 1)).astype(np.float32))
    fakes = {"inputs": [tf.zeros((6, LATENT)), tf.constant([0, 1, 2, 0, 1, 2]), tf.zeros((6, D))],
             "images": tf.constant(rng.uniform(-1, 1, (6, 8, 8, 1)).astype(np.float32))}
    total, logs = model.discriminator_loss((real,), fakes, training=True)
    seed = keras.random.SeedGenerator(4)
    augment(fakes["images"], ["warp"], seed)  # the fakes' copy for the code term draws first
    copies = model.discriminator(augment(real, ["warp"], seed), training=True)[1]
    expected = losses.invariant_clustering_loss(model.discriminator(real, training=True)[1], copies)
    assert float(logs["clustering_information"]) == pytest.approx(-float(expected), abs=1e-5)
    without = clustering_infogan(0.0)
    without.set_weights(model.get_weights())
    plain_total, plain_logs = without.discriminator_loss((real,), fakes, training=True)
    assert float(total - plain_total) == pytest.approx(0.5 * float(expected), abs=1e-5)
    assert "clustering_information" not in plain_logs
    assert "clustering_information" not in model.discriminator_loss((real,), fakes, training=False)[1]


def test_clustering_needs_the_augmentation_and_is_kept_in_the_config():
    model = clustering_infogan(2.0)
    assert models.InfoGAN.from_config(model.get_config()).clustering_weight == 2.0
    assert "clustering_information" in model.trackers and "clustering_information" not in tiny().trackers
    with pytest.raises(ValueError, match=r"`clustering_weight` needs `code_augment`.*clustering_weight=1"):
        clustering_infogan(1, code_augment=())
    with pytest.raises(ValueError, match=r"clustering_weight"):
        clustering_infogan(-1.0)


def test_code_weights_rise_linearly_over_the_warmup_then_stay():
    model = models.InfoGAN(*tiny_players(), LATENT, K, D, code_warmup_steps=4, seed=0)
    model.compile()
    fakes = {"inputs": [tf.zeros((3, LATENT)), tf.constant([0, 1, 2]), tf.zeros((3, D))],
             "images": tf.constant(np.random.default_rng(7).uniform(-1, 1, (3,) + SHAPE).astype(np.float32))}
    _, categorical_logits, continuous_mean = model.discriminator(fakes["images"], training=False)
    categorical = float(losses.infogan_categorical_loss(categorical_logits, fakes["inputs"][1]))
    full = categorical + float(losses.infogan_continuous_loss(fakes["inputs"][2], continuous_mean))
    for step, share in ((0, 0.0), (1, 0.25), (3, 0.75), (4, 1.0), (9, 1.0)):
        model.g_optimizer.iterations.assign(step)
        total, logs = model.generator_loss(None, fakes, training=False)
        assert float(total - logs["g_loss"]) == pytest.approx(share * full, abs=1e-5), step
        assert float(logs["categorical_loss"]) == pytest.approx(categorical, abs=1e-6)  # logged unscaled
    assert models.InfoGAN.from_config(model.get_config()).code_warmup_steps == 4
    with pytest.raises(ValueError, match=r"code_warmup_steps"):
        models.InfoGAN(*tiny_players(), LATENT, K, D, code_warmup_steps=-1)


def test_the_infogan_app_builds_d_and_q_on_the_trunk_asked_for(tmp_path):
    """--d_trunk and --minibatch_discrimination reach the network and survive ``from_config``."""
    from keras_gans import config, experiment, experiments

    exp = experiments.get("infogan")
    run_config = config.RunConfig(dataset="digits", image_size=8, model_dir=str(tmp_path), export=False)
    pooled = experiment.rebuild(exp, exp.Config(base_filters=4, num_categories=10, d_trunk="pooled",
                                                minibatch_discrimination=True), run_config)
    trunk = pooled.discriminator.get_layer("infogan_discriminator_features")
    assert [type(layer).__name__ for layer in trunk.layers].count("MaxPooling2D") == 1
    assert not any(isinstance(layer, keras.layers.BatchNormalization) for layer in trunk.layers)
    clone = models.InfoGAN.from_config(pooled.get_config())
    assert [layer.name for layer in clone.discriminator.get_layer("infogan_discriminator_features").layers] == [
        layer.name for layer in trunk.layers]
    assert clone.discriminator.get_layer("minibatch_discrimination").num_kernels == 32
    paper = experiment.rebuild(exp, exp.Config(base_filters=4, num_categories=10), run_config)
    assert not any(isinstance(layer, keras.layers.MaxPooling2D)
                   for layer in paper.discriminator.get_layer("infogan_discriminator_features").layers)
    assert "minibatch_discrimination" not in [layer.name for layer in paper.discriminator.layers]
    with pytest.raises(config.ConfigError, match="d_trunk"):
        exp.Config(d_trunk="strided")
    with pytest.raises(ValueError, match="trunk='strided'"):
        networks.infogan.discriminator(SHAPE, K, D, trunk="strided")


def test_minibatch_discrimination_shows_the_batch_to_d_and_not_to_q():
    discriminator = networks.infogan.discriminator(SHAPE, K, D, base_filters=4, q_units=8, trunk="pooled",
                                                   minibatch_discrimination=True)
    rng = np.random.default_rng(1)
    image = rng.uniform(-1, 1, (1,) + SHAPE).astype(np.float32)
    mixed = np.concatenate([image, rng.uniform(-1, 1, (3,) + SHAPE).astype(np.float32)])
    mixed_outputs, copies_outputs = discriminator(mixed), discriminator(np.repeat(image, 4, axis=0))
    assert abs(float(mixed_outputs[0][0, 0]) - float(copies_outputs[0][0, 0])) > 1e-4  # D's logit
    for q_mixed, q_copies in zip(mixed_outputs[1:], copies_outputs[1:]):  # Q's categorical and continuous
        np.testing.assert_allclose(q_mixed[0], q_copies[0], rtol=1e-5, atol=1e-6)


def test_a_warped_code_copy_keeps_the_step_out_of_xla():
    """XLA has no kernel for the warp's image transform: left to the default, the step runs without XLA
    (it used to fail to compile on CPUs where InfoGAN's default is XLA); forced, one error names why."""
    from keras_gans import config, execution

    warped = models.InfoGAN(*tiny_players(), LATENT, K, D, code_augment=("warp", "stroke"), seed=0)
    assert "warp" in warped.xla_unsupported
    assert execution.jit_compile(None, warped, faster=True) is False
    with pytest.raises(config.ConfigError, match="jit_compile.*warp"):
        execution.jit_compile(True, warped)
    restroked = models.InfoGAN(*tiny_players(), LATENT, K, D, code_augment=("stroke",), seed=0)
    assert restroked.xla_unsupported is None
    assert execution.jit_compile(None, restroked, faster=True) is True
