"""InfoGAN (Chen et al. 2016): latent codes that G must keep recoverable by Q, DCGAN players.

    python apps/infogan.py --flagfile=apps/configs/infogan_digits.cfg   # embedded, minutes on CPU
    python apps/infogan.py --flagfile=apps/configs/infogan_mnist.cfg --data_dir=~/tensorflow_datasets

G takes z, one categorical code and continuous codes. The sample grid has one
row per categorical code value, the continuous codes swept from -2 to 2 across
the columns (the paper's figure 2). ``results.json`` holds, under
"evaluation", how well the categorical code matches the digit a classifier
trained on real data sees (agreement under the best code-to-class matching),
plus the classes produced and the KL of their histogram to uniform.
``--categorical_weight=0 --continuous_weight=0`` trains the same networks as
a plain GAN, the paper's "regular GAN" contrast.
"""

from absl import flags

from keras_gans import callbacks, evaluation, experiment, models, networks

flags.DEFINE_integer("latent_dim", 62, "Size of the noise z (62 in the paper's MNIST model).")
flags.DEFINE_integer("num_categories", 10, "Values of the categorical code (10 for digits).")
flags.DEFINE_integer("num_continuous", 2, "Number of continuous codes, each U[-1, 1].")
flags.DEFINE_integer("base_filters", 64, "Filters of D's first and G's last block.")
flags.DEFINE_enum("loss", "non_saturating", ["minimax", "non_saturating", "least_squares", "hinge"],
                  "Adversarial loss.")
flags.DEFINE_float("categorical_weight", 1.0, "lambda of the categorical code term (1 in the paper).")
flags.DEFINE_float("continuous_weight", 1.0, "lambda of the continuous code term.")
flags.DEFINE_float("ema_decay", 0.0, "Decay of the moving average of G used for samples and export; 0 = off.")
for _name in ("categorical_weight", "continuous_weight"):
    flags.register_validator(_name, lambda v: v >= 0, f"--{_name} must be >= 0.")
FLAGS = flags.FLAGS


def build(spec):
    generator = networks.infogan.generator(FLAGS.latent_dim, spec.sample_shape, FLAGS.num_categories,
                                           FLAGS.num_continuous, base_filters=FLAGS.base_filters)
    discriminator = networks.infogan.discriminator(spec.sample_shape, FLAGS.num_categories,
                                                   FLAGS.num_continuous, base_filters=FLAGS.base_filters)
    return models.InfoGAN(generator, discriminator, FLAGS.latent_dim, FLAGS.num_categories,
                          FLAGS.num_continuous, loss=FLAGS.loss, categorical_weight=FLAGS.categorical_weight,
                          continuous_weight=FLAGS.continuous_weight, ema_decay=FLAGS.ema_decay, seed=FLAGS.seed)


def code_grid(spec, model_dir, model):
    return callbacks.LatentCodeGrid(model_dir, seed=FLAGS.seed, every=FLAGS.sample_every)


def judge(model, spec):
    if spec.num_classes != FLAGS.num_categories:  # no judge to match the code against
        return {"skipped": f"--num_categories={FLAGS.num_categories} differs from the "
                           f"{spec.num_classes} classes of --dataset={spec.name}"}
    classifier = evaluation.train_digit_classifier(dataset=spec.name, data_dir=FLAGS.data_dir,
                                                   image_size=FLAGS.image_size)
    return evaluation.categorical_code_scores(model, classifier, seed=FLAGS.seed)


if __name__ == "__main__":
    experiment.main(build, sample_callback_fn=code_grid, evaluate_fn=judge)
