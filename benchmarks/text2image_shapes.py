"""GAN, GAN-CLS, GAN-INT and GAN-INT-CLS on the captioned shapes at equal training time (Reed et al. 2016).

    python benchmarks/text2image_shapes.py --out=/tmp/t2i            # 4 x 10 CPU minutes, then the measures
    python benchmarks/text2image_shapes.py --out=/tmp/t2i --seed=1   # the claim on another seed
    # the four trainings as two processes, then the measures (the trained models are kept in --out;
    # start the second once the first has written --out/text_encoder_seed0.keras, or both pre-train it):
    python benchmarks/text2image_shapes.py --out=/tmp/t2i --only=GAN,GAN-CLS --no_measures &
    python benchmarks/text2image_shapes.py --out=/tmp/t2i --only=GAN-INT,GAN-INT-CLS --no_measures
    python benchmarks/text2image_shapes.py --out=/tmp/t2i --record --pictures
    # one configuration with other settings (flags appended to the flagfile, the encoder's included):
    python benchmarks/text2image_shapes.py --out=/tmp/t2i_half --only=GAN-INT-CLS --flags='--wrong_shape_share=0.5'
    # a run of a set length, so that a learning-rate schedule decays over it (10 epochs of the flagfile):
    python benchmarks/text2image_shapes.py --out=/tmp/t2i_decay --only=GAN-INT-CLS --steps=7820 --cpu_minutes=120 \
        --flags='--lr_decay_to=0'

One text encoder is pre-trained on the training captions (``--pretrain_steps``)
and shared by the four configurations; how well phi(t) alone tells each
attribute apart is printed (``phi_reads``: the share of held-out captions
nearer, by cosine, to the mean phi(t) of their own value of the attribute
than to any other value's). The configurations then train
``apps/configs/text2image_shapes.cfg`` (``--flags`` appended; its ``--keep_best`` off, the
benchmark keeping its own model as below) for the same CPU time each
(``--cpu_minutes`` of process CPU time, which other jobs on the machine do
not use up, counted from the end of the first step, which traces it; the
older lines of the results file counted from the start of training: a few
seconds more); a configuration already trained in ``--out`` is read back
(``<configuration>/model.keras``) instead. The shapes judge (trained on
real 64-px images; smaller images are upsampled to it, as in
``conditional_shapes.py``, since a judge trained at 32 px reads real 32-px
shapes at 85% only) then reads one image per caption and is compared with
what the caption names: shape, colour, position cell and size bin, and all
four at once, on 1,000 held-out captions (``test``: attribute combinations
seen in training) and, separately, 1,000 captions of the shape-colour pairs
left out of training (``test_unseen``); each split's ``by_value`` gives the
shape read right per shape named and the size bin per bin named, and
``read_as`` what the judge reads instead (per value named, the share of its
images read as each other value). With
``--checkpoint_minutes=30,60`` each configuration is also measured on the
way, when its CPU time first passes each value (the line's ``checkpoints``;
the measuring is not charged to the budget). Prints one JSON line per
configuration and a summary; appends them to
``benchmarks/results/text2image_shapes.jsonl`` (with ``--record``) and
writes the pictures of ``docs/text2image/`` (with ``--pictures``):

- ``<configuration>.png``: held-out and unseen captions above 8 samples each;
- ``style.png``: a caption fixed and z varied; the summary's ``style``
  holds, over 64 z per caption, how often the judge reads each named
  attribute (and all of them) and the spread of the background colour
  (mean absolute deviation of the corner pixels, in [0, 255] levels);
- ``z_interpolation.png`` and ``caption_interpolation.png``: z moving
  between two points at a fixed caption, and phi(t) moving between two
  captions at a fixed z.

The target (exit status 1 when missed): GAN-INT-CLS, the paper's model,
reads back at least ``TARGET_ALL`` of held-out captions on all four
attributes and ``TARGET_UNSEEN`` of unseen ones on shape and colour. The
model judged is the one the run keeps: at each checkpoint and at the end
the judge also reads one image per validation caption (the 1,000 held-out
captions after those measured, other z), and the best there on all four
attributes is kept (``<configuration>/best.keras``; the line's ``kept``,
with its measures on both splits), so the choice never sees ``test``;
without ``--checkpoint_minutes`` that is the end (ties keep the earlier
point). The summary's ``last_targets_met`` says whether the end met the
target; the claim, the style check and the pictures are of the end. The
paper's claim (the matching-aware D and the interpolation help) is reported
in the summary (``claim``: per split and attribute, whether each option
raises the agreement both alone and beside the other), not enforced.
"""

