"""Writes the README's "Results" section from the benchmarks' saved JSON lines.

    python benchmarks/report.py              # rewrite README.md between the results markers
    python benchmarks/report.py --print      # print the section instead

Every table comes from a file in ``benchmarks/results/`` that one command in
:data:`SOURCES` wrote (``command > file``, or the script's ``--json``); the
section names each command and the machine the lines record, so anyone can
re-run it and compare. Absolute times from a shared machine are noise; the
ratios within one run (all ways timed in interleaved rounds) are the result.
"""

import argparse
import json
import os

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RESULTS = os.path.join(ROOT, "benchmarks", "results")
BEGIN, END = "<!-- results:begin (benchmarks/report.py) -->", "<!-- results:end -->"

# file in benchmarks/results -> the command that wrote it.
SOURCES = {
    "throughput.jsonl": ("python benchmarks/throughput.py --image_sizes=64 --batch_sizes=64 "
                         "> benchmarks/results/throughput.jsonl"),
    "throughput_mixed_precision.jsonl": (
        "python benchmarks/throughput.py --mixed_precision --jit_compile=off --image_sizes=32 --batch_sizes=64 "
        "--players=dcgan > benchmarks/results/throughput_mixed_precision.jsonl"),
    "throughput_no_avx512.jsonl": ("python benchmarks/throughput.py --image_sizes=64 --batch_sizes=64 "
                                   "> benchmarks/results/throughput_no_avx512.jsonl"),
    "conv_ceiling.jsonl": "python benchmarks/conv_ceiling.py >> benchmarks/results/conv_ceiling.jsonl",
    "serving.jsonl": "python benchmarks/serving.py > benchmarks/results/serving.jsonl",
    "mode_coverage_60s.jsonl": (
        "python benchmarks/mode_coverage.py --seeds=0,1,2 --time_budget_s=60 "
        "--json=benchmarks/results/mode_coverage_60s.jsonl"),
    "mode_coverage_grid25.jsonl": (
        "python benchmarks/mode_coverage.py --datasets=grid25 --time_budget_s=0 --steps=8000 --seeds=0,1,2 "
        "--json=benchmarks/results/mode_coverage_grid25.jsonl"),
    "mode_coverage_ring8_30s_b128.jsonl": (
        "python benchmarks/mode_coverage.py --datasets=ring8 --batch_size=128 --seeds=0,1,2 "
        "--json=benchmarks/results/mode_coverage_ring8_30s_b128.jsonl && "
        "python benchmarks/mode_coverage.py --datasets=ring8 --batch_size=128 --configs=pacgan2,lsgan "
        "--seeds=3,4,5,6,7,8,9 --json=benchmarks/results/mode_coverage_ring8_30s_b128.jsonl"),
    "mode_coverage_grid25_60s_packed.jsonl": (
        "python benchmarks/mode_coverage.py --datasets=grid25 --time_budget_s=60 --seeds=0,1,2 "
        "--configs=pacgan2,pacgan4,unrolled,published_gan,published_pacgan4 "
        "--json=benchmarks/results/mode_coverage_grid25_60s_packed.jsonl && "
        "python benchmarks/mode_coverage.py --datasets=grid25 --time_budget_s=60 --seeds=0,1,2,3,4 "
        "--configs=lsgan_pack2 --json=benchmarks/results/mode_coverage_grid25_60s_packed.jsonl"),
    "mode_coverage_grid25_60s_r1.jsonl": (
        "python benchmarks/mode_coverage.py --datasets=grid25 --time_budget_s=60 --batch_size=128 --seeds=0,1,2 "
        "--configs=gan,lsgan,gan_r1_0.01,gan_r1_0.1,gan_r1_0.3 "
        "--json=benchmarks/results/mode_coverage_grid25_60s_r1.jsonl && "
        "python benchmarks/mode_coverage.py --datasets=grid25 --time_budget_s=60 --batch_size=128 "
        "--seeds=3,4,5,6,7,8,9 --configs=gan_r1_0.3 --json=benchmarks/results/mode_coverage_grid25_60s_r1.jsonl"),
    "mode_coverage_ring8_30s_topk.jsonl": (
        "python benchmarks/mode_coverage.py --datasets=ring8 --batch_size=128 --seeds=0,1,2 "
        "--configs=gan,topk50,topk75 --json=benchmarks/results/mode_coverage_ring8_30s_topk.jsonl"),
    "mode_coverage_grid25_60s_topk.jsonl": (
        "python benchmarks/mode_coverage.py --datasets=grid25 --time_budget_s=60 --seeds=0,1,2 "
        "--configs=gan,topk50,topk75 --json=benchmarks/results/mode_coverage_grid25_60s_topk.jsonl"),
    "mode_coverage_grid25_topk.jsonl": (
        "python benchmarks/mode_coverage.py --datasets=grid25 --time_budget_s=0 --steps=8000 --seeds=0,1,2 "
        "--configs=gan,topk50,topk75 --json=benchmarks/results/mode_coverage_grid25_topk.jsonl"),
}


