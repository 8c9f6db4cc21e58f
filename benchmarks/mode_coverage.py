"""Mode coverage of the objective family on the 2-D mixtures (VEEGAN / PacGAN protocol).

    nice -n 10 python benchmarks/mode_coverage.py          # ring8 and grid25, every config, seed 0, 30 s each (~30 min)
    nice -n 10 python benchmarks/mode_coverage.py --datasets=ring8 --batch_size=128 --seeds=0,1,2 \
        --json=benchmarks/results/mode_coverage_ring8_30s_b128.jsonl  # the README's ring8 table at 30 s (~25 min)
    nice -n 10 python benchmarks/mode_coverage.py --datasets=ring8 --configs=lsgan,pacgan2 --batch_size=128 \
        --seeds=0,1,2,3,4,5,6,7,8,9                         # the ring8 target, on 10 seeds (~15 min)
    nice -n 10 python benchmarks/mode_coverage.py --datasets=grid25 --configs=gan_r1_0.3 --batch_size=128 \
        --time_budget_s=60 --seeds=0,1,2,3,4,5,6,7,8,9      # the grid25 target, on 10 seeds (~12 min)
    nice -n 10 python benchmarks/mode_coverage.py --seeds=0,1,2 --time_budget_s=60 \
        --json=benchmarks/results/mode_coverage_60s.jsonl  # the README's equal-time table (~60 min)
    nice -n 10 python benchmarks/mode_coverage.py --datasets=grid25 --time_budget_s=0 --steps=8000 \
        --seeds=0,1,2                                       # the README's equal-steps table
    nice -n 10 python benchmarks/mode_coverage.py --summarize benchmarks/results/mode_coverage_60s.jsonl

Every configuration trains the same MLP players (``--hidden_units``, z of size
``--latent_dim``) on the same batch size (the real samples each discriminator
update sees); only what the paper changes differs: the loss, the critic steps,
the Lipschitz constraint (weight clipping, gradient penalty, spectral norm),
packing (PacGAN), an unrolled D, top-k training of G, the R1 penalty, and the paper's optimizer (:data:`CONFIGS`).
The ``published_*`` configurations instead train the players, optimizer and
batch of the PacGAN authors' 2-D code (:mod:`keras_gans.networks.published_2d`).
Each (dataset, configuration, seed) runs in its own fresh process, one after
the other, so runs do not share a TF session or compete for the CPU.

Two budgets:

* ``--time_budget_s`` > 0 (the default): every run gets the same training wall
  clock; the learning rates follow a cosine from the paper's rate to 0 over
  that time (measured from the end of the first, compiling step; evaluation excluded), so a slower step (n critic steps,
  a gradient penalty) means fewer generator steps. ``--steps`` is only a cap,
  none by default; a cap that ends a run first ends its cosine too (the
  schedule follows the larger of the shares of time and of steps gone).
* ``--time_budget_s=0``: every run makes ``--steps`` generator steps
  (default :data:`DEFAULT_STEPS`) with the cosine over steps.

Every ``--eval_every`` generator steps, and at the end, the run measures
:func:`keras_gans.evaluation.mode_coverage` on 2,500 samples from a fixed z
(VEEGAN: modes with a sample within 3 std, share of such high-quality samples,
reverse KL of their mode histogram to uniform) and notes when all modes are
first covered, in steps and in training seconds.

Targets (:data:`TARGETS`): on ring8 every mode with >= 95% high-quality
samples within 30 training seconds, on grid25 >= 90% within 60 s, each on
each of at least 5 seeds, for at least one configuration. The last line is a
JSON summary naming the configurations that meet them; the exit status is 1
when a dataset's target is met by none (fewer seeds than 5 never meet it).

Output: one JSON line per run (config, dataset, seed, steps, modes,
high_quality, reverse_kl, wall_time_s, train_time_s, first_full_step,
first_full_time_s, trace), also appended to ``--json``, then a summary table per
dataset (mean +- std over seeds), also written as markdown with ``--markdown``.
"""

import argparse
import json
import math
import os
import statistics
import sys
import time

from _common import run_quiet  # benchmarks/ is on sys.path when run as a script

