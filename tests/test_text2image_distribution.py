"""GAN-INT-CLS under a 2-replica MirroredStrategy equals one device (docs/design.md, "Distribution").

The wrong captions and the interpolated pairs are drawn from the global
batch (``distribute.gather_replicas``), so each replica pairs its rows with
the same partners as one device would, including partners held by the other
replica. The players have no batch norm (whose statistics are per replica);
the text encoder is a bag of words, which keeps the distributed tracing short.
"""

import json
import os
import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent("""
    import json, os
    os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
    import numpy as np
    import tensorflow as tf
    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
    import keras
    from keras_gans import layers, models

    captions = ["a red star", "a blue star", "a red disk", "a blue disk", "red", "blue", "star", "disk"] * 2
    images = np.random.default_rng(0).uniform(-1, 1, (16, 4, 4, 1)).astype("float32")
    groups = [[["red"], ["blue"]], [["star"], ["disk"]]]

    def build():
        text = keras.Input((), dtype="string", name="text")
        tokens = keras.layers.TextVectorization(vocabulary=["a", "red", "blue", "star", "disk"],
                                                output_sequence_length=3)(text)
        words = keras.layers.Embedding(7, 3)(tokens)
        encoder = keras.Model(text, keras.layers.GlobalAveragePooling1D()(words))
        z, embedding = keras.Input((2,), name="z"), keras.Input((3,), name="text_embedding")
        joint = keras.layers.Concatenate()([z, embedding])
        generator = keras.Model([z, embedding], keras.layers.Reshape((4, 4, 1))(
            keras.layers.Dense(16, activation="tanh")(joint)))
        x, embedding = keras.Input((4, 4, 1), name="images"), keras.Input((3,), name="text_embedding")
        discriminator = keras.Model([x, embedding], keras.layers.Dense(1)(
            keras.layers.Concatenate()([keras.layers.Flatten()(x), embedding])))
        return models.TextToImageGAN(generator, discriminator, encoder, 2, cls_weight=0.5, interp_weight=1.0,
                                     content_key=layers.CaptionKey(groups), seed=3)

    def train(strategy):
        keras.utils.set_random_seed(0)  # the same initial weights in both runs
        with strategy.scope():
            model = build()
            model.compile(d_optimizer=keras.optimizers.Adam(1e-2), g_optimizer=keras.optimizers.Adam(1e-2))
        initial = [w.numpy() for w in model.trainable_weights]
        dataset = tf.data.Dataset.from_tensor_slices((images, captions)).batch(8, drop_remainder=True)
        history = model.fit(dataset, epochs=1, verbose=0).history
        return initial, [w.numpy() for w in model.trainable_weights], history

    mirrored = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
    initial, replicated, history = train(mirrored)
    _, single, single_history = train(tf.distribute.get_strategy())
    print(json.dumps({
        "replicas": mirrored.num_replicas_in_sync,
        "max_move": max(float(np.max(np.abs(a - b))) for a, b in zip(replicated, initial)),
        "max_weight_diff": max(float(np.max(np.abs(a - b))) for a, b in zip(single, replicated)),
        "d_wrong": [history["d_wrong"][-1], single_history["d_wrong"][-1]],
    }))
""")


def test_text_to_image_step_under_two_replicas_matches_one_device():
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    result = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=600, env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["replicas"] == 2
    assert report["max_move"] > 1e-3, report  # training moved the weights: a real comparison
    assert report["max_weight_diff"] < 1e-5, report
    assert abs(report["d_wrong"][0] - report["d_wrong"][1]) < 1e-5, report
