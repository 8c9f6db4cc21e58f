"""WGAN-GP (Gulrajani et al. 2017): a critic with a gradient penalty and no batch norm.

    python apps/wgan_gp.py --flagfile=apps/configs/wgan_gp_grid25.cfg   # embedded 2-D benchmark
    python apps/wgan_gp.py --flagfile=apps/configs/wgan_gp_cifar10.cfg --data_dir=~/tensorflow_datasets

The critic minimizes E[f(G(z))] - E[f(x)] + lambda E[(||grad f(x_hat)|| - 1)^2]
on random interpolates x_hat (Algorithm 1), n_critic times per generator
update. MLP players on the 2-D toy sets; on images the paper's CIFAR-10
ResNet (keras_gans.networks.resnet), whose critic has no batch norm
(optionally layer norm).
"""

from absl import flags

from keras_gans import experiment, models
from keras_gans.networks import players

flags.DEFINE_integer("latent_dim", 128, "Size of z (128 in the paper's CIFAR-10 ResNet).")
flags.DEFINE_list("hidden_units", ["128", "128", "128"], "Hidden widths of both MLP players (2-D toy sets).")
flags.DEFINE_integer("filters", 128, "Channels of every ResNet block (images).")
flags.DEFINE_enum("critic_normalization", "none", ["none", "layer"], "Normalization in the ResNet critic.")
flags.DEFINE_float("gp_weight", 10.0, "Gradient penalty weight lambda.")
flags.DEFINE_integer("n_critic", 5, "Critic updates per generator update.")
flags.DEFINE_bool("split_real_batch", True, "Deal each batch into n_critic critic batches, a fresh real "
                  "minibatch per critic step as in Algorithm 1: --batch_size is then n_critic x m.")
flags.DEFINE_float("ema_decay", 0.0, "Moving average of G's weights for sampling and export (0 = off).")
FLAGS = flags.FLAGS


def build(spec):
    toy = spec.is_toy
    normalization = None if toy or FLAGS.critic_normalization == "none" else FLAGS.critic_normalization
    generator, discriminator = players.build("mlp" if toy else "resnet", FLAGS.latent_dim, spec.sample_shape,
                                             hidden_units=FLAGS.hidden_units, filters=FLAGS.filters,
                                             critic_normalization=normalization)
    return models.GAN(generator, discriminator, FLAGS.latent_dim, loss="wasserstein",
                      gradient_penalty_weight=FLAGS.gp_weight, n_critic=FLAGS.n_critic,
                      split_real_batch=FLAGS.split_real_batch,
                      ema_decay=FLAGS.ema_decay, seed=FLAGS.seed)


if __name__ == "__main__":
    experiment.main(build)