def load(name):
    """The JSON lines of one results file, or [] if it has not been produced."""
    path = os.path.join(RESULTS, name)
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [json.loads(line) for line in f if line.startswith("{")]


def _machine(records):
    machine = next((r["machine"] for r in records if "machine" in r), None)
    if machine:
        cpu = {True: "; the CPU has AVX-512", False: "; the CPU lacks AVX-512"}.get(machine.get("avx512"), "")
        return (f"{machine['cpu_count']} CPU cores, {machine['gpus']} GPUs, TensorFlow {machine['tensorflow']}, "
                f"Keras {machine['keras']}{cpu}")
    record = records[0]
    if "cpu_count" in record:
        return f"{record['cpu_count']} CPU cores, TensorFlow {record['tensorflow']}"
    return "2 CPU cores, no GPU, TensorFlow 2.21, Keras 3.15"


def by_setting(records):
    """``{(players, jit_compile, mixed_precision, image_size, batch_size): {(way, data): record}}``."""
    settings = {}
    for r in records:
        key = (r.get("players", "dcgan"), r["jit_compile"], r["mixed_precision"], r["image_size"], r["batch_size"])
        settings.setdefault(key, {})[(r["way"], r["data"])] = r
    return settings


def throughput_table(records):
    """One row per (players, XLA, precision, image size, batch): step time of every way and the ratios that matter."""
    lines = ["| players | XLA | mixed precision | image | batch | keras_gans fit (ms/step) | guide train_step | "
             "train_on_batch | keras_gans from tf.data | tf.data alone (ms/batch) | guide / keras_gans | "
             "train_on_batch / keras_gans | keras_gans img/s | GFLOP/s (matmul peak) | share of peak |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for (players, jit, mixed, size, batch), ways in by_setting(records).items():
        ours = ways.get(("keras_gans", "memory"))
        if ours is None:
            continue

        def ms(way, source="memory"):
            r = ways.get((way, source))
            return f"{r['step_ms']:.1f}" if r else "n/a"

        def ratio(way):
            r = ways.get((way, "memory"))
            return f"{r['step_ms'] / ours['step_ms']:.2f}×" if r else "n/a"

        alone = ways.get(("keras_gans", "pipeline"), {}).get("pipeline_alone_ms_per_batch")
        lines.append(f"| {players} | {'on' if jit else 'off'} | {'on' if mixed else 'off'} | {size}×{size} | "
                     f"{batch} | "
                     f"{ms('keras_gans')} | {ms('guide')} | {ms('train_on_batch')} | "
                     f"{ms('keras_gans', 'pipeline')} | {'n/a' if alone is None else f'{alone:.2f}'} | "
                     f"{ratio('guide')} | {ratio('train_on_batch')} | "
                     f"{ours['images_per_s']:.0f} | {ours['achieved_gflops']:.1f} ({ours['matmul_gflops']:.0f}) | "
                     f"{100 * ours['achieved_gflops'] / ours['matmul_gflops']:.0f}% |")
    return "\n".join(lines) + "\n"


def _ms_more(milliseconds):
    """``"12 ms more"`` or ``"12 ms less"``."""
    return f"{abs(milliseconds):.0f} ms {'more' if milliseconds >= 0 else 'less'}"


def throughput_summary(records):
    """Sentences with the ranges of the ratios across the settings of the table."""
    settings = by_setting(records)
    guide, tob, extra, feed = [], [], [], []
    for ways in settings.values():
        ours = ways.get(("keras_gans", "memory"))
        if ours is None:
            continue
        if ("guide", "memory") in ways:
            guide.append(ways[("guide", "memory")]["step_ms"] / ours["step_ms"])
        if ("train_on_batch", "memory") in ways:
            tob.append(ways[("train_on_batch", "memory")]["step_ms"] / ours["step_ms"])
            extra.append(ways[("train_on_batch", "memory")]["step_ms"] - ours["step_ms"])
        pipeline = ways.get(("keras_gans", "pipeline"), {})
        if "pipeline_alone_ms_per_batch" in pipeline:
            feed.append(pipeline["pipeline_alone_ms_per_batch"] / ours["step_ms"])
    sentences = []
    for (players, jit, mixed, size, batch), ways in settings.items():
        full = settings.get((players, jit, False, size, batch), {}).get(("keras_gans", "memory"))
        if mixed and full and ("keras_gans", "memory") in ways:
            sentences.append(f"mixed_float16 makes the {size}×{size}, batch-{batch} step "
                             f"{ways[('keras_gans', 'memory')]['step_ms'] / full['step_ms']:.1f}× as long on this "
                             "CPU, which has no float16 arithmetic; the flag is meant for GPUs.")
    if guide:
        sentences.append(f"Over the {len(guide)} settings, the Keras-guide `train_step` takes "
                         f"{min(guide):.2f}–{max(guide):.2f}× the time of a keras_gans step.")
    if tob:
        sentences.append(f"`train_on_batch` takes {min(tob):.2f}–{max(tob):.2f}×, which is "
                         f"{_ms_more(min(extra))} to {_ms_more(max(extra))} per step.")
    if feed:
        sentences.append(f"The tf.data pipeline on its own delivers a batch in {100 * min(feed):.1f}–"
                         f"{100 * max(feed):.1f}% of a step's time.")
    return " ".join(sentences)


def conv_ceiling_runs(records):
    """``conv_ceiling.py``'s lines split into runs (each run's lines start with the ``keras_gans`` way)."""
    runs = []
    for r in records:
        if r.get("way") == "keras_gans" or not runs:
            runs.append([])
        runs[-1].append(r)
    return runs


def conv_ceiling_table(records):
    """One row per way of the last run of ``conv_ceiling.py``: step time, rate, share of the peak, and for the
    library's step its share of the bare kernels' rate with the same XLA setting; then a sentence on the
    earlier runs."""
    *earlier, last = conv_ceiling_runs(records)
    timed = [r for r in last if "step_ms" in r]
    kernels = {r["way"].endswith("_xla"): r for r in timed if r["way"].startswith("kernels_nhwc")}
    lines = ["| way | XLA | ms/step | GFLOP/s (matmul peak) | share of peak | of the bare kernels' rate |",
             "| --- | --- | --- | --- | --- | --- |"]
    for r in timed:
        xla = r["way"].endswith("_xla")
        bare = kernels.get(xla)
        of_bare = (f"{100 * bare['step_ms'] / r['step_ms']:.0f}%" if bare and r["way"].startswith("keras_gans")
                   else "")
        lines.append(f"| {r['way']} | {'on' if xla else 'off'} | {r['step_ms']:.1f} | "
                     f"{r['achieved_gflops']:.1f} ({r['matmul_gflops']:.0f}) | {100 * r['share_of_peak']:.0f}% | "
                     f"{of_bare} |")
    for r in last:
        if "unsupported" in r:
            lines.append(f"| {r['way']} | | unsupported: {r['unsupported']} | | | |")
    text = "\n".join(lines) + "\n"
    for run in earlier:
        shares = {r["way"]: f"{100 * r['share_of_peak']:.0f}%" for r in run if "share_of_peak" in r}
        text += ("\nAn earlier run of the command on the same machine: "
                 + ", ".join(f"{way} {share}" for way, share in shares.items()) + " of the peak.\n")
    return text


def serving_table(records):
    """One row per way: batch-1 latency and batch-N throughput."""
    ways = {}
    for r in records:
        ways.setdefault(r["way"], {})[r["measure"]] = r
    lines = ["| way | latency, batch 1 (ms) | throughput (images/s) |", "| --- | --- | --- |"]
    for way, measures in ways.items():
        latency = measures.get("latency_batch_1")
        throughput = next((m for name, m in measures.items() if name.startswith("throughput")), None)
        lines.append(f"| {way} | {latency['ms_per_call']:.2f} | "
                     f"{throughput['images_per_s']:.0f} (batch {throughput['batch_size']}) |")
    return "\n".join(lines) + "\n"


def coverage_tables(records):
    """The mode-coverage summary per dataset, as benchmarks/mode_coverage.py prints it."""
    import mode_coverage  # benchmarks/ is on sys.path when this file runs as a script

    datasets = list(dict.fromkeys(r["dataset"] for r in records))
    return "\n".join(f"**{dataset}**\n\n{table}"
                     for dataset, _, table in mode_coverage.dataset_tables(records, datasets,
                                                                           list(mode_coverage.CONFIGS)))


def _execution_sentence(records):
    """How the runs' steps ran (XLA, steps per call), when the records say so."""
    if any("steps_per_execution" not in r for r in records):
        return ""
    settings = {(r["jit_compile"], r["steps_per_execution"]) for r in records}
    if len(settings) != 1:
        return ""
    jit, steps = settings.pop()
    return (f" Every run used the library's defaults for 2-D points: XLA {'on' if jit else 'off'}, "
            f"{steps} steps per call into TensorFlow.")


def section():
    """The markdown of the Results section."""
    parts = [BEGIN, "", "## Results", "",
             "Generated by `python benchmarks/report.py` from the JSON lines in `benchmarks/results/`. "
             "Each table names the command that produced it and the machine. Times come from a shared "
             "machine, so compare ratios measured in the same run rather than absolute times.", ""]

    throughput = load("throughput.jsonl") + load("throughput_mixed_precision.jsonl")
    if throughput:
        parts += ["### Training speed: one DCGAN step, three ways", "",
                  f"Machine: {_machine(throughput)}. Commands: `{SOURCES['throughput.jsonl']}` and "
                  f"`{SOURCES['throughput_mixed_precision.jsonl']}`.", "",
                  "Same networks, same Adam(2e-4, 0.5), same data in each row: *dcgan* is "
                  "`keras_gans.networks.dcgan` (base width 32, one channel), *tutorial* the TensorFlow DCGAN "
                  "tutorial's players (28×28, dropout in D), *tutorial_philox* the same with "
                  "`keras_gans.layers.Dropout` in D (its masks drawn on Philox). All rows of the first table come "
                  "from one run of the command on a 2-core AVX-512 CPU (AMD EPYC), where TensorFlow's own "
                  "convolutions outrun XLA's on the 64×64 step; the mixed-precision row is from an earlier "
                  "machine. "
                  "Each cell is the median of interleaved timing rounds. *keras_gans from tf.data* reads "
                  "from the real `data.load` pipeline; the other columns use one batch held in memory. "
                  "GFLOP/s is the FLOPs of one step (counted from the layer shapes) divided by the step "
                  "time; the number in brackets is the machine's float32 matmul rate measured in the same "
                  "run, and the share of peak is their ratio.", "",
                  throughput_table(throughput), throughput_summary(throughput), ""]
    other_cpu = load("throughput_no_avx512.jsonl")
    if other_cpu:
        parts += ["### Training speed on a CPU without AVX-512", "",
                  f"Machine: {_machine(other_cpu)}. "
                  f"Command: `{SOURCES['throughput_no_avx512.jsonl']}` (exits 1: the guide's step is the faster "
                  "on the tutorial's players, and the 64×64 step reaches less than 75% of the peak).", "",
                  "The first table's command on a CPU without AVX-512, where XLA makes the 64×64 step faster "
                  "and the library's rule leaves it on (\"XLA on an AVX-512 CPU\").", "",
                  throughput_table(other_cpu), throughput_summary(other_cpu), ""]
    ceiling = load("conv_ceiling.jsonl")
    if ceiling:
        parts += ["### Training speed: the 64×64 DCGAN step's kernels alone", "",
                  f"Machine: {_machine(ceiling)}. "
                  f"Command: `{SOURCES['conv_ceiling.jsonl']}` (exits 1: the 75% goal is beyond the kernels).", "",
                  "*keras_gans* is the step of the table above (batch 64, one channel, base width 32); "
                  "*kernels_nhwc* runs the same convolutions and dense layers, forward and backward, as often, "
                  "with nothing else (no bias, batch norm or activation; plain gradient descent), so its rate is "
                  "the most any step around these kernels can reach. *kernels_nchw*, *kernels_nchw_xla*: the "
                  "other data layout. Medians of interleaved rounds; the matmul peak is measured in the same "
                  "run.", "",
                  conv_ceiling_table(ceiling)]
    serving = load("serving.jsonl")
    if serving:
        parts += ["### Serving an exported generator", "",
                  f"Machine: {_machine(serving)}. Command: `{SOURCES['serving.jsonl']}`.", "",
                  "A DCGAN generator for 32×32 images, exported by `keras_gans.export`, is called through its "
                  "SavedModel `serving_default` signature, which is what TensorFlow Serving runs. The same "
                  "generator is also called through `model.predict` and directly.", "",
                  serving_table(serving)]
    for name, title in (("mode_coverage_60s.jsonl", "Mode coverage at equal training time"),
                        ("mode_coverage_ring8_30s_b128.jsonl", "Mode coverage on ring8 at 30 s, batches of 128"),
                        ("mode_coverage_grid25_60s_r1.jsonl",
                         "Mode coverage on grid25 at 60 s, batches of 128: the R1 penalty"),
                        ("mode_coverage_grid25_60s_packed.jsonl",
                         "Mode coverage on grid25 at 60 s: PacGAN, unrolled, the published players"),
                        ("mode_coverage_grid25.jsonl", "Mode coverage at equal generator steps (grid25, 8000)"),
                        ("mode_coverage_ring8_30s_topk.jsonl",
                         "Top-k training on ring8 at 30 s, batches of 128, beside the plain GAN on the same day"),
                        ("mode_coverage_grid25_60s_topk.jsonl",
                         "Top-k training on grid25 at 60 s, beside the plain GAN on the same day"),
                        ("mode_coverage_grid25_topk.jsonl",
                         "Top-k training at equal generator steps (grid25, 8000; two runs shared the CPU, "
                         "so train times are not comparable)")):
        records = load(name)
        if records:
            parts += [f"### {title}", "", f"Machine: {_machine(records)}. Command: `{SOURCES[name]}`.", "",
                      "VEEGAN / PacGAN protocol: 2,500 samples. A sample is high quality within 3 std of its "
                      "nearest mode, and a mode is covered when it has at least one high-quality sample. "
                      "Reverse KL is computed from the mode histogram of the high-quality samples against "
                      "uniform. *First full coverage* is measured in training seconds "
                      + ("after compilation." if all("compile_time_s" in r for r in records) else
                         "from the start of `fit`, compilation included (an older run, on a machine "
                         "shared with other jobs).")
                      + _execution_sentence(records), "",
                      coverage_tables(records)]
    parts += [END]
    return "\n".join(parts) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--print", action="store_true", help="print the section, leave README.md alone")
    args = parser.parse_args()
    text = section()
    if args.print:
        print(text)
        return
    readme_path = os.path.join(ROOT, "README.md")
    with open(readme_path) as f:
        readme = f.read()
    if BEGIN in readme and END in readme:
        before, rest = readme.split(BEGIN, 1)
        after = rest.split(END, 1)[1]
        readme = before + text.rstrip("\n") + after
    else:
        readme = readme.rstrip("\n") + "\n\n" + text
    with open(readme_path, "w") as f:
        f.write(readme)
    print(f"wrote the Results section of {readme_path}")


if __name__ == "__main__":
    main()