# What each paper changes; everything else (networks, steps, batch) is shared.
# "optimizer": (name, learning rate, beta_1, beta_2); the rate is cosine-decayed
# to 0 over the run, which lets samples settle onto the narrow modes.
CONFIGS = {
    # Goodfellow et al. 2014 with the non-saturating G loss; Adam as apps/configs/gan_ring8.cfg.
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
    # Lin et al. 2018: D judges packs of m samples (m = 2 on their 2D-ring, 4 on their 2D-grid); G and the
    # rest as "gan". A batch of B samples makes B / m packs.
    "pacgan2": dict(gan=dict(loss="non_saturating", pack=2), optimizer=("adam", 1e-3, 0.5, 0.999)),
    "pacgan4": dict(gan=dict(loss="non_saturating", pack=4), optimizer=("adam", 1e-3, 0.5, 0.999)),
    # PacGAN2's packing with LSGAN's least squares in place of the log loss.
    "lsgan_pack2": dict(gan=dict(loss="least_squares", pack=2), optimizer=("adam", 1e-3, 0.5, 0.999)),
    # Sinha et al. 2020: G's loss over the share of the batch D scores highest, decaying from 1 by gamma 0.99
    # every 50 generator steps to nu (0.5 or 0.75), reached in the first 3,450 (nu 0.5) or 1,450 steps.
    "topk50": dict(gan=dict(loss="non_saturating", top_k_fraction=0.5, top_k_decay=0.99, top_k_decay_steps=50),
                   optimizer=("adam", 1e-3, 0.5, 0.999)),
    "topk75": dict(gan=dict(loss="non_saturating", top_k_fraction=0.75, top_k_decay=0.99, top_k_decay_steps=50),
                   optimizer=("adam", 1e-3, 0.5, 0.999)),
    # Mescheder et al. 2018: D's loss adds gamma/2 times its squared gradient norm at the real points. With
    # --batch_size=128 every gamma measured kept all 25 grid modes that the plain GAN lost at that batch;
    # gamma 0.3 is apps/configs/gan_grid25.cfg.
    "gan_r1_0.01": dict(gan=dict(loss="non_saturating", r1_weight=0.01), optimizer=("adam", 1e-3, 0.5, 0.999)),
    "gan_r1_0.1": dict(gan=dict(loss="non_saturating", r1_weight=0.1), optimizer=("adam", 1e-3, 0.5, 0.999)),
    "gan_r1_0.3": dict(gan=dict(loss="non_saturating", r1_weight=0.3), optimizer=("adam", 1e-3, 0.5, 0.999)),
    # Metz et al. 2017: G's loss against D unrolled 5 steps ahead (5 more D passes per G step).
    "unrolled": dict(gan=dict(loss="non_saturating", unrolled_steps=5), optimizer=("adam", 1e-3, 0.5, 0.999)),
    # The published players, optimizer (Adam 1e-4, beta_1 0.8) and batch of 100 packs of the PacGAN code
    # (keras_gans.networks.published_2d; G draws 100 x m samples a step): --hidden_units and --batch_size
    # do not apply.
    "published_gan": dict(gan=dict(loss="non_saturating"), players="published_2d"),
    "published_pacgan2": dict(gan=dict(loss="non_saturating", pack=2), players="published_2d"),
    "published_pacgan4": dict(gan=dict(loss="non_saturating", pack=4), players="published_2d"),
}

# The targets: every mode with at least this share of high-quality samples, on each of at least
# TARGET_SEEDS seeds, within this many training seconds, for at least one configuration.
TARGETS = {"ring8": (0.95, 30.0), "grid25": (0.90, 60.0)}
TARGET_SEEDS = 5

# Generator steps of a run under --time_budget_s=0, and the cap of a timed run that sets none (a timed
# run on 2 CPU cores makes a few hundred to about 1,100 steps a second).
DEFAULT_STEPS = 20000
UNCAPPED_STEPS = 10 ** 7

# --jit_compile: the library's default (None), or forced.
JIT_SETTINGS = {"default": None, "on": True, "off": False}

SUMMARY_KEYS = ("modes", "high_quality", "reverse_kl", "train_time_s", "first_full_step")


def optimizer_spec(config_name):
    """(name, learning rate, beta_1, beta_2) of a configuration's optimizer."""
    if CONFIGS[config_name].get("players") == "published_2d":
        from keras_gans.networks import published_2d
        return published_2d.OPTIMIZER
    return CONFIGS[config_name]["optimizer"]


