"""The conditional models on the embedded shapes, judged by the shapes judge: DCGAN, CGAN, ACGAN and InfoGAN.

    python benchmarks/conditional_shapes.py [--only=dcgan,cgan,acgan,infogan] [--seed=0] [--cpu_minutes=5]
                                            [--keep=DIR] [--flags='--base_filters=64 --batch_size=64']
                                            [--pictures_dir=DIR] [--checkpoint_minutes=5,10,20]

Each run trains its app from ``apps/configs/<app>_shapes.cfg`` (with
``--flags`` appended, if given) in a fresh process, one after another, for
``--cpu_minutes`` of CPU time counted after the first (traced) step, and is then measured with the shapes judge trained
on the real training split (seed 0, at 64 px; real and generated images of a
smaller size are upsampled to 64 px bicubically before it reads them):

- ``dcgan`` (Radford et al. 2016): judge FID, precision and recall (k = 3) of
  1000 samples against 1000 real training images, beside the floor (1000 real
  test images against the same training images). Reported, not gated.
- ``cgan`` (Mirza & Osindero 2014), ``acgan`` (Odena et al. 2017): class
  agreement, the share of 996 samples (166 per shape class) that the judge's
  shape head reads as the class asked for; also judge FID, precision, recall;
  below 64 px also ``reader_agreement``, the same share read by the judge
  that learned the training images drawn at the run's size
  (``_shapes_measures.reader_for``). Target: >= 0.9 each (of the reader's
  agreement where there is one).
- ``infogan`` (Chen et al. 2016): agreement of the categorical code with the
  judged shape under the best one-to-one code-to-class matching (996
  samples), and the same agreement with the judged colour (six colours: the
  code may take the most visible factor instead, reported, not gated); and,
  for each continuous code swept over [-1, 1] with the rest of
  the input fixed, Pearson's r of its value with the judged x, y and size
  (the best |r| and the attribute it tracks). Target: agreement >= 0.7; a
  code with |r| >= 0.5 is reported (``continuous_code_tracks``), not gated.

With ``--pictures_dir``, each conditional run also writes
``<run>_shapes_seed<seed>.png`` there: the first 10 samples of every class
(or code value) asked for, one row per class in the order of
``keras_gans.data.shapes.SHAPES``, at twice their size.

With ``--checkpoint_minutes``, each run is also sampled and measured at
those CPU-minutes of its training (sampling not counted), so one long run
shows how its measures grow with the budget: the row's ``checkpoints``
holds the steps and measures at each (not gated; the targets read the end).

Prints one JSON line per run and a summary with ``targets_met``, appends them
to ``benchmarks/results/conditional_shapes.jsonl`` and exits 1 when a gated
target is missed.
"""

import argparse
import dataclasses
import json
import os
import sys
import tempfile

import numpy as np

from _common import ROOT, machine, run_quiet  # benchmarks/ is on sys.path when run as a script
from _shapes_measures import (NUM_SAMPLES, as_judged, budgeted, checkpoint_minutes, class_rows_picture, generated,
                              gated_agreement, reader_for, scores, shapes_judge)

RUNS = ("dcgan", "cgan", "acgan", "infogan")
SWEEP_BASES = 100  # inputs each continuous code is swept from
SWEEP_VALUES = np.linspace(-1.0, 1.0, 10, dtype=np.float32)
RESULTS = os.path.join(ROOT, "benchmarks", "results", "conditional_shapes.jsonl")


def flagfile(app):
    return os.path.join("apps", "configs", f"{app}_shapes.cfg")


# ------------------------------------------------------------------ child: one training run


