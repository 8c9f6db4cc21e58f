"""BEGAN (Berthelot et al. 2017): autoencoder players held at an equilibrium by k_t.

    python apps/began.py --flagfile=apps/configs/began_digits.cfg   # embedded digits, minutes on CPU
    python apps/began.py --flagfile=apps/configs/began_celeba.cfg --data_dir=~/tensorflow_datasets

D is an autoencoder and G has its decoder's architecture
(:mod:`keras_gans.networks.autoencoder`). k_t moves so that
L(G(z)) = gamma L(x); the convergence measure M_global is logged as
``convergence`` (TensorBoard, results.json) and k_t as ``k_t``; k_t is saved
in the checkpoints, so a resumed run continues the control where it stopped.
"""

from keras_gans import cli

if __name__ == "__main__":
    cli.main("began")
