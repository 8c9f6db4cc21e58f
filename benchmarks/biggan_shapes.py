"""BigGAN on the embedded shapes, against CGAN and ACGAN at equal training time, and its truncation curve.

    python benchmarks/biggan_shapes.py [--dataset=shapes] [--image_size=32] [--minutes=20] [--seed=0]
                                       [--only=biggan,cgan,acgan] [--keep=DIR] [--flags='--d_steps=1']
                                       [--pictures_dir=DIR] [--checkpoint_minutes=10,20,40] [--epochs=N]

Each model trains in its own process, all at once, with its flagfile
(``apps/configs/<app>_<set>.cfg``, else ``<app>_digits.cfg``; the
baselines on shapes use ``cgan_shapes.cfg`` and ``acgan_shapes.cfg``, with
``--dataset`` and ``--image_size`` replaced; BigGAN's with ``--flags`` appended)
for the same CPU-time budget (the machine is shared), counted from the end
of the first step so that graph tracing is not charged. Then, with the
judge trained on the real training split (``judge_for``: on shapes the 64-px
shapes judge, smaller images upsampled to it, as in the other shapes
benchmarks) and its feature layer for "judge FID":

- every model: class agreement (the share of 1000 samples, equal per class,
  that the judge labels with the requested class), judge FID against 1000
  real training images, improved precision and recall (k = 3); below 64 px
  also ``reader_agreement``, the same share read by the judge that learned
  the training images drawn at the run's size (``reader_for``: it reads the
  real 32-px test shapes at 99.9%, the 64-px judge at 97.9%);
- the real-vs-real floor: the same measures between two disjoint sets of
  1000 real images;
- BigGAN: the same at each truncation threshold (standing statistics
  re-estimated for each), plotted to ``benchmarks/results/biggan_<set>_truncation_seed<seed>.png``.

With ``--checkpoint_minutes``, every model is also measured untruncated
(standing statistics re-estimated) when its CPU time first passes each of
those minutes, the measuring not counted; the untruncated row's
``checkpoints`` holds the steps and measures at each, so one long run gives
the curve of class agreement against training time (not gated).

BigGAN samples from its moving average of G; its untruncated row and each
checkpoint also hold ``generator_itself``, the same measures of G itself
(its own standing statistics re-estimated), to show what the average costs
or gains (not gated).

With ``--keep`` naming the folder of an earlier run (same seed, flags,
``--epochs`` and ``--only``), each model resumes from its last checkpoint there and trains
``--minutes`` more: the untruncated row then says ``"resumed": true``, its
``steps`` (and those of its checkpoints) count from the start of the first
run and its checkpoints' ``cpu_minutes`` from the resumption.

With ``--epochs``, every model also stops after that many epochs if its
budget lasts that long, and a learning-rate decay asked for in ``--flags``
(``--lr_decay_to``) spans those epochs; without it a run stops only at its
budget and the rates stay constant. A budget that ends mid-epoch checkpoints
that epoch as complete, so a run resumed with ``--keep`` ends that epoch's
remaining steps short of ``--epochs`` (its decay short of its floor).

With ``--pictures_dir``, every model's untruncated samples are also written
there as ``<model>_<set>_seed<seed>.png``: the first 10 of each class asked
for, a row per class.

Prints one JSON line per model and threshold, appends them to
``benchmarks/results/biggan_<set>.jsonl``, and ends with a summary whose
``targets_met`` are: BigGAN's untruncated class agreement >= 0.95; at the
lowest threshold precision and class agreement at least their untruncated
values (precision strictly above) and recall below it (the paper's fidelity/variety trade-off).
Class agreement there is ``reader_agreement`` where there is one. The
exit status is 1 when one is missed. Judge FID against the baselines and the
floor is reported, not gated.
"""

import argparse
import dataclasses
import functools
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
from PIL import Image, ImageDraw

