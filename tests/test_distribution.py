"""GAN training under tf.distribute matches single-device training (docs/design.md, "Distribution").

Each case runs in a fresh interpreter: logical CPU devices can only be configured
before TensorFlow initializes its devices.
"""

import json
import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent("""
    import json, os, sys
    os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
    import numpy as np
    import tensorflow as tf
    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
    import keras
    from keras_gans import models, networks, packing

    options = json.loads(sys.argv[1])
    data = np.random.default_rng(0).normal(size=(256, 2)).astype("float32")

    def train(strategy):
        keras.utils.set_random_seed(0)  # identical initial weights in both runs
        with strategy.scope():
            generator = networks.mlp.generator(4, (2,), hidden_units=(16, 16), output_activation=None)
            discriminator = networks.mlp.discriminator(packing.packed_shape((2,), options.get("pack", 1)),
                                                       hidden_units=(16, 16))
            gan = models.GAN(generator, discriminator, 4, seed=7, **options)
            gan.compile(d_optimizer=keras.optimizers.Adam(1e-2, beta_1=0.5),
                        g_optimizer=keras.optimizers.Adam(1e-2, beta_1=0.5))
        dataset = tf.data.Dataset.from_tensor_slices(data).batch(64, drop_remainder=True)
        history = gan.fit(dataset, epochs=2, verbose=0).history
        return gan.get_weights(), history

    single, single_history = train(tf.distribute.get_strategy())
    mirrored_strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
    mirrored, mirrored_history = train(mirrored_strategy)
    print(json.dumps({
        "replicas": mirrored_strategy.num_replicas_in_sync,
        "max_weight_diff": max(float(np.max(np.abs(a - b))) for a, b in zip(single, mirrored)),
        "max_initial_move": max(float(np.max(np.abs(a))) for a in single),
        "d_loss": [single_history["d_loss"][-1], mirrored_history["d_loss"][-1]],
    }))
""")


def run_case(options):
    result = subprocess.run([sys.executable, "-c", SCRIPT, json.dumps(options)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_two_replica_mirrored_adam_matches_single_device():
    report = run_case({})
    assert report["replicas"] == 2
    assert report["max_weight_diff"] < 1e-5, report
    assert abs(report["d_loss"][0] - report["d_loss"][1]) < 1e-5, report


def test_two_replica_wgan_with_clipping_and_n_critic_matches_single_device():
    # split_real_batch deals each replica's 32 rows into 4 critic batches of 8: the same
    # global critic batches as one device dealing its 64 rows.
    report = run_case({"loss": "wasserstein", "clip_value": 0.05, "n_critic": 4, "split_real_batch": True})
    assert report["max_weight_diff"] < 1e-5, report


def test_two_replica_feature_matching_matches_single_device():
    # Feature matching compares the mean features of the global batch, not of each replica's half.
    report = run_case({"feature_matching": True})
    assert report["max_weight_diff"] < 1e-5, report


def test_two_replica_pacgan_with_an_unrolled_discriminator_matches_single_device():
    # Packs are formed from consecutive samples of each replica's 32 rows, and the lookahead's
    # gradients are the replicas' mean: the global batch's.
    report = run_case({"pack": 2, "unrolled_steps": 2})
    assert report["max_weight_diff"] < 1e-5, report