def batch_size_of(config_name, args):
    """Samples each discriminator step sees: ``--batch_size``, or the published code's packs times the pack."""
    config = CONFIGS[config_name]
    if config.get("players") == "published_2d":
        from keras_gans.networks import published_2d
        return published_2d.BATCH_SIZE * config["gan"].get("pack", 1)
    return args.batch_size


def _optimizer(spec, steps):
    """The paper's optimizer; cosine-decayed over ``steps``, or at a constant rate the time schedule sets."""
    import keras

    name, rate, beta_1, beta_2 = spec
    schedule = rate if steps is None else keras.optimizers.schedules.CosineDecay(
        rate, decay_steps=max(1, steps), alpha=0.0)
    if name == "rmsprop":
        return keras.optimizers.RMSprop(schedule)
    return keras.optimizers.Adam(schedule, beta_1=beta_1, beta_2=beta_2)


def build(config_name, args, seed):
    """The GAN of one configuration with the shared MLP players, compiled."""
    from keras_gans import execution, models
    from keras_gans.networks import players

    config = CONFIGS[config_name]
    architecture = config.get("players", "mlp")
    options = dict(hidden_units=args.hidden_units, spectral_norm=config.get("spectral_norm", False)) \
        if architecture == "mlp" else {}
    generator, discriminator = players.build(architecture, args.latent_dim, (2,), pack=config["gan"].get("pack", 1),
                                             **options)
    gan = models.GAN(generator, discriminator, args.latent_dim, seed=seed, **config["gan"])
    n_critic = config["gan"].get("n_critic", 1)
    timed = args.time_budget_s > 0  # then the Probe callback decays the rates over the time budget
    spec = optimizer_spec(config_name)
    gan.compile(d_optimizer=_optimizer(spec, None if timed else args.steps * n_critic),
                g_optimizer=_optimizer(spec, None if timed else args.steps),
                jit_compile=execution.jit_compile(JIT_SETTINGS[args.jit_compile], gan, faster=True),
                steps_per_execution=execution.steps_per_execution(
                    args.steps_per_execution, math.gcd(args.eval_every, args.steps), points=True))
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
    batch_size = batch_size_of(config_name, args)
    peak_rate = optimizer_spec(config_name)[1]  # the time schedule's starting rate, read once off the hot path
    dataset = data.load(args.dataset, batch_size=batch_size * per_step, seed=seed, repeat=True)

    class Probe(keras.callbacks.Callback):
        """Measures coverage every eval_every steps; under a time budget, sets the rates and stops."""

        def __init__(self):
            super().__init__()
            self.trace, self.eval_time, self.first_full = [], 0.0, None
            self.fit_started = self.clock_started = None
            self.compile_time = 0.0

        def train_time(self):
            """Training seconds after the first step (which traces and compiles), evaluation excluded."""
            if self.clock_started is None:
                return 0.0
            return time.perf_counter() - self.clock_started - self.eval_time

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

        def on_train_batch_begin(self, batch, logs=None):
            if args.time_budget_s:  # cosine from the paper's rate to 0 over the training seconds (or the cap)
                progress = min(1.0, max(self.train_time() / args.time_budget_s, batch / args.steps))
                rate = peak_rate * 0.5 * (1.0 + math.cos(math.pi * progress))
                gan.d_optimizer.learning_rate = rate
                gan.g_optimizer.learning_rate = rate

        def on_train_batch_end(self, batch, logs=None):
            step = batch + 1  # Keras reports the last batch of each call (steps_per_execution)
            if self.clock_started is None:  # the budget starts once the step function is traced
                self.clock_started = time.perf_counter()
                self.compile_time = self.clock_started - self.fit_started
            out_of_time = bool(args.time_budget_s) and self.train_time() >= args.time_budget_s
            if step % args.eval_every == 0 or step == args.steps or out_of_time:
                self.measure(step)
            if out_of_time:
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
        "compile_time_s": round(probe.compile_time, 2),
        "first_full_step": first.get("step"), "first_full_time_s": first.get("train_time_s"),
        "players": CONFIGS[config_name].get("players", "mlp"),
        "hidden_units": list(args.hidden_units), "latent_dim": args.latent_dim, "batch_size": batch_size,
        "time_budget_s": args.time_budget_s, "trace": probe.trace,
        "jit_compile": bool(gan.jit_compile), "steps_per_execution": gan.steps_per_execution,
        "finite": bool(np.isfinite(final["reverse_kl"]) or final["modes"] == 0),
    }


