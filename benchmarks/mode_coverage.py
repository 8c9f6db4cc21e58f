"""Mode coverage of the objective family on the 2-D mixtures (VEEGAN / PacGAN protocol).

    nice -n 10 python benchmarks/mode_coverage.py                       # grid25, 5 configs, seed 0 (~15 min)
    nice -n 10 python benchmarks/mode_coverage.py --seeds=0,1,2 --markdown=grid25.md   # the README table
    nice -n 10 python benchmarks/mode_coverage.py --configs=wgan_gp --seeds=0,1,2,3,4
    nice -n 10 python benchmarks/mode_coverage.py --dataset=ring8 --markdown=/tmp/ring8.md
    nice -n 10 python benchmarks/mode_coverage.py --time_budget_s=60  # equal wall clock per run

Every configuration trains the same MLP players (``--hidden_units``, z of size
``--latent_dim``) for the same number of generator steps (``--steps``) and
batch size (the real samples each discriminator update sees); only what the paper changes differs: the loss, the critic steps,
the Lipschitz constraint (weight clipping, gradient penalty, spectral norm)
and the paper's optimizer (:data:`CONFIGS`). Each (configuration, seed) runs
in its own fresh process, one after the other, so runs do not share a TF
session or compete for the CPU.

Every ``--eval_every`` generator steps the run measures
:func:`keras_gans.evaluation.mode_coverage` on 2,500 samples from a fixed z
(VEEGAN: modes with a sample within 3 std, share of such high-quality samples,
reverse KL of their mode histogram to uniform) and notes when all modes are
first covered, in steps and in training seconds (evaluation time excluded).
With ``--time_budget_s`` a run stops at the first evaluation point past that
many training seconds (or at ``--steps``, whichever comes first); the
learning-rate schedule still spans ``--steps``.

Output: one JSON line per run (config, dataset, seed, steps, modes,
high_quality, reverse_kl, wall_time_s, train_time_s, first_full_step,
first_full_time_s, trace), then a summary table (mean +- std over seeds),
also written as markdown with ``--markdown``.
"""

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# What each paper changes; everything else (networks, steps, batch) is shared.
# "optimizer": (name, learning rate, beta_1, beta_2); the rate is cosine-decayed
# to 0 over the run, which lets samples settle onto the narrow modes.
CONFIGS = {
    # Goodfellow et al. 2014 with the non-saturating G loss; Adam as apps/configs/gan_grid25.cfg.
    "gan": dict(gan=dict(loss="non_saturating"), optimizer=("adam", 1e-3, 0.5, 0.999)),
    # Mao et al. 2017: least squares with the 0-1 coding (a, b, c) = (0, 1, 1).
    "lsgan": dict(gan=dict(loss="least_squares"), optimizer=("adam", 1e-3, 0.5, 0.999)),
    # Arjovsky et al. 2017, Algorithm 1: clipping c = 0.01, n_critic = 5, RMSProp(5e-5), a fresh real
    # batch for every critic step (split_real_batch: the stream's batches hold n_critic of them).
    "wgan": dict(gan=dict(loss="wasserstein", clip_value=0.01, n_critic=5, split_real_batch=True),
                 optimizer=("rmsprop", 5e-5, None, None)),
    # Gulrajani et al. 2017, Algorithm 1: n_critic = 5, Adam(beta_1 0.5, beta_2 0.9), a fresh real batch
    # for every critic step. lambda = 0.1 as in the
    # authors' own 25-Gaussians experiment (gan_toy.py of igul222/improved_wgan_training; 10 is for images):
    # measured here, lambda = 10 leaves 2-3% of samples within 3 std of a mode and 13-17 modes covered.
    # The rate is raised from their 1e-4 so the modes are reached within the step budget.
    "wgan_gp": dict(gan=dict(loss="wasserstein", gradient_penalty_weight=0.1, n_critic=5, split_real_batch=True),
                    optimizer=("adam", 5e-4, 0.5, 0.9)),
    # Miyato et al. 2018: spectral norm on every D layer, hinge loss, n_dis = 1 and Adam(0.5, 0.999)
    # (their setting C, at the same rate as the others).
    "sngan": dict(gan=dict(loss="hinge"), spectral_norm=True, optimizer=("adam", 1e-3, 0.5, 0.999)),
}

SUMMARY_KEYS = ("modes", "high_quality", "reverse_kl", "train_time_s", "first_full_step")


