"""Runs the README quickstart end to end and reports its mode coverage and time.

    python benchmarks/ring8_quickstart.py [--seeds=0,1,2]

Each seed trains ``apps/gan.py --flagfile=apps/configs/gan_ring8.cfg`` in a
fresh process and a temporary folder, then prints one line per seed (modes
covered of 8, share of high-quality samples, reverse KL, wall time) and exits
with status 1 when any seed covers fewer than 8 modes -- the quickstart's
promise. The test suite runs a shortened version of the same command.
"""

import argparse
import json
import os
import sys
import tempfile
import time

from _common import ROOT, run_quiet  # benchmarks/ is on sys.path when run as a script


def run_seed(seed, workdir):
    started = time.time()
    command = [sys.executable, os.path.join(ROOT, "apps", "gan.py"), "--flagfile=apps/configs/gan_ring8.cfg",
               f"--seed={seed}", f"--model_dir={workdir}/run", f"--export_dir={workdir}/export"]
    run_quiet(command, f"seed {seed}")
    with open(os.path.join(workdir, "run", "results.json")) as f:
        coverage = json.load(f)["mode_coverage"]
    return coverage, time.time() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="0", help="comma-separated seeds")
    seeds = [int(s) for s in parser.parse_args().seeds.split(",")]
    all_covered = True
    for seed in seeds:
        with tempfile.TemporaryDirectory() as workdir:
            coverage, seconds = run_seed(seed, workdir)
        all_covered &= coverage["modes"] == 8
        print(f"seed {seed}: modes {coverage['modes']:.0f}/8, high quality {coverage['high_quality']:.1%}, "
              f"reverse KL {coverage['reverse_kl']:.4f}, {seconds:.0f} s", flush=True)
    sys.exit(0 if all_covered else 1)


if __name__ == "__main__":
    main()
