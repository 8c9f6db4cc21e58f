"""ProGAN and StyleGAN2 under a 2-replica MirroredStrategy, and StyleGAN2's export and ``.keras`` file elsewhere.

The session-based loader is the one TensorFlow Serving and ``saved_model_cli
run`` use, and what honours an omitted ``truncation_psi``; a fresh interpreter
loads the export and the ``.keras`` file with nothing of the test's state.
"""


import keras
import numpy as np
import tensorflow as tf

from keras_gans import export, models, networks
from keras_gans.experiments.progressive import GrowthPhase
from test_export import run_in_fresh_interpreter
from test_stylegan2 import tiny_stylegan2

TINY = dict(fmap_base=16, fmap_max=4)


def progan(num_classes=None):
    model = models.ProGAN(networks.progan.generator(4, (8, 8, 1), num_classes=num_classes, **TINY),
                          networks.progan.discriminator((8, 8, 1), num_classes=num_classes, **TINY), 4,
                          num_classes=num_classes, seed=7)
    model.compile()
    model.enter_phase(0, GrowthPhase("8x8", 1, 8, 8, steps_per_epoch=4, fade_epochs=1))  # alpha 0 -> 0.25
    return model


def conditional_progan():
    return progan(num_classes=3)


def stylegan2():
    """4x4 keeps it cheap; its first step is due for both lazy regularizers."""
    model = models.StyleGAN2(networks.stylegan2.generator(4, (4, 4, 1), w_dim=4, mapping_layers=1, **TINY),
                             networks.stylegan2.discriminator((4, 4, 1), **TINY), 4, ema_decay=0.9, seed=7)
    model.compile()
    return model


def one_step(strategy, make, data):
    """``(initial, trained)`` weights after one step, run eagerly: cheaper than tracing it twice."""
    keras.utils.set_random_seed(0)  # identical initial weights in every run
    with strategy.scope():
        model = make()
    initial = model.get_weights()
    def shard(context):
        index, parts = context.replica_id_in_sync_group, strategy.num_replicas_in_sync
        arrays = data if isinstance(data, tuple) else (data,)
        shards = tuple(tf.constant(np.split(array, parts)[index]) for array in arrays)
        return shards if isinstance(data, tuple) else shards[0]

    shards = strategy.experimental_distribute_values_from_function(shard)
    strategy.run(model.train_step, args=(shards,))
    return initial, model.get_weights()


def largest_difference(a, b):
    return max(float(np.max(np.abs(x - y))) for x, y in zip(a, b))


def test_two_replica_steps_match_one_device(mirrored):
    images = np.random.default_rng(0).uniform(-1, 1, size=(8, 8, 8, 1)).astype("float32")
    assert mirrored.num_replicas_in_sync == 2
    labels = np.array([0, 1, 2, 0, 1, 2, 2, 1], np.int32)
    for make, data in ((progan, images), (conditional_progan, (images, labels)), (stylegan2, images[:, ::2, ::2])):
        initial, single = one_step(tf.distribute.get_strategy(), make, data)
        assert largest_difference(single, initial) > 1e-3, make.__name__  # the step trained
        assert largest_difference(single, one_step(mirrored, make, data)[1]) < 1e-5, make.__name__


def noiseless_stylegan2():
    """A tiny StyleGAN2 with a w_avg that is not 0 and no noise: served noise is random, this G is deterministic."""
    model = tiny_stylegan2(channels=1)
    model.truncation.w_avg.assign(np.random.default_rng(0).normal(size=4).astype("float32"))
    for layer in model.synthesis.layers:
        if hasattr(layer, "strength"):
            layer.strength.assign(0.0)
    return model


