"""Autoencoder discriminators: EBGAN (Zhao et al. 2017) and BEGAN (Berthelot et al. 2017).

D is an autoencoder (:mod:`keras_gans.networks.autoencoder`) whose
reconstruction error is the energy of a sample. BEGAN's G has D's decoder
architecture; k_t (logged, and saved in the checkpoints) keeps
L(G(z)) = gamma L(x), and the convergence measure M_global is logged as
``convergence``.
"""

import dataclasses

from keras_gans import models, networks
from keras_gans.config import Config, amount, count, option, positive
from keras_gans.experiments.base import Experiment, ema_decay_option



@dataclasses.dataclass(frozen=True)
class EBGANConfig(Config):
    """Zhao et al. 2017: a DCGAN generator against an autoencoder."""

    latent_dim: int = count(100, "Size of z.")
    base_filters: int = count(64, "Filters of G's last block (DCGAN generator).")
    filters: int = count(64, "Channels of the autoencoder's first scale.")
    embedding_dim: int = count(64, "Size of the autoencoder's bottleneck.")
    margin: float = option(1.0, "Margin m on the energy of generated images.", check=positive,
                           requirement="must be > 0")
    pull_away_weight: float = amount(0.1, "Weight of the pull-away term (0 = plain EBGAN).")
    ema_decay: float = ema_decay_option()


class EBGANExperiment(Experiment):
    name, Config, paper = "ebgan", EBGANConfig, "Zhao et al. 2017, Energy-based GAN"
    xla_faster = True

    def build(self, ctx):
        c, shape = ctx.config, ctx.spec.sample_shape
        generator = networks.dcgan.generator(c.latent_dim, shape, base_filters=c.base_filters)
        discriminator = networks.autoencoder.discriminator(shape, filters=c.filters, embedding_dim=c.embedding_dim)
        return models.EBGAN(generator, discriminator, c.latent_dim, margin=c.margin,
                            pull_away_weight=c.pull_away_weight, ema_decay=c.ema_decay, seed=ctx.run.seed)


@dataclasses.dataclass(frozen=True)
class BEGANConfig(Config):
    """Berthelot et al. 2017: autoencoder players held at an equilibrium by k_t."""

    latent_dim: int = count(64, "Size of z (N_z = h = 64 in the paper).")
    filters: int = count(64, "n, the channels per scale of both players.")
    embedding_dim: int = count(64, "h, the size of D's bottleneck.")
    gamma: float = option(0.5, "Diversity ratio gamma = E[L(G(z))] / E[L(x)].", check=lambda v: 0.0 < v <= 1.0,
                          requirement="must be in (0, 1]")
    lambda_k: float = option(0.001, "Proportional gain of k_t.", check=positive, requirement="must be > 0")
    latent_distribution: str = option("uniform", "z ~ U[-1, 1] in the paper.", choices=("uniform", "normal"))
    ema_decay: float = ema_decay_option()


class BEGANExperiment(Experiment):
    name, Config, paper = "began", BEGANConfig, "Berthelot et al. 2017, BEGAN"

    def build(self, ctx):
        c, shape = ctx.config, ctx.spec.sample_shape
        generator = networks.autoencoder.generator(c.latent_dim, shape, filters=c.filters)
        discriminator = networks.autoencoder.discriminator(shape, filters=c.filters, embedding_dim=c.embedding_dim)
        return models.BEGAN(generator, discriminator, c.latent_dim, gamma=c.gamma, lambda_k=c.lambda_k,
                            latent_distribution=c.latent_distribution, ema_decay=c.ema_decay, seed=ctx.run.seed)


EXPERIMENTS = (EBGANExperiment(), BEGANExperiment())
