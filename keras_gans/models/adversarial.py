"""A game whose generator maps a latent prior to samples: z, seeds, the moving average of G, sampling.

:class:`AdversarialModel` is what every model with a latent prior shares on
top of :class:`~keras_gans.models.game.AdversarialGame`: the networks ``generator``
and ``discriminator``, z drawn from the model's ``keras.random.SeedGenerator``
(so a restored checkpoint continues the same stream), an optional exponential
moving average (EMA) of the generator, ``generate``, the export endpoint and
serialization. :class:`~keras_gans.models.GAN`, the class-conditional models,
EBGAN and BEGAN build on it.
"""

import numbers

import keras
import numpy as np
from keras import ops

from keras_gans import checks, distribute, draws
from keras_gans.models.game import AdversarialGame

LATENT_DISTRIBUTIONS = ("normal", "uniform")


def real_inputs(data):
    """The images of a batch; labels (or Keras's (x, y) packing) are ignored."""
    return data[0] if isinstance(data, (tuple, list)) else data


def class_ids_array(name, values, rows, num_classes):
    """Validates user-given class ids (labels, categorical codes) before they reach a network.

    Args:
        name: the argument's name, for the error message.
        values: array-like of ints ``[rows]``.
        rows: expected length.
        num_classes: ids must lie in ``[0, num_classes)``.

    Returns:
        An int32 NumPy array ``[rows]``.

    Raises:
        ValueError: naming ``name`` and the offending value or shape.
    """
    array = np.asarray(keras.ops.convert_to_numpy(values))
    if array.shape != (rows,) or not (np.issubdtype(array.dtype, np.integer)
                                      or (array.size and np.all(np.mod(array, 1) == 0))):
        raise ValueError(f"`{name}` must be {rows} integer class ids; received shape {array.shape}, "
                         f"dtype {array.dtype}.")
    outside = array[(array < 0) | (array >= num_classes)]
    if outside.size:
        raise ValueError(f"`{name}` must be in [0, num_classes={num_classes}); received {name} "
                         f"value {int(outside[0])}.")
    return array.astype(np.int32)


def _averaging_copy(generator):
    """A frozen copy of ``generator`` (architecture and weights) to hold G's moving average."""
    try:
        copy = keras.models.clone_model(generator)
    except (ValueError, TypeError) as error:
        raise ValueError(f"`ema_decay` needs a functional or Sequential generator to copy; "
                         f"{generator.name!r} could not be cloned: {error}") from error
    copy.set_weights(generator.get_weights())
    copy.trainable = False
    return copy


def _check_prior(*, latent_dim, latent_distribution, ema_decay, ema_start):
    """Raises ValueError naming the first bad argument shared by every model with a latent prior."""
    if isinstance(latent_dim, bool) or not isinstance(latent_dim, int) or latent_dim <= 0:
        raise ValueError(f"`latent_dim` must be a positive int; received latent_dim={latent_dim!r}.")
    if latent_distribution not in LATENT_DISTRIBUTIONS:
        raise ValueError(f"`latent_distribution` must be one of {LATENT_DISTRIBUTIONS}; "
                         f"received latent_distribution={latent_distribution!r}.")
    if isinstance(ema_decay, bool) or not isinstance(ema_decay, (int, float)) or not 0.0 <= ema_decay < 1.0:
        raise ValueError(f"`ema_decay` must be a number in [0, 1); received ema_decay={ema_decay!r}.")
    checks.integer("ema_start", ema_start, minimum=0)


