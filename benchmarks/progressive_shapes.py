"""DCGAN, ProGAN and StyleGAN2 at equal training time on shapes 64x64; StyleGAN2's truncation and path length.

    nice -n 10 python benchmarks/progressive_shapes.py     # 3 x 1,200 CPU-s of training, seed 0 (~40-70 min)
    python benchmarks/progressive_shapes.py --apps=stylegan2 --time_budget_s=2400  # passes on 5 seeds of 6 (~45 min)
    nice -n 10 python benchmarks/progressive_shapes.py --suite=digits --flags=--image_size=16 \
        --time_budget_s=240 --clock=wall

Each app trains in its own fresh process (``benchmarks/_timed_training.py``)
from its flagfile (``apps/configs/<app>_<suite>.cfg``) for the same number of
seconds of training (traced steps excluded), on this machine: CPU seconds of
its process by default, which other work on a shared machine does not change
(``--clock=wall``: elapsed seconds). Then, with the
shapes judge's features ("judge FID"; the digit judge's for ``--dataset=digits``):

- FID, precision and recall (k = 3) of ``--num_samples`` samples of each
  model (G's moving average, untruncated) against as many real training
  images, beside the floor: real test images against the same training ones;
- StyleGAN2's FID, precision and recall at each ``--psis`` truncation: the
  quality/diversity trade-off of StyleGAN (Karras et al. 2019, appendix B);
  and, as ``measures_itself``, those of G itself rather than its moving
  average, on the same z (not gated);
- StyleGAN2's perceptual path length (StyleGAN, section 4.2) in Z (slerp)
  and in W (lerp), ``--ppl_samples`` paths each, t ~ U(0, 1), epsilon 1e-4,
  the squared distance of the judge's features in place of LPIPS, the
  outliers outside the 1st-99th percentiles dropped;
- on shapes, where the judge places the object: the share of each model's
  samples (and of the real test images) that its position head reads in each
  of the nine cells, row by row from the top left (``cells``; reported, not
  gated: a model that draws every object in one place has little recall);
- on shapes, for a class-conditional model (``--flags=--conditional``, ProGAN): its
  ``class_agreement``, the share of samples (classes asked for in turn) the
  judge reads as the shape asked for, with ``--pictures_dir`` a picture of
  ten samples per class asked for, a row each (``<app>_classes_seed<seed>.png``).

Prints one JSON line per model and the tables; exits non-zero unless
StyleGAN2's recall at psi = 1 is at least ``--min_recall`` (a generator that
draws one kind of image has no variety for truncation to trade), truncation
trades recall for precision (at the smallest psi: higher precision and lower
recall than at psi = 1) and the path length in W is below Z's, and unless a
class-conditional model's class agreement is at least ``--min_agreement`` (0.9).
"""

import argparse
import json
import os
import sys
import tempfile

from _common import ROOT, machine, run_quiet  # benchmarks/ is on sys.path when run as a script
from _shapes_measures import class_rows_picture

