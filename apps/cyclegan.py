"""CycleGAN (Zhu et al. 2017): unpaired image-to-image translation with cycle consistency.

    python apps/cyclegan.py --flagfile=apps/configs/cyclegan_digits.cfg      # embedded, minutes on CPU
    python apps/cyclegan.py --flagfile=apps/configs/cyclegan_horse2zebra.cfg --data_dir=~/tensorflow_datasets

Trains G_AB, G_BA (ResNet generators) and D_A, D_B (70x70 PatchGANs) on an
unpaired set (``digits2bold``, ``unpaired:tfds:cycle_gan/<pair>``,
``unpaired:folder:<path>``). The learning rate is constant, then decays
linearly to zero over the last ``--decay_epochs``. The export holds the
signatures ``serving_default`` = ``a_to_b`` and ``b_to_a`` (input and output
``images``); ``results.json`` holds the held-out cycle L1 and, on
``digits2bold``, how often a classifier recognizes the translated digit.
"""

from keras_gans import cli

if __name__ == "__main__":
    cli.main("cyclegan")
