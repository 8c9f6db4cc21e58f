"""The GAN hacks as settings of every experiment built on :class:`keras_gans.models.GAN`.

The tricks the lecture notes teach as switches people flip: one-sided label
smoothing and noisy labels (Salimans et al. 2016, section 3.4), instance
noise annealed to zero (Sonderby et al. 2017, section 5), the prior of z,
feature matching and minibatch discrimination (Salimans et al. 2016,
sections 3.1 and 3.2), dropout in G (Isola et al. 2017 use it as G's noise),
a moving average of G (Yazici et al. 2019), and two remedies for mode
collapse: packing (PacGAN, Lin et al. 2018) and an unrolled discriminator
(Metz et al. 2017), top-k training of G (Sinha et al. 2020), the R1 penalty
on D's gradient at the data (Mescheder et al. 2018), and, for small training
sets, DiffAugment (Zhao et al. 2020). :class:`GANHacks` adds them
to a config; :func:`gan_options` and :func:`player_options` hand them to the
model and the network builders, refusing, with a message naming the flag,
a combination the model cannot use rather than ignoring it.
"""

import dataclasses

from keras_gans import losses
from keras_gans.config import Config, ConfigError, amount, count, fraction, option, share
from keras_gans.experiments.base import diff_augment_option, ema_decay_option, minibatch_discrimination_option

MINIBATCH_DISCRIMINATION = ("mlp", "dcgan")  # the discriminators that have it


@dataclasses.dataclass(frozen=True)
class GANHacks(Config):
    """The hacks, each off by default."""

    label_smoothing: float = fraction(0.0, "One-sided label smoothing: D's real target becomes 1 - s "
                                           "(cross-entropy losses).")
    label_noise: float = fraction(0.0, "Probability of flipping each of D's targets (cross-entropy losses).")
    instance_noise_std: float = amount(0.0, "Std of Gaussian noise added to D's real and fake inputs.")
    instance_noise_decay_steps: int = count(0, "Generator steps over which the instance noise falls linearly to "
                                               "0 (0 = constant).", minimum=0)
    latent_distribution: str = option("normal", "Prior of z: N(0, I) or U[-1, 1].", choices=("normal", "uniform"))
    feature_matching: bool = option(False, "Train G to match D's mean features instead of fooling D.")
    minibatch_discrimination: bool = minibatch_discrimination_option("before D's logit.")
    g_dropout: float = fraction(0.0, "Dropout in G after each hidden layer or block.")
    ema_decay: float = ema_decay_option()
    pack: int = count(1, "PacGAN (Lin et al. 2018): samples D judges at once, concatenated; the batch must be a "
                         "multiple of it (1 = off).")
    unrolled_steps: int = count(0, "Unrolled GAN (Metz et al. 2017): G is judged by D unrolled this many steps "
                                   "ahead (0 = off).", minimum=0)
    top_k_fraction: float = share(1.0, "Top-k training (Sinha et al. 2020): G's loss keeps the samples D scores "
                                       "highest, a share decaying from 1 to this floor (1 = off).")
    top_k_decay: float = share(0.99, "Top-k training: the kept share is multiplied by this every "
                                     "--top_k_decay_steps generator steps.")
    top_k_decay_steps: int = count(1000, "Top-k training: generator steps between two decays of the kept share.")
    diff_augment: tuple[str, ...] = diff_augment_option()
    r1_weight: float = amount(0.0, "R1 (Mescheder et al. 2018): gamma; D's loss adds gamma/2 times the squared "
                                   "norm of its gradient on real data (0 = off).")


def gan_options(config, loss, spec):
    """The :class:`keras_gans.models.GAN` keyword arguments of a :class:`GANHacks` config.

    Args:
        config: the experiment's config.
        loss: the adversarial loss the experiment trains with.
        spec: the dataset's :class:`keras_gans.experiments.base.DataSpec`.

    Raises:
        ConfigError: label smoothing or noise with a loss that has no labels; DiffAugment on 2-D points;
            top-k training with feature matching.
    """
    if config.diff_augment and spec.is_toy:
        raise ConfigError("diff_augment", config.diff_augment, f"transforms images; --dataset={spec.name} holds "
                                                               f"2-D points")
    if config.top_k_fraction < 1.0 and config.feature_matching:
        raise ConfigError("top_k_fraction", config.top_k_fraction, "keeps the samples D scores highest in G's "
                                                                   "adversarial loss, which --feature_matching "
                                                                   "replaces")
    for name in ("label_smoothing", "label_noise"):
        value = getattr(config, name)
        if value and loss not in losses.CROSS_ENTROPY_VARIANTS:
            raise ConfigError(name, value, f"applies to the cross-entropy losses "
                                           f"({', '.join(losses.CROSS_ENTROPY_VARIANTS)}), not to {loss}")
    return dict(label_smoothing=config.label_smoothing, label_noise=config.label_noise,
                instance_noise_std=config.instance_noise_std,
                instance_noise_decay_steps=config.instance_noise_decay_steps,
                latent_distribution=config.latent_distribution, feature_matching=config.feature_matching,
                ema_decay=config.ema_decay, pack=config.pack, unrolled_steps=config.unrolled_steps,
                top_k_fraction=config.top_k_fraction, top_k_decay=config.top_k_decay,
                top_k_decay_steps=config.top_k_decay_steps, diff_augment=config.diff_augment,
                r1_weight=config.r1_weight)


def player_options(config, architecture):
    """The network-builder options of a :class:`GANHacks` config for ``architecture`` players.

    Raises:
        ConfigError: an option those players do not have.
    """
    if config.minibatch_discrimination and architecture not in MINIBATCH_DISCRIMINATION:
        raise ConfigError("minibatch_discrimination", True, f"applies to the {' and '.join(MINIBATCH_DISCRIMINATION)} "
                                                             f"discriminators, not to the {architecture} one")
    return dict(minibatch_discrimination=config.minibatch_discrimination, g_dropout=config.g_dropout,
                pack=config.pack)
