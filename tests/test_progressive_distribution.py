"""ProGAN and StyleGAN2 under a 2-replica MirroredStrategy, and StyleGAN2's export, in one fresh process.

Logical CPU devices can only be split before TensorFlow initializes its
devices, hence the fresh interpreter; it also loads the SavedModel the test
wrote, with the session-based loader TensorFlow Serving and
``saved_model_cli run`` use, which is what honours an omitted
``truncation_psi``.
"""

import json
import subprocess
import sys
import textwrap

import keras
import numpy as np

from keras_gans import export
from test_stylegan2 import tiny_stylegan2

SCRIPT = textwrap.dedent("""
    import json, os, sys
    os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
    import numpy as np
    import tensorflow as tf
    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
    import keras
    from keras_gans import models, networks
    from keras_gans.experiments.progressive import GrowthPhase

    export_dir, latent_dim = sys.argv[1], int(sys.argv[2])
    tiny = dict(fmap_base=16, fmap_max=4)
    images = np.random.default_rng(0).uniform(-1, 1, size=(8, 8, 8, 1)).astype("float32")

    def progan():
        model = models.ProGAN(networks.progan.generator(4, (8, 8, 1), **tiny),
                              networks.progan.discriminator((8, 8, 1), **tiny), 4, seed=7)
        model.compile()
        model.enter_phase(0, GrowthPhase("8x8", 1, 8, 8, steps_per_epoch=4, fade_epochs=1))  # alpha 0 -> 0.25
        return model

    def stylegan2():  # 4x4 keeps it cheap; its first step is due for both lazy regularizers
        model = models.StyleGAN2(networks.stylegan2.generator(4, (4, 4, 1), w_dim=4, mapping_layers=1, **tiny),
                                 networks.stylegan2.discriminator((4, 4, 1), **tiny), 4, ema_decay=0.9, seed=7)
        model.compile()
        return model

    def train(strategy, make, data):
        # (initial, trained) weights after one step, run eagerly: cheaper than tracing it twice.
        keras.utils.set_random_seed(0)  # identical initial weights in every run
        with strategy.scope():
            model = make()
        initial = model.get_weights()
        shards = strategy.experimental_distribute_values_from_function(
            lambda context: tf.constant(np.split(data, strategy.num_replicas_in_sync)[
                context.replica_id_in_sync_group]))
        strategy.run(model.train_step, args=(shards,))
        return initial, model.get_weights()

    def largest_difference(a, b):
        return max(float(np.max(np.abs(x - y))) for x, y in zip(a, b))

    mirrored = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
    report = {"replicas": mirrored.num_replicas_in_sync}
    for name, make, data in (("progan", progan, images), ("stylegan2", stylegan2, images[:, ::2, ::2])):
        initial, single = train(tf.distribute.get_strategy(), make, data)
        report[name] = largest_difference(single, train(mirrored, make, data)[1])
        report[name + "_moved"] = largest_difference(single, initial)

    # The export, through the session loader TensorFlow Serving uses.
    z = np.random.default_rng(1).normal(size=(3, latent_dim)).astype("float32")
    with tf.compat.v1.Session(graph=tf.Graph()) as session:
        graph = tf.compat.v1.saved_model.loader.load(session, ["serve"], export_dir)
        signatures = graph.signature_def
        def run(signature, **feeds):
            spec = signatures[signature]
            fetches = {k: v.name for k, v in spec.outputs.items()}
            return session.run(fetches, {spec.inputs[k].name: v for k, v in feeds.items()})
        report["serving"] = {
            "default": run("serving_default", z=z)["images"].tolist(),
            "psi_1": run("serving_default", z=z, truncation_psi=np.float32(1.0))["images"].tolist(),
            "psi_0": run("serving_default", z=z, truncation_psi=np.float32(0.0))["images"].tolist(),
        }
        w = run("mapping", z=z)["w"]
        report["serving"]["w"] = w.tolist()
        report["serving"]["synthesis"] = run("synthesis", w=w)["images"].tolist()
        report["serving"]["defaults"] = sorted(signatures["serving_default"].defaults)
    print(json.dumps(report))
""")


def test_two_replica_steps_match_one_device_and_the_export_serves_in_a_fresh_process(tmp_path):
    model = tiny_stylegan2(channels=1)
    model.truncation.w_avg.assign(np.random.default_rng(0).normal(size=4).astype("float32"))  # a w_avg that is not 0
    for layer in model.synthesis.layers:  # served noise is random; without it the images are deterministic
        if hasattr(layer, "strength"):
            layer.strength.assign(0.0)
    path = export.export_generator(model, tmp_path / "export")
    result = subprocess.run([sys.executable, "-c", SCRIPT, path, "4"], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])

    assert report["replicas"] == 2
    for name in ("progan", "stylegan2"):
        assert report[name + "_moved"] > 1e-3, report  # the steps trained
        assert report[name] < 1e-5, report  # and the 2-replica steps are the one-device ones

    served = {key: np.asarray(value) for key, value in report["serving"].items() if key != "defaults"}
    z = np.random.default_rng(1).normal(size=(3, 4)).astype("float32")
    assert report["serving"]["defaults"] == ["truncation_psi"]
    np.testing.assert_allclose(served["default"], served["psi_1"], atol=1e-6)  # psi omitted = 1
    np.testing.assert_allclose(served["default"], keras.ops.convert_to_numpy(model.generate(z)), atol=1e-5)
    np.testing.assert_allclose(served["psi_0"], np.broadcast_to(served["psi_0"][:1], served["psi_0"].shape),
                               atol=1e-5)  # psi = 0: every z gives w_avg's image
    np.testing.assert_allclose(served["w"], keras.ops.convert_to_numpy(model.map(z)), atol=1e-5)
    np.testing.assert_allclose(served["synthesis"], served["default"], atol=1e-5)  # synthesis(mapping(z)) = G(z)