def sample_arrays(model, seed):
    """What the parent judges: ``samples`` (with their ``labels`` or ``codes``) and InfoGAN's code sweeps."""
    rng = np.random.default_rng(seed + 1)
    classes = getattr(model, "num_classes", None) or getattr(model, "num_categories", None)
    if classes is None:
        z = rng.standard_normal((NUM_SAMPLES, model.latent_dim)).astype(np.float32)
        return {"samples": generated(model.generate, z)}
    labels = np.repeat(np.arange(classes, dtype=np.int32), NUM_SAMPLES // classes)
    z = rng.standard_normal((len(labels), model.latent_dim)).astype(np.float32)
    if not hasattr(model, "num_continuous"):
        return {"samples": generated(model.generate, z, labels), "labels": labels}
    continuous = rng.uniform(-1.0, 1.0, (len(labels), model.num_continuous)).astype(np.float32)
    arrays = {"samples": generated(model.generate, z, labels, continuous), "codes": labels}
    base_z = rng.standard_normal((SWEEP_BASES, model.latent_dim)).astype(np.float32)
    base_codes = rng.integers(0, classes, SWEEP_BASES).astype(np.int32)
    z, codes = np.repeat(base_z, len(SWEEP_VALUES), axis=0), np.repeat(base_codes, len(SWEEP_VALUES))
    values = np.tile(SWEEP_VALUES, SWEEP_BASES)
    for index in range(model.num_continuous):
        swept = np.zeros((len(values), model.num_continuous), np.float32)  # the other codes fixed at 0
        swept[:, index] = values
        arrays[f"sweep_{index}"] = generated(model.generate, z, codes, swept)
    arrays["sweep_values"] = values
    return arrays


def child(args):
    from keras_gans import cli, experiment, experiments

    exp = experiments.get(args.child)
    config, run = cli.configs_from_args(exp, [f"--flagfile={os.path.join(ROOT, flagfile(args.child))}",
                                              *args.flags.split()])
    run = dataclasses.replace(run, epochs=100_000, seed=args.seed, model_dir=args.model_dir, export=False,
                              sample_every=100_000)

    checkpoints = []

    def saved_samples(model, name):
        path = os.path.join(args.model_dir, f"{name}.npz")
        np.savez(path, **sample_arrays(model, args.seed))
        return path

    def write_checkpoint(model, seconds, steps):
        path = saved_samples(model, f"judged_samples_{seconds / 60:g}min")
        checkpoints.append({"cpu_minutes": seconds / 60, "steps": steps, "samples_file": path})

    def write_samples(ctx, model):
        return {"samples_file": saved_samples(model, "judged_samples"), "image_size": run.image_size,
                "checkpoints": checkpoints}

    budget = budgeted(exp, args.cpu_minutes * 60, write_samples,
                      checkpoints=[minutes * 60 for minutes in args.checkpoint_minutes], on_checkpoint=write_checkpoint)
    results = experiment.run(config, run, experiment=budget)
    print(json.dumps(results))


# ------------------------------------------------------------------ parent


def train_and_sample(name, args, workdir):
    command = [sys.executable, os.path.abspath(__file__), f"--child={name}", f"--seed={args.seed}",
               f"--cpu_minutes={args.cpu_minutes}", f"--model_dir={os.path.join(workdir, name)}",
               f"--flags={args.flags}", f"--checkpoint_minutes={','.join(map(str, args.checkpoint_minutes))}"]
    results = json.loads(run_quiet(command, name).stdout.strip().splitlines()[-1])
    evaluation = results["evaluation"]
    record = {"run": name, "flagfile": flagfile(name), "flags": args.flags, "seed": args.seed,
              "steps": results["steps"], "cpu_train_s": evaluation["cpu_train_s"],
              "train_wall_time_s": results["wall_time_s"], "image_size": evaluation["image_size"]}
    checkpoints = [(point, dict(np.load(point.pop("samples_file")))) for point in evaluation["checkpoints"]]
    return record, dict(np.load(evaluation["samples_file"])), checkpoints


def judge_and_reals(image_size, cache):
    """The judge (full and shape head), its features of real training images and the real test set at
    ``image_size``, each made once per benchmark run (``cache``)."""
    from keras_gans import data, features, judges

    if "full" not in cache:
        cache["full"] = shapes_judge()
        cache["shape"] = judges.shape_head(cache["full"])
        cache["extractor"] = features.LayerFeatures(cache["shape"], "features", batch_size=256)
    if image_size not in cache:
        real = {split: data.load_arrays("shapes", split=split, image_size=image_size, num_examples=NUM_SAMPLES)
                for split in ("train", "test")}
        test_images = as_judged(real["test"][0])

        def accuracy(classifier):
            return float(np.mean(judges.predict_classes(classifier, test_images) == real["test"][1]))

        cache[image_size] = (cache["extractor"](as_judged(real["train"][0])), test_images, accuracy(cache["shape"]))
        reader = reader_for("shapes", image_size)
        cache["reader", image_size] = (reader, None if reader is None else accuracy(reader))
    return cache


def judged(record, arrays, cache):
    """The run's measures with the judge, real images at the run's image size (see :func:`judge_and_reals`)."""
    from keras_gans import judges, metrics
    from keras_gans.data.shapes import COLORS, SHAPES

    cache = judge_and_reals(record["image_size"], cache)
    judge, extractor = cache["shape"], cache["extractor"]
    reference, test_images, accuracy = cache[record["image_size"]]
    reader, reader_accuracy = cache["reader", record["image_size"]]
    samples = as_judged(arrays["samples"])
    row = {**record, "judge_shape_test_accuracy": accuracy,
           **scores(judge, extractor, reference, samples, arrays.get("labels"), reader)}
    if reader is not None:
        row["reader_shape_test_accuracy"] = reader_accuracy
    if record["run"] == "dcgan":
        row["floor"] = scores(judge, extractor, reference, test_images)
    if "codes" in arrays:
        read = judges.predict_attributes(cache["full"], samples)  # the shape head's classes and the colour's
        row["categorical"] = metrics.code_class_agreement(arrays["codes"], read["shape"], len(SHAPES))
        row["categorical_color"] = metrics.code_class_agreement(arrays["codes"], read["color"], len(COLORS))
        row["continuous"] = []
        for index in range(sum(key.startswith("sweep_") and key != "sweep_values" for key in arrays)):
            read = judges.predict_attributes(cache["full"], as_judged(arrays[f"sweep_{index}"]))
            (correlation,) = metrics.code_attribute_correlation(arrays["sweep_values"],
                                                                {name: read[name] for name in ("x", "y", "size")})
            row["continuous"].append({"code": index, **correlation})
        row["continuous_code_tracks"] = any(code["best_abs_r"] >= 0.5 for code in row["continuous"])
    return row


CHECKPOINT_MEASURES = ("class_agreement", "reader_agreement", "fid", "precision", "recall")


def judged_checkpoints(record, checkpoints, cache):
    """The measures of each ``(point, arrays)`` of ``checkpoints``: its CPU-minutes, steps and
    :data:`CHECKPOINT_MEASURES` (InfoGAN's categorical agreement instead of the class's)."""
    rows = []
    for point, arrays in checkpoints:
        row = judged(record, arrays, cache)
        if "categorical" in row:
            row["categorical_agreement"] = row["categorical"]["agreement"]
        rows.append({**point, **{key: row[key] for key in (*CHECKPOINT_MEASURES, "categorical_agreement")
                                 if key in row}})
    return rows


def targets(rows):
    checks = {}
    for name in ("cgan", "acgan"):
        if name in rows:
            agreement = gated_agreement(rows[name])
            checks[f"{name}_{agreement}_0.9"] = rows[name][agreement] >= 0.9
    if "infogan" in rows:
        checks["infogan_categorical_agreement_0.7"] = rows["infogan"]["categorical"]["agreement"] >= 0.7
    return checks


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.error = lambda message: sys.exit(f"conditional_shapes.py: error: {message}")  # one line, no usage
    parser.add_argument("--only", default=",".join(RUNS), help=f"comma-separated subset of {','.join(RUNS)}")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--cpu_minutes", type=float, default=5.0, help="CPU-time training budget of every model")
    parser.add_argument("--keep", default=None, help="keep the run folders here (default: a temporary folder)")
    parser.add_argument("--flags", default="", help="flags appended to every flagfile, space-separated")
    parser.add_argument("--pictures_dir", default=None, help="write each conditional run's samples, a row per "
                                                             "class asked for, here")
    parser.add_argument("--checkpoint_minutes", default="", help="comma-separated CPU-minutes below "
                        "--cpu_minutes at which each run is also measured")
    parser.add_argument("--child", default=None, choices=RUNS, help=argparse.SUPPRESS)
    parser.add_argument("--model_dir", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.names = [name for name in args.only.split(",") if name]
    unknown = sorted(set(args.names) - set(RUNS))
    if unknown or not args.names:
        parser.error(f"--only: unknown runs {unknown or args.only!r}; choose from {','.join(RUNS)}")
    if args.seed < 0:
        parser.error(f"--seed: must be >= 0; received {args.seed}")
    if not 0 < args.cpu_minutes < float("inf"):
        parser.error(f"--cpu_minutes: must be a positive number; received {args.cpu_minutes}")
    args.checkpoint_minutes = checkpoint_minutes(parser, args.checkpoint_minutes, "--cpu_minutes", args.cpu_minutes)
    return args


def main():
    args = parse_args()
    if args.child:
        return child(args)
    command = " ".join(["python", "benchmarks/conditional_shapes.py"] + sys.argv[1:])
    context = {"cpu_minutes": args.cpu_minutes, "machine": f"{machine()} (shared)", "command": command}
    rows, judge_cache = {}, {}
    with tempfile.TemporaryDirectory() as scratch:
        workdir = args.keep or scratch
        os.makedirs(workdir, exist_ok=True)
        for name in args.names:
            record, arrays, checkpoints = train_and_sample(name, args, workdir)
            rows[name] = {**judged(record, arrays, judge_cache), **context}
            if checkpoints:
                rows[name]["checkpoints"] = judged_checkpoints(record, checkpoints, judge_cache)
            if args.pictures_dir and ("labels" in arrays or "codes" in arrays):
                rows[name]["picture"] = class_rows_picture(
                    os.path.join(args.pictures_dir, f"{name}_shapes_seed{args.seed}.png"), arrays["samples"],
                    arrays["labels"] if "labels" in arrays else arrays["codes"])
            print(json.dumps(rows[name]), flush=True)
    checks = targets(rows)
    summary = {"run": "summary", "seed": args.seed, "targets_met": checks, **context}
    print(json.dumps(summary), flush=True)
    os.makedirs(os.path.dirname(RESULTS), exist_ok=True)
    with open(RESULTS, "a") as file:
        file.writelines(json.dumps(line) + "\n" for line in [*rows.values(), summary])
    sys.exit(0 if all(checks.values()) else 1)


if __name__ == "__main__":
    main()
