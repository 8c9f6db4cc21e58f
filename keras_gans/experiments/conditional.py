"""Labels and codes in the game: CGAN, AC-GAN, InfoGAN and the semi-supervised GAN, on DCGAN players.

CGAN (Mirza & Osindero 2014) and AC-GAN (Odena et al. 2017) draw one grid row
per class and, after training, report how a judge trained on the real
training split classifies 1000 generated samples (100 per class). InfoGAN
(Chen et al. 2016) draws one row per categorical code value with the
continuous codes swept across the columns, and reports how well the code
matches the judge's classes. The semi-supervised GAN (Salimans et al. 2016,
section 5; Odena 2016) reports its discriminator's test accuracy.
"""

import dataclasses
import functools

from keras_gans import callbacks, data, judges, metrics, models, networks, style_augment
from keras_gans.config import (ConfigError, Config, amount, count, fraction, non_negative, option, positive,
                               seed_option)
from keras_gans.experiments.base import (Experiment, class_count, diff_augment_option, ema_decay_option,
                                         judge_cache, minibatch_discrimination_option, policy_option,
                                         wrong_label_option)
from keras_gans.experiments.objectives import CROSS_ENTROPY_AND_OTHERS



def class_judge(ctx):
    """The classifier of real training images that judges generated ones: the shapes judge's shape head on
    ``shapes``, else the digit judge trained on the run's dataset at its image size."""
    if ctx.spec.name == "shapes":
        return judges.shape_classifier(ctx.spec.sample_shape[0], cache_dir=judge_cache(ctx))
    return judges.train_digit_classifier(dataset=ctx.spec.name, data_dir=ctx.run.data_dir,
                                         image_size=ctx.run.image_size)


def keep_best_option():
    """The ``keep_best`` setting of the class-conditional experiments."""
    return option(False, "After each epoch the class judge reads 600 samples of a fixed z (from the seed + 1: "
                         "not the samples of the final figure), logged as class_agreement; the generator of "
                         "the epoch read best is kept in <model_dir>/best/ and is the one measured and "
                         "exported, so a run that peaks and then collapses keeps its peak.")


def keep_best_callbacks(ctx, prepare=None):
    """With ``keep_best``: :class:`~keras_gans.callbacks.ClassAgreement` read by :func:`class_judge` (z from the
    run's seed + 1; ``prepare`` as there) and the best epoch's generator kept
    (:class:`~keras_gans.callbacks.KeepBest`); else none."""
    if not ctx.config.keep_best:
        return []
    return [callbacks.ClassAgreement(ctx.model_dir, functools.partial(class_judge, ctx), seed=ctx.run.seed + 1,
                                     prepare=prepare),
            callbacks.KeepBest(ctx.model_dir, "class_agreement", mode="max")]


@dataclasses.dataclass(frozen=True)
class CGANConfig(Config):
    """Mirza & Osindero 2014: G(z, y) and D(x, y)."""

    latent_dim: int = count(100, "Size of z.")
    num_classes: int | None = count(None, "Number of classes; default (and must equal) the dataset's.")
    base_filters: int = count(64, "Filters of D's first and G's last block.")
    loss: str = option("non_saturating", "Adversarial loss.", choices=CROSS_ENTROPY_AND_OTHERS)
    spectral_norm: bool = option(False, "Spectral normalization in D instead of batch norm.")
    d_trunk: str = option("dcgan", "What reads D's image and label maps: the paper's stride-2 DCGAN blocks, "
                                   "'pooled' 3x3 convolutions and max pools at every resolution (the shapes judge's), "
                                   "or 'pooled_sum': those maps through ReLU and summed over positions (BigGAN's).",
                          choices=tuple(networks.conditional.TRUNKS))
    minibatch_discrimination: bool = minibatch_discrimination_option("before D's logit, against G drawing one "
                                                                     "image per class.")
    wrong_label_weight: float = wrong_label_option()
    ema_decay: float = ema_decay_option()
    diff_augment: tuple[str, ...] = diff_augment_option()
    keep_best: bool = keep_best_option()


class CGANExperiment(Experiment):
    name, Config, paper = "cgan", CGANConfig, "Mirza & Osindero 2014, Conditional GANs"
    xla_faster = True

    def build(self, ctx):
        c, spec = ctx.config, ctx.spec
        num_classes = class_count(spec, c.num_classes)
        generator = networks.conditional.generator(c.latent_dim, spec.sample_shape, num_classes,
                                                   base_filters=c.base_filters)
        discriminator = networks.conditional.discriminator(spec.sample_shape, num_classes, base_filters=c.base_filters,
                                                           spectral_norm=c.spectral_norm, trunk=c.d_trunk,
                                                           minibatch_discrimination=c.minibatch_discrimination)
        return models.CGAN(generator, discriminator, c.latent_dim, num_classes, loss=c.loss, ema_decay=c.ema_decay,
                           diff_augment=c.diff_augment, wrong_label_weight=c.wrong_label_weight, seed=ctx.run.seed)

    def callbacks(self, ctx, model):
        return keep_best_callbacks(ctx)

    def evaluate(self, ctx, model):
        return judges.class_conditional_scores(model, class_judge(ctx), seed=ctx.run.seed)


