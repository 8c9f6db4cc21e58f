"""Auxiliary classifier GAN (Odena et al. 2017): G(z, c), and D with a class head, DCGAN players.

    python apps/acgan.py --flagfile=apps/configs/acgan_digits.cfg   # embedded, minutes on CPU
    python apps/acgan.py --flagfile=apps/configs/acgan_mnist.cfg --data_dir=~/tensorflow_datasets

D sees no label: it predicts it with a second head, and G is also trained to
make that head name the class it was asked for. Outputs as ``apps/cgan.py``:
one grid row per class, and the judged accuracy, classes produced and class
histogram KL of 1000 samples under "evaluation" in ``results.json``.
"""

from absl import flags

from keras_gans import evaluation, experiment, models, networks

flags.DEFINE_integer("latent_dim", 100, "Size of z (110 - 10 classes in the paper's 110-d input).")
flags.DEFINE_integer("num_classes", None, "Number of classes; default (and must equal) the dataset's.")
flags.DEFINE_integer("base_filters", 64, "Filters of D's first and G's last block.")
flags.DEFINE_enum("loss", "non_saturating", ["minimax", "non_saturating", "least_squares", "hinge"],
                  "Adversarial loss of the source (real/fake) term.")
flags.DEFINE_float("class_weight", 1.0, "Weight of the class terms L_C (1 in the paper).")
flags.DEFINE_bool("spectral_norm", False, "Spectral normalization in D instead of batch norm.")
flags.DEFINE_float("ema_decay", 0.0, "Decay of the moving average of G used for samples and export; 0 = off.")
FLAGS = flags.FLAGS


def build(spec):
    num_classes = experiment.class_count(spec, FLAGS.num_classes)
    generator = networks.conditional.generator(FLAGS.latent_dim, spec.sample_shape, num_classes,
                                               base_filters=FLAGS.base_filters)
    discriminator = networks.conditional.auxiliary_classifier_discriminator(
        spec.sample_shape, num_classes, base_filters=FLAGS.base_filters, spectral_norm=FLAGS.spectral_norm)
    return models.ACGAN(generator, discriminator, FLAGS.latent_dim, num_classes, loss=FLAGS.loss,
                        class_weight=FLAGS.class_weight, ema_decay=FLAGS.ema_decay, seed=FLAGS.seed)


def judge(model, spec):
    classifier = evaluation.train_digit_classifier(dataset=spec.name, data_dir=FLAGS.data_dir,
                                                   image_size=FLAGS.image_size)
    return evaluation.class_conditional_scores(model, classifier, seed=FLAGS.seed)


if __name__ == "__main__":
    experiment.main(build, evaluate_fn=judge)
