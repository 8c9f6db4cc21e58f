"""The shapes judge: held-out accuracy per attribute, position/size/rotation errors, and the real-vs-real floor.

    python benchmarks/shapes_judge.py [--image_size=64] [--seed=0] [--num_examples=16000] [--epochs=2]
                                      [--fid_examples=10000] [--cache_dir=DIR] [--drawn_at=32]
                                      [--json=benchmarks/results/shapes_judge.jsonl]

Trains :func:`keras_gans.judges.train_shapes_judge` on the first
``--num_examples`` images of the ``shapes`` training split (or loads it from
``--cache_dir``), then prints one JSON line with

* its accuracy on the 10,000 held-out test images for the shape, colour,
  size bin and 3x3 position cell, and its mean absolute x, y and size errors
  (pixels) and rotation error (degrees, modulo each shape's symmetry, circles
  left out);
* the judge FID, KID, precision and recall (k = 3) between ``--fid_examples``
  real training images (from the end of the split, never trained on when
  ``--num_examples`` leaves them out) and as many real test images: the floor
  a generator of these images can reach in the judge's feature space;
* the training and evaluation wall times, the machine and the command;

and appends it to ``--json`` (empty: nowhere).

With ``--drawn_at`` every image, trained on or read, is drawn at that size
and resized to ``--image_size`` as the shapes benchmarks show smaller
generated images to the judge: the reader of those images that
:func:`keras_gans.judges.shape_classifier` uses (``--drawn_at=32
--num_examples=32000``). The line then also holds ``judge_of_its_size``: the
held-out accuracies of the judge trained at ``--image_size`` with its
defaults (same seed and cache) on the same resized images.

Exits 1 when shape, colour or position-cell accuracy is below 99%.
"""

import argparse
import json
import os
import sys
import time

from _common import ROOT, machine  # benchmarks/ is on sys.path when run as a script
from keras_gans import features, judges, metrics
from keras_gans.data import shapes

TARGET = 0.99
TARGET_HEADS = ("shape", "color", "cell")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--image_size", type=int, default=64)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--num_examples", type=int, default=16_000)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--fid_examples", type=int, default=10_000)
    parser.add_argument("--cache_dir", default=None)
    parser.add_argument("--drawn_at", type=int, default=None, help="draw every image at this size (default: "
                                                                   "--image_size) and resize it to --image_size")
    parser.add_argument("--json", default=os.path.join(ROOT, "benchmarks", "results", "shapes_judge.jsonl"),
                        help="append the report line here (empty: nowhere)")
    options = parser.parse_args()

    started = time.time()
    judge = judges.train_shapes_judge(image_size=options.image_size, seed=options.seed,
                                      num_examples=options.num_examples, epochs=options.epochs,
                                      cache_dir=options.cache_dir, drawn_at=options.drawn_at)
    trained = time.time()
    report = judges.judge_report(judge, drawn_at=options.drawn_at)
    extractor = features.LayerFeatures(judge, "features", batch_size=256)
    count, drawn_at = options.fid_examples, options.drawn_at or options.image_size
    tail = {name: values[-count:] for name, values in shapes.split_attributes("train").items()}
    train_images, test_images = (judges.shapes.shown_at(images, options.image_size) / 127.5 - 1.0
                                 for images in (shapes.render(tail, drawn_at),
                                                shapes.split_images("test", drawn_at, count)))
    real, other = (metrics.feature_statistics(extractor.extract(images), keep=count, seed=options.seed)
                   for images in (train_images, test_images))
    floor = metrics.compare_features(real, other, ("fid", "kid", "precision", "recall"),
                                     kid_subset_size=min(1000, count))
    report["test_examples"] = report.pop("num_examples")
    settings = {name: value for name, value in vars(options).items() if name != "json"}
    result = {"benchmark": "shapes_judge", **settings, **{k: round(v, 4) for k, v in report.items()},
              "floor_fid_train_vs_test": round(floor["fid"], 4),
              "floor_kid_train_vs_test": round(floor["kid"]["mean"], 5),
              "floor_precision": round(floor["precision"], 4), "floor_recall": round(floor["recall"], 4),
              "train_seconds": round(trained - started, 1), "eval_seconds": round(time.time() - trained, 1)}
    if drawn_at != options.image_size:
        plain = judges.train_shapes_judge(image_size=options.image_size, seed=options.seed,
                                          cache_dir=options.cache_dir)
        result["judge_of_its_size"] = {key: round(value, 4) for key, value in
                                       judges.judge_report(plain, drawn_at=drawn_at).items()}
    result.update(machine=machine(), command=" ".join(["python", "benchmarks/shapes_judge.py"] + sys.argv[1:]))
    print(json.dumps(result), flush=True)
    if options.json:
        with open(options.json, "a") as file:
            file.write(json.dumps(result) + "\n")
    missed = [head for head in TARGET_HEADS if report[f"{head}_accuracy"] < TARGET]
    if missed:
        sys.exit(f"held-out accuracy below {TARGET:.0%} on {', '.join(missed)}")


if __name__ == "__main__":
    main()
