"""DiscoGAN (Kim et al. 2017): cross-domain relations from two coupled GANs.

    python apps/discogan.py --flagfile=apps/configs/discogan_digits.cfg      # embedded, minutes on CPU
    python apps/discogan.py --flagfile=apps/configs/discogan_handbags2shoes.cfg

Trains two encoder-decoder generators and two discriminators on an unpaired
set with the paper's objective: GAN losses both ways plus the MSE
reconstruction of each domain (weight 1), no identity loss, no image history.
The export holds ``serving_default`` = ``a_to_b`` and ``b_to_a``.
"""

from keras_gans import cli

if __name__ == "__main__":
    cli.main("discogan")
