"""Time to export an app's default generator as a SavedModel, with this checkout's code and with the code before.

    python benchmarks/export_time.py                                  # about 3 minutes on 2 CPU cores
    python benchmarks/export_time.py --experiments=cyclegan --repeats=3 --before=af7013d

For each of ``--experiments``, a fresh process builds the model its app trains
with no flags (untrained: the export does not depend on the weights) and times
``export.export_generator`` alone: wall time and the process's CPU time. It
does so with this checkout's code ("after") and with the code of ``--before``
(a git revision, extracted with ``git archive``, or a folder holding a
checkout), in turns; with ``--repeats`` the least times are kept. Before,
``keras.export.ExportArchive`` traced each endpoint twice (to list its
variables, then inside the save) and each network's call function once more;
after, each distinct endpoint is traced once.

Prints one JSON line, with each experiment's CPU-time ratio before/after.
Exits 1 unless every experiment's export takes less CPU time than before.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile

from _common import ROOT, print_and_exit  # benchmarks/ is on sys.path when run as a script
from evaluate_cost import checkout

BEFORE = "af7013d"  # the last commit that exported through keras.export.ExportArchive
CHILD = """
import json, sys, tempfile, time
from keras_gans import cli, experiment, experiments, export
exp = experiments.get(sys.argv[1])
model = experiment.rebuild(exp, *cli.configs_from_args(exp, []))
wall, cpu = time.perf_counter(), time.process_time()
export.export_generator(model, tempfile.mkdtemp())
print(json.dumps({"wall_s": round(time.perf_counter() - wall, 2), "cpu_s": round(time.process_time() - cpu, 2),
                  "endpoints": len(export.serving_endpoints(model))}))
"""


def export_time(name, root):
    """``{"wall_s", "cpu_s", "endpoints"}`` of exporting ``name``'s default model with ``root``'s library."""
    env = dict(os.environ, PYTHONPATH=root, TF_CPP_MIN_LOG_LEVEL="3")
    result = subprocess.run([sys.executable, "-c", CHILD, name], cwd=root, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        last = (result.stderr.strip().splitlines() or ["no output"])[-1]
        sys.exit(f"export_time.py: exporting --experiments={name} with {root} failed: {last}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--experiments", default="dcgan,cyclegan,stylegan2,biggan",
                        help="comma-separated apps whose default generator is exported")
    parser.add_argument("--before", default=BEFORE, help="git revision (or folder) of the code before the change")
    parser.add_argument("--repeats", type=int, default=1, help="runs of each measurement, in turns")
    options = parser.parse_args()
    if options.repeats < 1:
        parser.error(f"--repeats must be a positive integer; received --repeats={options.repeats}.")
    names = [name for name in options.experiments.split(",") if name]
    with tempfile.TemporaryDirectory() as workdir:
        roots = {"before": options.before if os.path.isdir(options.before) else checkout(options.before, workdir),
                 "after": ROOT}
        runs = {name: {version: [] for version in roots} for name in names}
        for _ in range(options.repeats):
            for name in names:
                for version, root in roots.items():
                    runs[name][version].append(export_time(name, root))
    figures = {name: {version: {"wall_s": min(r["wall_s"] for r in found), "cpu_s": min(r["cpu_s"] for r in found),
                                "endpoints": found[0]["endpoints"]}
                      for version, found in by_version.items()} for name, by_version in runs.items()}
    for f in figures.values():
        f["speedup"] = round(f["before"]["cpu_s"] / max(f["after"]["cpu_s"], 0.01), 2)
    targets = {name: f["after"]["cpu_s"] < f["before"]["cpu_s"] for name, f in figures.items()}
    print_and_exit({"before": options.before, "repeats": options.repeats, **figures}, targets)


if __name__ == "__main__":
    main()
