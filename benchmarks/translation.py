"""Image-to-image benchmarks: the embedded-data configs of the translation apps, measured.

    python benchmarks/translation.py                       # all of them, one process each
    python benchmarks/translation.py --model=cyclegan      # one

Each model runs its app's experiment in-process from the app's embedded
flagfile (``apps/configs/<app>_<data>.cfg``), exactly as
``python apps/<app>.py --flagfile=...`` trains it, plus a callback that
measures the model on held-out pairs after every epoch. One JSON line per
measurement:

- ``cyclegan`` (digits2bold): the held-out cycle L1 both ways after every epoch
  (it should fall) and, at the end, how often a classifier trained on the
  target domain recognizes the translated digit as the digit that went in
  (``digit_identity``; target >= 0.8).
- ``pix2pix`` (blurred2digits): L1, PSNR and sharpness (gradient energy) of the
  translations of the held-out pairs, for Pix2Pix and for the same U-Net
  trained with L1 alone (``--adversarial_weight=0``), from the same seed.
- ``srgan`` (photos_x4): PSNR and sharpness on held-out patches of the
  unseen photo for bicubic upsampling, SRResNet (the end of the MSE-only
  pretraining epochs) and SRGAN (the end).
- ``discogan`` (digits2bold): as cyclegan.

On the unpaired digit sets ``digit_identity`` also reports how many
translations the domain judge places in the target domain (``*_in_domain``)
and how many both keep the digit and arrive (``*_both``), and each such run
ends with the same figures for a translator that returns its input (variant
``copy``), the score of not translating at all.

Extra arguments after the options are passed to the app as flags
(e.g. ``--epochs=2``). Outputs go to a temporary folder.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CONFIGS = {"cyclegan": "cyclegan_digits", "pix2pix": "pix2pix_digits", "srgan": "srgan_photos",
           "discogan": "discogan_digits"}
RUNS = {"pix2pix": [("pix2pix", []), ("l1_alone", ["--adversarial_weight=0"])]}


class Copier:
    """A translator that returns its input: what not translating at all scores."""

    @staticmethod
    def translate(images, direction=None):
        return images


def emit(record):
    print(json.dumps(record), flush=True)


def run_variant(app_name, variant, extra_flags, model_dir):
    """Runs one app config in this process and emits its per-epoch and final measures."""
    sys.path.insert(0, ROOT)
    import keras
    from absl import flags

    from keras_gans import cli, data, experiment, experiments
    from keras_gans.experiments import translation

    registered = experiments.get(app_name)
    flag_values = flags.FlagValues()
    cli.define_experiment_flags(registered, flag_values)
    flagfile = os.path.join(ROOT, "apps", "configs", f"{CONFIGS[app_name]}.cfg")
    flag_values([app_name, f"--flagfile={flagfile}", f"--model_dir={model_dir}", "--noexport", *extra_flags])
    config, run_config = cli.configs_from_flags(registered, flag_values)
    started = time.time()

    class Measure(keras.callbacks.Callback):
        def __init__(self, spec):
            super().__init__()
            self.held_out = translation.held_out(spec.name, image_size=run_config.image_size)
            self.unpaired = data.translation_kind(spec.name) == "unpaired"

        def on_epoch_end(self, epoch, logs=None):
            first, second, _ = self.held_out
            measure = translation.cycle_measures if self.unpaired else translation.paired_measures
            record = {"model": app_name, "variant": variant, "epoch": epoch + 1,
                      "train_logs": {k: round(float(v), 4) for k, v in (logs or {}).items()}}
            record.update({k: round(v, 4) for k, v in measure(self.model, first, second).items()})
            if getattr(self.model, "pretrain_steps", 0) and epoch + 1 == config.pretrain_epochs:
                record["phase"] = "end of the content-only pretraining (SRResNet)"
            emit(record)

    class Measured(type(registered)):
        def callbacks(self, ctx, model):
            return [Measure(ctx.spec)]

    results = experiment.run(config, run_config, experiment=Measured())
    emit({"model": app_name, "variant": variant, "final": True, "flagfile": os.path.relpath(flagfile, ROOT),
          "extra_flags": extra_flags, "evaluation": results["evaluation"], "steps": results["steps"],
          "wall_time_s": round(time.time() - started, 1)})
    if "digit_identity" in results["evaluation"]:
        emit({"model": app_name, "variant": "copy", "final": True, "evaluation": {"digit_identity": {
            key: round(value, 4) for key, value in translation.digit_identity(
                Copier(), run_config.dataset, image_size=run_config.image_size, seed=run_config.seed).items()}}})


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", choices=sorted(CONFIGS), action="append",
                        help="Model(s) to benchmark; default all.")
    parser.add_argument("--variant", help=argparse.SUPPRESS)  # internal: one run per process
    args, extra = parser.parse_known_args()
    if args.variant:
        (app_name,) = args.model
        variant_flags = dict(RUNS.get(app_name, [(app_name, [])]))[args.variant]
        with tempfile.TemporaryDirectory() as model_dir:
            run_variant(app_name, args.variant, variant_flags + extra, model_dir)
        return
    emit({"machine": f"{os.cpu_count()} CPU cores", "python": sys.version.split()[0]})
    for app_name in args.model or sorted(CONFIGS):
        for variant, _ in RUNS.get(app_name, [(app_name, [])]):
            command = [sys.executable, os.path.abspath(__file__), f"--model={app_name}", f"--variant={variant}", *extra]
            with subprocess.Popen(command, stdout=subprocess.PIPE, text=True, cwd=ROOT) as child:
                for line in child.stdout:  # JSON lines to stdout, Keras's progress lines to stderr
                    print(line, end="", file=sys.stdout if line.startswith("{") else sys.stderr, flush=True)
            if child.returncode:
                emit({"model": app_name, "variant": variant, "error": f"exit status {child.returncode}"})


if __name__ == "__main__":
    main()