class AdversarialModel(AdversarialGame):
    """A game between a generator of samples from z and a discriminator.

    Moving average of G (Yazici et al. 2019, "The Unusual Effectiveness of
    Averaging in GAN Training"; Karras et al. 2018 sample from such an
    average). With ``ema_decay = d > 0``, after the t-th generator update every
    trainable weight ``w`` of G updates its average as ``avg <- decay_t * avg +
    (1 - decay_t) * w`` with ``decay_t = min(d, (1 + t) / (10 + t))``, the
    warm-up of ``tf.train.ExponentialMovingAverage`` with ``num_updates``, so
    early averages are not dominated by the random initial weights. With
    ``ema_start = s > 0`` the average is a copy of G for the first ``s``
    updates and averages from there, with ``t - s`` in place of ``t``
    (BigGAN starts its average after 20k iterations, Brock et al. 2019).
    Non-trainable weights (batch-norm statistics) are copied. The averaged
    network, :attr:`ema_generator`, is what :meth:`generate`, the sample
    callbacks and the export use; it is saved in checkpoints and ``.keras``
    files.

    Args:
        generator: ``keras.Model`` mapping the generator inputs (``z`` first) to samples.
        discriminator: ``keras.Model``; what it outputs depends on the subclass.
        latent_dim: size of z.
        latent_distribution: ``"normal"`` (N(0, I)) or ``"uniform"`` (U[-1, 1]).
        ema_decay: decay d of G's moving average; 0 = off. Needs a functional
            or Sequential generator (it is copied with ``keras.models.clone_model``).
        ema_start: generator updates before the average starts (it copies G until then).
        seed: seed of the model's ``keras.random.SeedGenerator``.
        **kwargs: passed to :class:`~keras_gans.models.game.AdversarialGame`
            (``n_critic``, ``split_real_batch``, ``name``).
    """

    def __init__(self, generator, discriminator, latent_dim, *, latent_distribution="normal",
                 ema_decay=0.0, ema_start=0, seed=None, **kwargs):
        super().__init__(**kwargs)
        _check_prior(latent_dim=latent_dim, latent_distribution=latent_distribution, ema_decay=ema_decay,
                     ema_start=ema_start)
        self.generator = generator
        self.discriminator = discriminator
        self.latent_dim = latent_dim
        self.latent_distribution = latent_distribution
        self.ema_decay = float(ema_decay)
        self.ema_start = int(ema_start)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.ema_generator = _averaging_copy(generator) if self.ema_decay else None
        # The networks exist, so the model is built; fit under a strategy would
        # otherwise try to call it symbolically (docs/design.md, "Distribution").
        self.built = True

    # --------------------------------------------------------------- sampling

    @property
    def sampling_generator(self):
        """The network samples come from: the moving average of G when kept, else G."""
        return self.ema_generator if self.ema_generator is not None else self.generator

    def _draw_latent(self, rows):
        shape = (rows, self.latent_dim)
        if self.latent_distribution == "uniform":
            return draws.uniform(shape, minval=-1.0, maxval=1.0, seed=self.seed_generator)
        return draws.normal(shape, seed=self.seed_generator)

    def sample_latent(self, batch_size):
        """Draws ``[batch_size, latent_dim]`` latent vectors (this replica's rows of the global batch)."""
        return distribute.replica_slice(self._draw_latent, batch_size)

    def random_classes(self, batch_size, num_classes):
        """Uniform int32 class ids ``[batch_size]`` for this replica, from the seed generator."""
        return distribute.replica_slice(
            lambda rows: ops.cast(draws.randint((rows,), 0, num_classes, seed=self.seed_generator),
                                  "int32"),
            batch_size)

    def latent_array(self, z_or_num):
        """``(z, rows)`` from a count (z drawn from the seed generator) or a z array ``[n, latent_dim]``."""
        if isinstance(z_or_num, numbers.Integral) and not isinstance(z_or_num, bool):
            if z_or_num <= 0:
                raise ValueError(f"`z_or_num` must be a positive count or a z array; received {z_or_num!r}.")
            return self._draw_latent(int(z_or_num)), int(z_or_num)
        z = ops.convert_to_tensor(z_or_num, dtype="float32")
        if len(z.shape) != 2 or z.shape[-1] != self.latent_dim:
            raise ValueError(f"`z_or_num` must have shape [n, {self.latent_dim}]; received shape "
                             f"{tuple(z.shape)}.")
        return z, int(z.shape[0])

    def generate(self, z_or_num, training=False):
        """Generates samples with :attr:`sampling_generator` (G's moving average when kept).

        Args:
            z_or_num: an int (number of samples, z drawn from the model's seed
                generator) or an array of latent vectors ``[n, latent_dim]``.
            training: run the generator in training mode.

        Returns:
            Generated samples ``[n, ...]``.
        """
        z, _ = self.latent_array(z_or_num)
        return self.sampling_generator(z, training=training)

    def call(self, z, training=False):
        return self.sampling_generator(z, training=training)

    def serving_endpoints(self):
        """``serving_default``: the sampling generator (inputs ``z`` and any conditioning)."""
        return {"serving_default": self.sampling_generator}

    def checkpoint_items(self):
        """G's moving average, when kept."""
        return {"ema_generator": self.ema_generator} if self.ema_generator is not None else {}

    # --------------------------------------------------------------- training

    def after_generator_update(self):
        """One EMA step of G's weights, when kept."""
        if self.ema_generator is None:
            return
        updates = ops.cast(self.g_optimizer.iterations, "float32") - self.ema_start  # t - s, this update included
        decay = ops.where(updates > 0, ops.minimum(self.ema_decay, (1.0 + updates) / (10.0 + updates)), 0.0)
        for average, weight in zip(self.ema_generator.weights, self.generator.weights):
            if weight.trainable:
                average.assign(decay * average + (1.0 - decay) * weight)
            else:
                average.assign(weight)

    # ---------------------------------------------------------- serialization

    def get_config(self):
        config = super().get_config()
        config.update(
            generator=keras.saving.serialize_keras_object(self.generator),
            discriminator=keras.saving.serialize_keras_object(self.discriminator),
            latent_dim=self.latent_dim, latent_distribution=self.latent_distribution,
            ema_decay=self.ema_decay, ema_start=self.ema_start, seed=self.seed)
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["generator"] = keras.saving.deserialize_keras_object(config["generator"])
        config["discriminator"] = keras.saving.deserialize_keras_object(config["discriminator"])
        return cls(**config)
