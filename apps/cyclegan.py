"""CycleGAN (Zhu et al. 2017): unpaired image-to-image translation with cycle consistency.

    python apps/cyclegan.py --flagfile=apps/configs/cyclegan_digits.cfg      # embedded, minutes on CPU
    python apps/cyclegan.py --flagfile=apps/configs/cyclegan_horse2zebra.cfg --data_dir=~/tensorflow_datasets

Trains G_AB, G_BA (ResNet generators) and D_A, D_B (70x70 PatchGANs) on an
unpaired set (``digits2bold``, ``unpaired:tfds:cycle_gan/<pair>``,
``unpaired:folder:<path>``). The learning rate is constant, then decays
linearly to zero over the last ``--decay_epochs``. The export holds the
signatures ``serving_default`` = ``a_to_b`` and ``b_to_a`` (input and output
``images``); ``results.json`` holds the held-out cycle L1 and, on
``digits2bold``, how often a classifier recognizes the translated digit.
"""

import keras
from absl import app, flags

from keras_gans import experiment, models, networks, schedules, translation_runs

flags.DEFINE_integer("base_filters", 64, "Filters of G's first layer and D's first block (64).")
flags.DEFINE_integer("num_blocks", 9, "Residual blocks of G (9 for 256x256, 6 for 128x128 images).")
flags.DEFINE_integer("d_layers", 3, "Stride-2 blocks of the PatchGAN: 3 = 70x70 patches.")
flags.DEFINE_float("cycle_weight", 10.0, "lambda, the weight of the cycle-consistency loss (10).")
flags.DEFINE_float("identity_weight", 5.0, "Weight of the identity loss (0.5 lambda; 0 = off).")
flags.DEFINE_integer("pool_size", 50, "Generated images kept in each discriminator's history (50).")
flags.DEFINE_enum("loss", "least_squares", ["least_squares", "non_saturating"], "Adversarial loss (LSGAN).")
flags.DEFINE_integer("decay_epochs", None, "Final epochs over which the learning rate falls linearly to "
                     "zero; default half of --epochs (100 of 200 in the paper).")
flags.register_validator("decay_epochs", lambda v: v is None or v >= 0, "--decay_epochs must be >= 0.")
FLAGS = flags.FLAGS


def build(spec):
    translation_runs.require_kind(spec, "unpaired")
    shape = spec.sample_shape

    def generator(name):
        return networks.resnet_translator.generator(shape, base_filters=FLAGS.base_filters,
                                                    num_blocks=FLAGS.num_blocks, name=name)

    def discriminator(name):
        return networks.patchgan.discriminator(shape, base_filters=FLAGS.base_filters, num_layers=FLAGS.d_layers,
                                               normalization="instance", name=name)

    return models.CycleGAN(generator("generator_ab"), generator("generator_ba"), discriminator("discriminator_a"),
                           discriminator("discriminator_b"), cycle_weight=FLAGS.cycle_weight,
                           identity_weight=FLAGS.identity_weight, pool_size=FLAGS.pool_size, loss=FLAGS.loss,
                           seed=FLAGS.seed)


def compile_model(model, total_steps):
    """Adam with the learning rates of the flags, constant then linearly decaying to zero."""
    if FLAGS.optimizer != "adam":
        raise app.UsageError(f"--optimizer={FLAGS.optimizer}: CycleGAN trains with Adam.")
    decay_epochs = FLAGS.epochs // 2 if FLAGS.decay_epochs is None else FLAGS.decay_epochs
    if decay_epochs > FLAGS.epochs:
        raise app.UsageError(f"--decay_epochs={decay_epochs} exceeds --epochs={FLAGS.epochs}.")
    decay_steps = round(total_steps * decay_epochs / FLAGS.epochs) if FLAGS.epochs else 0

    def adam(learning_rate):
        if decay_steps:
            learning_rate = schedules.ConstantThenLinearDecay(learning_rate, total_steps - decay_steps, decay_steps)
        return keras.optimizers.Adam(learning_rate, beta_1=FLAGS.beta_1, beta_2=FLAGS.beta_2)

    model.compile(d_optimizer=adam(FLAGS.d_learning_rate), g_optimizer=adam(FLAGS.g_learning_rate),
                  jit_compile=FLAGS.jit_compile)


if __name__ == "__main__":
    experiment.main(build, compile_model, sample_callback_fn=translation_runs.sample_callback,
                    evaluate_fn=translation_runs.evaluate)
