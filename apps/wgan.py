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

from absl import flags

from keras_gans import experiment, models
from keras_gans.networks import players

flags.DEFINE_integer("latent_dim", 100, "Size of z.")
flags.DEFINE_list("hidden_units", ["128", "128", "128"], "Hidden widths of both MLP players (2-D toy sets).")
flags.DEFINE_integer("filters", 64, "Filters of D's first and G's last DCGAN block (images).")
flags.DEFINE_float("clip_value", 0.01, "Weight clipping bound c of the critic.")
flags.DEFINE_integer("n_critic", 5, "Critic updates per generator update.")
flags.DEFINE_bool("split_real_batch", True, "Deal each batch into n_critic critic batches, a fresh real "
                  "minibatch per critic step as in Algorithm 1: --batch_size is then n_critic x m.")
flags.DEFINE_float("ema_decay", 0.0, "Moving average of G's weights for sampling and export (0 = off).")
FLAGS = flags.FLAGS


def build(spec):
    generator, discriminator = players.build("mlp" if spec.is_toy else "dcgan", FLAGS.latent_dim,
                                             spec.sample_shape, hidden_units=FLAGS.hidden_units,
                                             filters=FLAGS.filters)
    return models.GAN(generator, discriminator, FLAGS.latent_dim, loss="wasserstein", clip_value=FLAGS.clip_value,
                      n_critic=FLAGS.n_critic, split_real_batch=FLAGS.split_real_batch,
                      ema_decay=FLAGS.ema_decay, seed=FLAGS.seed)


if __name__ == "__main__":
    experiment.main(build)
