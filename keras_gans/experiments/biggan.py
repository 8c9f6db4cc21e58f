"""BigGAN (Brock et al. 2019) with SAGAN self-attention (Zhang et al. 2019): its config and run.

The defaults are the paper's ImageNet settings where they are model settings
(hinge loss, 2 D steps per G step on fresh real batches, orthogonal
regularization 1e-4, shared 128-d embedding, hierarchical z, EMA 0.9999 from
step 20k), except the widths and the attention resolution, sized for digits at
16x16 on a CPU (``biggan_imagenet128.cfg`` has the paper's); the learning
rates and Adam betas are run settings (``--d_learning_rate=2e-4
--g_learning_rate=5e-5 --beta_1=0``, in the flagfiles). After training the run re-estimates the batch-norm statistics of
G's moving average (standing statistics), writes ``samples/truncation.png``
(one row per truncation threshold, the same z and classes in every row),
reports how the class judge of CGAN and AC-GAN (on ``shapes``, the shapes
judge's shape head) classifies 1000 samples, and exports
``serving_default(z, labels[, truncation])``.
"""

import dataclasses
import os

import numpy as np

from keras_gans import images, judges, models, networks
from keras_gans.config import Config, ConfigError, amount, count, fraction, option
from keras_gans.experiments.base import Experiment, class_count, diff_augment_option, wrong_label_option
from keras_gans.experiments.conditional import class_judge, keep_best_callbacks, keep_best_option

LOSSES = ("hinge", "non_saturating", "least_squares", "wasserstein")
SWEEP_COLUMNS_PER_CLASS = 2


def _thresholds(values):
    return all(value > 0 for value in values)


@dataclasses.dataclass(frozen=True)
class BigGANConfig(Config):
    """Brock et al. 2019: BigGAN's architecture, objective, averaging and truncation."""

    latent_dim: int = count(120, "Size of z (120 at 128 px); with --hierarchical a multiple of G's blocks + 1.")
    num_classes: int | None = count(None, "Number of classes; default (and must equal) the dataset's.")
    channels: int = count(16, "Width multiplier ch of both players (96 in the paper).")
    shared_dim: int = count(128, "Size of G's shared class embedding; 0 = one-hot class per block.", minimum=0)
    hierarchical: bool = option(True, "Split z across G's blocks (hierarchical latent space).")
    class_input: bool = option(False, "Also feed the class embedding to G's input layer (BigGAN-deep's input), "
                                      "not only to the blocks' batch norms.")
    attention_resolution: int = count(8, "Resolution of the self-attention block in G and D (64 at 128 px in "
                                                 "the paper); 0 = none.", minimum=0)
    d_trunk: str = option("residual", "D's features: the paper's residual blocks, or 'pooled' 3x3 convolutions "
                                      "and max pools at every resolution (the shapes judge's), flattened, or "
                                      "'pooled_sum': those read through ReLU and global sum pooling, as the "
                                      "paper's heads read theirs.",
                          choices=tuple(networks.biggan.TRUNKS))
    loss: str = option("hinge", "Adversarial loss (hinge in the paper).", choices=LOSSES)
    wrong_label_weight: float = wrong_label_option()
    orthogonal_weight: float = amount(1e-4, "beta of G's orthogonal regularization (1e-4); 0 = off.")
    d_steps: int = count(2, "D steps per G step, each on a fresh real batch (2 in the paper).")
    ema_decay: float = fraction(0.9999, "Decay of G's moving average, used for samples and export; 0 = off.")
    ema_start: int = count(20000, "G steps before the moving average starts (20k in the authors' code).", minimum=0)
    standing_batches: int = count(16, "Forward passes averaged by the standing statistics.")
    standing_batch_size: int = count(64, "Samples per standing-statistics pass.")
    diff_augment: tuple[str, ...] = diff_augment_option()
    truncation_sweep: tuple[float, ...] = option((2.0, 1.0, 0.5, 0.04), "Thresholds of samples/truncation.png "
                                                 "(the paper's fig. 2a), below an untruncated row.",
                                                 check=_thresholds, requirement="must be positive numbers")
    keep_best: bool = keep_best_option()


