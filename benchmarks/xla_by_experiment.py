"""Every experiment's train step with and without XLA at its app's defaults: is the default the faster one?

    nice -n 10 python benchmarks/xla_by_experiment.py [--experiments=dcgan,gan] [--steps=40]
        [--flagfile_suffix=_shapes] [--steps_per_execution=1] [--json=benchmarks/results/xla_by_experiment.jsonl]
    python benchmarks/xla_by_experiment.py --random_numbers   # TensorFlow's random numbers with and without XLA

For each experiment (default: all) and each ``jit_compile`` setting, a fresh
process runs the app's defaults (``experiment.run`` with the experiment's
default run config, measures after training off), or with
``--flagfile_suffix=S`` its flagfile ``apps/configs/<name>S.cfg``, with ``--warmup`` +
``--steps`` steps per epoch, ``--steps_per_execution`` of them per call from
Python (1 by default; it must divide both), up to the first epoch at the full
resolution for ProGAN, and times the last epoch's ``--steps`` steps after its
warm-up (the first call traces, and with XLA compiles). One JSON line per
(experiment, setting): milliseconds per step, the compile-and-first-step
seconds, and which setting the library picks when ``--jit_compile`` is left
unset (``Experiment.xla_faster`` and, on a CPU, the players' arithmetic:
:func:`keras_gans.execution.jit_compile`).

Exits 1 when, for some experiment, the setting the library picks is more than
``--tolerance`` slower per step than the other one. A run that fails or gives
no result within ``--timeout_s`` (XLA cannot compile the step, or compiles it
for minutes) counts as slower.
"""

import argparse
import dataclasses
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

from _common import ROOT  # benchmarks/ is on sys.path when run as a script


def run_one(name, jit_compile, args):
    """Trains ``name`` with its defaults (or its ``--flagfile_suffix`` flagfile) in this process; returns its
    timing record."""
    import keras

    from keras_gans import cli, experiment, experiments

    registered = experiments.get(name)

    class Clock(keras.callbacks.Callback):
        """Times the steps of the last epoch after its warm-up steps (a new phase traces its step again)."""

        def on_epoch_begin(self, epoch, logs=None):
            self.begun, self.batches, self.warm = time.perf_counter(), 0, None

        def on_train_batch_end(self, batch, logs=None):
            self.batches = batch + 1  # Keras reports the last step of each call
            if self.batches == args.warmup:
                self.warm = time.perf_counter()
                self.first_seconds = self.warm - self.begun
            self.end = time.perf_counter()

    clock = Clock()
    picked = {}

    class Timed(type(registered)):
        def compile(self, ctx, model):
            picked["default"] = self.jit_compile(dataclasses.replace(ctx, run=ctx.run.replace(jit_compile=None)),
                                                 model)
            super().compile(ctx, model)

        def callbacks(self, ctx, model):
            return [*super().callbacks(ctx, model), clock]

        def evaluate(self, ctx, model):
            return None

    config, run_config = registered.Config(), registered.default_run()
    if args.flagfile_suffix:
        config, run_config = cli.configs_from_args(registered, [f"--flagfile={flagfile(name, args)}"])
    with tempfile.TemporaryDirectory() as folder:
        phases = registered.phases(run_config, config)
        run_config = run_config.replace(
            epochs=1, steps_per_epoch=args.warmup + args.steps, model_dir=os.path.join(folder, "run"),
            export=False, jit_compile=jit_compile, steps_per_execution=args.steps_per_execution,
            sample_every=1_000_000)
        if len(phases) > 1:  # up to the first epoch of the last phase (ProGAN's full resolution)
            run_config = run_config.replace(epochs=sum(phase.epochs for phase in phases[:-1]) + 1)
        experiment.run(config, run_config, experiment=Timed())
    return {"experiment": name, "flagfile": args.flagfile_suffix and os.path.relpath(flagfile(name, args), ROOT),
            "jit_compile": jit_compile, "default": picked["default"],
            "ms_per_step": round(1000 * (clock.end - clock.warm) / args.steps, 2),
            "first_steps_s": round(clock.first_seconds, 2), "steps": args.steps,
            "steps_per_execution": args.steps_per_execution}


def flagfile(name, args):
    """The flagfile an experiment is timed with under ``--flagfile_suffix``."""
    return os.path.join(ROOT, "apps", "configs", f"{name}{args.flagfile_suffix}.cfg")


def _measure(name, jit, args):
    """The record of one worker process; with ``ms_per_step`` None and the reason when it failed or timed out."""
    command = [sys.executable, os.path.abspath(__file__), f"--worker={name}:{jit}", f"--steps={args.steps}",
               f"--warmup={args.warmup}", f"--flagfile_suffix={args.flagfile_suffix}",
               f"--steps_per_execution={args.steps_per_execution}"]
    failed = {"experiment": name, "jit_compile": jit == "on", "default": False, "ms_per_step": None}
    try:
        result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=args.timeout_s,
                                env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3"))
    except subprocess.TimeoutExpired:
        return {**failed, "error": f"no result within {args.timeout_s:g} s (tracing and compiling included)"}
    if result.returncode:  # e.g. XLA cannot compile the step: the error's last line
        return {**failed, "error": (result.stderr.strip().splitlines() or ["no output"])[-1][:300]}
    return json.loads(result.stdout.strip().splitlines()[-1])


