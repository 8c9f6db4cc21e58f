"""Image-to-image translation: Pix2Pix, CycleGAN, DiscoGAN and SRGAN, with their measures.

The four experiments share a data check, the sample picture (input | output
| target rows on fixed held-out examples) and the measures after training;
the benchmarks call the measures directly:

- paired models (:func:`paired_measures`): L1 and PSNR of the translations
  against the targets and their sharpness (gradient energy), next to the
  targets' own sharpness; for super-resolution also bicubic upsampling
  (:func:`bicubic_measures`), the baseline of Ledig et al. 2017 (table 2);
- unpaired models (:func:`cycle_measures`): the cycle reconstruction L1 both
  ways; on ``digits2bold``/``digits2rotated`` also :func:`digit_identity`, the share of
  translated digits that a classifier trained on the *target* domain
  recognizes as the digit that went in.
"""

import dataclasses
import functools

import keras
import numpy as np
import tensorflow as tf

from keras_gans import callbacks, data, judges, metrics, models, networks, schedules
from keras_gans.config import ConfigError, Config, amount, count, fraction, option
from keras_gans.experiments.base import Experiment, make_optimizers


SAMPLE_EXAMPLES = 8
HELD_OUT_LIMIT = 1024  # examples measured from tfds/folder sets
_BATCH = 64


def is_super_resolution(name):
    return name == "photos_x4" or name.startswith("sr:")


# ----------------------------------------------------------------------------
# Held-out examples


