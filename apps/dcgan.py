"""DCGAN (Radford et al. 2016): all-convolutional G and D trained with Adam(2e-4, 0.5).

    python apps/dcgan.py --flagfile=apps/configs/dcgan_digits.cfg   # embedded, minutes on CPU
    python apps/dcgan.py --flagfile=apps/configs/dcgan_mnist.cfg --data_dir=~/tensorflow_datasets
    python apps/dcgan.py --flagfile=apps/configs/dcgan_celeba.cfg --data_dir=~/tensorflow_datasets
"""

from keras_gans import cli

if __name__ == "__main__":
    cli.main("dcgan")
