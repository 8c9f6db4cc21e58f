"""The unconditional objective family, each a configuration of :class:`keras_gans.models.GAN`.

The original GAN (Goodfellow et al. 2014), DCGAN (Radford et al. 2016),
LSGAN (Mao et al. 2017), WGAN (Arjovsky et al. 2017), WGAN-GP (Gulrajani et
al. 2017) and SNGAN (Miyato et al. 2018): MLP players on the 2-D toy sets,
convolutional players on images. Every config has the GAN hacks
(:class:`~keras_gans.experiments.hacks.GANHacks`).
"""

import dataclasses

from keras_gans import models, networks
from keras_gans.config import ConfigError, amount, count, fraction, option, positive
from keras_gans.experiments.base import Experiment
from keras_gans.experiments.hacks import GANHacks, gan_options, player_options
from keras_gans.networks import players
from keras_gans.packing import packed_shape

CROSS_ENTROPY_AND_OTHERS = ("minimax", "non_saturating", "least_squares", "hinge")
SPLIT_HELP = ("Deal each batch into n_critic critic batches, a fresh real minibatch per critic step as in "
              "Algorithm 1: --batch_size is then n_critic x m.")
TOY_UNITS_HELP = "Hidden widths of both MLP players (2-D toy sets)."


@dataclasses.dataclass(frozen=True)
class GANConfig(GANHacks):
    """Goodfellow et al. 2014: MLP players."""

    latent_dim: int = count(2, "Size of z.")
    hidden_units: tuple[int, ...] = option((128, 128), "Hidden layer widths of both players.")
    loss: str = option("non_saturating", "Goodfellow et al.'s minimax game or its non-saturating generator loss.",
                       choices=("minimax", "non_saturating"))
    d_dropout: float = fraction(0.0, "Dropout in D (the paper trains D with dropout).")
    players: str = option("mlp", "The MLP pair sized by --hidden_units, or the fixed 2-D pair of the PacGAN and VEEGAN "
                                 "experiments (G 4x400 batch-normalized ReLU, D 3x200 maxout; 2-D point sets only).",
                          choices=("mlp", "published_2d"))


class GANExperiment(Experiment):
    name, Config, paper = "gan", GANConfig, "Goodfellow et al. 2014, Generative Adversarial Nets"
    data_kinds = ("images", "points")

    def build(self, ctx):
        c = ctx.config
        generator, discriminator = self._published_2d(ctx) if c.players == "published_2d" else self._mlp(ctx)
        return models.GAN(generator, discriminator, c.latent_dim, loss=c.loss, seed=ctx.run.seed,
                          **gan_options(c, c.loss, ctx.spec))

    @staticmethod
    def _mlp(ctx):
        """MLP players sized by ``--hidden_units``, with D's dropout and the hacks that belong to the networks."""
        c, spec = ctx.config, ctx.spec
        options = player_options(c, "mlp")
        output_activation = None if spec.is_toy else "tanh"  # toy points are not in [-1, 1]
        generator = networks.mlp.generator(c.latent_dim, spec.sample_shape, hidden_units=c.hidden_units,
                                           output_activation=output_activation, dropout=options["g_dropout"])
        discriminator = networks.mlp.discriminator(
            packed_shape(spec.sample_shape, c.pack), hidden_units=c.hidden_units, dropout=c.d_dropout,
            minibatch_discrimination=options["minibatch_discrimination"])
        return generator, discriminator

    @staticmethod
    def _published_2d(ctx):
        """The PacGAN/VEEGAN 2-D players (:mod:`keras_gans.networks.published_2d`), which have no options."""
        c, spec = ctx.config, ctx.spec
        if not spec.is_toy:
            raise ConfigError("players", c.players, f"are for the 2-D point sets; --dataset={spec.name} holds images")
        for name in ("d_dropout", "g_dropout"):
            if getattr(c, name):
                raise ConfigError(name, getattr(c, name), "does not apply to the published_2d players")
        return players.build("published_2d", c.latent_dim, spec.sample_shape, **player_options(c, "published_2d"))


