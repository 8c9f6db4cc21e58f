"""Which shapes a kept BigGAN run draws wrong: the shapes judge's reading of each class asked for.

    python benchmarks/biggan_confusion.py --keep=DIR [--seed=S] [--generator=average|itself|real] [--reader]
                                          [--picture=PATH.png]

``DIR`` is a folder kept by ``benchmarks/biggan_shapes.py --keep=DIR``
(``DIR/biggan`` holds the run, ``DIR/judge.keras`` its judge). The run's
last checkpoint is rebuilt, its standing statistics re-estimated, and the
same 1000 untruncated samples that benchmark measures (``--seed`` must be the
run's) are read by the judge: prints, and appends to
``benchmarks/results/biggan_confusion.jsonl``, one JSON line with the confusion matrix
(rows: class asked for, columns: class read, in ``keras_gans.data.shapes.SHAPES``
order), each class's agreement, the overall class agreement and the G steps of
the checkpoint, and exits 1
unless every class is read as asked for in at least 0.95 of its samples
(BigGAN's class-agreement target, per class). The samples come from G's
moving average, as in every BigGAN measure; ``--generator=itself`` reads G
itself instead (its own standing statistics re-estimated), and
``--generator=real`` the whole real test split at the run's image size, the
same judge's own readings that no generator is held to (``--seed`` unused).
With ``--reader`` the reader of images of the run's size reads them instead
of the run's judge (``_shapes_measures.reader_for``: the judge that learned
the training images drawn at that size; ``DIR/reader.keras`` when the run
kept one, else trained once and cached). With ``--picture`` the first 10
samples of each class asked for are also written there, a row per class.
On shapes the line also holds the shape-colour pairs read in the samples by
every head of the judge that reads their class (that judge whole, from the
benchmarks' judge cache, not the run's kept shape head; ``shape_color_coverage``: how
many of the 36 occur, which never do, and the fewest samples of a pair that
occurs; every pair is wanted), reported, not gated.
"""

import argparse
import contextlib
import json
import os
import sys

import numpy as np

from _common import ROOT, machine  # benchmarks/ is on sys.path when run as a script
from _shapes_measures import (JUDGE_CACHE, JUDGE_SEED, NUM_SAMPLES, class_rows_picture, confusion, generator_itself,
                              has_reader, judge_view, reader_for, shapes_judge)

TARGET = 0.95


def generator_steps(checkpoint):
    """The G steps a training checkpoint was saved after (its G optimizer's iterations)."""
    import tensorflow as tf

    reader = tf.train.load_checkpoint(checkpoint)
    return int(reader.get_tensor("g_optimizer/_iterations/.ATTRIBUTES/VARIABLE_VALUE"))


def shape_color_coverage(images, image_size, reader):
    """The shape-colour pairs read in ``images`` (as the judge is shown them) by every head of the judge
    that reads their class (the reader of ``image_size`` with ``reader``, else the 64-px judge): covered,
    total, missing pairs by name and the fewest images of a covered pair."""
    from keras_gans import judges, metrics
    from keras_gans.data import shapes

    judge = (judges.shapes.judge_of_size(image_size, seed=JUDGE_SEED, cache_dir=JUDGE_CACHE) if reader
             else shapes_judge())
    read = judges.predict_attributes(judge, images)
    coverage = metrics.attribute_coverage(read["shape"], read["color"], len(shapes.SHAPES), len(shapes.COLORS))
    counts = np.asarray(coverage["counts"])
    return {"covered": coverage["covered"], "total": coverage["total"],
            "missing": [f"{shapes.COLORS[c]} {shapes.SHAPES[s]}" for s, c in coverage["missing"]],
            "fewest": int(counts[counts > 0].min())}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", required=True, help="a folder kept by benchmarks/biggan_shapes.py --keep")
    parser.add_argument("--seed", type=int, default=0, help="the run's --seed (it sets the samples' z)")
    parser.add_argument("--generator", default="average", choices=("average", "itself", "real"),
                        help="sample G's moving average (what the measures read) or G itself, or read the real "
                             "test images")
    parser.add_argument("--picture", default=None, help="also write the samples here (PNG), a row per class asked for")
    parser.add_argument("--reader", action="store_true", help="read with the judge that learned the training images "
                        "drawn at the run's size, not the run's judge")
    args = parser.parse_args()
    run_dir, judge_path = os.path.join(args.keep, "biggan"), os.path.join(args.keep, "judge.keras")
    for path in (run_dir, judge_path):
        if not os.path.exists(path):
            parser.error(f"--keep: {args.keep!r} has no {os.path.basename(path)}; "
                         "keep a run with benchmarks/biggan_shapes.py --keep=DIR first")

    import keras

    import biggan_shapes
    from keras_gans import callbacks, data, experiment, judges
    from keras_gans.data import shapes

    exp, config, run = experiment.read_run(run_dir)
    if args.reader and not has_reader(run.dataset, run.image_size):
        parser.error(f"--reader: a run on {run.dataset} at {run.image_size} px is read by its judge itself")
    reader_path = os.path.join(args.keep, "reader.keras")
    if not args.reader:
        judge = keras.models.load_model(judge_path)
    else:  # the reader the run kept, or the same one trained (and cached) here
        judge = keras.models.load_model(reader_path) if os.path.exists(reader_path) else reader_for(run.dataset,
                                                                                                    run.image_size)
    if args.generator == "real":
        samples, asked = data.load_arrays(run.dataset, split="test", image_size=run.image_size)
        num_classes, steps = judge.output_shape[-1], None
    else:
        checkpoint = callbacks.Checkpointer(run_dir).latest_checkpoint
        model = experiment.rebuild(exp, config, run, checkpoint)
        num_classes, steps = model.num_classes, generator_steps(checkpoint)
        z, asked = biggan_shapes.asked_inputs(model, NUM_SAMPLES, args.seed)
        sampled = generator_itself(model) if args.generator == "itself" else contextlib.nullcontext()
        with sampled:
            model.standing_statistics(**biggan_shapes.standing_of(config, run))
            samples = biggan_shapes.generate(model, z, asked, None)
    if args.picture:
        class_rows_picture(args.picture, samples, asked)
    shown = judge_view(run.dataset)(samples)
    read = judges.predict_classes(judge, shown)
    matrix = confusion(asked, read, num_classes)
    agreement = np.diag(matrix) / matrix.sum(axis=1)
    names = shapes.SHAPES if num_classes == len(shapes.SHAPES) else [str(c) for c in range(num_classes)]
    line = {"keep": args.keep, "seed": None if args.generator == "real" else args.seed,
            "generator": args.generator, "steps": steps, "reader": args.reader, "classes": list(names),
            "confusion": matrix.tolist(),
            "per_class_agreement": dict(zip(names, np.round(agreement, 3).tolist())),
            "class_agreement": float(np.mean(read == asked)),
            "shape_color_coverage": (shape_color_coverage(shown, run.image_size, args.reader)
                                     if run.dataset == "shapes" else None),
            "machine": machine(),
            "command": " ".join(["python", "benchmarks/biggan_confusion.py"] + sys.argv[1:])}
    print(json.dumps(line))
    with open(os.path.join(ROOT, "benchmarks", "results", "biggan_confusion.jsonl"), "a") as file:
        file.write(json.dumps(line) + "\n")
    sys.exit(0 if agreement.min() >= TARGET else 1)


if __name__ == "__main__":
    main()
