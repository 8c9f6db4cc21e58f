"""WGAN-GP (Gulrajani et al. 2017): a critic with a gradient penalty and no batch norm.

    python apps/wgan_gp.py --flagfile=apps/configs/wgan_gp_grid25.cfg   # embedded 2-D benchmark
    python apps/wgan_gp.py --flagfile=apps/configs/wgan_gp_cifar10.cfg --data_dir=~/tensorflow_datasets

The critic minimizes E[f(G(z))] - E[f(x)] + lambda E[(||grad f(x_hat)|| - 1)^2]
on random interpolates x_hat (Algorithm 1), n_critic times per generator
update. MLP players on the 2-D toy sets; on images the paper's CIFAR-10
ResNet (keras_gans.networks.resnet), whose critic has no batch norm
(optionally layer norm).
"""

from keras_gans import cli

if __name__ == "__main__":
    cli.main("wgan_gp")
