"""Pix2Pix (Isola et al. 2017): paired image-to-image translation with a conditional GAN.

    python apps/pix2pix.py --flagfile=apps/configs/pix2pix_digits.cfg      # embedded, minutes on CPU
    python apps/pix2pix.py --flagfile=apps/configs/pix2pix_facades.cfg

Trains a U-Net generator against a conditional PatchGAN on a paired set
(``blurred2digits``, ``paired:folder:<path>``, ``paired_reversed:folder:<path>``)
with the cGAN loss plus ``--l1_weight`` times L1; ``--adversarial_weight=0``
trains the same U-Net with L1 alone (the paper's baseline). The export's
``serving_default`` maps ``images`` (sources) to ``images`` (translations);
``results.json`` holds L1, PSNR and sharpness on held-out pairs.
"""

from absl import flags

from keras_gans import experiment, models, networks, translation_runs

flags.DEFINE_integer("base_filters", 64, "Filters of the U-Net's first block and the PatchGAN's (64).")
flags.DEFINE_integer("d_layers", 3, "Stride-2 blocks of the PatchGAN: 3 = 70x70 patches, 1 = 16x16.")
flags.DEFINE_float("l1_weight", 100.0, "lambda, the weight of the L1 loss (100).")
flags.DEFINE_float("adversarial_weight", 1.0, "Weight of the cGAN loss; 0 = L1 alone.")
flags.DEFINE_float("dropout", 0.5, "Dropout of the U-Net's first three decoder blocks (0.5).")
flags.DEFINE_enum("normalization", "batch", ["batch", "instance"], "Normalization of both networks.")
FLAGS = flags.FLAGS


def build(spec):
    translation_runs.require_kind(spec, "paired")
    shape = spec.sample_shape
    generator = networks.unet.generator(shape, base_filters=FLAGS.base_filters, dropout=FLAGS.dropout,
                                        normalization=FLAGS.normalization)
    discriminator = networks.patchgan.discriminator(generator.output_shape[1:], source_channels=shape[-1],
                                                    base_filters=FLAGS.base_filters, num_layers=FLAGS.d_layers,
                                                    normalization=FLAGS.normalization)
    return models.Pix2Pix(generator, discriminator, l1_weight=FLAGS.l1_weight,
                          adversarial_weight=FLAGS.adversarial_weight)


if __name__ == "__main__":
    experiment.main(build, sample_callback_fn=translation_runs.sample_callback,
                    evaluate_fn=translation_runs.evaluate)
