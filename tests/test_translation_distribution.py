"""The image-to-image models under a 2-replica MirroredStrategy (docs/design.md, "Distribution").

On the two logical CPUs of every test process (tests/conftest.py), it trains the two translation schemes for two steps on one device and on
two replicas with the same global batches, and the weights must agree:
the paired scheme (``PairedTranslator`` as Pix2Pix configures it, plus one
content-only pretraining step, SRGAN's warm-up) and CycleGAN
(``TwoWayTranslator``, which DiscoGAN configures) with its history pools,
which return the images unchanged while they fill, so both runs see the same
fakes; each replica keeps a pool of its own. The players are 1x1
convolutions, which keeps the (slow) distributed tracing short; the networks'
own layers hold no cross-replica state.
"""

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_gans import models


def images(shape):
    return np.random.default_rng(0).uniform(-1, 1, (8,) + shape).astype("float32")


def conv(shape, inputs=1):
    xs = [keras.Input(shape, name=n) for n in (["source", "images"] if inputs == 2 else ["images"])]
    x = keras.layers.Concatenate()(xs) if inputs == 2 else xs[0]
    return keras.Model(xs if inputs == 2 else xs[0], keras.layers.Conv2D(1, 1)(x))


CASES = {
    "cyclegan": lambda: models.CycleGAN(*[conv((4, 4, 1)) for _ in range(4)], pool_size=50, seed=3),
    "pix2pix": lambda: models.PairedTranslator(conv((4, 4, 1)), conv((4, 4, 1), inputs=2), content_weight=100.0,
                                               pretrain_steps=1),
}


def train(build, strategy):
    keras.utils.set_random_seed(0)  # the same initial weights in both runs
    with strategy.scope():
        model = build()
        # SGD sees a wrongly scaled gradient (Adam would normalize it away); Adam must build under the strategy.
        model.compile(d_optimizer=keras.optimizers.Adam(1e-2), g_optimizer=keras.optimizers.SGD(0.1))
    initial = [w.numpy() for w in model.trainable_weights]
    dataset = tf.data.Dataset.from_tensor_slices((images((4, 4, 1)), images((4, 4, 1)))).batch(4, drop_remainder=True)
    history = model.fit(dataset, epochs=1, verbose=0).history
    return model, initial, [w.numpy() for w in model.trainable_weights], history


@pytest.mark.parametrize("name", sorted(CASES))
def test_translation_models_train_under_a_two_replica_mirrored_strategy(name, mirrored):
    model, initial, replicated, history = train(CASES[name], mirrored)
    _, _, single, _ = train(CASES[name], tf.distribute.get_strategy())
    assert mirrored.num_replicas_in_sync == 2
    assert all(np.isfinite(v[-1]) for v in history.values()) and int(model.g_optimizer.iterations.numpy()) == 2
    assert max(float(np.max(np.abs(a - b))) for a, b in zip(replicated, initial)) > 1e-3  # a real comparison
    assert max(float(np.max(np.abs(a - b))) for a, b in zip(single, replicated)) < 1e-5
    if name == "cyclegan":  # 2 steps x 2 images on each replica, each in its own pool
        stored = mirrored.experimental_local_results(model.pool_a.num_stored.value)
        assert [int(count.numpy()) for count in stored] == [4, 4]
