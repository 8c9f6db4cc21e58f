"""DCGAN (Radford et al. 2016): all-convolutional G and D trained with Adam(2e-4, 0.5).

    python apps/dcgan.py --flagfile=apps/configs/dcgan_digits.cfg   # embedded, minutes on CPU
    python apps/dcgan.py --flagfile=apps/configs/dcgan_mnist.cfg --data_dir=~/tensorflow_datasets
    python apps/dcgan.py --flagfile=apps/configs/dcgan_celeba.cfg --data_dir=~/tensorflow_datasets
"""

from absl import flags

from keras_gans import experiment, models, networks

flags.DEFINE_integer("latent_dim", 100, "Size of z (100 in the paper).")
flags.DEFINE_integer("base_filters", 64, "Filters of D's first and G's last block.")
flags.DEFINE_enum("loss", "non_saturating", ["minimax", "non_saturating", "least_squares", "hinge"],
                  "Adversarial loss.")
flags.DEFINE_float("label_smoothing", 0.0, "One-sided label smoothing of D's real target.")
flags.DEFINE_bool("spectral_norm", False, "Spectral normalization on every D layer.")
flags.DEFINE_bool("minibatch_discrimination", False, "Minibatch discrimination before D's logit.")
FLAGS = flags.FLAGS


def build(spec):
    generator = networks.dcgan.generator(FLAGS.latent_dim, spec.sample_shape,
                                         base_filters=FLAGS.base_filters)
    discriminator = networks.dcgan.discriminator(
        spec.sample_shape, base_filters=FLAGS.base_filters, spectral_norm=FLAGS.spectral_norm,
        minibatch_discrimination=FLAGS.minibatch_discrimination)
    return models.GAN(generator, discriminator, FLAGS.latent_dim, loss=FLAGS.loss,
                      label_smoothing=FLAGS.label_smoothing, seed=FLAGS.seed)


if __name__ == "__main__":
    experiment.main(build)
