"""DiscoGAN (Kim et al. 2017): cross-domain relations from two coupled GANs.

    python apps/discogan.py --flagfile=apps/configs/discogan_digits.cfg      # embedded, minutes on CPU
    python apps/discogan.py --flagfile=apps/configs/discogan_handbags2shoes.cfg

Trains two encoder-decoder generators and two discriminators on an unpaired
set with the paper's objective: GAN losses both ways plus the MSE
reconstruction of each domain (weight 1), no identity loss, no image history.
The export holds ``serving_default`` = ``a_to_b`` and ``b_to_a``.
"""

from absl import flags

from keras_gans import experiment, models, networks, translation_runs

flags.DEFINE_integer("base_filters", 64, "Filters of the first encoder layer of G and of D (64).")
flags.DEFINE_float("reconstruction_weight", 1.0, "Weight of the reconstruction losses (1 in the paper).")
flags.DEFINE_enum("distance", "mse", ["mse", "l1"], "Reconstruction distance (MSE in the paper).")
flags.DEFINE_enum("loss", "non_saturating", ["non_saturating", "least_squares"], "Adversarial loss.")
FLAGS = flags.FLAGS


def build(spec):
    translation_runs.require_kind(spec, "unpaired")
    shape = spec.sample_shape
    generators = [networks.discogan.generator(shape, base_filters=FLAGS.base_filters, name=f"generator_{d}")
                  for d in ("ab", "ba")]
    discriminators = [networks.discogan.discriminator(shape, base_filters=FLAGS.base_filters,
                                                      name=f"discriminator_{d}") for d in ("a", "b")]
    return models.DiscoGAN(*generators, *discriminators, reconstruction_weight=FLAGS.reconstruction_weight,
                           distance=FLAGS.distance, loss=FLAGS.loss)


if __name__ == "__main__":
    experiment.main(build, sample_callback_fn=translation_runs.sample_callback,
                    evaluate_fn=translation_runs.evaluate)
