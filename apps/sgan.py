"""Semi-supervised GAN (Salimans et al. 2016, section 5): a K-class D learns from few labels.

    python apps/sgan.py --flagfile=apps/configs/sgan_digits.cfg   # embedded, minutes on CPU
    python apps/sgan.py --flagfile=apps/configs/sgan_mnist.cfg --data_dir=~/tensorflow_datasets

``--num_labelled`` training examples (the same number per class, chosen with
``--labelled_seed``) keep their labels; the whole training split is the
unlabelled data. G (DCGAN) is trained by feature matching. D is the small CNN
of ``networks.classifier`` with input noise and dropout, and is the
classifier: ``results.json`` holds its accuracy on the held-out test split
under "evaluation". ``--unsupervised_weight=0`` trains the same D on the
labelled examples alone, the supervised baseline.
"""

from absl import app, flags

from keras_gans import data, evaluation, experiment, models, networks

flags.DEFINE_integer("latent_dim", 100, "Size of z.")
flags.DEFINE_integer("num_classes", None, "Number of classes; default (and must equal) the dataset's.")
flags.DEFINE_integer("num_labelled", 100, "Labelled training examples, split evenly across classes (100 in the paper).")
flags.DEFINE_integer("labelled_seed", 0, "Seed choosing the labelled examples.")
flags.DEFINE_integer("base_filters", 64, "Filters of G's last block.")
flags.DEFINE_float("input_noise_std", 0.3, "Std of the Gaussian noise on D's input (the paper adds it).")
flags.DEFINE_float("dropout", 0.5, "Dropout in D (the paper's D uses dropout).")
flags.DEFINE_bool("feature_matching", True, "Train G by feature matching (the paper's choice).")
flags.DEFINE_float("unsupervised_weight", 1.0, "Weight of D's unsupervised loss; 0 = supervised baseline.")
flags.register_validator("num_labelled", lambda v: v > 0, "--num_labelled must be positive.")
flags.register_validator("unsupervised_weight", lambda v: v >= 0, "--unsupervised_weight must be >= 0.")
FLAGS = flags.FLAGS


def labelled_examples(spec, num_classes):
    if FLAGS.num_labelled % num_classes:
        raise app.UsageError(f"--num_labelled={FLAGS.num_labelled} is not a multiple of the "
                             f"{num_classes} classes of --dataset={spec.name}.")
    images, labels = data.load_arrays(spec.name, data_dir=FLAGS.data_dir, image_size=FLAGS.image_size)
    index = data.class_balanced_indices(labels, FLAGS.num_labelled // num_classes, seed=FLAGS.labelled_seed)
    return images[index], labels[index]


def build(spec):
    num_classes = experiment.class_count(spec, FLAGS.num_classes)
    images, labels = labelled_examples(spec, num_classes)
    generator = networks.dcgan.generator(FLAGS.latent_dim, spec.sample_shape, base_filters=FLAGS.base_filters)
    discriminator = networks.classifier.digit_classifier(
        spec.sample_shape, num_classes, input_noise_std=FLAGS.input_noise_std, dropout=FLAGS.dropout,
        name="sgan_discriminator")
    return models.SGAN(generator, discriminator, FLAGS.latent_dim, images, labels,
                       feature_matching=FLAGS.feature_matching, unsupervised_weight=FLAGS.unsupervised_weight,
                       seed=FLAGS.seed)


def judge(model, spec):
    images, labels = data.load_arrays(spec.name, split="test", data_dir=FLAGS.data_dir,
                                      image_size=FLAGS.image_size)
    predicted = evaluation.predict_classes(model.discriminator, images)
    return {"test_accuracy": evaluation.generated_class_accuracy(predicted, labels),
            "num_test": len(labels), "num_labelled": model.num_labelled}


if __name__ == "__main__":
    experiment.main(build, evaluate_fn=judge)