def _optimizer(spec, steps):
    import keras

    name, rate, beta_1, beta_2 = spec
    schedule = keras.optimizers.schedules.CosineDecay(rate, decay_steps=max(1, steps), alpha=0.0)
    if name == "rmsprop":
        return keras.optimizers.RMSprop(schedule)
    return keras.optimizers.Adam(schedule, beta_1=beta_1, beta_2=beta_2)


def build(config_name, args, seed):
    """The GAN of one configuration with the shared MLP players, compiled."""
    from keras_gans import models
    from keras_gans.networks import players

    config = CONFIGS[config_name]
    generator, discriminator = players.build("mlp", args.latent_dim, (2,), hidden_units=args.hidden_units,
                                             spectral_norm=config.get("spectral_norm", False))
    gan = models.GAN(generator, discriminator, args.latent_dim, seed=seed, **config["gan"])
    n_critic = config["gan"].get("n_critic", 1)
    gan.compile(d_optimizer=_optimizer(config["optimizer"], args.steps * n_critic),
                g_optimizer=_optimizer(config["optimizer"], args.steps))
    return gan


def run_one(config_name, args, seed):
    """Trains one (configuration, seed) in this process and returns its record."""
    import keras
    import numpy as np

    from keras_gans import callbacks, data, evaluation

    started = time.perf_counter()
    keras.utils.set_random_seed(seed)
    centers, std = data.toy_modes(args.dataset)
    gan = build(config_name, args, seed)
    z = callbacks.fixed_latent(seed, 2500, args.latent_dim)
    gan_options = CONFIGS[config_name]["gan"]
    # --batch_size is what each critic step sees; a split batch feeds n_critic critic steps.
    per_step = gan_options.get("n_critic", 1) if gan_options.get("split_real_batch") else 1
    dataset = data.load(args.dataset, batch_size=args.batch_size * per_step, seed=seed, repeat=True)

    class Probe(keras.callbacks.Callback):
        """Measures coverage every eval_every steps and enforces the time budget."""

        def __init__(self):
            super().__init__()
            self.trace, self.eval_time, self.first_full = [], 0.0, None
            self.fit_started = None

        def train_time(self):
            return time.perf_counter() - self.fit_started - self.eval_time

        def measure(self, step):
            begun = time.perf_counter()
            coverage = evaluation.mode_coverage(gan.generate(z).numpy(), centers, std)
            self.eval_time += time.perf_counter() - begun
            point = {"step": step, "train_time_s": round(self.train_time(), 2),
                     "modes": coverage["modes"], "high_quality": round(coverage["high_quality"], 4),
                     "reverse_kl": round(coverage["reverse_kl"], 4)}
            self.trace.append(point)
            if self.first_full is None and coverage["modes"] == len(centers):
                self.first_full = point
            return coverage

        def on_train_begin(self, logs=None):
            self.fit_started = time.perf_counter()

        def on_train_batch_end(self, batch, logs=None):
            step = batch + 1
            if step % args.eval_every == 0 or step == args.steps:
                self.measure(step)
                if args.time_budget_s and self.train_time() >= args.time_budget_s:
                    self.model.stop_training = True

    probe = Probe()
    gan.fit(dataset, epochs=1, steps_per_epoch=args.steps, callbacks=[probe], verbose=0)
    steps_done = int(gan.g_optimizer.iterations.numpy())
    if not probe.trace or probe.trace[-1]["step"] != steps_done:
        probe.measure(steps_done)
    final = probe.trace[-1]
    first = probe.first_full or {}
    return {
        "config": config_name, "dataset": args.dataset, "seed": seed, "steps": steps_done,
        "modes": final["modes"], "high_quality": final["high_quality"], "reverse_kl": final["reverse_kl"],
        "wall_time_s": round(time.perf_counter() - started, 2), "train_time_s": final["train_time_s"],
        "first_full_step": first.get("step"), "first_full_time_s": first.get("train_time_s"),
        "hidden_units": list(args.hidden_units), "batch_size": args.batch_size,
        "time_budget_s": args.time_budget_s, "trace": probe.trace,
        "finite": bool(np.isfinite(final["reverse_kl"]) or final["modes"] == 0),
    }


def _mean_std(values):
    values = [v for v in values if v is not None and math.isfinite(v)]
    if not values:
        return "n/a"
    mean = statistics.fmean(values)
    std = statistics.stdev(values) if len(values) > 1 else 0.0
    if abs(mean) >= 100:
        return f"{mean:.0f} ± {std:.0f}"
    return f"{mean:.3g} ± {std:.2g}"


