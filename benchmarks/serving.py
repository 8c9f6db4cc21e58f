"""Latency and throughput of an exported generator, as TensorFlow Serving would run it.

    python benchmarks/serving.py                    # about a minute on 2 CPU cores
    python benchmarks/serving.py --image_size=64 --base_filters=64

A DCGAN generator (``keras_gans.networks.dcgan``) is exported with
:func:`keras_gans.export.export_generator` into a temporary folder, loaded
back with ``tf.saved_model.load`` and called through its ``serving_default``
signature, the function TensorFlow Serving executes. It is compared with the
same in-memory generator called through ``model.predict`` (Keras's batch
inference loop) and called directly (``generator(z, training=False)``).
Latency is the median time of one batch-1 request; throughput is images/second
at batch 64. The three ways are timed in interleaved rounds; one JSON line per
measurement.
"""

import argparse
import json
import os
import statistics
import tempfile
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from keras_gans import export, networks  # noqa: E402

LATENT_DIM = 100


def callers(generator, export_root):
    """``{way: z -> images}`` for the three ways of running the generator."""
    path = export.export_generator(generator, export_root)
    serve = tf.saved_model.load(path).signatures["serving_default"]
    return {
        "saved_model_signature": lambda z: serve(z=tf.constant(z))["images"].numpy(),
        "model_predict": lambda z: generator.predict(z, batch_size=len(z), verbose=0),
        "direct_call": lambda z: generator(z, training=False).numpy(),
    }


def time_calls(call, z, calls):
    """Seconds per call, median of ``calls`` calls."""
    seconds = []
    for _ in range(calls):
        start = time.perf_counter()
        call(z)
        seconds.append(time.perf_counter() - start)
    return statistics.median(seconds)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--image_size", type=int, default=32)
    parser.add_argument("--base_filters", type=int, default=32)
    parser.add_argument("--throughput_batch", type=int, default=64)
    parser.add_argument("--calls", type=int, default=50, help="timed calls per round")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    keras.utils.set_random_seed(0)
    generator = networks.dcgan.generator(LATENT_DIM, (args.image_size, args.image_size, 1),
                                         base_filters=args.base_filters)
    rng = np.random.default_rng(0)
    batches = {"latency_batch_1": rng.normal(size=(1, LATENT_DIM)).astype("float32"),
               f"throughput_batch_{args.throughput_batch}":
                   rng.normal(size=(args.throughput_batch, LATENT_DIM)).astype("float32")}
    with tempfile.TemporaryDirectory() as root:
        ways = callers(generator, root)
        reference = ways["direct_call"](batches["latency_batch_1"])
        for way, call in ways.items():  # warm up (traces) and check they agree
            np.testing.assert_allclose(call(batches["latency_batch_1"]), reference, atol=1e-5, err_msg=way)
            call(batches[f"throughput_batch_{args.throughput_batch}"])
        times = {(way, name): [] for way in ways for name in batches}
        for _ in range(args.rounds):
            for way, call in ways.items():
                for name, z in batches.items():
                    times[(way, name)].append(time_calls(call, z, args.calls))
    for (way, name), seconds in times.items():
        step = statistics.median(seconds)
        batch = len(batches[name])
        print(json.dumps({
            "benchmark": "serving", "way": way, "measure": name, "batch_size": batch,
            "image_size": args.image_size, "base_filters": args.base_filters,
            "ms_per_call": round(step * 1e3, 3), "images_per_s": round(batch / step, 1),
            "ms_per_call_rounds": [round(s * 1e3, 3) for s in seconds],
            "cpu_count": os.cpu_count(), "tensorflow": tf.__version__}), flush=True)


if __name__ == "__main__":
    main()
