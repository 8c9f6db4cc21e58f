"""Generator steps in equal time: this checkout's mode-coverage runs against an older commit's, interleaved.

    git worktree add --detach /tmp/keras_gans_before df104b0
    nice -n 10 python benchmarks/steps_vs_commit.py --before=/tmp/keras_gans_before [--time_budget_s=20]
        [--datasets=ring8] [--configs=gan,lsgan,wgan,wgan_gp,sngan] [--seed=0] [--target=2.0]

For each configuration of ``benchmarks/mode_coverage.py`` (each in a fresh
process, the older checkout's first, then this one's, so both see the same
load), runs one ``--worker`` of each checkout's own ``mode_coverage.py`` with
the same budget and seed, each with its library (the older one through
``PYTHONPATH``) and its defaults: by default the five configurations
``mode_coverage.py`` had at df104b0 (the older worker rejects the others).
Prints one JSON line per configuration (steps before and after, and their
ratio) and exits 1 when a ratio is below ``--target``.

With ``--floor`` each line also holds ``steps_bare``: the generator steps
that the configuration's players stripped to their matrix products
(``_bare_steps.py``: no bias, activation, optimizer state, penalty or input
pipeline; its ``n_critic`` D updates on batches of its size, D called on real
and fake at once where ``models.GAN`` does so, then G's; XLA, as many steps
per call as the library runs on the 2-D sets) make in the same budget, timed in
this process right after the runs: the time floor of a step, so the most
steps a step built on TensorFlow's matrix product can make. Where
``bare_ratio`` (bare over before) is below the target, the target lies beyond
the arithmetic itself; the exit message says which.
"""

import argparse
import json
import os
import sys

from _common import ROOT, run_quiet  # benchmarks/ is on sys.path when run as a script
from mode_coverage import CONFIGS

BEFORE_CONFIGS = ("gan", "lsgan", "wgan", "wgan_gp", "sngan")  # mode_coverage.py's configurations at df104b0


def steps(checkout, dataset, config, seed, budget):
    """Generator steps one mode-coverage run of ``checkout`` makes in ``budget`` training seconds."""
    command = [sys.executable, os.path.join(checkout, "benchmarks", "mode_coverage.py"), "--worker",
               f"--datasets={dataset}", f"--configs={config}", f"--seeds={seed}", f"--time_budget_s={budget}"]
    os.environ["PYTHONPATH"] = checkout
    result = run_quiet(command, f"{checkout}: {dataset} {config}")
    return json.loads(result.stdout.strip().splitlines()[-1])["steps"]


def bare_steps(dataset, config, seed, budget, timing_s=3.0):
    """Generator steps the bare matrix products of ``config``'s players make in ``budget`` seconds."""
    import mode_coverage
    import numpy as np
    from _bare_steps import BareRunner, bare_step, kernel_specs
    from keras_gans.execution import POINTS_STEPS_PER_EXECUTION
    from keras_gans.models.gan import judges_samples_alone

    args = mode_coverage.parse_args([f"--datasets={dataset}", f"--configs={config}"])
    gan = mode_coverage.build(config, args, seed)
    n_critic = CONFIGS[config]["gan"].get("n_critic", 1)
    step, _ = bare_step(kernel_specs(gan.generator), kernel_specs(gan.discriminator), args.latent_dim,
                        jit_compile=True, n_critic=n_critic, steps_per_call=POINTS_STEPS_PER_EXECUTION,
                        joint_real_and_fake=judges_samples_alone(gan.discriminator))
    real = np.random.default_rng(seed).normal(size=(mode_coverage.batch_size_of(config, args) * n_critic, 2))
    runner = BareRunner(step, real.astype("float32"))
    calls, seconds = 1, runner.run(1)
    while calls * seconds < timing_s:
        calls *= 2
        seconds = runner.run(calls)
    return int(budget / (seconds / POINTS_STEPS_PER_EXECUTION))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", required=True, help="a checkout of the older commit")
    parser.add_argument("--datasets", default="ring8")
    parser.add_argument("--configs", default=",".join(BEFORE_CONFIGS),
                        help="comma-separated configurations of mode_coverage.py that both checkouts know")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--time_budget_s", type=float, default=20.0)
    parser.add_argument("--target", type=float, default=2.0, help="the least ratio after / before")
    parser.add_argument("--floor", action="store_true",
                        help="also time each configuration's bare matrix products (the most steps any step can make)")
    args = parser.parse_args()
    if not os.path.isfile(os.path.join(args.before, "benchmarks", "mode_coverage.py")):
        parser.error(f"--before={args.before} is not a keras-gans checkout")
    configs = args.configs.split(",")
    unknown = [config for config in configs if config not in CONFIGS]
    if unknown:
        parser.error(f"--configs: unknown {', '.join(unknown)}; choose from {', '.join(CONFIGS)}")
    missed, beyond = [], []
    for dataset in args.datasets.split(","):
        for config in configs:
            before = steps(os.path.abspath(args.before), dataset, config, args.seed, args.time_budget_s)
            after = steps(ROOT, dataset, config, args.seed, args.time_budget_s)
            record = {"dataset": dataset, "config": config, "seed": args.seed, "time_budget_s": args.time_budget_s,
                      "steps_before": before, "steps_after": after, "ratio": round(after / before, 2)}
            if args.floor:
                record["steps_bare"] = bare_steps(dataset, config, args.seed, args.time_budget_s)
                record["bare_ratio"] = round(record["steps_bare"] / before, 2)
                if record["steps_bare"] < args.target * before:
                    beyond.append(f"{dataset} {config}: {record['bare_ratio']:.2f}x")
            print(json.dumps(record), flush=True)
            if after < args.target * before:
                missed.append(f"{dataset} {config}: {after / before:.2f}x")
    if missed:
        sys.exit(f"fewer than {args.target:g}x the steps: {', '.join(missed)}"
                 + (f"; beyond the bare matrix products themselves: {', '.join(beyond)}" if beyond else ""))


if __name__ == "__main__":
    main()