def held_out(name, *, image_size=None, data_dir=None, limit=HELD_OUT_LIMIT):
    """The held-out pairs of a translation set as arrays.

    Embedded sets give their whole test split, aligned
    (:func:`keras_gans.data.translation_arrays`); other sets the first
    ``limit`` pairs of their test split, or of the training split when they
    have no test split.

    Args:
        name: a translation dataset name.
        image_size: as for :func:`keras_gans.data.load`.
        data_dir: where tfds datasets are prepared.
        limit: at most this many pairs from tfds/folder sets.

    Returns:
        ``(first, second, split)``: two float32 ``[n, H, W, C]`` arrays (source
        and target, or domain A and domain B) and the split they come from.
    """
    if name in data.TRANSLATION_SETS:
        arrays = data.translation_arrays(name, split="test", image_size=image_size)
        keys = ("a", "b") if "a" in arrays else ("source", "target")
        return arrays[keys[0]], arrays[keys[1]], "test"
    for split in ("test", "train"):
        try:
            dataset = data.load(name, split=split, batch_size=_BATCH, shuffle=False, drop_remainder=False,
                                image_size=image_size, data_dir=data_dir)
        except ValueError:
            continue
        firsts, seconds = [], []
        for first, second in dataset.take(-(-limit // _BATCH)).as_numpy_iterator():
            firsts.append(first)
            seconds.append(second)
        return np.concatenate(firsts)[:limit], np.concatenate(seconds)[:limit], split
    raise ValueError(f"`name`={name!r} has neither a test nor a train split to measure on.")




# ----------------------------------------------------------------------------
# Measures


def translate(model, images, direction=None, batch_size=_BATCH):
    """Translates ``images`` in batches in inference mode; float32 NumPy output."""
    outputs = []
    for start in range(0, len(images), batch_size):
        batch = images[start:start + batch_size]
        out = model.translate(batch) if direction is None else model.translate(batch, direction)
        outputs.append(np.asarray(keras.ops.convert_to_numpy(out), dtype=np.float32))
    return np.concatenate(outputs)


def image_measures(outputs, targets):
    """L1, PSNR and sharpness of ``outputs`` against ``targets`` (all [-1, 1])."""
    return {"l1": metrics.mean_absolute_error(outputs, targets), "psnr": metrics.psnr(outputs, targets),
            "sharpness": metrics.gradient_energy(outputs),
            "target_sharpness": metrics.gradient_energy(targets)}


def paired_measures(model, source, target):
    """:func:`image_measures` of ``model.translate(source)`` against ``target``."""
    return image_measures(translate(model, source), target)


def bicubic_measures(source, target):
    """:func:`image_measures` of bicubic upsampling of ``source`` to the size of ``target``."""
    upsampled = tf.image.resize(source, target.shape[1:3], method="bicubic").numpy()
    return image_measures(np.clip(upsampled, -1.0, 1.0), target)


def cycle_measures(model, domain_a, domain_b):
    """Cycle reconstruction L1: ``mean |G_BA(G_AB(a)) - a|`` and ``mean |G_AB(G_BA(b)) - b|``."""
    reconstructed_a = translate(model, translate(model, domain_a, "a_to_b"), "b_to_a")
    reconstructed_b = translate(model, translate(model, domain_b, "b_to_a"), "a_to_b")
    return {"cycle_l1_a": metrics.mean_absolute_error(reconstructed_a, domain_a),
            "cycle_l1_b": metrics.mean_absolute_error(reconstructed_b, domain_b)}


def train_classifier(images, labels, *, seed=0, epochs=15, batch_size=64):
    """Trains :func:`keras_gans.networks.classifier.digit_classifier` on arrays, deterministically.

    Adam(1e-3), sparse softmax cross-entropy, one fixed NumPy permutation per
    epoch (:func:`keras_gans.judges.train_classifier`).

    Args:
        images: float32 ``[n, H, W, C]`` in [-1, 1].
        labels: int ``[n]`` class ids.
        seed: seed of the weights and of the order.
        epochs: passes over the data.
        batch_size: examples per step.

    Returns:
        The trained classifier (logits).
    """
    return judges.train_classifier(images, labels, seed=seed, epochs=epochs, batch_size=batch_size)


def digit_identity(model, name="digits2bold", *, image_size=None, seed=0, epochs=15):
    """Whether translations between two digit domains keep the digit and reach the other domain.

    Three classifiers are trained on the training split: one of the digit
    classes on domain A (digits), one on domain B (bold, or turned 90
    degrees), and one of the domain itself (A or B). On the test split,
    ``a_to_b`` is the share of ``G_AB(a)`` that the domain-B classifier
    recognizes as the class of ``a``; ``a_to_b_in_domain`` the share the
    domain classifier places in B; ``a_to_b_both`` the share that is both (a
    translation that copies its input keeps the digit but stays in A, so it
    scores high on the first and low on the others); ``b_to_a`` likewise.
    ``judge_a``, ``judge_b`` and ``judge_domain`` are the classifiers'
    accuracies on real test images.

    Args:
        model: a two-way translation model (``translate(images, direction)``).
        name: the digit set, ``digits2bold`` or ``digits2rotated``.
        image_size: the size the model works at (default 32).
        seed: seed of the classifiers.
        epochs: training epochs of each classifier.

    Returns:
        The accuracies above, each in [0, 1].
    """
    if name not in data.UNPAIRED_DIGIT_SETS:
        raise ValueError(f"`name` must be one of {data.UNPAIRED_DIGIT_SETS}; received name={name!r}.")
    test = data.translation_arrays(name, split="test", image_size=image_size)
    classifiers, domain_of = _digit_judges(name, image_size, seed, epochs)
    translated = {"a_to_b": translate(model, test["a"], "a_to_b"), "b_to_a": translate(model, test["b"], "b_to_a")}
    results = {"judge_a": _accuracy(classifiers["a"], test["a"], test["labels"]),
               "judge_b": _accuracy(classifiers["b"], test["b"], test["labels"]),
               "judge_domain": _accuracy(domain_of, np.concatenate([test["a"], test["b"]]),
                                         np.repeat([0, 1], [len(test["a"]), len(test["b"])]))}
    for direction, target, target_id in (("a_to_b", "b", 1), ("b_to_a", "a", 0)):
        kept = judges.predict_classes(classifiers[target], translated[direction]) == test["labels"]
        arrived = judges.predict_classes(domain_of, translated[direction]) == target_id
        results.update({direction: float(np.mean(kept)), f"{direction}_in_domain": float(np.mean(arrived)),
                        f"{direction}_both": float(np.mean(kept & arrived))})
    return results


@functools.lru_cache(maxsize=None)
def _digit_judges(name, image_size, seed, epochs):
    """``({domain: class judge}, domain judge)`` trained on the training split, once per process."""
    train = data.translation_arrays(name, split="train", image_size=image_size)
    classifiers = {domain: train_classifier(train[domain], train["labels"], seed=seed, epochs=epochs)
                   for domain in ("a", "b")}
    domains = np.repeat([0, 1], [len(train["a"]), len(train["b"])]).astype(np.int32)
    return classifiers, train_classifier(np.concatenate([train["a"], train["b"]]), domains, seed=seed, epochs=epochs)


def _accuracy(classifier, images, labels):
    return metrics.generated_class_accuracy(judges.predict_classes(classifier, images), labels)


def _rounded(measures):
    return {key: round(float(value), 4) for key, value in measures.items()}


def evaluate(model, spec, *, image_size=None, data_dir=None, seed=0):
    """Measures on held-out pairs for ``results.json``: cycle L1 (unpaired) or L1/PSNR/sharpness (paired)."""
    first, second, split = held_out(spec.name, image_size=image_size, data_dir=data_dir)
    results = {"split": split, "examples": int(len(first))}
    if data.translation_kind(spec.name) == "unpaired":
        results.update(_rounded(cycle_measures(model, first, second)))
        if spec.name in data.UNPAIRED_DIGIT_SETS:
            results["digit_identity"] = _rounded(digit_identity(model, spec.name, image_size=image_size, seed=seed))
        return results
    results.update(_rounded(paired_measures(model, first, second)))
    if is_super_resolution(spec.name):
        results["bicubic"] = _rounded(bicubic_measures(first, second))
    return results


# ----------------------------------------------------------------------------
# Experiments


class TranslationExperiment(Experiment):
    """What the four translation experiments share: the translation grid and the held-out measures."""

    def sample_callback(self, ctx, model):
        """A :class:`~keras_gans.callbacks.TranslationGrid` of the first held-out pairs (:func:`held_out`)."""
        del model
        first, second, _ = held_out(ctx.spec.name, image_size=ctx.run.image_size, data_dir=ctx.run.data_dir,
                                    limit=SAMPLE_EXAMPLES)
        return callbacks.TranslationGrid(ctx.model_dir, (first[:SAMPLE_EXAMPLES], second[:SAMPLE_EXAMPLES]),
                                         every=ctx.run.sample_every)

    def evaluate(self, ctx, model):
        return evaluate(model, ctx.spec, image_size=ctx.run.image_size, data_dir=ctx.run.data_dir, seed=ctx.run.seed)


@dataclasses.dataclass(frozen=True)
class Pix2PixConfig(Config):
    """Isola et al. 2017: a U-Net against a conditional PatchGAN."""

    base_filters: int = count(16, "Filters of the U-Net's first block and the PatchGAN's (the paper's 64 in "
                                  "pix2pix_facades.cfg; 16 trains the embedded set on a CPU).")
    d_layers: int = count(2, "Stride-2 blocks of the PatchGAN: 3 = 70x70 patches (the paper's), 1 = 16x16.")
    l1_weight: float = amount(100.0, "lambda, the weight of the L1 loss (100).")
    adversarial_weight: float = amount(1.0, "Weight of the cGAN loss; 0 = L1 alone.")
    dropout: float = fraction(0.5, "Dropout of the U-Net's first three decoder blocks (0.5).")
    normalization: str = option("batch", "Normalization of both networks.", choices=("batch", "instance"))


class Pix2PixExperiment(TranslationExperiment):
    name, Config = "pix2pix", Pix2PixConfig
    data_kinds = ("paired",)
    xla_faster = True  # with the U-Net's dropout drawn on Philox (benchmarks/xla_by_experiment.py)
    run_defaults = {"dataset": "blurred2digits", "image_size": 16, "batch_size": 16}
    paper = "Isola et al. 2017, Image-to-Image Translation with Conditional Adversarial Networks"

    def build(self, ctx):
        c, shape = ctx.config, ctx.spec.sample_shape
        generator = networks.unet.generator(shape, base_filters=c.base_filters, dropout=c.dropout,
                                            normalization=c.normalization)
        discriminator = networks.patchgan.discriminator(generator.output_shape[1:], source_channels=shape[-1],
                                                        base_filters=c.base_filters, num_layers=c.d_layers,
                                                        normalization=c.normalization)
        return models.Pix2Pix(generator, discriminator, l1_weight=c.l1_weight, adversarial_weight=c.adversarial_weight)


@dataclasses.dataclass(frozen=True)
class CycleGANConfig(Config):
    """Zhu et al. 2017: ResNet generators, 70x70 PatchGANs, cycle and identity losses."""

    base_filters: int = count(16, "Filters of G's first layer and D's first block (the paper's 64 in "
                                  "cyclegan_horse2zebra.cfg; 16 trains the embedded set on a CPU).")
    num_blocks: int = count(4, "Residual blocks of G (the paper's 9 for 256x256, 6 for 128x128 images).")
    d_layers: int = count(2, "Stride-2 blocks of the PatchGAN: 3 = 70x70 patches (the paper's).")
    cycle_weight: float = amount(10.0, "lambda, the weight of the cycle-consistency loss (10).")
    identity_weight: float = amount(5.0, "Weight of the identity loss (0.5 lambda; 0 = off).")
    pool_size: int = amount(50, "Generated images kept in each discriminator's history (50).")
    loss: str = option("least_squares", "Adversarial loss (LSGAN).", choices=("least_squares", "non_saturating"))
    decay_epochs: int | None = count(None, "Final epochs over which the learning rate falls linearly to zero; "
                                           "default half of --epochs (100 of 200 in the paper).", minimum=0)


class CycleGANExperiment(TranslationExperiment):
    name, Config, paper = "cyclegan", CycleGANConfig, "Zhu et al. 2017, CycleGAN"
    data_kinds = ("unpaired",)
    run_defaults = {"dataset": "digits2bold", "image_size": 16, "batch_size": 8}

    def build(self, ctx):
        c, shape = ctx.config, ctx.spec.sample_shape

        def generator(name):
            return networks.resnet_translator.generator(shape, base_filters=c.base_filters,
                                                        num_blocks=c.num_blocks, name=name)

        def discriminator(name):
            return networks.patchgan.discriminator(shape, base_filters=c.base_filters, num_layers=c.d_layers,
                                                   normalization="instance", name=name)

        return models.CycleGAN(generator("generator_ab"), generator("generator_ba"),
                               discriminator("discriminator_a"), discriminator("discriminator_b"),
                               cycle_weight=c.cycle_weight, identity_weight=c.identity_weight,
                               pool_size=c.pool_size, loss=c.loss, seed=ctx.run.seed)

    def compile(self, ctx, model):
        """Adam with the run's learning rates, constant then linearly decaying to zero (the paper's schedule)."""
        run = ctx.run
        if run.optimizer != "adam":
            raise ConfigError("optimizer", run.optimizer, "is not adam: CycleGAN trains with Adam")
        if run.lr_decay_to != 1.0:
            raise ConfigError("lr_decay_to", run.lr_decay_to, "does not apply to CycleGAN, whose learning rates "
                                                              "decay linearly to zero over --decay_epochs")
        decay_epochs = run.epochs // 2 if ctx.config.decay_epochs is None else ctx.config.decay_epochs
        if decay_epochs > run.epochs:
            raise ConfigError("decay_epochs", decay_epochs, f"exceeds --epochs={run.epochs}")
        total = ctx.total_steps
        decay_steps = round(total * decay_epochs / run.epochs) if run.epochs else 0

        def schedule(learning_rate, steps):
            del steps  # both players decay over the run's generator steps
            return schedules.ConstantThenLinearDecay(learning_rate, total - decay_steps, decay_steps) \
                if decay_steps else learning_rate

        d_optimizer, g_optimizer = make_optimizers(run, total, schedule=schedule)
        model.compile(d_optimizer=d_optimizer, g_optimizer=g_optimizer,
                      jit_compile=self.jit_compile(ctx, model))


@dataclasses.dataclass(frozen=True)
class DiscoGANConfig(Config):
    """Kim et al. 2017: two coupled GANs with a reconstruction loss."""

    base_filters: int = count(16, "Filters of the first encoder layer of G and of D (the paper's 64 in "
                                  "discogan_handbags2shoes.cfg; 16 trains the embedded set on a CPU).")
    reconstruction_weight: float = amount(1.0, "Weight of the reconstruction losses (1 in the paper).")
    distance: str = option("mse", "Reconstruction distance (MSE in the paper).", choices=("mse", "l1"))
    loss: str = option("non_saturating", "Adversarial loss.", choices=("non_saturating", "least_squares"))


class DiscoGANExperiment(TranslationExperiment):
    name, Config, paper = "discogan", DiscoGANConfig, "Kim et al. 2017, DiscoGAN"
    data_kinds = ("unpaired",)
    xla_faster = True  # 5.8 ms a step against 14.2 without XLA (benchmarks/xla_by_experiment.py)
    run_defaults = {"dataset": "digits2bold", "image_size": 16, "batch_size": 16}

    def build(self, ctx):
        c, shape = ctx.config, ctx.spec.sample_shape
        generators = [networks.discogan.generator(shape, base_filters=c.base_filters, name=f"generator_{d}")
                      for d in ("ab", "ba")]
        discriminators = [networks.discogan.discriminator(shape, base_filters=c.base_filters,
                                                          name=f"discriminator_{d}") for d in ("a", "b")]
        return models.DiscoGAN(*generators, *discriminators, reconstruction_weight=c.reconstruction_weight,
                               distance=c.distance, loss=c.loss)


@dataclasses.dataclass(frozen=True)
class SRGANConfig(Config):
    """Ledig et al. 2017: SRResNet against the SRGAN discriminator, x4."""

    filters: int = count(32, "Filters of the residual trunk (the paper's 64 in srgan_imagenet.cfg).")
    num_blocks: int = count(6, "Residual blocks of SRResNet (the paper's 16).")
    d_base_filters: int = count(32, "Filters of D's first layer (the paper's 64).")
    dense_units: int = count(256, "Units of D's hidden dense layer (the paper's 1024).")
    content: str = option("mse", "Content loss: pixel MSE or VGG19 features (phi_5,4).", choices=("mse", "vgg"))
    vgg_weights: str | None = option(None, "Local VGG19 (no top) weights file for --content=vgg.")
    vgg_layer: str = option("block5_conv4", "VGG19 layer of the feature loss (block5_conv4 = phi_5,4).")
    adversarial_weight: float = amount(1e-3, "Weight of the adversarial loss (1e-3; 0 = SRResNet alone).")
    bicubic_skip: bool = option(False, "Learn the residual over bicubic upsampling (VDSR's skip; not in the paper, "
                                       "which trains SRResNet for 1e6 steps).")
    pretrain_epochs: int = amount(0, "Epochs of content-only training before the adversarial phase.")


class SRGANExperiment(TranslationExperiment):
    name, Config, paper = "srgan", SRGANConfig, "Ledig et al. 2017, SRGAN"
    data_kinds = ("paired",)
    run_defaults = {"dataset": "photos_x4", "batch_size": 16}

    def build(self, ctx):
        c, spec, run = ctx.config, ctx.spec, ctx.run
        if not is_super_resolution(spec.name):
            raise ConfigError("dataset", spec.name, "is not a super-resolution set: use photos_x4 or sr:folder:<path>")
        if c.pretrain_epochs > run.epochs:
            raise ConfigError("pretrain_epochs", c.pretrain_epochs, f"exceeds --epochs={run.epochs}")
        low = spec.sample_shape
        high = (low[0] * data.SR_SCALE, low[1] * data.SR_SCALE, low[2])
        extractor = None
        if c.content == "vgg":
            if c.vgg_weights is None:
                raise ConfigError("content", c.content, "needs --vgg_weights=<local VGG19 weights file>; nothing "
                                                        "is downloaded")
            try:
                extractor = networks.vgg_features.feature_extractor(high, weights=c.vgg_weights, layer=c.vgg_layer)
            except ValueError as error:
                raise ConfigError("vgg_weights", c.vgg_weights, f"cannot be used: {error}") from error
        generator = networks.srresnet.generator(low, scale=data.SR_SCALE, filters=c.filters,
                                                num_blocks=c.num_blocks, bicubic_skip=c.bicubic_skip)
        discriminator = networks.srresnet.discriminator(high, base_filters=c.d_base_filters,
                                                        dense_units=c.dense_units)
        # The first pretrain_epochs of the run are content-only steps (SRResNet), as the paper starts SRGAN.
        return models.SRGAN(generator, discriminator, feature_extractor=extractor,
                            adversarial_weight=c.adversarial_weight,
                            pretrain_steps=ctx.steps_per_epoch * c.pretrain_epochs)


EXPERIMENTS = (Pix2PixExperiment(), CycleGANExperiment(), DiscoGANExperiment(), SRGANExperiment())
