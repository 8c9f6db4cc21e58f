"""Does Pix2Pix's adversarial term sharpen the blurred digits? L1 alone, Pix2Pix and L2 alone at two blurs.

    python benchmarks/pix2pix_adversarial.py [--sigmas=1.5,3] [--epochs=40] [--seed=0]

Isola et al. 2017 (section 3.1, figure 4) add the adversarial term because
the pixel losses alone give blurry results: where many targets fit one input,
their minimizer lies between them. The L2 (mean squared) minimizer is the
conditional mean, a blend of the plausible images; the L1 minimizer is the
per-pixel conditional median, and where a pixel is either ink or paper the
median is one of the two, not a grey between them. This benchmark trains the
U-Net of ``apps/configs/pix2pix_digits.cfg`` (16 filters, the 2-layer
conditional PatchGAN, batches of 16, dropout 0.5) on the scikit-learn digits
at 16x16, their sources blurred with a Gaussian of each ``--sigmas`` (in
pixels at 16x16; 1.5 is ``blurred2digits``' blur), with L1 alone, with L1 and
the adversarial term (Pix2Pix, lambda = 100) and, at the heavy blur, with L2
alone; it reports held-out L1, PSNR and sharpness (gradient energy) against
the sharp targets' own.

The claim tested, checked by the exit status (1 when any part fails; the
README's translation section has the figures of seeds 0 and 1):

- L1 alone reaches at least 95% of the targets' sharpness at the mild blur
  and at least 85% at the heavy one: its median output is not blurry;
- L2 alone is blurrier than L1 alone at the heavy blur: the mean is;
- Pix2Pix is at most 5% sharper than L1 alone at either blur: with no blur
  to remove, the adversarial term adds no sharpness.

Every run sees the same shuffled batches (no jitter); one JSON line per run
and a summary line.
"""

import argparse
import json
import os
import sys
import time

from _common import ROOT  # benchmarks/ is on sys.path when run as a script

MILD_SHARP_SHARE = 0.95
HEAVY_SHARP_SHARE = 0.85
NO_GAIN = 1.05
RUNS = ("l1_alone", "pix2pix")  # at every blur; "mse_alone" at the heavy one too


def train_and_measure(sigma, run, epochs, seed):
    """Trains the flagfile's U-Net on digits blurred by ``sigma`` with ``run``'s loss; its held-out measures."""
    sys.path.insert(0, ROOT)
    import keras
    import numpy as np
    import tensorflow as tf
    from scipy import ndimage

    from keras_gans import data, models, networks
    from keras_gans.experiments import translation

    def pairs(split):
        targets = data.translation_arrays("blurred2digits", split=split, image_size=16)["target"]
        sources = ndimage.gaussian_filter(targets, sigma=(0, sigma, sigma, 0), mode="nearest").astype(np.float32)
        return sources, targets

    keras.utils.set_random_seed(seed)
    generator = networks.unet.generator((16, 16, 1), base_filters=16, dropout=0.5)
    discriminator = networks.patchgan.discriminator((16, 16, 1), source_channels=1, base_filters=16, num_layers=2)
    if run == "mse_alone":
        model = models.PairedTranslator(generator, discriminator, content="mse", content_weight=100.0,
                                        adversarial_weight=0.0)
    else:
        model = models.Pix2Pix(generator, discriminator, adversarial_weight=1.0 if run == "pix2pix" else 0.0)
    model.compile()
    train = tf.data.Dataset.from_tensor_slices(pairs("train")).shuffle(2048, seed=seed).batch(16, drop_remainder=True)
    started = time.time()
    model.fit(train, epochs=epochs, verbose=0)
    measures = translation.paired_measures(model, *pairs("test"))
    return {"sigma": sigma, "model": run, "epochs": epochs,
            "seed": seed, **{k: round(float(v), 4) for k, v in measures.items()},
            "train_s": round(time.time() - started, 1)}


def claim(records, mild, heavy):
    """The claim's four checks, from the runs' records."""
    sharpness = {(r["sigma"], r["model"]): r["sharpness"] for r in records}
    target = records[0]["target_sharpness"]
    return {
        "l1_alone_sharp_at_mild_blur": sharpness[(mild, "l1_alone")] >= MILD_SHARP_SHARE * target,
        "l1_alone_sharp_at_heavy_blur": sharpness[(heavy, "l1_alone")] >= HEAVY_SHARP_SHARE * target,
        "mse_alone_blurrier_than_l1_at_heavy_blur": sharpness[(heavy, "mse_alone")] < sharpness[(heavy, "l1_alone")],
        "pix2pix_no_sharper_than_l1": all(sharpness[(sigma, "pix2pix")] <= NO_GAIN * sharpness[(sigma, "l1_alone")]
                                          for sigma in (mild, heavy)),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sigmas", default="1.5,3", help="mild,heavy Gaussian blur in pixels at 16x16")
    parser.add_argument("--epochs", type=int, default=40)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    try:
        mild, heavy = (float(s) for s in args.sigmas.split(","))
    except ValueError:
        parser.error(f"--sigmas={args.sigmas} must be two numbers, mild,heavy (e.g. 1.5,3)")
    if not 0 < mild < heavy:
        parser.error(f"--sigmas={args.sigmas} must be a mild and a heavier blur, both > 0 (e.g. 1.5,3)")
    records = []
    for sigma, runs in ((mild, RUNS), (heavy, RUNS + ("mse_alone",))):
        for run in runs:
            records.append(train_and_measure(sigma, run, args.epochs, args.seed))
            print(json.dumps(records[-1]), flush=True)
    checks = claim(records, mild, heavy)
    print(json.dumps({"summary": True, "seed": args.seed, "epochs": args.epochs, **checks,
                      "claim_holds": all(checks.values())}), flush=True)
    sys.exit(0 if all(checks.values()) else 1)


if __name__ == "__main__":
    main()