from _common import ROOT, machine  # benchmarks/ is on sys.path when run as a script
from _shapes_measures import (CHUNK, budgeted, checkpoint_minutes, class_rows_picture, gated_agreement,
                              generator_itself, has_reader, judge_for, judge_view, reader_for, real_sets,
                              real_test_accuracy, scores)

RUNS = {"biggan": "biggan", "cgan": "cgan", "acgan": "acgan"}
THRESHOLDS = (2.0, 1.5, 1.0, 0.75, 0.5, 0.25, 0.04)


def flagfile(app, dataset):
    tag = dataset.split("/")[0].split(":")[-1]
    own = os.path.join(ROOT, "apps", "configs", f"{app}_{tag}.cfg")
    return own if os.path.exists(own) else os.path.join(ROOT, "apps", "configs", f"{app}_digits.cfg")


# ------------------------------------------------------------------ child: one training run


@functools.lru_cache(maxsize=2)
def loaded_judge(path):
    """The judge (or reader) the parent trains meanwhile and saves to ``path``, once it is there (read once per
    child); None for no path."""
    import keras

    if path is None:
        return None
    while not os.path.exists(path):
        time.sleep(5)
    return keras.models.load_model(path)


def evaluation(args, checkpoints, resumed):
    """The benchmark's measures only, with the judge the parent trains meanwhile; ``checkpoints`` (the
    measures taken during training) and ``resumed`` go with the untruncated row."""
    from keras_gans import models

    def evaluate(ctx, model):
        thresholds = (None,) + (THRESHOLDS if isinstance(model, models.BigGAN) else ())
        picture = args.pictures_dir and os.path.join(args.pictures_dir, f"{args.child}_{dataset_tag(args.dataset)}"
                                                                         f"_seed{args.seed}.png")
        rows = measure(model, loaded_judge(args.judge), args.dataset, args.image_size, thresholds, args.seed,
                       standing_of(ctx.config, ctx.run), picture, reader=loaded_judge(args.reader))
        if checkpoints:
            rows[0]["checkpoints"] = checkpoints
        if resumed:
            rows[0]["resumed"] = True
        return {"rows": rows}

    return evaluate


def checkpoint_measures(args, config, run, checkpoints):
    """``on_checkpoint`` for :func:`budgeted`: appends the untruncated measures at that point to ``checkpoints``."""

    def on_checkpoint(model, seconds, _steps_this_run):
        row, = measure(model, loaded_judge(args.judge), args.dataset, args.image_size, (None,), args.seed,
                       standing_of(config, run), reader=loaded_judge(args.reader))
        steps = int(model.g_optimizer.iterations.numpy())  # counted from the first run's start when resumed
        checkpoints.append({"cpu_minutes": seconds / 60, "steps": steps,
                            **{key: value for key, value in row.items() if key != "truncation"}})
        print(json.dumps({"child": args.child, **checkpoints[-1]}), file=sys.stderr, flush=True)

    return on_checkpoint


def dataset_tag(dataset):
    return dataset.replace("/", "_").replace(":", "_")


def standing_of(config, run):
    if not hasattr(config, "standing_batches"):
        return None
    return dict(num_batches=config.standing_batches, batch_size=config.standing_batch_size, seed=run.seed)


