"""StyleGAN's pictures: the style-mixing grid and the truncation sweep (Karras et al. 2019, Fig. 3 and 8).

Both take a model with StyleGAN2's sampling interface
(:class:`keras_gans.models.StyleGAN2`: ``map``, ``synthesize``, ``mix``,
``fixed_noise``) and fixed latent vectors, and return uint8 grids for
:func:`keras_gans.images.save_png`. The noise maps are held fixed (one per
layer, shared by every cell), so the cells differ only by their styles.
"""

import numpy as np
from keras import ops

from keras_gans import images as image_utils


def _numpy(images):
    return np.asarray(ops.convert_to_numpy(images), dtype=np.float32)


def style_mixing_picture(model, z_coarse, z_fine, cutoff, *, truncation_psi=1.0, noise_seed=0):
    """The style-mixing grid: coarse styles from A (rows), the rest from B (columns).

    Row 0 shows the B images, column 0 the A images (the corner is blank);
    cell (i, j) takes the w's before layer ``cutoff`` from ``z_coarse[i]`` and
    those from ``cutoff`` on from ``z_fine[j]``. With StyleGAN's layer order,
    a small cutoff (4: the 4x4 and 8x8 layers) copies A's pose and layout
    with B's colours and details.

    Args:
        model: a StyleGAN2 model.
        z_coarse: ``[rows, latent_dim]`` latent vectors of A.
        z_fine: ``[cols, latent_dim]`` latent vectors of B.
        cutoff: the first layer whose w comes from B, in [0, num_ws].
        truncation_psi: truncation of every w (1: none).
        noise_seed: seed of the fixed noise maps.

    Returns:
        uint8 ``[H, W, C]`` grid of ``(rows + 1) x (cols + 1)`` cells.
    """
    z_coarse, z_fine = np.asarray(z_coarse, np.float32), np.asarray(z_fine, np.float32)
    rows, cols = z_coarse.shape[0], z_fine.shape[0]
    with model.fixed_noise(noise_seed):
        sources_a = _numpy(model.synthesize(model.map(z_coarse, truncation_psi)))
        sources_b = _numpy(model.synthesize(model.map(z_fine, truncation_psi)))
        mixes = [_numpy(model.mix(np.repeat(z_coarse[i:i + 1], cols, axis=0), z_fine, cutoff, truncation_psi))
                 for i in range(rows)]
    blank = np.full_like(sources_b[:1], -1.0)
    cells = [blank, sources_b]
    for i in range(rows):
        cells += [sources_a[i:i + 1], mixes[i]]
    return image_utils.make_grid(np.concatenate(cells, axis=0), nrow=cols + 1)


def truncation_picture(model, z, psis, *, noise_seed=0):
    """The truncation sweep: one row per z, one column per psi (psi = 0 is ``w_avg``'s image in every row).

    Args:
        model: a StyleGAN2 model.
        z: ``[rows, latent_dim]`` latent vectors.
        psis: the truncation values of the columns, e.g. ``[0, 0.25, 0.5, 0.75, 1]``.
        noise_seed: seed of the fixed noise maps.

    Returns:
        uint8 ``[H, W, C]`` grid of ``rows x len(psis)`` cells.
    """
    z = np.asarray(z, np.float32)
    with model.fixed_noise(noise_seed):
        columns = [_numpy(model.synthesize(model.map(z, float(psi)))) for psi in psis]
    cells = np.stack(columns, axis=1).reshape((-1,) + columns[0].shape[1:])  # row-major: z, then psi
    return image_utils.make_grid(cells, nrow=len(psis))
