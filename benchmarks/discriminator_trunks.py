"""How soon each discriminator trunk can read the shape of a 32-px shapes image, trained as a plain classifier.

    python benchmarks/discriminator_trunks.py                  # seed 0, 1,200 steps per trunk and rate
    python benchmarks/discriminator_trunks.py --seed=1 --record

No model on the embedded shapes draws the shape it is asked for at the CPU
budgets of the shapes benchmarks: its samples are coloured blobs. A
discriminator that cannot tell one outline from another lets blobs pass. This
measures how fast each trunk of the project's discriminators learns the
shape when it is given the answer: the ACGAN discriminator
(:func:`keras_gans.networks.conditional.auxiliary_classifier_discriminator`,
``base_filters=16``, as ``acgan_shapes.cfg``) with its trunk ``dcgan``
(stride-2 4x4 convolutions, batch-normalized after the first) or ``pooled``
(3x3 convolutions and 2x2 max pools, the shapes judge's), each with and
without spectral normalization, and BigGAN's discriminator
(:func:`keras_gans.networks.biggan.discriminator`, spectrally normalized
residual blocks with self-attention at 16x16, ``biggan_shapes.cfg``'s
``channels=8``) with a linear class head on its summed features, or
``biggan_pooled``, the same D with its ``trunk="pooled"`` (the trunk ``biggan_shapes.cfg``
uses, which sums the 4x4 map there) and the head on its flattened 4x4 map, and
``progan``, ProGAN's discriminator (:func:`keras_gans.networks.progan.discriminator`,
``progan_shapes.cfg``'s widths, its 32x32 stage at the end of the fade-in)
with the class logits of the authors' conditional D beside its score, is trained
on its class head alone with
softmax cross-entropy on the real 32-px training images labelled by shape
(batches of 32, Adam with beta_1 = 0.5, at each ``--learning_rates``); the
held-out accuracy on the first ``--test_examples`` test images (chance 1/6)
is read every ``--every`` steps, beside the training accuracy over those
steps (a trunk that stays low on both underfits; it is not memorizing).
``keras_dcgan`` is the DCGAN trunk written with Keras's own layers (the same
widths, kernels, batch normalization and activations, not the project's
blocks): the reference that tells a slow trunk from a fault in the
project's layers. ``--trunks`` picks some of them.

Prints one JSON line per trunk and rate, and a summary; appends them to
``benchmarks/results/discriminator_trunks.jsonl`` with ``--record``. The
claim checked when both are run (exit status 1 when it fails): at the first
learning rate, the pooled trunk without spectral normalization reads the
shape of at least ``--target`` of the held-out images after the last step,
and the DCGAN trunk at least 0.3 less; when ``keras_dcgan`` and ``dcgan``
are both run, the Keras-layer reference ends less than ``REFERENCE_MARGIN``
(0.1) above the project's trunk.
"""

import argparse
import json
import math
import os
import sys
import time

import keras

from _common import ROOT  # benchmarks/ is on sys.path when run as a script

sys.path.insert(0, ROOT)

from keras_gans import cli, data, experiments  # noqa: E402
from keras_gans.networks import biggan, conditional, progan  # noqa: E402

RESULTS = os.path.join(ROOT, "benchmarks", "results", "discriminator_trunks.jsonl")
TRUNKS = {"dcgan": ("dcgan", False), "dcgan_sn": ("dcgan", True), "pooled": ("pooled", False),
          "pooled_sn": ("pooled", True), "biggan": ("biggan", True),
          "biggan_pooled": ("biggan_pooled", True), "keras_dcgan": ("keras_dcgan", False),
          "progan": ("progan", False)}
IMAGE_SIZE = 32
REFERENCE_MARGIN = 0.1  # held-out accuracy keras_dcgan may end above dcgan before the project's blocks are suspect


def flagfile_config(app):
    """The ``(config, run)`` of ``apps/configs/<app>_shapes.cfg``: the widths and batch the readers are built with."""
    return cli.configs_from_flagfile(experiments.get(app), os.path.join(ROOT, "apps", "configs", f"{app}_shapes.cfg"))


class ProGANReader(keras.Model):
    """ProGAN's conditional D at one stage, fully faded in (alpha = 1): ``images -> class logits`` (the score
    left out)."""

    def __init__(self, stage):
        super().__init__(name="progan_shape_reader")
        self.stage = stage

    def call(self, images, training=False):
        return self.stage([images, keras.ops.ones(())], training=training)[:, 1:]


def shape_reader(trunk, spectral_norm, seed):
    """The ACGAN discriminator's ``images -> class logits`` (its real/fake head left out), BigGAN's
    discriminator up to its features with a linear class head, or ProGAN's conditional D's class logits."""
    keras.utils.set_random_seed(seed)
    if trunk == "progan":
        config, _ = flagfile_config("progan")
        full = progan.discriminator((IMAGE_SIZE, IMAGE_SIZE, 3), fmap_base=config.fmap_base, fmap_max=config.fmap_max,
                                    mbstd_group_size=config.mbstd_group_size, num_classes=6)
        return ProGANReader(progan.grown_discriminator(full, IMAGE_SIZE))
    if trunk.startswith("biggan"):
        config, _ = flagfile_config("biggan")
        full = biggan.discriminator((IMAGE_SIZE, IMAGE_SIZE, 3), 6, channels=config.channels,
                                    attention_resolution=config.attention_resolution,
                                    trunk="pooled" if trunk == "biggan_pooled" else "residual")
        images = full.get_layer("images").output
        logits = keras.layers.Dense(6, name="class_logits")(full.get_layer("features").output)
        return keras.Model(images, logits, name="biggan_shape_reader")
    config, _ = flagfile_config("acgan")
    if trunk == "keras_dcgan":
        return keras_dcgan_reader(config.base_filters)
    full = conditional.auxiliary_classifier_discriminator((IMAGE_SIZE, IMAGE_SIZE, 3), 6,
                                                          base_filters=config.base_filters,
                                                          spectral_norm=spectral_norm, trunk=trunk)
    return keras.Model(full.inputs, full.outputs[1], name=f"{trunk}_shape_reader")