APPS = ("dcgan", "progan", "stylegan2")
MEASURES = ("fid", "precision", "recall")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--apps", default=",".join(APPS), help=f"comma-separated, from {', '.join(APPS)}")
    parser.add_argument("--time_budget_s", type=float, default=1200.0, help="training seconds of every app")
    parser.add_argument("--clock", default="cpu", choices=("cpu", "wall"),
                        help="what --time_budget_s counts: CPU seconds of the app's process (a shared machine "
                             "does not change them) or elapsed seconds")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--suite", default="shapes", choices=("shapes", "digits"),
                        help="the flagfiles apps/configs/<app>_<suite>.cfg")
    parser.add_argument("--flags", default="", help="flags appended to every app's flagfile, space-separated "
                                                    "(e.g. '--dataset=digits --image_size=16')")
    parser.add_argument("--num_samples", type=int, default=2000, help="samples (and real images) per measure")
    parser.add_argument("--psis", default="1,0.8,0.6,0.4", help="StyleGAN2's truncation values, 1 first")
    parser.add_argument("--ppl_samples", type=int, default=1000, help="paths per latent space")
    parser.add_argument("--epsilon", type=float, default=1e-4, help="the path length's step")
    parser.add_argument("--min_recall", type=float, default=0.1,
                        help="StyleGAN2's least recall at psi = 1 for its truncation sweep to count")
    parser.add_argument("--min_agreement", type=float, default=0.9,
                        help="a class-conditional model's least share of samples judged as the class asked for")
    parser.add_argument("--pictures_dir", default=None, help="write StyleGAN2's two pictures (and a "
                                                             "conditional model's rows per class) here")
    parser.add_argument("--json", default=None, help="also append the JSON lines to this file")
    parser.add_argument("--worker", choices=APPS, help=argparse.SUPPRESS)
    parser.add_argument("--output", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.apps = args.apps.split(",")
    args.psis = [float(p) for p in args.psis.split(",")]
    args.flags = args.flags.split()
    if [a for a in args.apps if a not in APPS]:
        parser.error(f"--apps: choose from {', '.join(APPS)}; received {args.apps}")
    if args.psis[0] != 1.0 or len(args.psis) < 2:
        parser.error(f"--psis must start with 1 and hold a smaller value; received {args.psis}")
    if args.time_budget_s <= 0 or args.num_samples < 10 or args.ppl_samples < 100:
        parser.error("--time_budget_s must be > 0, --num_samples >= 10 and --ppl_samples >= 100")
    for name in ("min_recall", "min_agreement"):
        if not 0.0 <= getattr(args, name) <= 1.0:
            parser.error(f"--{name} must be in [0, 1]; received {getattr(args, name)}")
    return args


def app_flags(app, args):
    return [f"--flagfile={os.path.join(ROOT, 'apps', 'configs', f'{app}_{args.suite}.cfg')}", f"--seed={args.seed}",
            *args.flags]


def train(app, args, workdir):
    """Runs one app's worker; returns its record and the path of its arrays."""
    output = os.path.join(workdir, f"{app}.npz")
    command = [sys.executable, os.path.abspath(__file__), f"--worker={app}", f"--output={output}",
               f"--time_budget_s={args.time_budget_s}", f"--clock={args.clock}", f"--seed={args.seed}",
               f"--num_samples={args.num_samples}",
               f"--psis={','.join(map(str, args.psis))}", f"--ppl_samples={args.ppl_samples}",
               f"--epsilon={args.epsilon}", f"--flags={' '.join(app_flags(app, args))}"]
    if args.pictures_dir:
        command.append(f"--pictures_dir={os.path.abspath(args.pictures_dir)}")
    result = run_quiet(command, f"{app} worker")
    return json.loads(result.stdout.strip().splitlines()[-1]), output


def judge_extractor(dataset, image_size, seed):
    """The judge's feature extractor of ``dataset``: the shapes judge, or the digit judge for digits."""
    from keras_gans import features

    if dataset.split("/")[0] == "digits":
        return features.digit_classifier_features(image_size=image_size, seed=seed)
    return features.shapes_classifier_features(image_size=image_size, seed=seed)


def real_statistics(extractor, dataset, split, image_size, count):
    from keras_gans import data, metrics

    images = data.load(dataset, split=split, batch_size=250, shuffle=False, image_size=image_size,
                       num_examples=count, drop_remainder=False)
    return metrics.feature_statistics(extractor.extract(images), keep=count)


def measure(extractor, reference, generated):
    import numpy as np

    from keras_gans import metrics

    fake = metrics.feature_statistics(extractor.extract(generated.astype(np.float32)), keep=len(generated))
    return {name: round(float(value), 4) for name, value in
            metrics.compare_features(reference, fake, MEASURES).items()}


def judged_attributes(image_size, seed, images):
    """What the shapes judge of ``image_size`` reads in ``images``: ``{"shape": [N], "cell": [N], ...}``."""
    import numpy as np

    from keras_gans import judges

    judge = judges.train_shapes_judge(image_size=image_size, seed=seed)
    return judges.predict_attributes(judge, images.astype(np.float32))


def cell_shares(read):
    """The share of images the judge placed in each of the nine cells (``read``: :func:`judged_attributes`)."""
    import numpy as np

    return [round(float(share), 3) for share in np.bincount(read["cell"], minlength=9) / len(read["cell"])]


def path_length(extractor, arrays, space, epsilon):
    from keras_gans import metrics

    start, end = (extractor(arrays[f"ppl_{space}_{end}"]) for end in ("start", "end"))
    return round(metrics.filtered_mean(metrics.path_length_distances(start, end, epsilon)), 2)


def table(records, floor):
    lines = ["| model | judge FID | precision | recall | G steps (images) in training time |",
             "| --- | --- | --- | --- | --- |",
             f"| real test images (floor) | {floor['fid']:.2f} | {floor['precision']:.3f} | {floor['recall']:.3f} | |"]
    for r in records:
        m = r["measures"]
        lines.append(f"| {r['app']} | {m['fid']:.2f} | {m['precision']:.3f} | {m['recall']:.3f} | "
                     f"{r['steps']} in {r['train_s']:.0f} s |")
        if "measures_itself" in r:
            m = r["measures_itself"]
            lines.append(f"| {r['app']}, G itself (not its average) | {m['fid']:.2f} | {m['precision']:.3f} | "
                         f"{m['recall']:.3f} | |")
    return "\n".join(lines)


def psi_table(sweep):
    lines = ["| truncation psi | judge FID | precision | recall |", "| --- | --- | --- | --- |"]
    lines += [f"| {psi:g} | {m['fid']:.2f} | {m['precision']:.3f} | {m['recall']:.3f} |" for psi, m in sweep]
    return "\n".join(lines)


def main():
    args = parse_args()
    if args.worker:
        import _timed_training

        return _timed_training.main(args)
    import numpy as np

    from keras_gans import metrics

    records, failures = [], []
    with tempfile.TemporaryDirectory() as workdir:
        outputs = {}
        for app in args.apps:
            record, outputs[app] = train(app, args, workdir)
            records.append(record)
            print(f"{app}: {record['steps']} steps in {record['train_s']} s of training", file=sys.stderr)
        dataset, size = records[0]["dataset"], records[0]["image_size"]
        if any((r["dataset"], r["image_size"]) != (dataset, size) for r in records):
            sys.exit(f"The apps trained on different data: {[(r['dataset'], r['image_size']) for r in records]}; "
                     "set --flags='--image_size=...'")
        extractor = judge_extractor(dataset, size, args.seed)
        reference = real_statistics(extractor, dataset, "train", size, args.num_samples)
        test_images = np.concatenate([batch for batch in _test_images(dataset, size, args.num_samples)])
        floor = measure(extractor, reference, test_images)
        on_shapes = dataset.split("/")[0] == "shapes"
        if on_shapes:
            floor["cells"] = cell_shares(judged_attributes(size, args.seed, test_images))
        for record in records:
            arrays = np.load(outputs[record["app"]])
            record["measures"] = measure(extractor, reference, arrays["samples"])
            record["floor"], record["features"] = floor, extractor.name
            if on_shapes:
                read = judged_attributes(size, args.seed, arrays["samples"])
                record["cells"] = cell_shares(read)
            if on_shapes and "labels" in arrays:
                agreement = metrics.generated_class_accuracy(read["shape"], arrays["labels"])
                record["class_agreement"] = round(agreement, 4)
                if args.pictures_dir:
                    record["class_picture"] = class_rows_picture(
                        os.path.join(args.pictures_dir, f"{record['app']}_classes_seed{args.seed}.png"),
                        arrays["samples"], arrays["labels"])
                if record["class_agreement"] < args.min_agreement:
                    failures.append(f"{record['app']}: class agreement {record['class_agreement']} is below "
                                    f"--min_agreement={args.min_agreement:g}")
            if "samples_itself" in arrays:
                record["measures_itself"] = measure(extractor, reference, arrays["samples_itself"])
            if record["app"] == "stylegan2":
                record["truncation"] = [(psi, measure(extractor, reference, arrays[f"psi_{psi:g}"]))
                                        for psi in args.psis]
                record["path_length"] = {space: path_length(extractor, arrays, space, args.epsilon)
                                         for space in ("z", "w")}
                untruncated, lowest = record["truncation"][0][1], record["truncation"][-1][1]
                if untruncated["recall"] < args.min_recall:
                    failures.append(f"recall at psi=1 is {untruncated['recall']}, below --min_recall="
                                    f"{args.min_recall:g}: too little variety for truncation to trade")
                if not (lowest["precision"] > untruncated["precision"] and lowest["recall"] < untruncated["recall"]):
                    failures.append(f"truncation psi={args.psis[-1]:g} does not trade recall for precision: "
                                    f"{lowest} vs psi=1 {untruncated}")
                if not record["path_length"]["w"] < record["path_length"]["z"]:
                    failures.append(f"path length in W {record['path_length']['w']} is not below Z's "
                                    f"{record['path_length']['z']}")
            record.update(time_budget_s=args.time_budget_s, clock=args.clock, num_samples=args.num_samples,
                          flags=" ".join(args.flags), machine=machine())
            line = json.dumps(record)
            print(line, flush=True)
            if args.json:
                with open(args.json, "a") as file:
                    file.write(line + "\n")
    print(table(records, floor))
    for record in records:
        if "cells" in record:
            print(f"{record['app']}: cells read (top left ... bottom right) {record['cells']}; "
                  f"real test images {floor['cells']}")
        if "class_agreement" in record:
            print(f"{record['app']}: class agreement {record['class_agreement']}")
        if "truncation" in record:
            print(psi_table(record["truncation"]))
            print(f"perceptual path length (judge features): Z {record['path_length']['z']}, "
                  f"W {record['path_length']['w']}")
    if failures:
        sys.exit("Targets missed:\n" + "\n".join(failures))


def _test_images(dataset, image_size, count):
    from keras_gans import data

    for batch in data.load(dataset, split="test", batch_size=250, shuffle=False, image_size=image_size,
                           num_examples=count, drop_remainder=False).as_numpy_iterator():
        yield batch[0] if isinstance(batch, tuple) else batch


if __name__ == "__main__":
    main()