import argparse
import json
import os
import shutil
import sys
import tempfile
import time

import keras
import numpy as np

from _common import ROOT  # benchmarks/ is on sys.path when run as a script
from _shapes_measures import JUDGE_SIZE, as_judged, budgeted, checkpoint_minutes, confusion, shapes_judge

sys.path.insert(0, ROOT)

from keras_gans import callbacks, cli, data, experiment, images, judges, text_pretraining  # noqa: E402
from keras_gans.data import shapes, shapes_captions  # noqa: E402
from keras_gans.experiments import text2image  # noqa: E402
from keras_gans.metrics.attributes import attribute_accuracy  # noqa: E402
from keras_gans.networks import text_encoder  # noqa: E402

CONFIGURATIONS = {"GAN": (0.0, 0.0), "GAN-CLS": (0.5, 0.0), "GAN-INT": (0.0, 1.0), "GAN-INT-CLS": (0.5, 1.0)}
FLAGFILE = os.path.join(ROOT, "apps", "configs", "text2image_shapes.cfg")
RESULTS = os.path.join(ROOT, "benchmarks", "results", "text2image_shapes.jsonl")
PICTURES = os.path.join(ROOT, "docs", "text2image")
TARGET_ALL, TARGET_UNSEEN = 0.5, 0.5
NUM_CAPTIONS = 1000
ATTRIBUTES = ("shape", "color", "size_bin", "cell", "all")
SPLITS = ("test", "test_unseen")
STYLE_CAPTIONS = ["a large red circle in the center", "a small yellow star at the top left",
                  "a big blue square on the right"]
INTERPOLATIONS = [("a large red circle in the center", "a large blue circle in the center"),
                  ("a medium green triangle in the top left corner",
                   "a medium green triangle in the bottom right corner"),
                  ("a small purple heart in the center", "a large purple heart in the center")]


def shapes_configs(seed, out, name, cls_weight, interp_weight, encoder, flags="", steps=None):
    """The configs of ``text2image_shapes.cfg`` (``flags`` appended) for one configuration, its outputs under
    ``out/name``; a run of ``steps`` generator steps (the span of ``--lr_decay_to``), or one longer than any CPU
    budget."""
    # The flagfile's --keep_best off: the benchmark keeps its own best model, on the same validation captions;
    # --flags that turn it back on, in any spelling absl reads, are refused.
    config, run = cli.configs_from_args(text2image.TextToImageExperiment(),
                                        [f"--flagfile={FLAGFILE}", "--nokeep_best", *flags.split()])
    if config.keep_best:
        raise SystemExit("--flags=--keep_best: the benchmark keeps its own best model (see --checkpoint_minutes)")
    config = config.replace(cls_weight=cls_weight, interp_weight=interp_weight, text_encoder=encoder)
    epochs, steps_per_epoch = (1, steps) if steps else (10_000, 100)
    run = run.replace(seed=seed, model_dir=os.path.join(out, name), export=False, epochs=epochs,
                      steps_per_epoch=steps_per_epoch, sample_every=10_000, resume=False)
    return config, run


