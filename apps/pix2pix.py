"""Pix2Pix (Isola et al. 2017): paired image-to-image translation with a conditional GAN.

    python apps/pix2pix.py --flagfile=apps/configs/pix2pix_digits.cfg      # embedded, minutes on CPU
    python apps/pix2pix.py --flagfile=apps/configs/pix2pix_facades.cfg

Trains a U-Net generator against a conditional PatchGAN on a paired set
(``blurred2digits``, ``paired:folder:<path>``, ``paired_reversed:folder:<path>``)
with the cGAN loss plus ``--l1_weight`` times L1; ``--adversarial_weight=0``
trains the same U-Net with L1 alone (the paper's baseline). The export's
``serving_default`` maps ``images`` (sources) to ``images`` (translations);
``results.json`` holds L1, PSNR and sharpness on held-out pairs.
"""

from keras_gans import cli

if __name__ == "__main__":
    cli.main("pix2pix")
