"""GAN training under tf.distribute matches single-device training (docs/design.md, "Distribution").

The two replicas run on the two logical CPUs every test process has (tests/conftest.py).
"""

import keras
import numpy as np
import tensorflow as tf

from keras_gans import models, networks, packing

DATA = np.random.default_rng(0).normal(size=(256, 2)).astype("float32")


def train(strategy, options):
    keras.utils.set_random_seed(0)  # identical initial weights in both runs
    with strategy.scope():
        generator = networks.mlp.generator(4, (2,), hidden_units=(16, 16), output_activation=None)
        discriminator = networks.mlp.discriminator(packing.packed_shape((2,), options.get("pack", 1)),
                                                   hidden_units=(16, 16))
        gan = models.GAN(generator, discriminator, 4, seed=7, **options)
        gan.compile(d_optimizer=keras.optimizers.Adam(1e-2, beta_1=0.5),
                    g_optimizer=keras.optimizers.Adam(1e-2, beta_1=0.5))
    dataset = tf.data.Dataset.from_tensor_slices(DATA).batch(64, drop_remainder=True)
    history = gan.fit(dataset, epochs=2, verbose=0).history
    return gan.get_weights(), history


def run_case(options, mirrored):
    """One device against two replicas from the same initial weights: their largest weight difference."""
    single, single_history = train(tf.distribute.get_strategy(), options)
    multi, multi_history = train(mirrored, options)
    return {
        "replicas": mirrored.num_replicas_in_sync,
        "max_weight_diff": max(float(np.max(np.abs(a - b))) for a, b in zip(single, multi)),
        "max_initial_move": max(float(np.max(np.abs(a))) for a in single),
        "d_loss": [single_history["d_loss"][-1], multi_history["d_loss"][-1]],
    }


def test_two_replica_mirrored_adam_matches_single_device(mirrored):
    report = run_case({}, mirrored)
    assert report["replicas"] == 2
    assert report["max_weight_diff"] < 1e-5, report
    assert abs(report["d_loss"][0] - report["d_loss"][1]) < 1e-5, report


def test_two_replica_wgan_with_clipping_and_n_critic_matches_single_device(mirrored):
    # split_real_batch deals each replica's 32 rows into 4 critic batches of 8: the same
    # global critic batches as one device dealing its 64 rows.
    report = run_case({"loss": "wasserstein", "clip_value": 0.05, "n_critic": 4, "split_real_batch": True}, mirrored)
    assert report["max_weight_diff"] < 1e-5, report


def test_two_replica_feature_matching_matches_single_device(mirrored):
    # Feature matching compares the mean features of the global batch, not of each replica's half.
    report = run_case({"feature_matching": True}, mirrored)
    assert report["max_weight_diff"] < 1e-5, report


def test_two_replica_pacgan_with_an_unrolled_discriminator_matches_single_device(mirrored):
    # Packs are formed from consecutive samples of each replica's 32 rows, and the lookahead's
    # gradients are the replicas' mean: the global batch's.
    report = run_case({"pack": 2, "unrolled_steps": 2}, mirrored)
    assert report["max_weight_diff"] < 1e-5, report


def test_two_replica_top_k_training_matches_single_device(mirrored):
    # The fakes are ranked over the global batch: each replica keeps the samples one device would, and
    # returns its share of the global mean over them.
    report = run_case({"top_k_fraction": 0.3, "top_k_decay": 0.5, "top_k_decay_steps": 1}, mirrored)
    assert report["max_weight_diff"] < 1e-5, report
