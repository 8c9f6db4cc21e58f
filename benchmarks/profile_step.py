"""Where the time of one DCGAN train step goes: TensorFlow's profiler, summed by op type.

    pip install xprof        # the profiler's trace reader (not a dependency of keras-gans)
    python benchmarks/profile_step.py [--image_size=64] [--batch_size=64] [--jit_compile=off] [--steps=5]

Trains :class:`keras_gans.models.GAN` on the DCGAN players of
``benchmarks/throughput.py`` (base width 32, one channel, one batch of digits
held in memory), traces ``--steps`` steps after a warm-up with
``tf.profiler.experimental`` and prints one JSON line: the share of the ops'
busy time (idle time left out) per op type, largest first, and the groups
the README names (convolutions, element-wise arithmetic, activations, the
optimizer's updates). With ``--jit_compile=on`` the step is one XLA cluster
and the table shows little; the op types are those of the plain step.
"""

import argparse
import collections
import glob
import json
import os
import sys
import tempfile

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import tensorflow as tf  # noqa: E402

import throughput  # noqa: E402  (benchmarks/ is on sys.path when run as a script)
from keras_gans import models  # noqa: E402

GROUPS = {
    "convolutions": ("Conv2D", "Conv2DBackpropInput", "Conv2DBackpropFilter", "_FusedConv2D"),
    "element-wise arithmetic (mostly batch norm)": ("Mul", "Mean", "SquaredDifference", "Tile", "Sum", "Sub",
                                                    "Rsqrt", "AddV2", "RealDiv", "Square", "Sqrt"),
    "activations": ("LeakyRelu", "LeakyReluGrad", "Relu", "ReluGrad", "Tanh", "TanhGrad"),
    "optimizer updates": ("AssignAddVariableOp", "AssignSubVariableOp", "AssignVariableOp", "ResourceApplyAdam"),
}


def op_time_by_type(logdir):
    """``{op type: self time in microseconds}`` of the trace in ``logdir``, idle time left out."""
    from xprof.convert import raw_to_tool_data

    paths = glob.glob(os.path.join(logdir, "**", "*.xplane.pb"), recursive=True)
    payload, _ = raw_to_tool_data.xspace_to_tool_data(paths, "framework_op_stats", {})
    table = json.loads(payload)[0]
    columns = [column["id"] for column in table["cols"]]
    totals = collections.Counter()
    for row in table["rows"]:
        values = dict(zip(columns, [cell["v"] if cell else None for cell in row["c"]]))
        if values["type"] != "IDLE":
            totals[values["type"]] += values["total_self_time"]
    return totals


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--image_size", type=int, default=64)
    parser.add_argument("--batch_size", type=int, default=64)
    parser.add_argument("--jit_compile", choices=("off", "on"), default="off")
    parser.add_argument("--steps", type=int, default=5)
    args = parser.parse_args()
    try:
        import xprof  # noqa: F401
    except ImportError:
        sys.exit("profile_step.py reads the trace with xprof: pip install xprof")

    real, _ = throughput.digits_batches(args.image_size, args.batch_size)
    batches = tf.data.Dataset.from_tensors(real).repeat()
    generator, discriminator = throughput.make_networks("dcgan", args.image_size, 32, seed=0)
    gan = models.GAN(generator, discriminator, throughput.LATENT_DIM, seed=0)
    gan.compile(d_optimizer=throughput.adam(), g_optimizer=throughput.adam(), jit_compile=args.jit_compile == "on")
    gan.fit(batches, epochs=1, steps_per_epoch=3, verbose=0, shuffle=False)  # trace and warm up
    with tempfile.TemporaryDirectory() as logdir:
        tf.profiler.experimental.start(logdir)
        gan.fit(batches, epochs=1, steps_per_epoch=args.steps, verbose=0, shuffle=False)
        tf.profiler.experimental.stop()
        totals = op_time_by_type(logdir)
    busy = sum(totals.values())
    print(json.dumps({
        "image_size": args.image_size, "batch_size": args.batch_size, "jit_compile": args.jit_compile == "on",
        "steps": args.steps,
        "groups": {name: round(sum(totals[t] for t in types) / busy, 3) for name, types in GROUPS.items()},
        "op_types": {name: round(time / busy, 3) for name, time in totals.most_common(15)},
    }))


if __name__ == "__main__":
    main()
