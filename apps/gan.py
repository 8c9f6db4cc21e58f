"""The original GAN: fully connected players (Goodfellow et al. 2014).

Trains on the 2-D mode-collapse benchmarks or small images::

    python apps/gan.py --flagfile=apps/configs/gan_ring8.cfg
    python apps/gan.py --flagfile=apps/configs/gan_grid25.cfg

On ``ring8``/``grid25`` it writes a scatter plot of samples over the real modes
and the VEEGAN/PacGAN mode-coverage numbers into ``results.json``.
"""

from absl import flags

from keras_gans import experiment, models, networks

flags.DEFINE_integer("latent_dim", 2, "Size of z.")
flags.DEFINE_list("hidden_units", ["128", "128"], "Hidden layer widths of both players.")
flags.DEFINE_enum("loss", "non_saturating", ["minimax", "non_saturating"],
                  "Goodfellow et al.'s minimax game or its non-saturating generator loss.")
flags.DEFINE_float("d_dropout", 0.0, "Dropout in D (the paper trains D with dropout).")
FLAGS = flags.FLAGS


def build(spec):
    units = [int(u) for u in FLAGS.hidden_units]
    output_activation = None if spec.is_toy else "tanh"  # toy points are not in [-1, 1]
    generator = networks.mlp.generator(FLAGS.latent_dim, spec.sample_shape, hidden_units=units,
                                       output_activation=output_activation)
    discriminator = networks.mlp.discriminator(spec.sample_shape, hidden_units=units,
                                               dropout=FLAGS.d_dropout)
    return models.GAN(generator, discriminator, FLAGS.latent_dim, loss=FLAGS.loss, seed=FLAGS.seed)


if __name__ == "__main__":
    experiment.main(build)