@dataclasses.dataclass(frozen=True)
class ACGANConfig(Config):
    """Odena et al. 2017: a discriminator with an auxiliary class head."""

    latent_dim: int = count(100, "Size of z (110 - 10 classes in the paper's 110-d input).")
    num_classes: int | None = count(None, "Number of classes; default (and must equal) the dataset's.")
    base_filters: int = count(64, "Filters of D's first and G's last block.")
    loss: str = option("non_saturating", "Adversarial loss of the source (real/fake) term.",
                       choices=CROSS_ENTROPY_AND_OTHERS)
    class_weight: float = amount(1.0, "Weight of the class terms L_C (1 in the paper).")
    fake_class_weight: float = amount(1.0, "Weight of the generated images in D's class term (1 in the paper; "
                                           "0 trains D's class head on real images only).")
    spectral_norm: bool = option(False, "Spectral normalization in D instead of batch norm.")
    d_trunk: str = option("dcgan", "D's shared features: the paper's stride-2 DCGAN blocks, 'pooled' 3x3 "
                                   "convolutions and max pools at every resolution (the shapes judge's), or "
                                   "'pooled_sum': those maps through ReLU and summed over positions (BigGAN's).",
                          choices=tuple(networks.conditional.TRUNKS))
    minibatch_discrimination: bool = minibatch_discrimination_option("before D's real/fake logit, against G "
                                                                     "drawing one image per class.")
    ema_decay: float = ema_decay_option()
    keep_best: bool = keep_best_option()


class ACGANExperiment(CGANExperiment):
    name, Config, paper = "acgan", ACGANConfig, "Odena et al. 2017, Auxiliary Classifier GANs"
    xla_faster = True  # 4.4 ms a step against 7.2 without XLA (benchmarks/xla_by_experiment.py)

    def build(self, ctx):
        c, spec = ctx.config, ctx.spec
        num_classes = class_count(spec, c.num_classes)
        generator = networks.conditional.generator(c.latent_dim, spec.sample_shape, num_classes,
                                                   base_filters=c.base_filters)
        discriminator = networks.conditional.auxiliary_classifier_discriminator(
            spec.sample_shape, num_classes, base_filters=c.base_filters, spectral_norm=c.spectral_norm,
            trunk=c.d_trunk, minibatch_discrimination=c.minibatch_discrimination)
        return models.ACGAN(generator, discriminator, c.latent_dim, num_classes, loss=c.loss,
                            class_weight=c.class_weight, fake_class_weight=c.fake_class_weight,
                            ema_decay=c.ema_decay, seed=ctx.run.seed)


@dataclasses.dataclass(frozen=True)
class InfoGANConfig(Config):
    """Chen et al. 2016: codes that G must keep recoverable by Q."""

    latent_dim: int = count(62, "Size of the noise z (62 in the paper's MNIST model).")
    num_categories: int = option(10, "Values of the categorical code (10 for digits).", check=lambda v: v >= 2,
                                 requirement="must be an integer >= 2")
    num_continuous: int = count(2, "Number of continuous codes, each U[-1, 1].")
    base_filters: int = count(64, "Filters of D's first and G's last block.")
    loss: str = option("non_saturating", "Adversarial loss.", choices=CROSS_ENTROPY_AND_OTHERS)
    categorical_weight: float = amount(1.0, "lambda of the categorical code term (1 in the paper).")
    continuous_weight: float = amount(1.0, "lambda of the continuous code term.")
    code_augment: tuple[str, ...] = policy_option(
        f"Transforms of the copy of G(z, c) Q reads the categorical code from, from "
        f"{','.join(style_augment.POLICIES)} (empty = the paper: G(z, c) as is).", style_augment.POLICIES)
    clustering_weight: float = amount(0.0, "Weight of Invariant Information Clustering on real images: Q's "
                                           "categorical reading of a real image and of its --code_augment copy "
                                           "(0 = off, the paper).")
    code_warmup_steps: int = option(0, "Generator steps over which the code weights rise linearly from 0 "
                                       "(0 = in force from the start, the paper).", check=non_negative,
                                    requirement="must be >= 0")
    d_trunk: str = option("dcgan", "D and Q's shared features: the paper's stride-2 DCGAN blocks, or 'pooled' "
                                   "(as ACGAN's --d_trunk).", choices=tuple(networks.conditional.TRUNKS))
    minibatch_discrimination: bool = minibatch_discrimination_option("before D's real/fake logit (Q does not "
                                                                     "read them).")
    ema_decay: float = ema_decay_option()


