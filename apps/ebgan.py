"""EBGAN (Zhao et al. 2017): an autoencoder discriminator whose reconstruction error is an energy.

    python apps/ebgan.py --flagfile=apps/configs/ebgan_digits.cfg   # embedded digits, minutes on CPU
    python apps/ebgan.py --flagfile=apps/configs/ebgan_celeba.cfg --data_dir=~/tensorflow_datasets

D (:func:`keras_gans.networks.autoencoder.discriminator`) lowers the energy
of real images and raises that of generated ones up to the margin m; G, a
DCGAN generator, lowers its samples' energy, plus the pull-away term on D's
embeddings of its batch when ``--pull_away_weight`` > 0 (EBGAN-PT).
"""

from keras_gans import cli

if __name__ == "__main__":
    cli.main("ebgan")
