"""BigGAN (Brock et al. 2019) with SAGAN self-attention: class-conditional, truncation trick.

    python apps/biggan.py --flagfile=apps/configs/biggan_shapes.cfg     # embedded shapes, CPU
    python apps/biggan.py --flagfile=apps/configs/biggan_cifar10.cfg --data_dir=~/tensorflow_datasets
    python apps/biggan.py --flagfile=apps/configs/biggan_imagenet128.cfg --data_dir=~/tensorflow_datasets

Writes one sample-grid row per class each epoch, and at the end
``samples/truncation.png`` (rows: no truncation, then each --truncation_sweep
threshold). ``results.json`` holds, under "evaluation", how a classifier of
the real training split judges 1000 samples. The export serves
``serving_default(z, labels[, truncation])``.
"""

from keras_gans import cli

if __name__ == "__main__":
    cli.main("biggan")
