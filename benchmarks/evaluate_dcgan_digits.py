"""Trains DCGAN on the digits in stages and evaluates every stage with apps/evaluate.py.

    python benchmarks/evaluate_dcgan_digits.py [--epochs=20,60,150] [--seed=0] [--target=3] [app flags...]

Runs ``apps/dcgan.py --flagfile=apps/configs/dcgan_digits.cfg`` in a temporary
folder up to each number of epochs (each stage resumes the previous one and
exports a new version), then ``apps/evaluate.py
--flagfile=apps/configs/evaluate_digits.cfg`` on that version, each in a fresh
process as a user runs them. Prints one JSON line per stage: the measures
against the 1,437 training digits (classifier features), the real
train-vs-test floor, the memorization ratio and the wall times. The measures
should improve with training (FID, KID down; precision, recall, coverage, IS up).

Extra arguments are passed to the DCGAN app (e.g. ``--ema_decay=0``). The last
line is a summary; the exit status is 1 unless the last stage's FID is within
``--target`` times the real train-vs-test floor (the quality goal: 3x).
"""

import argparse
import json
import os
import sys
import tempfile
import time

from _common import ROOT, run_quiet  # benchmarks/ is on sys.path when run as a script


def run(app, *args):
    started = time.time()
    run_quiet([sys.executable, os.path.join(ROOT, "apps", f"{app}.py"), *args], f"{app} {' '.join(args)}")
    return time.time() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", default="20,60,150", help="comma-separated, increasing epoch counts")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--target", type=float, default=3.0,
                        help="the last stage's FID must be at most this many times the real floor")
    options, app_flags = parser.parse_known_args()
    try:
        stages = [int(e) for e in options.epochs.split(",")]
    except ValueError:
        parser.error(f"--epochs={options.epochs} must be comma-separated whole numbers (e.g. 20,60,150)")
    if stages[0] < 1 or any(b <= a for a, b in zip(stages, stages[1:])):
        parser.error(f"--epochs={options.epochs} must be increasing epoch counts >= 1 (e.g. 20,60,150)")
    if options.target <= 0:
        parser.error(f"--target={options.target} must be > 0")
    with tempfile.TemporaryDirectory() as workdir:
        for version, epochs in enumerate(stages):
            train_s = run("dcgan", "--flagfile=apps/configs/dcgan_digits.cfg", f"--epochs={epochs}",
                          f"--seed={options.seed}", f"--model_dir={workdir}/run", f"--export_dir={workdir}/export",
                          *app_flags)
            output = os.path.join(workdir, f"evaluation_{epochs}")
            evaluate_s = run("evaluate", "--flagfile=apps/configs/evaluate_digits.cfg",
                             f"--export_dir={workdir}/export", f"--version={version + 1}", f"--output_dir={output}")
            with open(os.path.join(output, "report.json")) as file:
                report = json.load(file)
            print(json.dumps({"epochs": epochs, "measures": report["measures"],
                              "real_test_floor": report["reference"]["measures"],
                              "memorization": {k: report["memorization"][k]
                                               for k in ("nearest_distance_mean", "heldout_nearest_distance_mean",
                                                         "ratio_to_heldout")},
                              "train_s": round(train_s, 1), "evaluate_s": round(evaluate_s, 1)}), flush=True)
    fid, floor = report["measures"]["fid"], report["reference"]["measures"]["fid"]
    met = fid <= options.target * floor
    print(json.dumps({"summary": True, "seed": options.seed, "app_flags": app_flags, "epochs": epochs,
                      "fid": round(fid, 2), "floor_fid": round(floor, 2), "ratio_to_floor": round(fid / floor, 2),
                      "target_ratio": options.target, "target_met": met}), flush=True)
    sys.exit(0 if met else 1)


if __name__ == "__main__":
    main()
