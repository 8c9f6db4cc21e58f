"""Measures the conditional models' targets on the embedded digits: CGAN, ACGAN, InfoGAN and SGAN.

    python benchmarks/conditional_digits.py [--only=cgan,sgan] [--seeds=0,1,2] [--keep=DIR]

Each run trains an app with its ``apps/configs/<app>_digits.cfg`` in a fresh
process and reads the "evaluation" its ``results.json`` holds. Prints one JSON
line per run:

- ``cgan``, ``acgan``: generated-class accuracy of 1000 samples (100 per
  class) judged by ``evaluation.train_digit_classifier`` (held out: trained on
  the real training split), classes produced, KL of the class histogram to
  uniform. Targets: accuracy >= 0.9 (CGAN) and >= 0.97 (ACGAN), coverage 10.
- ``acgan_paper_class_loss``: ACGAN with the paper's class term, D's class
  head also trained on generated images (``--fake_class_weight=1``; the
  flagfile trains it on real images only). Reported, not gated.
- ``infogan`` (the flagfile: Q reads the categorical code from a warped and
  restroked copy of G(z, c), clusters the real digits, and the code weights
  rise over a warm-up), ``infogan_augment_only`` (the copy alone, without the
  clustering and the warm-up), ``infogan_paper_q`` (Q reads G(z, c) as is,
  the paper) and ``infogan_plain`` (the same networks and budget with both
  code weights 0: a plain GAN fed the codes, the paper's "regular GAN"
  contrast): agreement of the categorical code with the judge's class under
  the best code-to-class matching. Target: infogan >= 0.85, clearly above
  plain.
- ``sgan`` and ``sgan_supervised`` (the same D trained on the 100 labels
  alone, ``--unsupervised_weight=0``): accuracy on the 360 held-out test
  digits. Target: sgan above sgan_supervised.
- ``judge``: the judge's own accuracy on the held-out test digits.

With several seeds every run is made once per seed and every seed's targets
are checked (named ``seed<N>/<target>``). The last line is a summary with
``"targets_met"``; the exit status is 1 when a target is missed. All eleven runs
take about 45 minutes on 2 CPU cores (``--only=cgan,acgan``: about 8).
"""

import argparse
import json
import os
import sys
import tempfile
import time

from _common import ROOT, run_quiet  # benchmarks/ is on sys.path when run as a script

WITHOUT_CLUSTERING = ["--clustering_weight=0", "--code_warmup_steps=0"]
RUNS = {
    "cgan": ("cgan", []),
    "acgan": ("acgan", []),
    "acgan_paper_class_loss": ("acgan", ["--fake_class_weight=1"]),
    "infogan": ("infogan", []),
    "infogan_augment_only": ("infogan", [*WITHOUT_CLUSTERING]),
    "infogan_paper_q": ("infogan", ["--code_augment=", *WITHOUT_CLUSTERING]),
    "infogan_plain": ("infogan", ["--categorical_weight=0", "--continuous_weight=0", *WITHOUT_CLUSTERING]),
    "sgan": ("sgan", []),
    "sgan_supervised": ("sgan", ["--unsupervised_weight=0"]),
}


def run_app(name, seed, workdir):
    app, extra = RUNS[name]
    model_dir = os.path.join(workdir, f"{name}_seed{seed}")
    command = [sys.executable, os.path.join(ROOT, "apps", f"{app}.py"),
               f"--flagfile=apps/configs/{app}_digits.cfg", f"--seed={seed}", f"--model_dir={model_dir}",
               "--export=false", *extra]
    started = time.time()
    run_quiet(command, name)
    with open(os.path.join(model_dir, "results.json")) as f:
        results = json.load(f)
    shown = ["python", f"apps/{app}.py", f"--flagfile=apps/configs/{app}_digits.cfg", f"--seed={seed}", *extra]
    return {"run": name, "seed": seed, "command": " ".join(shown),
            "steps": results["steps"], "train_wall_time_s": results["wall_time_s"],
            "total_wall_time_s": round(time.time() - started, 1), **results["evaluation"]}


def judge_accuracy(image_size):
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    from keras_gans import data, evaluation

    started = time.time()
    judge = evaluation.train_digit_classifier(image_size=image_size)
    seconds = time.time() - started
    images, labels = data.load_arrays("digits", split="test", image_size=image_size)
    accuracy = evaluation.generated_class_accuracy(evaluation.predict_classes(judge, images), labels)
    return {"run": "judge", "image_size": image_size, "test_accuracy": accuracy, "train_seconds": round(seconds, 1)}


def targets(lines):
    checks = {}
    for name, accuracy in (("cgan", 0.9), ("acgan", 0.97)):
        if name in lines:
            checks[name] = lines[name]["accuracy"] >= accuracy and lines[name]["coverage"] == 10
    if "infogan" in lines:
        checks["infogan"] = lines["infogan"]["agreement"] >= 0.85
        if "infogan_plain" in lines:
            checks["infogan_vs_plain"] = lines["infogan"]["agreement"] > lines["infogan_plain"]["agreement"] + 0.1
    if "sgan" in lines and "sgan_supervised" in lines:
        checks["sgan_vs_supervised"] = lines["sgan"]["test_accuracy"] > lines["sgan_supervised"]["test_accuracy"]
    return checks


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default=",".join(RUNS), help=f"comma-separated subset of {','.join(RUNS)}")
    parser.add_argument("--seeds", "--seed", default="0", help="comma-separated seeds, each run once per seed")
    parser.add_argument("--image_size", type=int, default=16, help="the digits configs' --image_size")
    parser.add_argument("--keep", default=None, help="keep the run folders here (default: a temporary folder)")
    args = parser.parse_args()
    names = [name for name in args.only.split(",") if name]
    unknown = sorted(set(names) - set(RUNS))
    if unknown:
        parser.error(f"--only: unknown runs {unknown}; choose from {sorted(RUNS)}")
    try:
        seeds = [int(seed) for seed in args.seeds.split(",") if seed]
    except ValueError:
        parser.error(f"--seeds must be comma-separated integers; received {args.seeds!r}")
    print(json.dumps(judge_accuracy(args.image_size)), flush=True)
    checks = {}
    with tempfile.TemporaryDirectory() as scratch:
        workdir = args.keep or scratch
        for seed in seeds:
            lines = {}
            for name in names:
                lines[name] = run_app(name, seed, workdir)
                print(json.dumps(lines[name]), flush=True)
            prefix = f"seed{seed}/" if len(seeds) > 1 else ""
            checks.update({prefix + target: met for target, met in targets(lines).items()})
    print(json.dumps({"run": "summary", "targets_met": checks}), flush=True)
    sys.exit(0 if all(checks.values()) else 1)


if __name__ == "__main__":
    main()
