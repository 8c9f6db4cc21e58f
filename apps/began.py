"""BEGAN (Berthelot et al. 2017): autoencoder players held at an equilibrium by k_t.

    python apps/began.py --flagfile=apps/configs/began_digits.cfg   # embedded digits, minutes on CPU
    python apps/began.py --flagfile=apps/configs/began_celeba.cfg --data_dir=~/tensorflow_datasets

D is an autoencoder and G has its decoder's architecture
(:mod:`keras_gans.networks.autoencoder`). k_t moves so that
L(G(z)) = gamma L(x); the convergence measure M_global is logged as
``convergence`` (TensorBoard, results.json) and k_t as ``k_t``; k_t is saved
in the checkpoints, so a resumed run continues the control where it stopped.
"""

from absl import flags

from keras_gans import experiment, models, networks

flags.DEFINE_integer("latent_dim", 64, "Size of z (N_z = h = 64 in the paper).")
flags.DEFINE_integer("filters", 64, "n, the channels per scale of both players.")
flags.DEFINE_integer("embedding_dim", 64, "h, the size of D's bottleneck.")
flags.DEFINE_float("gamma", 0.5, "Diversity ratio gamma = E[L(G(z))] / E[L(x)].")
flags.DEFINE_float("lambda_k", 0.001, "Proportional gain of k_t.")
flags.DEFINE_enum("latent_distribution", "uniform", ["uniform", "normal"], "z ~ U[-1, 1] in the paper.")
flags.DEFINE_float("ema_decay", 0.0, "Moving average of G's weights for sampling and export (0 = off).")
FLAGS = flags.FLAGS


def build(spec):
    generator = networks.autoencoder.generator(FLAGS.latent_dim, spec.sample_shape, filters=FLAGS.filters)
    discriminator = networks.autoencoder.discriminator(spec.sample_shape, filters=FLAGS.filters,
                                                       embedding_dim=FLAGS.embedding_dim)
    return models.BEGAN(generator, discriminator, FLAGS.latent_dim, gamma=FLAGS.gamma, lambda_k=FLAGS.lambda_k,
                        latent_distribution=FLAGS.latent_distribution, ema_decay=FLAGS.ema_decay,
                        seed=FLAGS.seed)


if __name__ == "__main__":
    experiment.main(build)
