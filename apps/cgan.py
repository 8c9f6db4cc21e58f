"""Conditional GAN (Mirza & Osindero 2014): G(z, y) and D(x, y), DCGAN players.

    python apps/cgan.py --flagfile=apps/configs/cgan_digits.cfg   # embedded, minutes on CPU
    python apps/cgan.py --flagfile=apps/configs/cgan_mnist.cfg --data_dir=~/tensorflow_datasets

The sample grid has one row per class. ``results.json`` holds, under
"evaluation", how a classifier trained on the real training split judges 1000
generated samples (100 per class): generated-class accuracy, classes produced,
KL of the class histogram to uniform.
"""

from keras_gans import cli

if __name__ == "__main__":
    cli.main("cgan")
