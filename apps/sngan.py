"""SNGAN (Miyato et al. 2018): spectral normalization on every D layer and the hinge loss.

    python apps/sngan.py --flagfile=apps/configs/sngan_digits.cfg    # embedded digits, minutes on CPU
    python apps/sngan.py --flagfile=apps/configs/sngan_grid25.cfg    # embedded 2-D benchmark
    python apps/sngan.py --flagfile=apps/configs/sngan_cifar10.cfg --data_dir=~/tensorflow_datasets

Every weight of D is divided by its largest singular value (one power
iteration per call), so each layer is 1-Lipschitz without a penalty; D has no
batch norm. Players: MLPs on the 2-D toy sets; on images the paper's
standard CNN (--architecture=dcgan) or its ResNet (--architecture=resnet).
"""

from absl import flags

from keras_gans import experiment, models
from keras_gans.networks import players

flags.DEFINE_integer("latent_dim", 128, "Size of z (128 in the paper).")
flags.DEFINE_list("hidden_units", ["128", "128", "128"], "Hidden widths of both MLP players (2-D toy sets).")
flags.DEFINE_enum("architecture", "resnet", ["dcgan", "resnet"], "Players on images.")
flags.DEFINE_integer("filters", 128, "ResNet block channels, or the DCGAN base filters.")
flags.DEFINE_enum("loss", "hinge", ["hinge", "non_saturating"], "Adversarial loss (hinge in the paper).")
flags.DEFINE_integer("n_critic", 1, "D updates per G update (5 for the paper's ResNet).")
flags.DEFINE_float("ema_decay", 0.0, "Moving average of G's weights for sampling and export (0 = off).")
FLAGS = flags.FLAGS


def build(spec):
    generator, discriminator = players.build("mlp" if spec.is_toy else FLAGS.architecture, FLAGS.latent_dim,
                                             spec.sample_shape, hidden_units=FLAGS.hidden_units,
                                             filters=FLAGS.filters, spectral_norm=True)
    return models.GAN(generator, discriminator, FLAGS.latent_dim, loss=FLAGS.loss, n_critic=FLAGS.n_critic,
                      ema_decay=FLAGS.ema_decay, seed=FLAGS.seed)


if __name__ == "__main__":
    experiment.main(build)
