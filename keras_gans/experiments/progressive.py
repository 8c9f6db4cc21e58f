"""The progressive-growing family: ProGAN (Karras et al. 2018) and StyleGAN2 (Karras et al. 2020).

ProGAN trains in phases, one per resolution from 4x4 to ``--image_size``:
each phase after the first fades its new block in over ``--fade_epochs``
epochs and then stabilizes it for ``--stabilize_epochs`` (the last
resolution stabilizes for the rest of ``--epochs``), each at its own batch
size (``--batch_sizes``) and on its own data stream at its resolution.
With ``--conditional`` it is class-conditional, and its evaluation is
CGAN's: how often a judge reads the class asked for. StyleGAN2 trains in one phase; after training the app writes its
style-mixing grid and truncation sweep to ``samples/``.
"""

import dataclasses
import os

import numpy as np
from absl import logging

from keras_gans import callbacks, images, judges, models, networks
from keras_gans.config import Config, ConfigError, amount, count, fraction, option, unit
from keras_gans.experiments.base import Experiment, Phase, class_count, diff_augment_option
from keras_gans.experiments.conditional import class_judge

STYLE_PICTURES = ("style_mixing.png", "truncation_sweep.png")
TRUNCATION_SWEEP = (0.0, 0.25, 0.5, 0.75, 1.0)


@dataclasses.dataclass(frozen=True)
class GrowthPhase(Phase):
    """A ProGAN phase: one resolution, whose first ``fade_epochs`` epochs fade its block in.

    Attributes:
        fade_epochs: epochs of the fade-in (0 at 4x4), the rest stabilizes.
    """

    fade_epochs: int = 0


WIDTH_HELP = "Width numerator: blocks at resolution r have min(2 * fmap_base / r, fmap_max) channels"
MBSTD_HELP = "Group size of D's minibatch standard deviation (4 in the authors' code)."


def _network_error(error):
    return ConfigError("image_size", None, f"cannot be used: {error}")


@dataclasses.dataclass(frozen=True)
class ProGANConfig(Config):
    """Karras et al. 2018: growing players, WGAN-GP with the drift term."""

    latent_dim: int = count(128, "Size of z (512 in the paper).")
    fmap_base: int = count(1024, f"{WIDTH_HELP} (8192 in the paper).")
    fmap_max: int = count(128, "Channels of the widest blocks (512 in the paper).")
    mbstd_group_size: int = count(4, f"{MBSTD_HELP[:-1]}; a group as large as the batch is the paper's whole "
                                     "minibatch).")
    fade_epochs: int = count(1, "Epochs over which each new resolution fades in (alpha 0 -> 1).")
    stabilize_epochs: int = count(1, "Epochs at each resolution after its fade-in; the last resolution trains "
                                     "for the rest of --epochs.")
    batch_sizes: tuple[int, ...] = option((), "Global batch size of each resolution from 4x4 up, the last one "
                                              "repeating (empty: --batch_size everywhere).",
                                          check=lambda sizes: all(size > 0 for size in sizes),
                                          requirement="must be positive integers")
    gp_weight: float = amount(10.0, "Gradient penalty weight lambda (10).")
    drift_weight: float = amount(0.001, "Weight epsilon_drift of E[D(x)^2] (0.001).")
    reset_optimizers: bool = option(True, "Reset both optimizers when a new resolution starts (the authors' code).")
    ema_decay: float = fraction(0.999, "Moving average of G's weights for sampling and export (0.999 in the "
                                       "paper; 0 = off).")
    conditional: bool = option(False, "Condition both players on the dataset's class labels as the authors' code "
                                      "does: the one-hot label beside z in G, class logits beside D's score, "
                                      "AC-GAN's cross-entropy in both losses.")
    class_weight: float = amount(1.0, "Weight of the class cross-entropy with --conditional (the authors' "
                                      "cond_weight, 1).")
    fake_class_weight: float = amount(1.0, "Weight of the generated images in D's class term with --conditional "
                                           "(1 as the authors; 0 trains D's class logits on real images only).")


