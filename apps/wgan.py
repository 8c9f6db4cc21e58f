"""WGAN (Arjovsky et al. 2017): a weight-clipped critic, Algorithm 1 of the paper.

    python apps/wgan.py --flagfile=apps/configs/wgan_grid25.cfg   # embedded 2-D benchmark
    python apps/wgan.py --flagfile=apps/configs/wgan_lsun.cfg --data_dir=~/tensorflow_datasets

The critic f maximizes E[f(x)] - E[f(G(z))] with every weight clipped to
[-c, c] after each update and n_critic updates per generator update; the
paper trains both players with RMSProp(5e-5) (set in the flagfiles). The
critic's estimate falls as samples improve (benchmarks/wgan_critic_vs_quality.py).
MLP players on the 2-D toy sets, DCGAN players (with batch norm, as in the
paper) on images.
"""

from keras_gans import cli

if __name__ == "__main__":
    cli.main("wgan")
