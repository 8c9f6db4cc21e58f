"""SNGAN (Miyato et al. 2018): spectral normalization on every D layer and the hinge loss.

    python apps/sngan.py --flagfile=apps/configs/sngan_digits.cfg    # embedded digits, minutes on CPU
    python apps/sngan.py --flagfile=apps/configs/sngan_grid25.cfg    # embedded 2-D benchmark
    python apps/sngan.py --flagfile=apps/configs/sngan_cifar10.cfg --data_dir=~/tensorflow_datasets

Every weight of D is divided by its largest singular value (one power
iteration per call), so each layer is 1-Lipschitz without a penalty; D has no
batch norm. Players: MLPs on the 2-D toy sets; on images the paper's
standard CNN (--architecture=dcgan) or its ResNet (--architecture=resnet).
"""

from keras_gans import cli

if __name__ == "__main__":
    cli.main("sngan")
