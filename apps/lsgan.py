"""LSGAN (Mao et al. 2017): least-squares losses with the paper's targets a, b, c.

    python apps/lsgan.py --flagfile=apps/configs/lsgan_grid25.cfg   # embedded 2-D benchmark, minutes on CPU
    python apps/lsgan.py --flagfile=apps/configs/lsgan_lsun.cfg --data_dir=~/tensorflow_datasets

D minimizes 1/2 E[(D(x) - b)^2] + 1/2 E[(D(G(z)) - a)^2] and G minimizes
1/2 E[(D(G(z)) - c)^2] (eq. 2): a = 0, b = c = 1 is the 0-1 coding, a = -1,
b = 1, c = 0 the Pearson chi-squared choice (eq. 8). MLP players on the 2-D
toy sets, DCGAN-style players on images.
"""

from keras_gans import cli

if __name__ == "__main__":
    cli.main("lsgan")