def keras_dcgan_reader(base_filters):
    """The DCGAN trunk and a class head in plain Keras layers: 4x4 stride-2 convolutions doubling from
    ``base_filters``, batch normalization after all but the first, LeakyReLU 0.2, flattened, linear."""
    images = keras.Input((IMAGE_SIZE, IMAGE_SIZE, 3), name="images")
    x, filters = images, base_filters
    for block in range(int(math.log2(IMAGE_SIZE // 4))):  # stride-2 blocks down to a 4x4 map
        x = keras.layers.Conv2D(filters, 4, strides=2, padding="same", use_bias=block == 0)(x)
        if block:
            x = keras.layers.BatchNormalization()(x)
        x = keras.layers.LeakyReLU(0.2)(x)
        filters *= 2
    logits = keras.layers.Dense(6, name="class_logits")(keras.layers.Flatten()(x))
    return keras.Model(images, logits, name="keras_dcgan_shape_reader")


def learning_curve(trunk, spectral_norm, learning_rate, options):
    """Held-out and training accuracies of one trunk every ``options.every`` steps, and the seconds it took."""
    reader = shape_reader(trunk, spectral_norm, options.seed)
    reader.compile(optimizer=keras.optimizers.Adam(learning_rate, beta_1=0.5),
                   loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    _, run = flagfile_config("acgan")
    train = data.load("shapes", batch_size=run.batch_size, image_size=IMAGE_SIZE, seed=options.seed, repeat=True)
    test = data.load("shapes", split="test", batch_size=500, image_size=IMAGE_SIZE, shuffle=False,
                     num_examples=options.test_examples)
    started = time.time()
    history = reader.fit(train, validation_data=test, epochs=options.steps // options.every,
                         steps_per_epoch=options.every, verbose=0, shuffle=False)
    curves = [[round(float(value), 4) for value in history.history[name]] for name in ("val_accuracy", "accuracy")]
    return *curves, round(time.time() - started, 1)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--steps", type=int, default=1200, help="Training steps per trunk and rate.")
    parser.add_argument("--every", type=int, default=400, help="Steps between two held-out readings.")
    parser.add_argument("--learning_rates", default="1e-3,2e-4", help="Adam rates, comma-separated.")
    parser.add_argument("--test_examples", type=int, default=2000, help="Held-out images read.")
    parser.add_argument("--trunks", default=",".join(TRUNKS), help=f"Some of {','.join(TRUNKS)}.")
    parser.add_argument("--target", type=float, default=0.6, help="Held-out accuracy the pooled trunk must reach.")
    parser.add_argument("--record", action="store_true", help=f"Append the lines to {RESULTS}.")
    options = parser.parse_args()
    if options.steps < options.every or options.every < 1:
        parser.error(f"--steps={options.steps} must be at least --every={options.every} (and --every >= 1).")
    try:
        rates = [float(rate) for rate in options.learning_rates.split(",")]
    except ValueError:
        parser.error(f"--learning_rates={options.learning_rates} must be numbers separated by commas.")
    names = options.trunks.split(",")
    if not set(names) <= set(TRUNKS):
        parser.error(f"--trunks={options.trunks}: unknown {sorted(set(names) - set(TRUNKS))}; choose from "
                     f"{','.join(TRUNKS)}.")
    command = (f"python benchmarks/discriminator_trunks.py --seed={options.seed} --steps={options.steps} "
               f"--every={options.every} --test_examples={options.test_examples} "
               f"--learning_rates={options.learning_rates} --trunks={options.trunks}")
    lines = []
    for rate in rates:
        for trunk, spectral_norm in (TRUNKS[name] for name in names):
            accuracies, training, seconds = learning_curve(trunk, spectral_norm, rate, options)
            line = {"trunk": trunk, "spectral_norm": spectral_norm, "learning_rate": rate, "seed": options.seed,
                    "steps": list(range(options.every, options.steps + 1, options.every)),
                    "held_out_accuracy": accuracies, "train_accuracy": training, "seconds": seconds}
            lines.append(line)
            print(json.dumps(line), flush=True)
    final = {(line["trunk"], line["spectral_norm"]): line["held_out_accuracy"][-1]
             for line in lines if line["learning_rate"] == rates[0]}
    summary = {"summary": True, "seed": options.seed, "learning_rate": rates[0], "command": command}
    met = True
    if ("pooled", False) in final and ("dcgan", False) in final:
        met = final[("pooled", False)] >= options.target and final[("pooled", False)] - final[("dcgan", False)] >= 0.3
        summary.update(target=options.target, pooled=final[("pooled", False)], dcgan=final[("dcgan", False)],
                       claim_holds=met)
    if ("keras_dcgan", False) in final and ("dcgan", False) in final:
        reference_holds = final[("keras_dcgan", False)] - final[("dcgan", False)] < REFERENCE_MARGIN
        summary.update(keras_dcgan=final[("keras_dcgan", False)], reference_holds=reference_holds)
        met = met and reference_holds
    print(json.dumps(summary), flush=True)
    if options.record:
        with open(RESULTS, "a") as file:
            for line in lines + [summary]:
                file.write(json.dumps(line) + "\n")
    if not met:
        sys.exit(1)


if __name__ == "__main__":
    main()