def train(name, seed, out, encoder, cpu_seconds, flags="", checkpoint_seconds=(), steps=None):
    """Trains one configuration for ``cpu_seconds`` of CPU time or ``steps`` generator steps, whichever ends
    first (or reads it back); returns (model, line).

    At each of ``checkpoint_seconds`` the model is measured on the way (the judge's agreement on both splits,
    in the line's ``checkpoints``), so one long run gives the curve. Each checkpoint and the end are also read
    on the validation captions; the best of them there is kept (``best.keras``, the line's ``kept``)."""
    path, record = os.path.join(out, name, "model.keras"), os.path.join(out, name, "training.json")
    if os.path.isfile(path) and os.path.isfile(record):
        with open(record) as file:
            return keras.saving.load_model(path, compile=False), json.load(file)
    cls_weight, interp_weight = CONFIGURATIONS[name]
    config, run = shapes_configs(seed, out, name, cls_weight, interp_weight, encoder, flags, steps)
    checkpoints, kept, trained = [], {}, {}

    def keep_if_best(point, save):
        if not kept or point["validation"]["all"] > kept["validation"]["all"]:
            kept.clear()
            kept.update({key: point[key] for key in ("cpu_minutes", "steps", "validation", *SPLITS) if key in point})
            save(os.path.join(out, name, "best.keras"))

    def measure_on_the_way(model, seconds, steps_this_fit):
        del steps_this_fit  # the optimizer's count is the run's
        judge = shapes_judge()
        point = {"cpu_minutes": round(seconds / 60, 2), "steps": int(model.g_optimizer.iterations.numpy()),
                 "validation": validation_agreement(model, judge, seed),
                 **{split: agreement(model, judge, split, seed) for split in SPLITS}}
        checkpoints.append(point)
        keep_if_best(point, model.save)
        print(json.dumps({"configuration": name, "checkpoint": point}), flush=True)

    def keep_model(ctx, model):
        trained["model"] = model
        return {}

    timed = budgeted(text2image.TextToImageExperiment(), cpu_seconds, keep_model, checkpoint_seconds,
                     measure_on_the_way)
    started = time.time()
    results = experiment.run(config, run, experiment=timed)
    model, cpu_seconds = trained["model"], results["evaluation"]["cpu_train_s"]
    line = {"configuration": name, "cls_weight": cls_weight, "interp_weight": interp_weight, "seed": seed,
            "steps": results["steps"], "cpu_seconds": cpu_seconds, "wall_seconds": round(time.time() - started, 1),
            **({"checkpoints": checkpoints} if checkpoints else {})}
    model.save(path)
    line["validation"] = validation_agreement(model, shapes_judge(), seed)
    keep_if_best({"cpu_minutes": round(cpu_seconds / 60, 2), "steps": results["steps"],
                  "validation": line["validation"]}, lambda best: shutil.copyfile(path, best))
    line["kept"] = dict(kept)
    with open(record, "w") as file:
        json.dump(line, file)
    return model, line


def phi_reads(encoder_path):
    """How well phi(t) alone tells each attribute apart, on the 1,000 held-out captions.

    For each attribute, the share of captions whose phi(t) (unit length) is
    nearer, by cosine, to the mean of the captions naming the same value than
    to the mean of any other value's: 1 when the attribute dominates phi's
    geometry, about one over the number of values when phi does not carry it.
    """
    encoder = keras.saving.load_model(encoder_path, compile=False)
    captions = data.load_captions("shapes/captions", split="test", num_examples=NUM_CAPTIONS)
    phi = text_encoder.encode(encoder, captions)
    phi /= np.linalg.norm(phi, axis=1, keepdims=True)
    reads = {}
    for name, values in shapes_captions.parse_captions(captions).items():
        kinds = np.unique(values)
        centres = np.stack([phi[values == kind].mean(axis=0) for kind in kinds])
        reads[name] = round(float(np.mean(kinds[np.argmax(phi @ centres.T, axis=1)] == values)), 4)
    return reads