def test_the_export_serves_through_the_session_loader_with_truncation_psi_optional(tmp_path):
    model = noiseless_stylegan2()
    path = export.export_generator(model, tmp_path / "export")
    z = np.random.default_rng(1).normal(size=(3, 4)).astype("float32")
    with tf.compat.v1.Session(graph=tf.Graph()) as session:
        signatures = tf.compat.v1.saved_model.loader.load(session, ["serve"], path).signature_def

        def run(signature, **feeds):
            spec = signatures[signature]
            fetches = {key: value.name for key, value in spec.outputs.items()}
            return session.run(fetches, {spec.inputs[key].name: value for key, value in feeds.items()})

        default = run("serving_default", z=z)["images"]
        psi_1 = run("serving_default", z=z, truncation_psi=np.float32(1.0))["images"]
        psi_0 = run("serving_default", z=z, truncation_psi=np.float32(0.0))["images"]
        w = run("mapping", z=z)["w"]
        synthesis = run("synthesis", w=w)["images"]
        assert sorted(signatures["serving_default"].defaults) == ["truncation_psi"]
    np.testing.assert_allclose(default, psi_1, atol=1e-6)  # psi omitted = 1
    np.testing.assert_allclose(default, keras.ops.convert_to_numpy(model.generate(z)), atol=1e-5)
    np.testing.assert_allclose(psi_0, np.broadcast_to(psi_0[:1], psi_0.shape), atol=1e-5)  # every z: w_avg's image
    np.testing.assert_allclose(w, keras.ops.convert_to_numpy(model.map(z)), atol=1e-5)
    np.testing.assert_allclose(synthesis, default, atol=1e-5)  # synthesis(mapping(z)) = G(z)


FRESH_PROCESS = """
import sys
import keras
import numpy as np
import tensorflow as tf
from keras_gans import models  # registers the classes the .keras file names

export_path, keras_path, z_path, out_path = sys.argv[1:]
z = tf.constant(np.load(z_path))
served = tf.saved_model.load(export_path).signatures
results = {}
for psi in (1.0, 0.5, 0.0):
    key = str(psi)
    results["images_" + key] = served["serving_default"](z=z, truncation_psi=tf.constant(psi))["images"].numpy()
    results["w_" + key] = served["mapping"](z=z, truncation_psi=tf.constant(psi))["w"].numpy()
results["synthesis_0.5"] = served["synthesis"](w=tf.constant(results["w_0.5"]))["images"].numpy()
loaded = keras.saving.load_model(keras_path)
results["keras_0.5"] = keras.ops.convert_to_numpy(loaded.generate(z, truncation_psi=0.5))
np.savez(out_path, **results)
"""


def test_a_fresh_process_serves_and_loads_the_models_truncated_images_and_ws(tmp_path):
    model = noiseless_stylegan2()
    export_path = export.export_generator(model, tmp_path / "export")
    model.save(tmp_path / "stylegan2.keras")
    z = np.random.default_rng(2).normal(size=(3, 4)).astype("float32")
    np.save(tmp_path / "z.npy", z)
    run_in_fresh_interpreter(FRESH_PROCESS, export_path, tmp_path / "stylegan2.keras", tmp_path / "z.npy",
                             tmp_path / "out.npz", timeout=300)
    served = np.load(tmp_path / "out.npz")
    for psi in (1.0, 0.5, 0.0):
        images = keras.ops.convert_to_numpy(model.generate(z, truncation_psi=psi))
        np.testing.assert_allclose(served[f"images_{psi}"], images, atol=1e-5)
        np.testing.assert_allclose(served[f"w_{psi}"], keras.ops.convert_to_numpy(model.map(z, psi)), atol=1e-5)
    w_avg = np.broadcast_to(keras.ops.convert_to_numpy(model.truncation.w_avg), served["w_0.0"].shape)
    np.testing.assert_allclose(served["w_0.0"], w_avg, atol=1e-6)  # psi 0: every w is the tracked average
    assert np.abs(served["images_0.5"] - served["images_1.0"]).max() > 1e-3  # truncation changed the images
    np.testing.assert_allclose(served["synthesis_0.5"], served["images_0.5"], atol=1e-5)
    np.testing.assert_allclose(served["keras_0.5"], served["images_0.5"], atol=1e-5)
