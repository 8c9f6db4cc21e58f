"""A (generator, discriminator) pair by architecture name, for the apps of the objective family.

LSGAN, WGAN, WGAN-GP and SNGAN change the objective, not the players: each app
picks ``"mlp"`` on the 2-D toy sets and a convolutional pair on images, with
the options its paper needs (spectral norm, no batch norm in the critic).
"""

from keras_gans.networks import dcgan, mlp, resnet

ARCHITECTURES = ("mlp", "dcgan", "resnet")


def build(architecture, latent_dim, sample_shape, *, hidden_units=(128, 128), filters=64,
          spectral_norm=False, critic_normalization=None, g_dropout=0.0):
    """Builds the players of one architecture.

    Args:
        architecture: ``"mlp"`` (:mod:`~keras_gans.networks.mlp`, linear output
            for unbounded 2-D points when ``sample_shape`` is a vector, tanh
            for images), ``"dcgan"`` (:mod:`~keras_gans.networks.dcgan`) or
            ``"resnet"`` (:mod:`~keras_gans.networks.resnet`).
        latent_dim: size of z.
        sample_shape: shape of one sample.
        hidden_units: MLP widths of both players.
        filters: DCGAN base filters, or ResNet block channels.
        spectral_norm: spectrally normalize every D layer (SNGAN).
        critic_normalization: ``None`` or ``"layer"``, for the ResNet critic only
            (the DCGAN discriminator has batch norm unless ``spectral_norm``).
        g_dropout: dropout rate in G (MLP and ResNet generators).

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
    if g_dropout and architecture == "dcgan":
        raise ValueError(f"`g_dropout` applies to the mlp and resnet generators; received g_dropout={g_dropout!r} "
                         "with architecture='dcgan'.")
    if architecture == "mlp":
        units = tuple(int(u) for u in hidden_units)
        output_activation = None if len(sample_shape) == 1 else "tanh"  # toy points are not in [-1, 1]
        return (mlp.generator(latent_dim, sample_shape, hidden_units=units, output_activation=output_activation,
                              dropout=g_dropout),
                mlp.discriminator(sample_shape, hidden_units=units, spectral_norm=spectral_norm))
    if architecture == "dcgan":
        return (dcgan.generator(latent_dim, sample_shape, base_filters=filters),
                dcgan.discriminator(sample_shape, base_filters=filters, spectral_norm=spectral_norm))
    return (resnet.generator(latent_dim, sample_shape, filters=filters, dropout=g_dropout),
            resnet.discriminator(sample_shape, filters=filters, spectral_norm=spectral_norm,
                                 normalization=critic_normalization))
