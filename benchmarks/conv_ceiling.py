"""How fast TensorFlow's own kernels run the arithmetic of the 64x64 DCGAN step, as a share of the matmul peak.

    python benchmarks/conv_ceiling.py                      # 64x64, batch 64, as throughput.py's goal
    python benchmarks/conv_ceiling.py --image_size=32 --batch_size=16

The step of ``benchmarks/throughput.py`` spends 89% of its busy time in
convolutions (``benchmarks/profile_step.py``). This benchmark runs those
convolutions and nothing else: the same players (``networks.dcgan``, base
width 32, one channel) stripped to their kernels by ``_bare_steps.py``, the
dense layers and convolutions of G and D chained with no bias, normalization
or activation, trained the way ``models.GAN`` trains them (D on the real and
on the fake batch, then G through D; plain gradient descent), so every
convolution of the real step runs at its own shapes, forward and backward, as
often as there (``throughput.step_flops`` counts the same arithmetic). Kept apart
from everything else the library does, the rate these kernels reach is the
most the real step can reach, whatever the library changes around them.

Ways, each timed in interleaved rounds with the real step
(``keras_gans``, ``model.fit`` on :class:`keras_gans.models.GAN`, and
``keras_gans_xla``, the same under XLA), the median round reported:

- ``kernels_nhwc``: the bare step, channels last (what Keras runs on a CPU);
- ``kernels_nhwc_xla``: the same under XLA;
- ``kernels_nchw``, ``kernels_nchw_xla``: channels first, the other data
  layout, where this TensorFlow build runs it on a CPU (reported as
  unsupported where not).

Prints one JSON line per way, with the matmul peak measured in the same run
and the share of it reached. Exits 1 when the fastest bare step reaches less
than ``--share_target`` (0.75, the goal throughput.py checks the real step
against) of the peak: then that goal lies beyond the kernels themselves.
"""

import argparse
import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import tensorflow as tf  # noqa: E402

import throughput  # noqa: E402  (benchmarks/ is on sys.path when run as a script)
from _bare_steps import BareRunner, bare_step, kernel_specs  # noqa: E402
from keras_gans import models  # noqa: E402


def reason(error):
    """The line of a TensorFlow error that says why (the error's text opens with the graph's trace)."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    return next((line for line in lines if "supports" in line), lines[-1])[:200]


def runners(args):
    """``{way: runner}``: the real step and each bare one this TensorFlow can run; the unsupported ones are
    named in the second value."""
    real, _ = throughput.digits_batches(args.image_size, args.batch_size)
    found = {}
    for way, jit_compile in (("keras_gans", False), ("keras_gans_xla", True)):
        generator, discriminator = throughput.make_networks("dcgan", args.image_size, args.base_filters, seed=0)
        found[way] = throughput.FitRunner(models.GAN(generator, discriminator, throughput.LATENT_DIM, seed=0),
                                          tf.data.Dataset.from_tensors(real).repeat(), jit_compile)
    unsupported = {}
    specs = [kernel_specs(network)  # the same shapes whatever the weights
             for network in throughput.make_networks("dcgan", args.image_size, args.base_filters, seed=0)]
    for way, data_format, jit_compile in (("kernels_nhwc", "NHWC", False), ("kernels_nhwc_xla", "NHWC", True),
                                          ("kernels_nchw", "NCHW", False), ("kernels_nchw_xla", "NCHW", True)):
        batch = real if data_format == "NHWC" else tf.transpose(real, (0, 3, 1, 2)).numpy()
        try:
            step, _ = bare_step(*specs, throughput.LATENT_DIM, data_format=data_format, jit_compile=jit_compile)
            found[way] = BareRunner(step, batch)
        except (tf.errors.InvalidArgumentError, tf.errors.UnimplementedError) as error:
            unsupported[way] = reason(error)
    return found, unsupported


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--image_size", type=int, default=64, help="a power of two, 16 to 256")
    parser.add_argument("--batch_size", type=int, default=64)
    parser.add_argument("--base_filters", type=int, default=32, help="DCGAN width (see networks.dcgan)")
    parser.add_argument("--steps", type=int, default=8, help="steps per timed round")
    parser.add_argument("--rounds", type=int, default=7, help="interleaved rounds; the median is reported")
    parser.add_argument("--share_target", type=float, default=0.75,
                        help="share of the matmul peak the fastest bare step should reach for the goal to be "
                             "within the kernels' reach")
    args = parser.parse_args()
    for name in ("image_size", "batch_size", "base_filters", "steps", "rounds"):
        if getattr(args, name) < 1:
            parser.error(f"--{name} must be positive; received {getattr(args, name)}")
    if args.image_size < 16 or args.image_size > 256 or args.image_size & (args.image_size - 1):
        parser.error(f"--image_size must be a power of two from 16 to 256; received {args.image_size}")
    if not 0 < args.share_target <= 1:
        parser.error(f"--share_target must be in (0, 1]; received {args.share_target}")

    peak = throughput.matmul_gflops()
    timed, unsupported = runners(args)
    times = throughput.time_in_rounds(timed, args.rounds, args.steps)
    flops = throughput.step_flops(*throughput.make_networks("dcgan", args.image_size, args.base_filters, seed=0),
                                  args.batch_size)
    records = []
    for way, seconds in times.items():
        records.append({
            "benchmark": "conv_ceiling", "way": way, "image_size": args.image_size, "batch_size": args.batch_size,
            "base_filters": args.base_filters, **throughput.rate_fields(seconds, flops, peak),
            "machine": throughput.machine(),
            "command": "python benchmarks/conv_ceiling.py " + " ".join(sys.argv[1:])})
        print(json.dumps(records[-1]), flush=True)
    for way, why in unsupported.items():
        print(json.dumps({"benchmark": "conv_ceiling", "way": way, "unsupported": why}), flush=True)
    best = max((r for r in records if r["way"].startswith("kernels")), key=lambda r: r["share_of_peak"])
    if best["share_of_peak"] < args.share_target:
        sys.exit(f"the fastest bare step ({best['way']}) reaches {100 * best['share_of_peak']:.0f}% of the matmul "
                 f"peak, below {100 * args.share_target:.0f}%: the goal is beyond TensorFlow's kernels here")


if __name__ == "__main__":
    main()