class ProGANExperiment(Experiment):
    name, Config, paper = "progan", ProGANConfig, "Karras et al. 2018, Progressive Growing of GANs"
    run_defaults = {"image_size": 16, "batch_size": 16}  # digits grown 4 -> 8 -> 16 on a CPU

    def phases(self, run, config=None):
        """One :class:`GrowthPhase` per resolution, 4x4 to ``--image_size``, cut at ``--epochs``.

        The schedule is 4x4 for ``stabilize_epochs``, then for each larger
        resolution ``fade_epochs + stabilize_epochs``; the last resolution
        trains to the end of ``--epochs``. A shorter run ends where
        ``--epochs`` cuts the schedule (the authors' ``total_kimg`` does the
        same), with a warning.
        """
        c = config or self.Config()
        if run.image_size is None:
            raise ConfigError("image_size", None, "must be set: ProGAN grows from 4x4 to --image_size")
        sizes = networks.progan.resolutions(run.image_size)
        batches = list(c.batch_sizes) or [run.batch_size]
        batches += [batches[-1]] * (len(sizes) - len(batches))
        phases, left = [], run.epochs
        for index, (size, batch) in enumerate(zip(sizes, batches)):
            fade = c.fade_epochs if index else 0
            epochs = left if index == len(sizes) - 1 else min(left, fade + c.stabilize_epochs)
            phases.append(GrowthPhase(f"{size}x{size}", epochs, batch, size, fade_epochs=fade))
            left -= epochs
            if not left:
                break
        if phases[-1].image_size != sizes[-1] or phases[-1].epochs <= phases[-1].fade_epochs:
            logging.warning("--epochs=%d ends the growth at %s, before %dx%d is faded in and stabilized.",
                            run.epochs, phases[-1].name, sizes[-1], sizes[-1])
        return phases

    def build(self, ctx):
        c, shape = ctx.config, ctx.spec.sample_shape
        if not c.conditional:
            for name in ("class_weight", "fake_class_weight"):
                if getattr(c, name) != 1.0:
                    raise ConfigError(name, getattr(c, name), "weighs a class term, which only --conditional has")
        num_classes = class_count(ctx.spec) if c.conditional else None
        try:
            generator = networks.progan.generator(c.latent_dim, shape, fmap_base=c.fmap_base, fmap_max=c.fmap_max,
                                                  num_classes=num_classes)
            discriminator = networks.progan.discriminator(shape, fmap_base=c.fmap_base, fmap_max=c.fmap_max,
                                                          mbstd_group_size=c.mbstd_group_size,
                                                          num_classes=num_classes)
        except ValueError as error:
            raise _network_error(error) from error
        return models.ProGAN(generator, discriminator, c.latent_dim, gradient_penalty_weight=c.gp_weight,
                             drift_weight=c.drift_weight, reset_optimizers=c.reset_optimizers, ema_decay=c.ema_decay,
                             num_classes=num_classes, class_weight=c.class_weight,
                             fake_class_weight=c.fake_class_weight, seed=ctx.run.seed)

    def evaluate(self, ctx, model):
        """With ``--conditional``: how often the class judge reads the class asked for (as CGAN's), once G has
        grown to ``--image_size`` (the judge's size)."""
        if not model.num_classes:
            return None
        size = ctx.run.image_size
        if model.resolution != size:
            return {"skipped": f"--epochs ended the growth at {model.resolution}x{model.resolution}; the class "
                               f"judge reads {size}x{size} images"}
        return judges.class_conditional_scores(model, class_judge(ctx), seed=ctx.run.seed)


