"""Time and peak memory of the evaluate app on the digits, and of the digit judge's training, before and after a change.

    python benchmarks/evaluate_cost.py --judge_sizes=16,32      # about 15 minutes on 2 CPU cores
    python benchmarks/evaluate_cost.py --before=df104b0 --repeats=1 --export_dir=saved_models/dcgan

Trains DCGAN with ``apps/configs/dcgan_digits.cfg`` for ``--epochs`` and exports
it (or takes ``--export_dir``), then runs ``apps/evaluate.py
--flagfile=apps/configs/evaluate_digits.cfg`` on that export, as the README
does, with this checkout's code ("after") and with the code of ``--before``
(a git revision, extracted with ``git archive``, or a folder holding a
checkout), in turns, each in a fresh process. The digit judge's training
(``judges.train_digit_classifier`` at each of ``--judge_sizes``) is measured
the same way, and so is importing the library (the floor of every figure).

Each figure is that child process's own: wall time, CPU time (user + system)
and peak resident memory, from the resource usage ``os.wait4`` returns for it
(``RUSAGE_CHILDREN`` would mix every child run so far). With ``--repeats``,
the least time and the largest peak over the runs are kept.

Prints one JSON line. Exits 1 unless, for the evaluate app, the peak memory
is lower after than before, the wall time is not higher, the CPU time is at
most ``--cpu_slack`` (5%) higher, and both reports hold the same measures;
and unless the judge's peak memory is lower at every size. The slack: on the
digits the work the change removes (about 2,400 images' second pass through
the judge, one read of 1,437 images) is smaller than the run-to-run spread
of the CPU time on a shared machine, so the CPU times come out level.
"""

import argparse
import json
import os
import subprocess
import sys
import tarfile
import tempfile
import time

from _common import ROOT, print_and_exit, run_quiet  # benchmarks/ is on sys.path when run as a script

BEFORE = "df104b0"  # the last commit whose evaluate app embedded twice and whose judge held every epoch
IMPORT = "import keras_gans.judges, keras_gans.features"
JUDGE = "from keras_gans import judges; judges.train_digit_classifier(image_size={size})"


def checkout(revision, folder):
    """The repository at ``revision`` extracted into ``folder`` (no git state changes); returns the folder."""
    archive = os.path.join(folder, "code.tar")
    run_quiet(["git", "-C", ROOT, "archive", "--format=tar", f"--output={archive}", revision],
              f"git archive {revision}")
    with tarfile.open(archive) as tar:
        tar.extractall(os.path.join(folder, "code"), filter="data")
    return os.path.join(folder, "code")


def measure(command, root, label):
    """Runs ``command`` from ``root`` with ``root``'s library; ``{"wall_s", "cpu_s", "peak_rss_mb"}`` of it alone."""
    env = dict(os.environ, PYTHONPATH=root, TF_CPP_MIN_LOG_LEVEL="3")
    with tempfile.TemporaryFile() as output:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=root, env=env, stdout=output, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            output.seek(0)
            sys.exit(f"{label} failed:\n{output.read().decode(errors='replace')[-3000:]}")
    return {"wall_s": round(wall, 2), "cpu_s": round(usage.ru_utime + usage.ru_stime, 2),
            "peak_rss_mb": round(usage.ru_maxrss / 1024)}  # ru_maxrss is in KiB on Linux


def best(runs):
    """The least times and the largest peak of repeated measurements."""
    return {"wall_s": min(r["wall_s"] for r in runs), "cpu_s": min(r["cpu_s"] for r in runs),
            "peak_rss_mb": max(r["peak_rss_mb"] for r in runs)}


def evaluate_command(export_dir, output_dir):
    return [sys.executable, "apps/evaluate.py", "--flagfile=apps/configs/evaluate_digits.cfg",
            f"--export_dir={export_dir}", f"--output_dir={output_dir}"]


def measures_of(output_dir):
    """What a report says about the samples (not its paths and times)."""
    with open(os.path.join(output_dir, "report.json")) as file:
        report = json.load(file)
    return {key: report.get(key) for key in ("measures", "reference", "memorization")}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", default=BEFORE, help="git revision (or folder) of the code before the change")
    parser.add_argument("--export_dir", help="an exported digits DCGAN (default: train one here)")
    parser.add_argument("--epochs", type=int, default=1, help="DCGAN training epochs when no --export_dir")
    parser.add_argument("--repeats", type=int, default=3, help="runs of each measurement, in turns")
    parser.add_argument("--judge_sizes", default="32", help="comma-separated image sizes of the judge runs")
    parser.add_argument("--cpu_slack", type=float, default=0.05, help="allowed CPU-time excess, after over before")
    options = parser.parse_args()
    if options.repeats < 1 or options.epochs < 1:
        parser.error("--repeats and --epochs must be positive integers.")
    with tempfile.TemporaryDirectory() as workdir:
        roots = {"before": options.before if os.path.isdir(options.before) else checkout(options.before, workdir),
                 "after": ROOT}
        export_dir = options.export_dir
        if export_dir is None:
            export_dir = os.path.join(workdir, "export")
            run_quiet([sys.executable, os.path.join(ROOT, "apps", "dcgan.py"),
                       "--flagfile=apps/configs/dcgan_digits.cfg",
                       f"--epochs={options.epochs}", f"--model_dir={workdir}/run", f"--export_dir={export_dir}"],
                      "dcgan training")
        export_dir = os.path.abspath(export_dir)
        runs = {name: {version: [] for version in roots} for name in
                ["evaluate", "import", *(f"judge_{s}" for s in options.judge_sizes.split(","))]}
        reports = {}
        for _ in range(options.repeats):
            for version, root in roots.items():
                output_dir = os.path.join(workdir, f"evaluation_{version}")
                runs["evaluate"][version].append(measure(evaluate_command(export_dir, output_dir), root,
                                                         f"evaluate ({version})"))
                reports[version] = measures_of(output_dir)
                runs["import"][version].append(measure([sys.executable, "-c", IMPORT], root, f"import ({version})"))
                for size in options.judge_sizes.split(","):
                    runs[f"judge_{size}"][version].append(
                        measure([sys.executable, "-c", JUDGE.format(size=int(size))], root, f"judge ({version})"))
    figures = {name: {version: best(found) for version, found in by_version.items()}
               for name, by_version in runs.items()}
    evaluate = figures["evaluate"]
    targets = {"evaluate_peak_rss": evaluate["after"]["peak_rss_mb"] < evaluate["before"]["peak_rss_mb"],
               "evaluate_wall": evaluate["after"]["wall_s"] <= evaluate["before"]["wall_s"],
               "evaluate_cpu": evaluate["after"]["cpu_s"] <= evaluate["before"]["cpu_s"] * (1 + options.cpu_slack),
               "same_measures": reports["before"] == reports["after"]}
    targets.update({f"{name}_peak_rss": f["after"]["peak_rss_mb"] < f["before"]["peak_rss_mb"]
                    for name, f in figures.items() if name.startswith("judge_")})
    print_and_exit({"before": options.before, "repeats": options.repeats, **figures}, targets)


if __name__ == "__main__":
    main()