def summary_markdown(records, dataset, num_modes):
    """A markdown table: one row per configuration, mean ± std over its seeds."""
    lines = [f"| config | seeds | modes (of {num_modes}) | high quality | reverse KL | "
             "all modes reached (runs) | first full coverage (step) | train time (s) |",
             "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for name in dict.fromkeys(r["config"] for r in records):
        rows = [r for r in records if r["config"] == name and r["dataset"] == dataset]
        full = sum(r["first_full_step"] is not None for r in rows)
        lines.append(
            f"| {name} | {len(rows)} | {_mean_std([r['modes'] for r in rows])} "
            f"(min {min(r['modes'] for r in rows)}) | "
            f"{_mean_std([100 * r['high_quality'] for r in rows])} % | "
            f"{_mean_std([r['reverse_kl'] for r in rows])} | {full}/{len(rows)} | "
            f"{_mean_std([r['first_full_step'] for r in rows])} | "
            f"{_mean_std([r['train_time_s'] for r in rows])} |")
    return "\n".join(lines) + "\n"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--configs", default=",".join(CONFIGS),
                        help=f"comma-separated, from {', '.join(CONFIGS)}")
    parser.add_argument("--dataset", default="grid25", choices=("grid25", "ring8"))
    parser.add_argument("--seeds", default="0", help="comma-separated seeds (the README table: 0,1,2)")
    parser.add_argument("--steps", type=int, default=8000, help="generator steps per run")
    parser.add_argument("--batch_size", type=int, default=256)
    parser.add_argument("--hidden_units", default="128,128,128",
                        help="widths of both players' hidden layers")
    parser.add_argument("--latent_dim", type=int, default=2)
    parser.add_argument("--eval_every", type=int, default=500, help="generator steps between measurements")
    parser.add_argument("--time_budget_s", type=float, default=0.0,
                        help="stop a run at the first evaluation past this many training seconds (0 = off)")
    parser.add_argument("--markdown", default=None, help="also write the summary table here")
    parser.add_argument("--summarize", nargs="+", default=None, metavar="LOG",
                        help="train nothing: print the table of the JSON lines in these logs of earlier runs")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.hidden_units = [int(u) for u in str(args.hidden_units).split(",")]
    args.seeds = [int(s) for s in args.seeds.split(",")]
    args.configs = args.configs.split(",")
    unknown = [c for c in args.configs if c not in CONFIGS]
    if unknown:
        parser.error(f"--configs: unknown {unknown}; choose from {', '.join(CONFIGS)}")
    for name in ("steps", "batch_size", "latent_dim", "eval_every"):
        if getattr(args, name) <= 0:
            parser.error(f"--{name} must be positive; received {getattr(args, name)}")
    if args.time_budget_s < 0:
        parser.error(f"--time_budget_s must be >= 0; received {args.time_budget_s}")
    return args


def main():
    args = parse_args()
    if args.worker:  # one run, in this process
        print(json.dumps(run_one(args.configs[0], args, args.seeds[0])), flush=True)
        return
    if args.summarize:
        records = [json.loads(line) for path in args.summarize for line in open(path) if line.startswith("{")]
        records = [r for r in records if r["config"] in args.configs]
        return _report(records, args)
    records = []
    shared = [f"--dataset={args.dataset}", f"--steps={args.steps}", f"--batch_size={args.batch_size}",
              f"--hidden_units={','.join(map(str, args.hidden_units))}", f"--latent_dim={args.latent_dim}",
              f"--eval_every={args.eval_every}", f"--time_budget_s={args.time_budget_s}"]
    for name in args.configs:
        for seed in args.seeds:
            command = [sys.executable, os.path.abspath(__file__), "--worker", f"--configs={name}",
                       f"--seeds={seed}", *shared]
            result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT,
                                    env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3"))
            if result.returncode != 0:
                sys.exit(f"{name} seed {seed} failed:\n{result.stderr[-3000:]}")
            record = json.loads(result.stdout.strip().splitlines()[-1])
            records.append(record)
            print(json.dumps(record), flush=True)
    _report(records, args)


def _report(records, args):
    from keras_gans import data

    records = sorted(records, key=lambda r: (args.configs.index(r["config"]), r["seed"]))
    table = summary_markdown(records, args.dataset, len(data.toy_modes(args.dataset)[0]))
    print(table)
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write(table)


if __name__ == "__main__":
    main()