def _mean_std(values):
    """``mean ± std`` of the finite values (just the value when there is one), or ``n/a``."""
    values = [v for v in values if v is not None and math.isfinite(v)]
    if not values:
        return "n/a"
    mean = statistics.fmean(values)
    if len(values) == 1:
        return f"{mean:.0f}" if abs(mean) >= 100 else f"{mean:.3g}"
    std = statistics.stdev(values)
    if abs(mean) >= 100:
        return f"{mean:.0f} ± {std:.0f}"
    return f"{mean:.3g} ± {std:.2g}"


def summary_markdown(records, dataset, num_modes):
    """A markdown table for one dataset: one row per configuration, mean ± std over its seeds."""
    lines = [f"| config | seeds | modes (of {num_modes}) | high quality | reverse KL | "
             "all modes reached (runs) | first full coverage (s) | generator steps | train time (s) |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    records = [r for r in records if r["dataset"] == dataset]
    for name in dict.fromkeys(r["config"] for r in records):
        rows = [r for r in records if r["config"] == name]
        full = sum(r["first_full_step"] is not None for r in rows)
        lines.append(
            f"| {name} | {len(rows)} | {_mean_std([r['modes'] for r in rows])} "
            f"(min {min(r['modes'] for r in rows)}) | "
            f"{_mean_std([100 * r['high_quality'] for r in rows])} % | "
            f"{_mean_std([r['reverse_kl'] for r in rows])} | {full}/{len(rows)} | "
            f"{_mean_std([r['first_full_time_s'] for r in rows])} | "
            f"{_mean_std([r['steps'] for r in rows])} | "
            f"{_mean_std([r['train_time_s'] for r in rows])} |")
    return "\n".join(lines) + "\n"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--configs", default=",".join(CONFIGS),
                        help=f"comma-separated, from {', '.join(CONFIGS)}")
    parser.add_argument("--datasets", default="ring8,grid25", help="comma-separated, from ring8, grid25")
    parser.add_argument("--seeds", default="0", help="comma-separated seeds (the README table: 0,1,2)")
    parser.add_argument("--time_budget_s", type=float, default=30.0,
                        help="training seconds per run, rates cosine-decayed over them (0 = use --steps)")
    parser.add_argument("--steps", type=int, default=None,
                        help=f"generator steps per run: the budget with --time_budget_s=0 (default {DEFAULT_STEPS}), "
                             "else a cap (default none)")
    parser.add_argument("--batch_size", type=int, default=256)
    parser.add_argument("--hidden_units", default="128,128,128",
                        help="widths of both players' hidden layers")
    parser.add_argument("--latent_dim", type=int, default=2)
    parser.add_argument("--eval_every", type=int, default=500, help="generator steps between measurements")
    parser.add_argument("--steps_per_execution", type=int, default=None,
                        help="train steps per call into TensorFlow (default the library's for 2-D points, "
                             "lowered to divide --eval_every)")
    parser.add_argument("--jit_compile", choices=tuple(JIT_SETTINGS), default="default",
                        help="XLA (default on, as the experiments on 2-D points)")
    parser.add_argument("--json", default=None, help="also append each run's JSON line to this file")
    parser.add_argument("--markdown", default=None, help="also write the summary tables here")
    parser.add_argument("--summarize", nargs="+", default=None, metavar="LOG",
                        help="train nothing: print the tables of the JSON lines in these logs of earlier runs")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.hidden_units = [int(u) for u in str(args.hidden_units).split(",")]
    args.seeds = [int(s) for s in args.seeds.split(",")]
    args.configs = args.configs.split(",")
    args.datasets = args.datasets.split(",")
    unknown = [c for c in args.configs if c not in CONFIGS]
    if unknown:
        parser.error(f"--configs: unknown {unknown}; choose from {', '.join(CONFIGS)}")
    unknown = [d for d in args.datasets if d not in ("ring8", "grid25")]
    if unknown:
        parser.error(f"--datasets: unknown {unknown}; choose from ring8, grid25")
    if args.steps is None:
        args.steps = UNCAPPED_STEPS if args.time_budget_s else DEFAULT_STEPS
    for name in ("steps", "batch_size", "latent_dim", "eval_every"):
        if getattr(args, name) <= 0:
            parser.error(f"--{name} must be positive; received {getattr(args, name)}")
    if args.time_budget_s < 0:
        parser.error(f"--time_budget_s must be >= 0; received {args.time_budget_s}")
    args.dataset = args.datasets[0]  # what a --worker run trains on
    return args


