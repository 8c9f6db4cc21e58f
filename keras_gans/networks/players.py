"""A (generator, discriminator) pair by architecture name, for the apps of the objective family.

LSGAN, WGAN, WGAN-GP and SNGAN change the objective, not the players: each app
picks ``"mlp"`` on the 2-D toy sets and a convolutional pair on images, with
the options its paper needs (spectral norm, no batch norm in the critic).
``"published_2d"`` is the fixed pair of the PacGAN/VEEGAN 2-D experiments.
"""

from keras_gans.networks import dcgan, mlp, published_2d, resnet
from keras_gans.packing import packed_shape

ARCHITECTURES = ("mlp", "dcgan", "resnet", "published_2d")


def build(architecture, latent_dim, sample_shape, *, hidden_units=(128, 128), filters=64,
          spectral_norm=False, critic_normalization=None, g_dropout=0.0, minibatch_discrimination=False, pack=1):
    """Builds the players of one architecture.

    Args:
        architecture: ``"mlp"`` (:mod:`~keras_gans.networks.mlp`, linear output
            for unbounded 2-D points when ``sample_shape`` is a vector, tanh
            for images), ``"published_2d"`` (:mod:`~keras_gans.networks.published_2d`,
            vectors only, no options but ``pack``), ``"dcgan"`` (:mod:`~keras_gans.networks.dcgan`) or
            ``"resnet"`` (:mod:`~keras_gans.networks.resnet`).
        latent_dim: size of z.
        sample_shape: shape of one sample.
        hidden_units: MLP widths of both players.
        filters: DCGAN base filters, or ResNet block channels.
        spectral_norm: spectrally normalize every D layer (SNGAN).
        critic_normalization: ``None`` or ``"layer"``, for the ResNet critic only
            (the DCGAN discriminator has batch norm unless ``spectral_norm``).
        g_dropout: dropout rate in G.
        minibatch_discrimination: minibatch discrimination features before D's
            logit (MLP and DCGAN discriminators; Salimans et al. 2016).
        pack: samples D judges at once (PacGAN): D's input is ``pack``
            samples concatenated along the last axis.

    Returns:
        ``(generator, discriminator)`` functional models.

    Raises:
        ValueError: naming the argument for an unknown architecture or an
            option the architecture does not have.
    """
    if architecture not in ARCHITECTURES:
        raise ValueError(f"`architecture` must be one of {ARCHITECTURES}; received architecture={architecture!r}.")
    if critic_normalization is not None and architecture != "resnet":
        raise ValueError(f"`critic_normalization` applies to the resnet critic; received "
                         f"critic_normalization={critic_normalization!r} with architecture={architecture!r}.")
    if minibatch_discrimination and architecture == "resnet":
        raise ValueError("`minibatch_discrimination` applies to the mlp and dcgan discriminators; received "
                         f"minibatch_discrimination={minibatch_discrimination!r} with architecture='resnet'.")
    judged_shape = packed_shape(sample_shape, pack)
    if architecture == "published_2d":
        options = dict(spectral_norm=spectral_norm, g_dropout=g_dropout,
                       minibatch_discrimination=minibatch_discrimination)
        if len(sample_shape) != 1 or any(options.values()):
            chosen = {k: v for k, v in options.items() if v}
            raise ValueError(f"the published_2d players take vector samples and no options but `pack`; received "
                             f"sample_shape={tuple(sample_shape)}" + (f" and {chosen}" if chosen else "") + ".")
        return published_2d.generator(latent_dim, sample_shape[0]), published_2d.discriminator(judged_shape[0])
    if architecture == "mlp":
        units = tuple(int(u) for u in hidden_units)
        output_activation = None if len(sample_shape) == 1 else "tanh"  # toy points are not in [-1, 1]
        return (mlp.generator(latent_dim, sample_shape, hidden_units=units, output_activation=output_activation,
                              dropout=g_dropout),
                mlp.discriminator(judged_shape, hidden_units=units, spectral_norm=spectral_norm,
                                  minibatch_discrimination=minibatch_discrimination))
    if architecture == "dcgan":
        return (dcgan.generator(latent_dim, sample_shape, base_filters=filters, dropout=g_dropout),
                dcgan.discriminator(judged_shape, base_filters=filters, spectral_norm=spectral_norm,
                                    minibatch_discrimination=minibatch_discrimination))
    return (resnet.generator(latent_dim, sample_shape, filters=filters, dropout=g_dropout),
            resnet.discriminator(judged_shape, filters=filters, spectral_norm=spectral_norm,
                                 normalization=critic_normalization))
