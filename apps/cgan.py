"""Conditional GAN (Mirza & Osindero 2014): G(z, y) and D(x, y), DCGAN players.

    python apps/cgan.py --flagfile=apps/configs/cgan_digits.cfg   # embedded, minutes on CPU
    python apps/cgan.py --flagfile=apps/configs/cgan_mnist.cfg --data_dir=~/tensorflow_datasets

The sample grid has one row per class. ``results.json`` holds, under
"evaluation", how a classifier trained on the real training split judges 1000
generated samples (100 per class): generated-class accuracy, classes produced,
KL of the class histogram to uniform.
"""

from absl import flags

from keras_gans import evaluation, experiment, models, networks

flags.DEFINE_integer("latent_dim", 100, "Size of z.")
flags.DEFINE_integer("num_classes", None, "Number of classes; default (and must equal) the dataset's.")
flags.DEFINE_integer("base_filters", 64, "Filters of D's first and G's last block.")
flags.DEFINE_enum("loss", "non_saturating", ["minimax", "non_saturating", "least_squares", "hinge"],
                  "Adversarial loss.")
flags.DEFINE_bool("spectral_norm", False, "Spectral normalization in D instead of batch norm.")
flags.DEFINE_float("ema_decay", 0.0, "Decay of the moving average of G used for samples and export; 0 = off.")
FLAGS = flags.FLAGS


def build(spec):
    num_classes = experiment.class_count(spec, FLAGS.num_classes)
    generator = networks.conditional.generator(FLAGS.latent_dim, spec.sample_shape, num_classes,
                                               base_filters=FLAGS.base_filters)
    discriminator = networks.conditional.discriminator(spec.sample_shape, num_classes,
                                                       base_filters=FLAGS.base_filters,
                                                       spectral_norm=FLAGS.spectral_norm)
    return models.CGAN(generator, discriminator, FLAGS.latent_dim, num_classes, loss=FLAGS.loss,
                       ema_decay=FLAGS.ema_decay, seed=FLAGS.seed)


def judge(model, spec):
    classifier = evaluation.train_digit_classifier(dataset=spec.name, data_dir=FLAGS.data_dir,
                                                   image_size=FLAGS.image_size)
    return evaluation.class_conditional_scores(model, classifier, seed=FLAGS.seed)


if __name__ == "__main__":
    experiment.main(build, evaluate_fn=judge)