@dataclasses.dataclass(frozen=True)
class DCGANConfig(GANHacks):
    """Radford et al. 2016: all-convolutional players."""

    latent_dim: int = count(100, "Size of z (100 in the paper).")
    base_filters: int = count(64, "Filters of D's first and G's last block.")
    loss: str = option("non_saturating", "Adversarial loss.", choices=CROSS_ENTROPY_AND_OTHERS)
    spectral_norm: bool = option(False, "Spectral normalization on every D layer.")
    weight_init: str = option("glorot_uniform", "Initial kernels: Keras's default, or the paper's N(0, 0.02).",
                              choices=networks.dcgan.WEIGHT_INITS)


class DCGANExperiment(Experiment):
    name, Config, paper = "dcgan", DCGANConfig, "Radford et al. 2016, DCGAN"
    xla_faster = True

    def build(self, ctx):
        c, shape = ctx.config, ctx.spec.sample_shape
        generator = networks.dcgan.generator(c.latent_dim, shape, base_filters=c.base_filters, dropout=c.g_dropout,
                                             weight_init=c.weight_init)
        discriminator = networks.dcgan.discriminator(packed_shape(shape, c.pack), base_filters=c.base_filters,
                                                     spectral_norm=c.spectral_norm,
                                                     minibatch_discrimination=c.minibatch_discrimination,
                                                     weight_init=c.weight_init)
        return models.GAN(generator, discriminator, c.latent_dim, loss=c.loss, seed=ctx.run.seed,
                          **gan_options(c, c.loss, ctx.spec))


def _players(ctx, architecture, **options):
    """MLP players on the toy sets, ``architecture`` on images, with the hacks that belong to the networks."""
    c = ctx.config
    architecture = "mlp" if ctx.spec.is_toy else architecture
    return players.build(architecture, c.latent_dim, ctx.spec.sample_shape, hidden_units=c.hidden_units,
                         **player_options(c, architecture), **options)


@dataclasses.dataclass(frozen=True)
class LSGANConfig(GANHacks):
    """Mao et al. 2017: least-squares targets a, b, c."""

    latent_dim: int = count(100, "Size of z.")
    hidden_units: tuple[int, ...] = option((128, 128, 128), TOY_UNITS_HELP)
    filters: int = count(64, "Filters of D's first and G's last DCGAN block (images).")
    a: float = option(0.0, "D's target for generated data.")
    b: float = option(1.0, "D's target for real data.")
    c: float = option(1.0, "The value G wants D to give its samples.")


class LSGANExperiment(Experiment):
    name, Config, paper = "lsgan", LSGANConfig, "Mao et al. 2017, Least Squares GAN"
    xla_faster = True
    data_kinds = ("images", "points")

    def build(self, ctx):
        c = ctx.config
        generator, discriminator = _players(ctx, "dcgan", filters=c.filters)
        return models.GAN(generator, discriminator, c.latent_dim, loss="least_squares",
                          least_squares_targets=(c.a, c.b, c.c), seed=ctx.run.seed,
                          **gan_options(c, "least_squares", ctx.spec))


@dataclasses.dataclass(frozen=True)
class WGANConfig(GANHacks):
    """Arjovsky et al. 2017: a clipped critic, n_critic steps."""

    latent_dim: int = count(100, "Size of z.")
    hidden_units: tuple[int, ...] = option((128, 128, 128), TOY_UNITS_HELP)
    filters: int = count(64, "Filters of D's first and G's last DCGAN block (images).")
    clip_value: float = option(0.01, "Weight clipping bound c of the critic.", check=positive,
                               requirement="must be > 0")
    n_critic: int = count(5, "Critic updates per generator update.")
    split_real_batch: bool = option(True, SPLIT_HELP)