def read_back(judge, images, captions, by_value=False):
    """The judge's agreement of ``images`` (upsampled to it) with their ``captions``, rounded for the JSON lines;
    with ``by_value``, also (``by_value``) for each shape and size bin a caption can name the share of its images
    whose shape (size bin) is read as named, so the weakest attributes show which of their values fail, and
    (``read_as``) what the images not read as named are read as instead: per value named, the share of its images
    read as each other value (nonzero shares only)."""
    named = shapes_captions.parse_captions(captions)
    read = judges.predict_attributes(judge, as_judged(images))
    scores = {name: round(float(value), 4) for name, value in attribute_accuracy(named, read).items()}
    if by_value:
        scores["by_value"], scores["read_as"] = {}, {}
        for attribute, values in (("shape", shapes.SHAPES), ("size_bin", shapes.SIZE_BINS)):
            counts = confusion(named[attribute], read[attribute], len(values))
            shares = {value: counts[index] / counts[index].sum()
                      for index, value in enumerate(values) if counts[index].any()}
            scores["by_value"][attribute] = {value: round(float(row[values.index(value)]), 4)
                                             for value, row in shares.items()}
            scores["read_as"][attribute] = {value: {other: round(float(row[index]), 4)
                                                    for index, other in enumerate(values)
                                                    if other != value and row[index] > 0}
                                            for value, row in shares.items()}
    return scores


def agreement(model, judge, split, seed):
    """The judge's reading of one image per caption of ``split`` against what the caption names, overall and
    (``by_value``, ``read_as``) per shape and size bin."""
    captions = data.load_captions("shapes/captions", split=split, num_examples=NUM_CAPTIONS)
    return read_back(judge, judges.images_for_captions(model, captions, seed=seed + 5), captions, by_value=True)


def validation_agreement(model, judge, seed):
    """The judge's agreement on the validation captions: the 1,000 held-out captions after those measured
    (``test``), with other z; what picks the model a run keeps, so that ``test`` stays unseen by the choice."""
    captions = text2image.validation_captions()
    return read_back(judge, judges.images_for_captions(model, captions, seed=seed + 17), captions)


def style_and_content(model, judge, seed):
    """With the caption fixed and z varied: how often every named attribute is read, and the background spread."""
    z = callbacks.fixed_latent(seed + 7, 64, model.latent_dim)
    report, rows = {}, []
    for caption in STYLE_CAPTIONS:
        generated = keras.ops.convert_to_numpy(model.generate(z, caption))
        read = read_back(judge, generated, [caption] * len(z))
        corners = images.to_uint8(generated)[:, [0, 0, -1, -1], [0, -1, 0, -1]].mean(axis=1)  # [64, 3]
        report[caption] = {"read": {name: read[name] for name in ATTRIBUTES},
                           "background_spread": round(float(np.mean(np.abs(corners - corners.mean(axis=0)))), 2)}
        rows.append(generated[:8])
    return report, np.stack(rows)


def interpolation_rows(model, seed, steps=8):
    """Rows of z interpolated at fixed captions, and of phi(t) interpolated at a fixed z."""
    weights = np.linspace(0.0, 1.0, steps, dtype=np.float32)[:, None]
    z_ends = callbacks.fixed_latent(seed + 11, 2, model.latent_dim)
    z_line = (1.0 - weights) * z_ends[0] + weights * z_ends[1]
    z_rows = [keras.ops.convert_to_numpy(model.generate(z_line, caption)) for caption in STYLE_CAPTIONS]
    z_fixed = np.repeat(callbacks.fixed_latent(seed + 13, 1, model.latent_dim), steps, axis=0)
    caption_rows = []
    for first, last in INTERPOLATIONS:
        ends = keras.ops.convert_to_numpy(model.encode([first, last]))
        line = (1.0 - weights) * ends[0] + weights * ends[1]
        caption_rows.append(keras.ops.convert_to_numpy(model.generate_from_embeddings(z_fixed, line)))
    return np.stack(z_rows), np.stack(caption_rows)


def sample_picture(model, seed):
    captions = (data.load_captions("shapes/captions", split="test", num_examples=3)
                + data.load_captions("shapes/captions", split="test_unseen", num_examples=3))
    z = callbacks.fixed_latent(seed, 8, model.latent_dim)
    rows = [keras.ops.convert_to_numpy(model.generate(z, caption)) for caption in captions]
    labels = [f"{caption} (held out)" for caption in captions[:3]] + [f"{caption} (unseen pair)"
                                                                      for caption in captions[3:]]
    return images.captioned_rows(np.stack(rows), labels)


