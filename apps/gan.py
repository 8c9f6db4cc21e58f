"""The original GAN: fully connected players (Goodfellow et al. 2014).

Trains on the 2-D mode-collapse benchmarks or small images::

    python apps/gan.py --flagfile=apps/configs/gan_ring8.cfg
    python apps/gan.py --flagfile=apps/configs/gan_grid25.cfg

On ``ring8``/``grid25`` it writes a scatter plot of samples over the real modes
and the VEEGAN/PacGAN mode-coverage numbers into ``results.json``.
"""

from keras_gans import cli

if __name__ == "__main__":
    cli.main("gan")