def main():
    args = parse_args()
    if args.worker:  # one run, in this process
        print(json.dumps(run_one(args.configs[0], args, args.seeds[0])), flush=True)
        return
    if args.summarize:
        records = [json.loads(line) for path in args.summarize for line in open(path) if line.startswith("{")]
        records = [r for r in records if r["config"] in args.configs and r["dataset"] in args.datasets]
        return _report(records, args)
    records = []
    shared = [f"--steps={args.steps}", f"--batch_size={args.batch_size}",
              f"--hidden_units={','.join(map(str, args.hidden_units))}", f"--latent_dim={args.latent_dim}",
              f"--eval_every={args.eval_every}", f"--time_budget_s={args.time_budget_s}",
              f"--jit_compile={args.jit_compile}",
              *([f"--steps_per_execution={args.steps_per_execution}"] if args.steps_per_execution else [])]
    runs = [(d, c, s) for d in args.datasets for c in args.configs for s in args.seeds]
    for index, (dataset, name, seed) in enumerate(runs, 1):
        print(f"[{index}/{len(runs)}] {dataset} {name} seed {seed}", file=sys.stderr, flush=True)
        command = [sys.executable, os.path.abspath(__file__), "--worker", f"--datasets={dataset}",
                   f"--configs={name}", f"--seeds={seed}", *shared]
        result = run_quiet(command, f"{dataset} {name} seed {seed}")
        record = json.loads(result.stdout.strip().splitlines()[-1])
        records.append(record)
        line = json.dumps(record)
        print(line, flush=True)
        if args.json:  # appended as it goes, so an interrupted sweep keeps its finished runs
            with open(args.json, "a") as f:
                f.write(line + "\n")
    _report(records, args)


def dataset_tables(records, datasets, configs):
    """``[(dataset, its records, summary table)]`` for each dataset with records, rows in ``configs`` order."""
    from keras_gans import data

    tables = []
    for dataset in datasets:
        rows = sorted((r for r in records if r["dataset"] == dataset),
                      key=lambda r: (configs.index(r["config"]), r["seed"]))
        if rows:
            tables.append((dataset, rows, summary_markdown(rows, dataset, len(data.toy_modes(dataset)[0]))))
    return tables


def meets_target(rows, num_modes, dataset):
    """Whether one configuration's runs meet :data:`TARGETS` on each of at least :data:`TARGET_SEEDS` seeds."""
    quality, seconds = TARGETS[dataset]
    good = {r["seed"] for r in rows if r["modes"] == num_modes and r["high_quality"] >= quality
            and r["train_time_s"] <= seconds * 1.05}  # 5% for the last call into TensorFlow
    return len(good) >= TARGET_SEEDS and good == {r["seed"] for r in rows}


def _report(records, args):
    from keras_gans import data

    tables, met = [], {}
    for dataset, rows, table in dataset_tables(records, args.datasets, args.configs):
        budget = {r["time_budget_s"] for r in rows}
        tables.append(f"{dataset} (time budget per run: {', '.join(f'{b:g} s' for b in budget)})\n\n" + table)
        num_modes = len(data.toy_modes(dataset)[0])
        passing = [c for c in args.configs if meets_target([r for r in rows if r["config"] == c], num_modes, dataset)]
        met[dataset] = {"target": dict(zip(("high_quality", "train_time_s"), TARGETS[dataset]),
                                       seeds=TARGET_SEEDS), "met_by": passing}
    text = "\n".join(tables)
    print(text)
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write(text)
    print(json.dumps({"run": "summary", "targets": met}), flush=True)
    sys.exit(0 if all(entry["met_by"] for entry in met.values()) else 1)


if __name__ == "__main__":
    main()