class BigGANExperiment(Experiment):
    name, Config, paper = "biggan", BigGANConfig, "Brock et al. 2019, BigGAN (with SAGAN self-attention)"
    run_defaults = {"image_size": 16}  # digits at 16x16 on a CPU

    def build(self, ctx):
        c, spec = ctx.config, ctx.spec
        num_classes = class_count(spec, c.num_classes)
        _check_fit(c, spec)
        generator = networks.biggan.generator(
            c.latent_dim, spec.sample_shape, num_classes, channels=c.channels, shared_dim=c.shared_dim,
            hierarchical=c.hierarchical, class_input=c.class_input, attention_resolution=c.attention_resolution)
        discriminator = networks.biggan.discriminator(spec.sample_shape, num_classes, channels=c.channels,
                                                      attention_resolution=c.attention_resolution, trunk=c.d_trunk)
        return models.BigGAN(generator, discriminator, c.latent_dim, num_classes, loss=c.loss,
                             orthogonal_weight=c.orthogonal_weight, n_critic=c.d_steps, split_real_batch=True,
                             ema_decay=c.ema_decay, ema_start=c.ema_start, diff_augment=c.diff_augment,
                             wrong_label_weight=c.wrong_label_weight, seed=ctx.run.seed)

    def callbacks(self, ctx, model):
        """With ``--keep_best``: the class agreement of each epoch, read after the standing statistics."""
        return keep_best_callbacks(ctx, prepare=lambda model: model.standing_statistics(**_standing(ctx)))

    def evaluate(self, ctx, model):
        c = ctx.config
        standing = _standing(ctx)
        path = os.path.join(ctx.model_dir, "samples", "truncation.png")
        images.save_png(truncation_sweep(model, (None,) + tuple(c.truncation_sweep), seed=ctx.run.seed,
                                         standing=standing), path)
        model.standing_statistics(**standing)  # untruncated: what the scores and the export use
        scores = judges.class_conditional_scores(model, class_judge(ctx), seed=ctx.run.seed)
        return {**scores, "truncation_picture": path, "standing_statistics": standing}


def _standing(ctx):
    """The run's :meth:`~keras_gans.models.BigGAN.standing_statistics` settings."""
    c = ctx.config
    return dict(num_batches=c.standing_batches, batch_size=c.standing_batch_size, seed=ctx.run.seed)


def _check_fit(c, spec):
    """Raises ConfigError when the image size, latent size or attention resolution do not fit the networks."""
    height, width = spec.sample_shape[:2]
    if height != width or height not in networks.biggan.GENERATOR_PLANS:
        raise ConfigError("image_size", height, f"is not one of BigGAN's square sizes "
                                                f"{sorted(networks.biggan.GENERATOR_PLANS)}")
    chunks = len(networks.biggan.GENERATOR_PLANS[height][0]) + 1
    if c.hierarchical and c.latent_dim % chunks:
        raise ConfigError("latent_dim", c.latent_dim, f"is not a multiple of the {chunks} chunks of a "
                                                      f"hierarchical z at {height} px")
    allowed = networks.biggan.attention_sizes(height)
    if c.attention_resolution and c.attention_resolution not in allowed:
        raise ConfigError("attention_resolution", c.attention_resolution,
                          f"must be 0 or one of {allowed} at {height} px")


def truncation_sweep(model, thresholds, *, seed=0, standing=None):
    """A uint8 picture: one row per threshold (None = untruncated), the same z and classes in each row.

    Each row has ``SWEEP_COLUMNS_PER_CLASS`` samples of every class; the
    standing statistics are re-estimated for each threshold when ``standing``
    (keyword arguments of :meth:`~keras_gans.models.BigGAN.standing_statistics`)
    is given, since they depend on the distribution of z.
    """
    rng = np.random.default_rng(seed)
    labels = np.repeat(np.arange(model.num_classes, dtype=np.int32), SWEEP_COLUMNS_PER_CLASS)
    z = rng.standard_normal((len(labels), model.latent_dim)).astype(np.float32)
    rows = []
    for threshold in thresholds:
        if standing is not None:
            model.standing_statistics(truncation=threshold, **standing)
        rows.append(np.asarray(model.generate(z, labels, truncation=threshold)))
    return images.make_grid(images.to_uint8(np.concatenate(rows)), nrow=len(labels))


EXPERIMENTS = (BigGANExperiment(),)
