"""Energy-based losses: autoencoder discriminators (EBGAN, Zhao et al. 2017; BEGAN, Berthelot et al. 2017)."""

from keras import ops

from keras_gans import checks


def autoencoder_energy(inputs, reconstructions, *, power=2):
    """Per-sample reconstruction energy ``mean |x - D(x)|^power`` of an autoencoder D.

    EBGAN (Zhao et al. 2017, section 2.3) uses the reconstruction error as D's
    energy, computed as the mean squared error (``power=2``); BEGAN (Berthelot
    et al. 2017, eq. 1) uses ``L(v) = |v - D(v)|^eta`` with ``eta = 1``
    (``power=1``, the mean absolute error). The mean runs over every
    non-batch axis, so the energy does not grow with the image size.

    Args:
        inputs: ``[batch, ...]`` what went into the autoencoder.
        reconstructions: ``[batch, ...]`` what came out, same shape.
        power: 1 (absolute error) or 2 (squared error).

    Returns:
        ``[batch]`` energies.
    """
    checks.one_of("power", power, (1, 2))
    inputs = ops.convert_to_tensor(inputs)
    reconstructions = ops.cast(ops.convert_to_tensor(reconstructions), inputs.dtype)
    error = ops.abs(inputs - reconstructions) if power == 1 else ops.square(inputs - reconstructions)
    return ops.mean(ops.reshape(error, (ops.shape(error)[0], -1)), axis=1)  # [batch, ...] -> [batch]


def ebgan_discriminator_loss(real_energy, fake_energy, *, margin):
    """EBGAN discriminator loss ``E[D(x)] + E[max(0, m - D(G(z)))]``.

    Zhao et al. 2017, "Energy-based Generative Adversarial Network", eq. 1: D
    gives real data low energy and pushes the energy of generated data up to
    the margin m, no further.

    Args:
        real_energy: ``[batch]`` energies of real data.
        fake_energy: ``[batch]`` energies of generated data.
        margin: m > 0.

    Returns:
        Scalar loss.
    """
    if not margin > 0:
        raise ValueError(f"`margin` must be > 0; received margin={margin!r}.")
    return (ops.mean(ops.convert_to_tensor(real_energy))
            + ops.mean(ops.relu(margin - ops.convert_to_tensor(fake_energy))))


def ebgan_generator_loss(fake_energy):
    """EBGAN generator loss ``E[D(G(z))]`` (Zhao et al. 2017, eq. 2)."""
    return ops.mean(ops.convert_to_tensor(fake_energy))


def pull_away_term(embeddings):
    """EBGAN's repelling regularizer, the pull-away term (Zhao et al. 2017, eq. 4).

    ``f_PT(S) = 1 / (N (N - 1)) * sum_i sum_{j != i} cos(S_i, S_j)^2`` over the
    encoder's embeddings S of a generated batch: it is 0 when the embeddings
    are mutually orthogonal and 1 when they all point the same way, so
    minimizing it spreads G's samples apart.

    Args:
        embeddings: ``[N, ...]`` embeddings, N >= 2; flattened per sample.

    Returns:
        Scalar in [0, 1].
    """
    embeddings = ops.convert_to_tensor(embeddings)
    batch = embeddings.shape[0]
    if batch is not None and batch < 2:
        raise ValueError(f"`embeddings` needs at least 2 samples; received shape {tuple(embeddings.shape)}.")
    flat = ops.reshape(embeddings, (ops.shape(embeddings)[0], -1))                 # [N, d]
    unit = flat / ops.sqrt(ops.sum(ops.square(flat), axis=1, keepdims=True) + 1e-12)
    cosine_sq = ops.square(ops.matmul(unit, ops.transpose(unit)))                   # [N, N]
    n = ops.cast(ops.shape(flat)[0], flat.dtype)
    off_diagonal = ops.sum(cosine_sq) - ops.sum(ops.diagonal(cosine_sq))
    return off_diagonal / (n * (n - 1.0))


def began_discriminator_loss(real_energy, fake_energy, *, k):
    """BEGAN discriminator loss ``L(x) - k_t L(G(z_D))`` (Berthelot et al. 2017, eq. 4).

    Args:
        real_energy: ``[batch]`` autoencoder energies L of real data.
        fake_energy: ``[batch]`` energies of generated data.
        k: the equilibrium control variable k_t in [0, 1].

    Returns:
        Scalar loss.
    """
    return ops.mean(ops.convert_to_tensor(real_energy)) - k * ops.mean(ops.convert_to_tensor(fake_energy))


def began_generator_loss(fake_energy):
    """BEGAN generator loss ``L(G(z_G))`` (Berthelot et al. 2017, eq. 4)."""
    return ops.mean(ops.convert_to_tensor(fake_energy))


def began_k_update(k, real_loss, fake_loss, *, gamma, lambda_k):
    """The next equilibrium variable ``k_{t+1} = clip(k_t + lambda_k (gamma L(x) - L(G(z_G))), 0, 1)``.

    Berthelot et al. 2017, "BEGAN: Boundary Equilibrium Generative Adversarial
    Networks", eq. 4: proportional control that keeps ``E[L(G(z))] = gamma E[L(x)]``;
    k_t is kept in [0, 1] as the paper's implementation does.

    Args:
        k: current k_t.
        real_loss: the batch mean L(x).
        fake_loss: the batch mean L(G(z_G)).
        gamma: the diversity ratio in (0, 1].
        lambda_k: the proportional gain (0.001 in the paper).

    Returns:
        k_{t+1}, in [0, 1].
    """
    k, real_loss, fake_loss = (ops.convert_to_tensor(v, "float32") for v in (k, real_loss, fake_loss))
    return ops.clip(k + lambda_k * (gamma * real_loss - fake_loss), 0.0, 1.0)


def began_convergence(real_loss, fake_loss, *, gamma):
    """BEGAN's global convergence measure ``M = L(x) + |gamma L(x) - L(G(z_G))|``.

    Berthelot et al. 2017, section 3.4.1: it falls as the autoencoder
    reconstructs real data better and the equilibrium ``L(G(z)) = gamma L(x)``
    is met.

    Args:
        real_loss: the batch mean L(x).
        fake_loss: the batch mean L(G(z_G)).
        gamma: the diversity ratio.

    Returns:
        Scalar M_global.
    """
    real_loss, fake_loss = (ops.convert_to_tensor(v, "float32") for v in (real_loss, fake_loss))
    return real_loss + ops.abs(gamma * real_loss - fake_loss)


def autoencoder_energies(discriminator, samples, power, training=True):
    """``([batch] energies, embeddings)`` of ``samples`` under an autoencoder discriminator.

    EBGAN's and BEGAN's D is an autoencoder returning ``[reconstruction,
    embedding]``; a sample's energy is its reconstruction error
    (:func:`autoencoder_energy`).
    """
    reconstruction, embedding = discriminator(samples, training=training)
    energy = autoencoder_energy(ops.cast(samples, "float32"), ops.cast(reconstruction, "float32"), power=power)
    return energy, ops.cast(embedding, "float32")