def asked_inputs(model, count, seed):
    """``(z, labels)`` of the samples every measure draws: ``count`` split equally over the classes (the
    rest dropped), z from ``seed + 1``, so that a kept run can be measured again on the same samples."""
    labels = np.repeat(np.arange(model.num_classes, dtype=np.int32), count // model.num_classes)
    z = np.random.default_rng(seed + 1).standard_normal((len(labels), model.latent_dim)).astype(np.float32)
    return z, labels


def generate(model, z, labels, threshold):
    """``model``'s samples for ``z`` and ``labels``, :data:`CHUNK` at a time, z truncated at ``threshold`` (None:
    not truncated; the baselines' ``generate`` takes no threshold)."""
    from keras_gans.judges.batches import generate_in_chunks

    sample = model.generate if threshold is None else functools.partial(model.generate, truncation=threshold)
    return generate_in_chunks(sample, (z, labels), chunk=CHUNK)


@functools.lru_cache(maxsize=1)
def judged_reference(judge, dataset, image_size, seed):
    """``(extractor, reference features, count)`` of the real reference set in ``judge``'s features layer,
    computed once per judge (every checkpoint and the end of a run compare with the same set)."""
    from keras_gans import features

    extractor = features.LayerFeatures(judge, "features", batch_size=256)
    real, _ = real_sets(dataset, image_size, seed)
    return extractor, extractor(judge_view(dataset)(real)), len(real)


def measure(model, judge, dataset, image_size, thresholds, seed, standing, picture=None, reader=None):
    """A row of judge measures per threshold (None: untruncated, first), with the ``reader``'s agreement when
    given; the untruncated row also holds :func:`measures_of_itself`. The standing statistics end re-estimated
    untruncated."""
    view = judge_view(dataset)
    extractor, reference, count = judged_reference(judge, dataset, image_size, seed)
    z, labels = asked_inputs(model, count, seed)
    rows = []
    for threshold in thresholds:
        if standing is not None:
            model.standing_statistics(truncation=threshold, **standing)
        samples = generate(model, z, labels, threshold)
        if threshold is None and picture:
            class_rows_picture(picture, samples, labels)
        rows.append({"truncation": threshold, **scores(judge, extractor, reference, view(samples), labels, reader)})
    if standing is not None:
        model.standing_statistics(**standing)
    if thresholds[0] is None:
        rows[0].update(measures_of_itself(model, judge, dataset, image_size, seed, standing, reader))
    return rows


def measures_of_itself(model, judge, dataset, image_size, seed, standing, reader=None):
    """``{"generator_itself": untruncated measures}`` of G itself (its own standing statistics re-estimated)
    when ``model`` samples from a moving average of G, else ``{}``: the average blends the recent Gs."""
    if getattr(model, "ema_generator", None) is None:
        return {}
    with generator_itself(model):
        row, = measure(model, judge, dataset, image_size, (None,), seed, standing, reader=reader)
    return {"generator_itself": {key: value for key, value in row.items() if key != "truncation"}}


def child(args):
    from keras_gans import callbacks, cli, experiment, experiments

    exp = experiments.get(RUNS[args.child])
    extra = args.flags.split() if args.child == "biggan" else []
    config, run = cli.configs_from_args(exp, [f"--flagfile={flagfile(RUNS[args.child], args.dataset)}", *extra])
    run = dataclasses.replace(run, dataset=args.dataset, image_size=args.image_size, epochs=args.epochs or 100_000,
                              seed=args.seed, model_dir=args.model_dir, export=False, sample_every=100_000)
    checkpoints = []
    resumed = callbacks.Checkpointer(args.model_dir).latest_checkpoint is not None
    results = experiment.run(config, run, experiment=budgeted(
        exp, args.minutes * 60, evaluation(args, checkpoints, resumed),
        checkpoints=[m * 60 for m in args.checkpoint_minutes],
        on_checkpoint=checkpoint_measures(args, config, run, checkpoints)))
    print(json.dumps(results))


# ------------------------------------------------------------------ parent


def floor(judge, view, dataset, image_size, seed):
    from keras_gans import features

    extractor = features.LayerFeatures(judge, "features", batch_size=256)
    first, second = (view(images) for images in real_sets(dataset, image_size, seed))
    return {"run": "real_vs_real", **scores(judge, extractor, extractor(first), second)}


def save_for_children(model, path):
    """Saves ``model`` to ``path`` whole at once: the children wait for the file (:func:`loaded_judge`)."""
    model.save(path + ".part.keras")
    os.replace(path + ".part.keras", path)


def start(name, args, workdir):
    """Starts one model's training process (all run at once, each on its own CPU-time budget)."""
    model_dir = os.path.join(workdir, name)
    command = [sys.executable, os.path.abspath(__file__), f"--child={name}", f"--model_dir={model_dir}",
               f"--dataset={args.dataset}", f"--image_size={args.image_size}", f"--minutes={args.minutes}",
               f"--seed={args.seed}", f"--judge={args.judge}", f"--flags={args.flags}", f"--epochs={args.epochs}",
               f"--checkpoint_minutes={','.join(map(str, args.checkpoint_minutes))}"]
    if args.reader:
        command.append(f"--reader={args.reader}")
    if args.pictures_dir:
        command.append(f"--pictures_dir={os.path.abspath(args.pictures_dir)}")
    return subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3"))


def finish(name, process, args):
    stdout, stderr = process.communicate()
    if process.returncode != 0:
        sys.exit(f"{name} failed:\n{stderr[-3000:]}")
    results = json.loads(stdout.strip().splitlines()[-1])
    base = {"run": name, "flagfile": os.path.relpath(flagfile(RUNS[name], args.dataset), ROOT),
            "flags": args.flags if name == "biggan" else "", "steps": results["steps"],
            "train_wall_time_s": results["wall_time_s"], "cpu_train_s": results["evaluation"]["cpu_train_s"]}
    return [{**base, **row} for row in results["evaluation"]["rows"]]


def plot(rows, path, title):
    """The truncation curve: precision, recall and class agreement per threshold (Pillow, no matplotlib)."""
    width, height, left, right, top, bottom = 720, 420, 60, 150, 40, 50
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    draw.text((left, 12), title, fill="black")
    x0, x1, y0, y1 = left, width - right, height - bottom, top
    draw.line([(x0, y0), (x1, y0)], fill="black")
    draw.line([(x0, y0), (x0, y1)], fill="black")
    for tick in np.linspace(0.0, 1.0, 6):
        y = y0 + (y1 - y0) * tick
        draw.line([(x0 - 4, y), (x1, y)], fill=(225, 225, 225))
        draw.text((x0 - 34, y - 6), f"{tick:.1f}", fill="black")
    xs = [x0 + 20 + i * (x1 - x0 - 40) / max(1, len(rows) - 1) for i in range(len(rows))]
    for x, row in zip(xs, rows):
        draw.text((x - 10, y0 + 8), "none" if row["truncation"] is None else f"{row['truncation']:g}", fill="black")
    draw.text(((x0 + x1) / 2 - 90, y0 + 28), "truncation threshold (lower = stronger)", fill="black")
    series = (("precision", (31, 119, 180)), ("recall", (214, 39, 40)), ("class_agreement", (44, 160, 44)),
              ("reader_agreement", (148, 103, 189)))
    series = [(key, colour) for key, colour in series if key in rows[0]]
    for i, (key, colour) in enumerate(series):
        points = [(x, y0 + (y1 - y0) * row[key]) for x, row in zip(xs, rows)]
        draw.line(points, fill=colour, width=3)
        for x, y in points:
            draw.ellipse([x - 3, y - 3, x + 3, y + 3], fill=colour)
        draw.line([(x1 + 15, top + 20 + 20 * i), (x1 + 35, top + 20 + 20 * i)], fill=colour, width=3)
        draw.text((x1 + 40, top + 14 + 20 * i), key.replace("_", " "), fill="black")
    image.save(path)


def targets(lines):
    checks = {}
    curve = [line for line in lines if line["run"] == "biggan"]
    if curve:
        plain, strongest = curve[0], curve[-1]
        agreement = gated_agreement(plain)
        checks[f"biggan_{agreement}_0.95"] = plain[agreement] >= 0.95
        checks["truncation_precision_up"] = strongest["precision"] > plain["precision"]  # a tie at 0 says nothing
        checks["truncation_agreement_up"] = strongest[agreement] >= plain[agreement]
        checks["truncation_recall_down"] = strongest["recall"] < plain["recall"]
    return checks


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", default="shapes")
    parser.add_argument("--image_size", type=int, default=32)
    parser.add_argument("--minutes", type=float, default=20.0, help="CPU-time training budget of every model")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--only", default=",".join(RUNS), help=f"comma-separated subset of {','.join(RUNS)}")
    parser.add_argument("--keep", default=None, help="keep the run folders here (default: a temporary folder); "
                        "a folder kept before: resume its runs")
    parser.add_argument("--flags", default="", help="flags appended to BigGAN's flagfile, space-separated")
    parser.add_argument("--pictures_dir", default=None, help="write each model's samples, a row per class, here")
    parser.add_argument("--checkpoint_minutes", default="", help="comma-separated CPU-minutes below --minutes at "
                        "which every model is also measured untruncated (default: none)")
    parser.add_argument("--epochs", type=int, default=0, help="also stop every model after this many epochs "
                        "(default 0: at its budget only); a --lr_decay_to in --flags decays over them")
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--model_dir", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--judge", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--reader", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.checkpoint_minutes = checkpoint_minutes(parser, args.checkpoint_minutes, "--minutes", args.minutes)
    if args.epochs < 0:
        parser.error(f"--epochs: must be >= 0, got {args.epochs}")
    if args.child:
        return child(args)
    names = [name for name in args.only.split(",") if name]
    unknown = sorted(set(names) - set(RUNS))
    if unknown:
        parser.error(f"--only: unknown runs {unknown}; choose from {sorted(RUNS)}")
    tag = dataset_tag(args.dataset)
    results_dir = os.path.join(ROOT, "benchmarks", "results")
    os.makedirs(results_dir, exist_ok=True)
    context = {"dataset": args.dataset, "image_size": args.image_size, "minutes": args.minutes, "seed": args.seed,
               "machine": f"{machine()} (shared: timings are noisy)",
               "epochs": args.epochs or None,
               "command": " ".join(["python", "benchmarks/biggan_shapes.py"] + sys.argv[1:])}
    with tempfile.TemporaryDirectory() as scratch:
        workdir = args.keep or scratch
        os.makedirs(workdir, exist_ok=True)
        args.judge = os.path.join(workdir, "judge.keras")
        args.reader = os.path.join(workdir, "reader.keras") if has_reader(args.dataset, args.image_size) else None
        for path in (args.judge, args.reader):
            if path and os.path.exists(path):
                os.remove(path)
        processes = {name: start(name, args, workdir) for name in names}
        judge, context["judge_test_accuracy"] = judge_for(args.dataset, args.image_size, args.seed)
        save_for_children(judge, args.judge)
        if args.reader:
            reader = reader_for(args.dataset, args.image_size)
            context["reader_test_accuracy"] = real_test_accuracy(reader, args.dataset, args.image_size)
            save_for_children(reader, args.reader)
        lines = [{**floor(judge, judge_view(args.dataset), args.dataset, args.image_size, args.seed), **context}]
        print(json.dumps(lines[0]), flush=True)
        for name, process in processes.items():
            for row in finish(name, process, args):
                lines.append({**row, **context})
                print(json.dumps(lines[-1]), flush=True)
    curve = [line for line in lines if line["run"] == "biggan"]
    if curve:
        plot(curve, os.path.join(results_dir, f"biggan_{tag}_truncation_seed{args.seed}.png"),
             f"BigGAN on {args.dataset} at {args.image_size} px, {args.minutes:g} min, seed {args.seed}: "
             "judge precision/recall")
    with open(os.path.join(results_dir, f"biggan_{tag}.jsonl"), "a") as file:
        file.writelines(json.dumps(line) + "\n" for line in lines)
    checks = targets(lines)
    print(json.dumps({"run": "summary", "targets_met": checks}), flush=True)
    sys.exit(0 if checks and all(checks.values()) else 1)


if __name__ == "__main__":
    main()
