"""PacGAN's packing: the discriminator judges m samples at once (Lin et al. 2018).

"PacGAN: The power of two samples in generative adversarial networks",
section 3: D maps m samples, all real or all generated, concatenated, to one
decision; a generator that drops modes makes packs that look alike, which D
sees and a one-sample D cannot. Samples ``[B, d]`` become ``[B/m, m*d]``;
images ``[B, H, W, C]`` become ``[B/m, H, W, m*C]``, consecutive samples side
by side along the last axis.
"""

from keras import ops

from keras_gans import checks


def packed_shape(sample_shape, pack):
    """The shape of one pack of ``pack`` samples of ``sample_shape`` (the last axis multiplied)."""
    pack = checks.positive_int("pack", pack)
    shape = tuple(sample_shape)
    return shape[:-1] + (shape[-1] * pack,)


def pack_samples(samples, pack):
    """Concatenates each run of ``pack`` consecutive samples along the last axis.

    Args:
        samples: ``[B, ..., C]`` with ``B`` a multiple of ``pack``.
        pack: m, samples per pack; 1 returns ``samples`` unchanged.

    Returns:
        ``[B / m, ..., m * C]``: pack ``i`` holds samples ``m*i`` to ``m*i + m - 1``.

    Raises:
        ValueError: naming ``pack`` when the (static) batch is not a multiple of it.
    """
    if pack == 1:
        return samples
    shape = tuple(samples.shape[1:])
    rows = samples.shape[0]
    if rows is not None and rows % pack:
        raise ValueError(f"`pack`={pack} needs a (per-replica) batch that is a multiple of it; received a batch "
                         f"of {rows}.")
    grouped = ops.reshape(samples, (-1, pack) + shape)                          # [B/m, m, ..., C]
    sample_major = ops.moveaxis(grouped, 1, -2)                                # [B/m, ..., m, C]
    return ops.reshape(sample_major, (-1,) + shape[:-1] + (pack * shape[-1],))  # [B/m, ..., m*C]
