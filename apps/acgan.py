"""Auxiliary classifier GAN (Odena et al. 2017): G(z, c), and D with a class head, DCGAN players.

    python apps/acgan.py --flagfile=apps/configs/acgan_digits.cfg   # embedded, minutes on CPU
    python apps/acgan.py --flagfile=apps/configs/acgan_mnist.cfg --data_dir=~/tensorflow_datasets

D sees no label: it predicts it with a second head, and G is also trained to
make that head name the class it was asked for. Outputs as ``apps/cgan.py``:
one grid row per class, and the judged accuracy, classes produced and class
histogram KL of 1000 samples under "evaluation" in ``results.json``.
"""

from keras_gans import cli

if __name__ == "__main__":
    cli.main("acgan")
