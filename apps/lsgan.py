"""LSGAN (Mao et al. 2017): least-squares losses with the paper's targets a, b, c.

    python apps/lsgan.py --flagfile=apps/configs/lsgan_grid25.cfg   # embedded 2-D benchmark, minutes on CPU
    python apps/lsgan.py --flagfile=apps/configs/lsgan_lsun.cfg --data_dir=~/tensorflow_datasets

D minimizes 1/2 E[(D(x) - b)^2] + 1/2 E[(D(G(z)) - a)^2] and G minimizes
1/2 E[(D(G(z)) - c)^2] (eq. 2): a = 0, b = c = 1 is the 0-1 coding, a = -1,
b = 1, c = 0 the Pearson chi-squared choice (eq. 8). MLP players on the 2-D
toy sets, DCGAN-style players on images.
"""

from absl import flags

from keras_gans import experiment, models
from keras_gans.networks import players

flags.DEFINE_integer("latent_dim", 100, "Size of z.")
flags.DEFINE_list("hidden_units", ["128", "128", "128"], "Hidden widths of both MLP players (2-D toy sets).")
flags.DEFINE_integer("filters", 64, "Filters of D's first and G's last DCGAN block (images).")
flags.DEFINE_float("a", 0.0, "D's target for generated data.")
flags.DEFINE_float("b", 1.0, "D's target for real data.")
flags.DEFINE_float("c", 1.0, "The value G wants D to give its samples.")
flags.DEFINE_float("ema_decay", 0.0, "Moving average of G's weights for sampling and export (0 = off).")
FLAGS = flags.FLAGS


def build(spec):
    generator, discriminator = players.build("mlp" if spec.is_toy else "dcgan", FLAGS.latent_dim,
                                             spec.sample_shape, hidden_units=FLAGS.hidden_units,
                                             filters=FLAGS.filters)
    return models.GAN(generator, discriminator, FLAGS.latent_dim, loss="least_squares",
                      least_squares_targets=(FLAGS.a, FLAGS.b, FLAGS.c), ema_decay=FLAGS.ema_decay,
                      seed=FLAGS.seed)


if __name__ == "__main__":
    experiment.main(build)