class InfoGANExperiment(Experiment):
    name, Config, paper = "infogan", InfoGANConfig, "Chen et al. 2016, InfoGAN"
    xla_faster = True  # 5.7 ms a step against 7.0 without XLA (benchmarks/xla_by_experiment.py)

    def build(self, ctx):
        c, shape = ctx.config, ctx.spec.sample_shape
        if c.clustering_weight and not c.code_augment:
            raise ConfigError("clustering_weight", c.clustering_weight,
                              "needs --code_augment (the transforms of the second view of each real image)")
        generator = networks.infogan.generator(c.latent_dim, shape, c.num_categories, c.num_continuous,
                                               base_filters=c.base_filters)
        discriminator = networks.infogan.discriminator(shape, c.num_categories, c.num_continuous,
                                                       base_filters=c.base_filters, trunk=c.d_trunk,
                                                       minibatch_discrimination=c.minibatch_discrimination)
        return models.InfoGAN(generator, discriminator, c.latent_dim, c.num_categories, c.num_continuous,
                              loss=c.loss, categorical_weight=c.categorical_weight,
                              continuous_weight=c.continuous_weight, code_augment=c.code_augment,
                              clustering_weight=c.clustering_weight, code_warmup_steps=c.code_warmup_steps,
                              ema_decay=c.ema_decay, seed=ctx.run.seed)

    def sample_callback(self, ctx, model):
        return callbacks.LatentCodeGrid(ctx.model_dir, seed=ctx.run.seed, every=ctx.run.sample_every)

    def evaluate(self, ctx, model):
        if ctx.spec.num_classes != ctx.config.num_categories:  # no judge to match the code against
            return {"skipped": f"--num_categories={ctx.config.num_categories} differs from the "
                               f"{ctx.spec.num_classes} classes of --dataset={ctx.spec.name}"}
        return judges.categorical_code_scores(model, class_judge(ctx), seed=ctx.run.seed)


@dataclasses.dataclass(frozen=True)
class SGANConfig(Config):
    """Salimans et al. 2016 (section 5): a K-class D trained on few labels."""

    latent_dim: int = count(100, "Size of z.")
    num_classes: int | None = count(None, "Number of classes; default (and must equal) the dataset's.")
    num_labelled: int = option(100, "Labelled training examples, split evenly across classes (100 in the paper).",
                               check=positive, requirement="must be positive")
    labelled_seed: int = seed_option("Seed choosing the labelled examples.")
    base_filters: int = count(64, "Filters of G's last block.")
    input_noise_std: float = amount(0.3, "Std of the Gaussian noise on D's input (the paper adds it).")
    dropout: float = fraction(0.5, "Dropout in D (the paper's D uses dropout).")
    feature_matching: bool = option(True, "Train G by feature matching (the paper's choice).")
    unsupervised_weight: float = amount(1.0, "Weight of D's unsupervised loss; 0 = supervised baseline.")


class SGANExperiment(Experiment):
    name, Config, paper = "sgan", SGANConfig, "Salimans et al. 2016 (section 5), Odena 2016: semi-supervised GAN"

    def labelled_examples(self, ctx, num_classes):
        c = ctx.config
        if c.num_labelled % num_classes:
            raise ConfigError("num_labelled", c.num_labelled, f"is not a multiple of the {num_classes} classes of "
                                                              f"--dataset={ctx.spec.name}")
        images, labels = data.load_arrays(ctx.spec.name, data_dir=ctx.run.data_dir, image_size=ctx.run.image_size)
        index = data.class_balanced_indices(labels, c.num_labelled // num_classes, seed=c.labelled_seed)
        return images[index], labels[index]

    def build(self, ctx):
        c, spec = ctx.config, ctx.spec
        num_classes = class_count(spec, c.num_classes)
        images, labels = self.labelled_examples(ctx, num_classes)
        generator = networks.dcgan.generator(c.latent_dim, spec.sample_shape, base_filters=c.base_filters)
        discriminator = networks.classifier.digit_classifier(
            spec.sample_shape, num_classes, input_noise_std=c.input_noise_std, dropout=c.dropout,
            name="sgan_discriminator")
        return models.SGAN(generator, discriminator, c.latent_dim, images, labels,
                           feature_matching=c.feature_matching, unsupervised_weight=c.unsupervised_weight,
                           seed=ctx.run.seed)

    def evaluate(self, ctx, model):
        images, labels = data.load_arrays(ctx.spec.name, split="test", data_dir=ctx.run.data_dir,
                                          image_size=ctx.run.image_size)
        predicted = judges.predict_classes(model.discriminator, images)
        return {"test_accuracy": metrics.generated_class_accuracy(predicted, labels),
                "num_test": len(labels), "num_labelled": model.num_labelled}


EXPERIMENTS = (CGANExperiment(), ACGANExperiment(), InfoGANExperiment(), SGANExperiment())
