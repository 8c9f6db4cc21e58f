"""The arithmetic of a model's players: floating-point operations of their forward passes at a batch size.

It decides whether XLA is the faster way to run a step on a CPU
(:func:`keras_gans.execution.jit_compile`): small steps gain from XLA's
fusion, large convolution-bound ones run faster on TensorFlow's own kernels
(``benchmarks/xla_by_experiment.py``). The count is TensorFlow's profiler's
on the players' inference graphs, so it covers every layer the players are
made of, the library's and Keras's alike.
"""

import contextlib
import io
import weakref

import keras
import tensorflow as tf
from tensorflow.python.framework import convert_to_constants


def players(model):
    """The functional networks a model holds directly (its generator, discriminator, ...), one per name.

    A generator's moving average is a copy with the generator's name and is
    not run in a train step, so each name counts once.
    """
    found = {}
    for layer in model.layers:
        if isinstance(layer, keras.Model) and getattr(layer, "inputs", None):
            found.setdefault(layer.name, layer)
    return list(found.values())


# network -> {batch size: FLOPs}: a run asks twice (XLA's rule and the steps per call), and a functional
# network's graph does not change.
_COUNTED = weakref.WeakKeyDictionary()


def forward_flops(network, batch_size):
    """Floating-point operations of one inference pass of a functional ``network`` over ``batch_size`` inputs
    (counted once per network and batch size)."""
    counted = _COUNTED.setdefault(network, {})
    if batch_size not in counted:
        counted[batch_size] = _count_forward_flops(network, batch_size)
    return counted[batch_size]


def _count_forward_flops(network, batch_size):
    specs = [tf.TensorSpec((batch_size, *tensor.shape[1:]), tensor.dtype) for tensor in network.inputs]
    call = tf.function(lambda *inputs: network(list(inputs) if len(inputs) > 1 else inputs[0], training=False))
    options = tf.compat.v1.profiler.ProfileOptionBuilder.float_operation()
    options["output"] = "none"
    # Freezing and the v1 profiler warn about graph collections they skip (string lookup tables, for one)
    # and print what they cannot count.
    with _quiet():
        graph = convert_to_constants.convert_variables_to_constants_v2(call.get_concrete_function(*specs)).graph
        return int(tf.compat.v1.profiler.profile(graph=graph, options=options).total_float_ops)


@contextlib.contextmanager
def _quiet():
    logger, level = tf.get_logger(), tf.get_logger().level
    logger.setLevel("ERROR")
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            yield
    finally:
        logger.setLevel(level)


def players_forward_gflop(model, batch_size):
    """GFLOP of one forward pass of each of ``model``'s :func:`players` over ``batch_size`` inputs, summed;
    None when a player's graph cannot be counted (e.g. its inputs change shape between phases)."""
    try:
        return sum(forward_flops(network, batch_size) for network in players(model)) / 1e9
    except (ValueError, TypeError, tf.errors.OpError):
        return None
