"""SRGAN (Ledig et al. 2017): x4 super-resolution with a content and an adversarial loss.

    python apps/srgan.py --flagfile=apps/configs/srgan_photos.cfg     # embedded, minutes on CPU
    python apps/srgan.py --flagfile=apps/configs/srgan_imagenet.cfg --vgg_weights=/path/vgg19_notop.h5

Trains SRResNet against the SRGAN discriminator on (low-resolution,
high-resolution) pairs (``photos_x4``, ``sr:folder:<path>``). The content
loss is the pixel MSE, or with ``--content=vgg`` the MSE of VGG19 features
read from the local ``--vgg_weights`` file (nothing is downloaded). The first
``--pretrain_epochs`` train G on the content loss alone (SRResNet), as the paper
initializes SRGAN. ``results.json`` holds PSNR and sharpness on held-out
patches next to bicubic upsampling's.
"""

from absl import app, flags

from keras_gans import data, experiment, models, networks, translation_runs

flags.DEFINE_integer("filters", 64, "Filters of the residual trunk (64).")
flags.DEFINE_integer("num_blocks", 16, "Residual blocks of SRResNet (16).")
flags.DEFINE_integer("d_base_filters", 64, "Filters of D's first layer (64).")
flags.DEFINE_integer("dense_units", 1024, "Units of D's hidden dense layer (1024).")
flags.DEFINE_enum("content", "mse", ["mse", "vgg"], "Content loss: pixel MSE or VGG19 features (phi_5,4).")
flags.DEFINE_string("vgg_weights", None, "Local VGG19 (no top) weights file for --content=vgg.")
flags.DEFINE_string("vgg_layer", "block5_conv4", "VGG19 layer of the feature loss (block5_conv4 = phi_5,4).")
flags.DEFINE_float("adversarial_weight", 1e-3, "Weight of the adversarial loss (1e-3; 0 = SRResNet alone).")
flags.DEFINE_bool("bicubic_skip", False, "Learn the residual over bicubic upsampling (VDSR's skip; not in the "
                  "paper, which trains SRResNet for 1e6 steps).")
flags.DEFINE_integer("pretrain_epochs", 0, "Epochs of content-only training before the adversarial phase.")
flags.register_validator("pretrain_epochs", lambda v: v >= 0, "--pretrain_epochs must be >= 0.")
FLAGS = flags.FLAGS


def build(spec):
    translation_runs.require_kind(spec, "paired")
    if not translation_runs.is_super_resolution(spec.name):
        raise app.UsageError(f"--dataset={spec.name} is not a super-resolution set: use photos_x4 or sr:folder:<path>.")
    low = spec.sample_shape
    high = (low[0] * data.SR_SCALE, low[1] * data.SR_SCALE, low[2])
    extractor = None
    if FLAGS.content == "vgg":
        if FLAGS.vgg_weights is None:
            raise app.UsageError("--content=vgg needs --vgg_weights=<local VGG19 weights file>; nothing is downloaded.")
        try:
            extractor = networks.vgg_features.feature_extractor(high, weights=FLAGS.vgg_weights, layer=FLAGS.vgg_layer)
        except ValueError as error:
            raise app.UsageError(str(error))
    generator = networks.srresnet.generator(low, scale=data.SR_SCALE, filters=FLAGS.filters,
                                            num_blocks=FLAGS.num_blocks, bicubic_skip=FLAGS.bicubic_skip)
    discriminator = networks.srresnet.discriminator(high, base_filters=FLAGS.d_base_filters,
                                                    dense_units=FLAGS.dense_units)
    return models.SRGAN(generator, discriminator, feature_extractor=extractor,
                        adversarial_weight=FLAGS.adversarial_weight)


def compile_model(model, total_steps):
    """The flags' optimizers; the first ``--pretrain_epochs`` of the run are content-only steps."""
    if FLAGS.pretrain_epochs > FLAGS.epochs:
        raise app.UsageError(f"--pretrain_epochs={FLAGS.pretrain_epochs} exceeds --epochs={FLAGS.epochs}.")
    model.pretrain_steps = total_steps // FLAGS.epochs * FLAGS.pretrain_epochs if FLAGS.epochs else 0
    experiment.default_compile(model, total_steps)


if __name__ == "__main__":
    experiment.main(build, compile_model, sample_callback_fn=translation_runs.sample_callback,
                    evaluate_fn=translation_runs.evaluate)