def claim(scores):
    """Whether each option helps, per split and attribute: it must raise the judge's agreement both when
    added to the plain GAN and when added to the other option (GAN-CLS and GAN-INT-CLS over GAN and
    GAN-INT for the matching-aware D; GAN-INT and GAN-INT-CLS over GAN and GAN-CLS for the interpolation)."""
    pairs = {"cls_helps": (("GAN-CLS", "GAN"), ("GAN-INT-CLS", "GAN-INT")),
             "int_helps": (("GAN-INT", "GAN"), ("GAN-INT-CLS", "GAN-CLS"))}
    return {split: {attribute: {option: all(scores[with_it][split][attribute] > scores[without][split][attribute]
                                            for with_it, without in pairs[option])
                                for option in pairs}
                    for attribute in ATTRIBUTES}
            for split in SPLITS}


def meets_targets(measured):
    """Whether a model's ``test`` and ``test_unseen`` agreement meet :data:`TARGET_ALL` and :data:`TARGET_UNSEEN`."""
    return bool(measured["test"]["all"] >= TARGET_ALL
                and min(measured["test_unseen"]["shape"], measured["test_unseen"]["color"]) >= TARGET_UNSEEN)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--cpu_minutes", type=float, default=10.0, help="CPU time of each configuration.")
    parser.add_argument("--steps", type=int, default=None, help="Also stop each configuration after this many "
                        "generator steps, the length of its run (over which --lr_decay_to decays the learning "
                        "rates); default: --cpu_minutes alone.")
    parser.add_argument("--pretrain_steps", type=int, default=1500, help="Steps of the encoder's pre-training.")
    parser.add_argument("--only", default=",".join(CONFIGURATIONS), help="Configurations to run.")
    parser.add_argument("--out", default=None, help="Folder for the runs (default: a temporary one).")
    parser.add_argument("--no_measures", action="store_true", help="Train (and keep in --out) only.")
    parser.add_argument("--record", action="store_true", help=f"Append the lines to {RESULTS}.")
    parser.add_argument("--pictures", action="store_true", help=f"Write the pictures to {PICTURES}.")
    parser.add_argument("--flags", default="", help="Flags appended to the flagfile, space-separated.")
    parser.add_argument("--checkpoint_minutes", default="", help="Comma-separated CPU-minutes below --cpu_minutes "
                        "at which each configuration is also measured on the way (not charged to the budget); "
                        "the best of these points and the end on the validation captions is the model kept.")
    args = parser.parse_args()
    if args.steps is not None and args.steps < 1:
        parser.error(f"--steps={args.steps}: must be a positive number of generator steps.")
    args.checkpoint_minutes = checkpoint_minutes(parser, args.checkpoint_minutes, "--cpu_minutes", args.cpu_minutes)
    out = args.out or tempfile.mkdtemp(prefix="text2image_shapes_")
    names = args.only.split(",")
    unknown = sorted(set(names) - set(CONFIGURATIONS))
    if unknown:
        parser.error(f"--only={args.only}: unknown configurations {unknown}; choose from {list(CONFIGURATIONS)}.")

    config, run = shapes_configs(args.seed, out, "encoder", 0.0, 0.0, None, args.flags)
    encoder_path = os.path.join(out, f"text_encoder_seed{args.seed}.keras")
    if not os.path.isfile(encoder_path):
        keras.utils.set_random_seed(args.seed)
        encoder, report = text_pretraining.pretrain(
            config.replace(pretrain_steps=args.pretrain_steps), run.dataset, image_size=run.image_size,
            seed=args.seed, content_key=text2image.content_key(run.dataset), evaluation_split="test")
        os.makedirs(out, exist_ok=True)
        encoder.save(encoder_path)
        print(json.dumps({"text_encoder": report}), flush=True)
    reads = phi_reads(encoder_path)
    print(json.dumps({"phi_reads": reads}), flush=True)
    lines, models = [], {}
    for name in names:
        model, line = train(name, args.seed, out, encoder_path, args.cpu_minutes * 60, args.flags,
                            [minutes * 60 for minutes in args.checkpoint_minutes], args.steps)
        models[name] = model
        lines.append(line)
        print(json.dumps(line), flush=True)
    if args.no_measures:
        return

    judge = shapes_judge()
    judge_name = f"judges.train_shapes_judge at {JUDGE_SIZE} px, smaller images upsampled bicubically"
    print(json.dumps({"judge": judge_name}), flush=True)
    real = {"configuration": "real images"}
    for split in SPLITS:
        captions = data.load_captions("shapes/captions", split=split, num_examples=NUM_CAPTIONS)
        batch = next(iter(data.load("shapes/captions", split=split, batch_size=NUM_CAPTIONS, shuffle=False,
                                    image_size=run.image_size, num_examples=NUM_CAPTIONS)))
        real[split] = read_back(judge, batch[0], captions, by_value=True)
    print(json.dumps(real), flush=True)
    command = (f"python benchmarks/text2image_shapes.py --seed={args.seed} --cpu_minutes={args.cpu_minutes:g} "
               f"--pretrain_steps={args.pretrain_steps}" + (f" --steps={args.steps}" if args.steps else "")
               + (f" --flags='{args.flags}'" if args.flags else "")
               + (f" --checkpoint_minutes={','.join(f'{m:g}' for m in args.checkpoint_minutes)}"
                  if args.checkpoint_minutes else ""))
    for line, name in zip(lines, names):
        line.update({split: agreement(models[name], judge, split, args.seed) for split in SPLITS},
                    command=command)
        if "kept" in line and "test" not in line["kept"]:  # the end, measured just now (or an older record's point)
            kept_point = next((point for point in line.get("checkpoints", ())
                               if point["steps"] == line["kept"]["steps"]), line)
            line["kept"].update({split: kept_point[split] for split in SPLITS})
        print(json.dumps(line), flush=True)
    summary = {"summary": True, "seed": args.seed, "cpu_minutes": args.cpu_minutes, "judge": judge_name,
               "phi_reads": reads, "command": command}
    scores = {line["configuration"]: line for line in lines}
    if "GAN-INT-CLS" in models:
        style, style_rows = style_and_content(models["GAN-INT-CLS"], judge, args.seed)
        summary["style"] = style
        last = scores["GAN-INT-CLS"]
        summary["targets_met"] = meets_targets(last.get("kept", last))
        summary["last_targets_met"] = meets_targets(last)
    if len(scores) == len(CONFIGURATIONS):
        summary["claim"] = claim(scores)
    print(json.dumps(summary), flush=True)
    if args.record:
        with open(RESULTS, "a") as file:
            for line in lines + [real, summary]:
                file.write(json.dumps(line) + "\n")
    if args.pictures:
        os.makedirs(PICTURES, exist_ok=True)
        for name, model in models.items():
            images.save_png(sample_picture(model, args.seed), os.path.join(PICTURES, f"{name.lower()}.png"))
        if "GAN-INT-CLS" in models:
            model = models["GAN-INT-CLS"]
            images.save_png(images.captioned_rows(style_rows, STYLE_CAPTIONS), os.path.join(PICTURES, "style.png"))
            z_rows, caption_rows = interpolation_rows(model, args.seed)
            images.save_png(images.captioned_rows(z_rows, STYLE_CAPTIONS),
                            os.path.join(PICTURES, "z_interpolation.png"))
            images.save_png(images.captioned_rows(caption_rows, [f"{a}  ->  {b}" for a, b in INTERPOLATIONS]),
                            os.path.join(PICTURES, "caption_interpolation.png"))
    if not summary.get("targets_met", True):
        sys.exit(1)


if __name__ == "__main__":
    main()
