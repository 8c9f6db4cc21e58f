"""The image-to-image models under a 2-replica MirroredStrategy (docs/design.md, "Distribution").

One fresh interpreter (logical CPU devices must be configured before TensorFlow
starts) trains the two translation schemes for two steps on one device and on
two replicas with the same global batches, and the weights must agree:
the paired scheme (``PairedTranslator`` as Pix2Pix configures it, plus one
content-only pretraining step, SRGAN's warm-up) and CycleGAN
(``TwoWayTranslator``, which DiscoGAN configures) with its history pools,
which return the images unchanged while they fill, so both runs see the same
fakes; each replica keeps a pool of its own. The players are 1x1
convolutions, which keeps the (slow) distributed tracing short; the networks'
own layers hold no cross-replica state.
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
    from keras_gans import models

    rng = np.random.default_rng(0)
    images = lambda shape: rng.uniform(-1, 1, (8,) + shape).astype("float32")

    def conv(shape, inputs=1):
        xs = [keras.Input(shape, name=n) for n in (["source", "images"] if inputs == 2 else ["images"])]
        x = keras.layers.Concatenate()(xs) if inputs == 2 else xs[0]
        return keras.Model(xs if inputs == 2 else xs[0], keras.layers.Conv2D(1, 1)(x))

    cases = {
        "cyclegan": (lambda: models.CycleGAN(*[conv((4, 4, 1)) for _ in range(4)], pool_size=50, seed=3),
                     (images((4, 4, 1)), images((4, 4, 1)))),
        "pix2pix": (lambda: models.PairedTranslator(conv((4, 4, 1)), conv((4, 4, 1), inputs=2), content_weight=100.0,
                                                    pretrain_steps=1),
                    (images((4, 4, 1)), images((4, 4, 1)))),
    }

    def train(build, data, strategy):
        keras.utils.set_random_seed(0)  # the same initial weights in both runs
        with strategy.scope():
            model = build()
            # SGD sees a wrongly scaled gradient (Adam would normalize it away); Adam must build under the strategy.
            model.compile(d_optimizer=keras.optimizers.Adam(1e-2), g_optimizer=keras.optimizers.SGD(0.1))
        initial = [w.numpy() for w in model.trainable_weights]
        dataset = tf.data.Dataset.from_tensor_slices(data).batch(4, drop_remainder=True)
        history = model.fit(dataset, epochs=1, verbose=0).history
        return model, initial, [w.numpy() for w in model.trainable_weights], history

    mirrored = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
    report = {"replicas": mirrored.num_replicas_in_sync}
    for name, (build, data) in cases.items():
        model, initial, replicated, history = train(build, data, mirrored)
        _, _, single, _ = train(build, data, tf.distribute.get_strategy())
        report[name] = {"max_move": max(float(np.max(np.abs(a - b))) for a, b in zip(replicated, initial)),
                        "max_weight_diff": max(float(np.max(np.abs(a - b))) for a, b in zip(single, replicated)),
                        "finite": all(np.isfinite(v[-1]) for v in history.values()),
                        "steps": int(model.g_optimizer.iterations.numpy())}
        if name == "cyclegan":
            stored = mirrored.experimental_local_results(model.pool_a.num_stored.value)
            report["pool_stored"] = [int(count.numpy()) for count in stored]
    print(json.dumps(report))
""")


def test_translation_models_train_under_a_two_replica_mirrored_strategy():
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    result = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=600, env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["replicas"] == 2
    for name in ("cyclegan", "pix2pix"):
        assert report[name]["finite"] and report[name]["steps"] == 2, report
        assert report[name]["max_move"] > 1e-3, report  # training moved the weights: a real comparison
        assert report[name]["max_weight_diff"] < 1e-5, report
    assert report["pool_stored"] == [4, 4], report  # 2 steps x 2 images on each replica, each in its own pool