class WGANExperiment(Experiment):
    name, Config, paper = "wgan", WGANConfig, "Arjovsky et al. 2017, Wasserstein GAN"
    xla_faster = True
    data_kinds = ("images", "points")
    run_defaults = {"batch_size": 320}  # 5 critic steps x 64: --split_real_batch deals it

    def build(self, ctx):
        c = ctx.config
        generator, discriminator = _players(ctx, "dcgan", filters=c.filters)
        return models.GAN(generator, discriminator, c.latent_dim, loss="wasserstein", clip_value=c.clip_value,
                          n_critic=c.n_critic, split_real_batch=c.split_real_batch, seed=ctx.run.seed,
                          **gan_options(c, "wasserstein", ctx.spec))


@dataclasses.dataclass(frozen=True)
class WGANGPConfig(GANHacks):
    """Gulrajani et al. 2017: a gradient penalty on a critic without batch norm."""

    latent_dim: int = count(128, "Size of z (128 in the paper's CIFAR-10 ResNet).")
    hidden_units: tuple[int, ...] = option((128, 128, 128), "Hidden widths of both MLP players (2-D toy sets).")
    filters: int = count(128, "Channels of every ResNet block (images).")
    critic_normalization: str = option("none", "Normalization in the ResNet critic.", choices=("none", "layer"))
    gp_weight: float = amount(10.0, "Gradient penalty weight lambda.")
    n_critic: int = count(5, "Critic updates per generator update.")
    split_real_batch: bool = option(True, SPLIT_HELP)


class WGANGPExperiment(Experiment):
    name, Config, paper = "wgan_gp", WGANGPConfig, "Gulrajani et al. 2017, Improved Training of WGANs"
    xla_faster = True
    data_kinds = ("images", "points")
    run_defaults = {"batch_size": 320}  # 5 critic steps x 64: --split_real_batch deals it

    def build(self, ctx):
        c = ctx.config
        normalization = None if ctx.spec.is_toy or c.critic_normalization == "none" else c.critic_normalization
        generator, discriminator = _players(ctx, "resnet", filters=c.filters, critic_normalization=normalization)
        return models.GAN(generator, discriminator, c.latent_dim, loss="wasserstein",
                          gradient_penalty_weight=c.gp_weight, n_critic=c.n_critic,
                          split_real_batch=c.split_real_batch, seed=ctx.run.seed,
                          **gan_options(c, "wasserstein", ctx.spec))


@dataclasses.dataclass(frozen=True)
class SNGANConfig(GANHacks):
    """Miyato et al. 2018: spectrally normalized players, hinge loss."""

    latent_dim: int = count(128, "Size of z (128 in the paper).")
    hidden_units: tuple[int, ...] = option((128, 128, 128), TOY_UNITS_HELP)
    architecture: str = option("resnet", "Players on images.", choices=("dcgan", "resnet"))
    filters: int = count(128, "ResNet block channels, or the DCGAN base filters.")
    loss: str = option("hinge", "Adversarial loss (hinge in the paper).", choices=("hinge", "non_saturating"))
    n_critic: int = count(1, "D updates per G update (5 for the paper's ResNet).")


class SNGANExperiment(Experiment):
    name, Config, paper = "sngan", SNGANConfig, "Miyato et al. 2018, Spectral Normalization"
    xla_faster = True
    data_kinds = ("images", "points")

    def build(self, ctx):
        c = ctx.config
        generator, discriminator = _players(ctx, c.architecture, filters=c.filters, spectral_norm=True)
        return models.GAN(generator, discriminator, c.latent_dim, loss=c.loss, n_critic=c.n_critic,
                          seed=ctx.run.seed, **gan_options(c, c.loss, ctx.spec))


EXPERIMENTS = (GANExperiment(), DCGANExperiment(), LSGANExperiment(), WGANExperiment(), WGANGPExperiment(),
               SNGANExperiment())
