"""Trains DCGAN on the digits in stages and evaluates every stage with apps/evaluate.py.

    python benchmarks/evaluate_dcgan_digits.py [--epochs=1,5,20] [--seed=0]

Runs ``apps/dcgan.py --flagfile=apps/configs/dcgan_digits.cfg`` in a temporary
folder up to each number of epochs (each stage resumes the previous one and
exports a new version), then ``apps/evaluate.py
--flagfile=apps/configs/evaluate_digits.cfg`` on that version, each in a fresh
process as a user runs them. Prints one JSON line per stage: the measures
against the 1,437 training digits (classifier features), the real
train-vs-test floor, the memorization ratio and the wall times. The measures
should improve with training (FID, KID down; precision, recall, coverage, IS up).
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
    parser.add_argument("--epochs", default="1,5,20", help="comma-separated, increasing epoch counts")
    parser.add_argument("--seed", type=int, default=0)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        for version, epochs in enumerate(int(e) for e in options.epochs.split(",")):
            train_s = run("dcgan", "--flagfile=apps/configs/dcgan_digits.cfg", f"--epochs={epochs}",
                          f"--seed={options.seed}", f"--model_dir={workdir}/run", f"--export_dir={workdir}/export")
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


if __name__ == "__main__":
    main()