@dataclasses.dataclass(frozen=True)
class StyleGAN2Config(Config):
    """Karras et al. 2020, config F: mapping network, modulated convolutions, lazy R1 and path length."""

    latent_dim: int = count(128, "Size of z (512 in the paper).")
    w_dim: int = count(128, "Size of w (512 in the paper).")
    mapping_layers: int = count(8, "Dense layers of the mapping network (8).")
    mapping_lr_multiplier: float = option(0.01, "Learning-rate multiplier of the mapping network (0.01).",
                                          check=lambda value: value > 0, requirement="must be > 0")
    fmap_base: int = count(1024, f"{WIDTH_HELP} (16384 in config F).")
    fmap_max: int = count(128, "Channels of the widest blocks (512 in the paper).")
    mbstd_group_size: int = count(4, MBSTD_HELP)
    r1_gamma: float = amount(1.0, "R1 weight gamma (10 for FFHQ at 1024x1024; less for small images: the ADA "
                                  "heuristic is 0.0002 * size^2 / batch).")
    r1_interval: int = count(16, "D steps between the lazy R1 evaluations (16).")
    path_length_weight: float = amount(2.0, "Path length regularization weight (2; 0 = off).")
    path_length_interval: int = count(4, "G steps between the lazy path length evaluations (4).")
    style_mixing: float = unit(0.9, "Probability of style mixing a training minibatch (0.9).")
    ema_kimg: float = amount(10.0, "Half-life of G's moving average in thousands of images (10; 0 = off).")
    diff_augment: tuple[str, ...] = diff_augment_option()
    truncation_psi: float = unit(0.5, "Truncation of the style-mixing picture (0.5 as the authors' sampling).")
    mixing_cutoff: int = count(4, "First layer of the style-mixing picture whose styles come from the column "
                                  "(4: the 4x4 and 8x8 layers from the row).", minimum=0)


class StyleGAN2Experiment(Experiment):
    name, Config, paper = "stylegan2", StyleGAN2Config, "Karras et al. 2020, Analyzing and Improving StyleGAN"
    run_defaults = {"image_size": 16, "batch_size": 16}  # digits at 16x16 on a CPU

    def build(self, ctx):
        c, shape = ctx.config, ctx.spec.sample_shape
        try:
            generator = networks.stylegan2.generator(
                c.latent_dim, shape, w_dim=c.w_dim, mapping_layers=c.mapping_layers,
                mapping_lr_multiplier=c.mapping_lr_multiplier, fmap_base=c.fmap_base, fmap_max=c.fmap_max)
            discriminator = networks.stylegan2.discriminator(shape, fmap_base=c.fmap_base, fmap_max=c.fmap_max,
                                                             mbstd_group_size=c.mbstd_group_size)
        except ValueError as error:
            raise _network_error(error) from error
        if c.mixing_cutoff > networks.stylegan2.num_ws(shape[0]):
            raise ConfigError("mixing_cutoff", c.mixing_cutoff, f"must be <= {networks.stylegan2.num_ws(shape[0])}, "
                                                                f"the generator's number of styles")
        ema_decay = 0.5 ** (ctx.run.batch_size / (c.ema_kimg * 1000.0)) if c.ema_kimg else 0.0
        return models.StyleGAN2(generator, discriminator, c.latent_dim, r1_gamma=c.r1_gamma,
                                r1_interval=c.r1_interval, path_length_weight=c.path_length_weight,
                                path_length_interval=c.path_length_interval, style_mixing=c.style_mixing,
                                ema_decay=ema_decay, diff_augment=c.diff_augment, seed=ctx.run.seed)

    def evaluate(self, ctx, model):
        """Writes the style-mixing grid and the truncation sweep to ``samples/``; returns their paths."""
        c = ctx.config
        rng = np.random.default_rng(ctx.run.seed)
        z_coarse, z_fine, z_sweep = (rng.standard_normal((n, c.latent_dim)).astype(np.float32) for n in (4, 6, 6))
        pictures = (callbacks.style_mixing_picture(model, z_coarse, z_fine, c.mixing_cutoff,
                                                   truncation_psi=c.truncation_psi, noise_seed=ctx.run.seed),
                    callbacks.truncation_picture(model, z_sweep, TRUNCATION_SWEEP, noise_seed=ctx.run.seed))
        folder = os.path.join(ctx.model_dir, "samples")
        return {name.split(".")[0]: images.save_png(picture, os.path.join(folder, name))
                for name, picture in zip(STYLE_PICTURES, pictures)}


EXPERIMENTS = (ProGANExperiment(), StyleGAN2Experiment())
