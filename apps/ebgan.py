"""EBGAN (Zhao et al. 2017): an autoencoder discriminator whose reconstruction error is an energy.

    python apps/ebgan.py --flagfile=apps/configs/ebgan_digits.cfg   # embedded digits, minutes on CPU
    python apps/ebgan.py --flagfile=apps/configs/ebgan_celeba.cfg --data_dir=~/tensorflow_datasets

D (:func:`keras_gans.networks.autoencoder.discriminator`) lowers the energy
of real images and raises that of generated ones up to the margin m; G, a
DCGAN generator, lowers its samples' energy, plus the pull-away term on D's
embeddings of its batch when ``--pull_away_weight`` > 0 (EBGAN-PT).
"""

from absl import flags

from keras_gans import experiment, models, networks

flags.DEFINE_integer("latent_dim", 100, "Size of z.")
flags.DEFINE_integer("base_filters", 64, "Filters of G's last block (DCGAN generator).")
flags.DEFINE_integer("filters", 64, "Channels of the autoencoder's first scale.")
flags.DEFINE_integer("embedding_dim", 64, "Size of the autoencoder's bottleneck.")
flags.DEFINE_float("margin", 1.0, "Margin m on the energy of generated images.")
flags.DEFINE_float("pull_away_weight", 0.1, "Weight of the pull-away term (0 = plain EBGAN).")
flags.DEFINE_float("ema_decay", 0.0, "Moving average of G's weights for sampling and export (0 = off).")
FLAGS = flags.FLAGS


def build(spec):
    generator = networks.dcgan.generator(FLAGS.latent_dim, spec.sample_shape, base_filters=FLAGS.base_filters)
    discriminator = networks.autoencoder.discriminator(spec.sample_shape, filters=FLAGS.filters,
                                                       embedding_dim=FLAGS.embedding_dim)
    return models.EBGAN(generator, discriminator, FLAGS.latent_dim, margin=FLAGS.margin,
                        pull_away_weight=FLAGS.pull_away_weight, ema_decay=FLAGS.ema_decay, seed=FLAGS.seed)


if __name__ == "__main__":
    experiment.main(build)