def _ms_per_call(function, calls):
    """Milliseconds per call of ``function()`` (its result read back) after one untimed call that traces it."""
    function().numpy()
    begun = time.perf_counter()
    for _ in range(calls):
        function().numpy()
    return round(1000 * (time.perf_counter() - begun) / calls, 2)


def random_number_rates(shape=(64, 8, 8, 128), calls=50):
    """Milliseconds to draw ``shape`` uniform numbers, with and without XLA, per algorithm of TensorFlow's
    stateless random ops (``auto_select`` is what ``keras.random`` and Keras's ``Dropout`` use)."""
    import tensorflow as tf

    seed = tf.constant([1, 2])
    for algorithm in ("auto_select", "philox", "threefry"):
        for jit in (False, True):
            if algorithm == "threefry" and not jit:
                continue  # TensorFlow has no ThreeFry kernel outside XLA on a CPU

            @tf.function(jit_compile=jit)
            def draw():
                return tf.reduce_sum(tf.random.stateless_uniform(shape, seed=seed, alg=algorithm))

            print(json.dumps({"algorithm": algorithm, "jit_compile": jit, "numbers": int(np.prod(shape)),
                              "ms_per_draw": _ms_per_call(draw, calls)}), flush=True)
    dropout_rates(shape, calls)


def dropout_rates(shape, calls):
    """Milliseconds per training call of Keras's ``Dropout`` and of ``keras_gans.layers.Dropout`` (Philox),
    with and without XLA."""
    import keras
    import tensorflow as tf

    from keras_gans import layers

    inputs = tf.ones(shape)
    for name, layer_class in (("keras.layers.Dropout", keras.layers.Dropout),
                              ("keras_gans.layers.Dropout", layers.Dropout)):
        for jit in (False, True):
            layer = layer_class(0.3, seed=0)

            @tf.function(jit_compile=jit)
            def drop():
                return tf.reduce_sum(layer(inputs, training=True))

            print(json.dumps({"layer": name, "jit_compile": jit, "units": int(np.prod(shape)),
                              "ms_per_call": _ms_per_call(drop, calls)}), flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--experiments", default=None, help="comma-separated (default: every experiment)")
    parser.add_argument("--steps", type=int, default=40, help="timed steps after the warm-up")
    parser.add_argument("--warmup", type=int, default=3, help="untimed first steps (tracing, compiling)")
    parser.add_argument("--steps_per_execution", type=int, default=1,
                        help="steps per call from Python (the warm-up and the timed steps must be multiples)")
    parser.add_argument("--tolerance", type=float, default=0.10,
                        help="how much slower per step the default may be than the other setting")
    parser.add_argument("--timeout_s", type=float, default=300,
                        help="a run with no result by then counts as failed (XLA compiles some steps for minutes)")
    parser.add_argument("--flagfile_suffix", default="",
                        help="time each experiment with apps/configs/<name><suffix>.cfg instead of its defaults "
                             "(e.g. _shapes), skipping experiments without one")
    parser.add_argument("--json", default=None, help="also append each JSON line to this file")
    parser.add_argument("--random_numbers", action="store_true",
                        help="instead: time TensorFlow's random-number algorithms with and without XLA")
    parser.add_argument("--worker", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.random_numbers:
        return random_number_rates()
    per_call = args.steps_per_execution
    if per_call < 1 or args.warmup % per_call or args.steps % per_call:
        parser.error(f"--steps_per_execution={per_call} must be positive and divide --warmup={args.warmup} "
                     f"and --steps={args.steps}")
    if args.worker:
        name, jit = args.worker.split(":")
        print(json.dumps(run_one(name, jit == "on", args)), flush=True)
        return

    from keras_gans import experiments

    names = args.experiments.split(",") if args.experiments else sorted(experiments.REGISTRY)
    unknown = [n for n in names if n not in experiments.REGISTRY]
    if unknown:
        parser.error(f"--experiments: unknown {unknown}; choose from {', '.join(sorted(experiments.REGISTRY))}")
    if args.flagfile_suffix:
        names = [n for n in names if os.path.exists(flagfile(n, args))]
        if not names:
            parser.error(f"--flagfile_suffix={args.flagfile_suffix}: no apps/configs/<experiment>"
                         f"{args.flagfile_suffix}.cfg for these experiments")
    missed = []
    for name in names:
        records = {}
        for jit in ("off", "on"):
            record = _measure(name, jit, args)
            records[record["jit_compile"]] = record
            print(json.dumps(record), flush=True)
            if args.json:
                with open(args.json, "a") as f:
                    f.write(json.dumps(record) + "\n")
        default = records[False]["default"]  # what the library picks (from the run without XLA)
        if records[False]["ms_per_step"] is None:
            sys.exit(f"{name} failed without XLA: {records[False]['error']}")
        chosen, other = records[default]["ms_per_step"], records[not default]["ms_per_step"]
        verdict = "ok" if chosen is not None and (other is None or chosen <= other * (1 + args.tolerance)) \
            else "SLOWER"
        print(f"{name}: {records[False]['ms_per_step']} ms/step without XLA, {records[True]['ms_per_step']} with; "
              f"default {'XLA' if default else 'no XLA'}: {verdict}", file=sys.stderr, flush=True)
        if verdict != "ok":
            missed.append(name)
    if missed:
        sys.exit(f"the default is the slower setting for: {', '.join(missed)}")


if __name__ == "__main__":
    main()
