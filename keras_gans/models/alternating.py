"""What the label- and code-driven GANs share: one alternating step, written once.

:class:`AlternatingGAN` makes one discriminator update and then one generator
update per batch, each on freshly sampled generator inputs; a subclass only
says what the generator's inputs are and what each player's loss is.
:class:`ClassConditionalGAN` adds the class-label plumbing of CGAN (Mirza &
Osindero 2014) and ACGAN (Odena et al. 2017): ``num_classes``, uniformly
sampled fake labels, ``generate(z, labels)`` and clear errors for unlabelled
or out-of-range data.

Both follow :class:`keras_gans.models.gan.AdversarialModel`'s conventions:
random draws go through the model's seed generator for the global batch and
are sliced per replica, per-replica mean losses are divided by the replica
count before the gradient, losses see float32 logits (mixed precision), and
the moving average of G, when kept, follows every generator update.
"""

import numbers

import keras
import numpy as np
import tensorflow as tf
from keras import ops

from keras_gans import layers, losses
from keras_gans.models.gan import AdversarialModel, real_inputs, replica_slice
from keras_gans.networks import _checks


def as_float32(outputs):
    """Casts a network's output (a tensor or a list of them) to float32, for the losses."""
    if isinstance(outputs, (list, tuple)):
        return [ops.cast(output, "float32") for output in outputs]
    return ops.cast(outputs, "float32")


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


def check_weight(name, value):
    """``float(value)`` for a real number >= 0, else ValueError naming it."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not value >= 0:
        raise ValueError(f"`{name}` must be a number >= 0; received {name}={value!r}.")
    return float(value)


def input_names(network):
    """The names of a functional network's inputs."""
    return [tensor.name for tensor in network.inputs]


def check_encoded_classes(network, role, num_classes, argument="num_classes"):
    """Raises ValueError when a :class:`~keras_gans.layers.ClassOneHot` of ``network`` encodes another count.

    Args:
        network: a functional model, searched through its nested models.
        role: what the network is ("generator", "discriminator"), for the message.
        num_classes: the count the model was given.
        argument: the model argument holding that count.
    """
    pending = [network]
    while pending:
        for layer in pending.pop().layers:
            if isinstance(layer, keras.Model):
                pending.append(layer)
            elif isinstance(layer, layers.ClassOneHot) and layer.num_classes != num_classes:
                raise ValueError(f"`{argument}`={num_classes} disagrees with the {role} {network.name!r}, "
                                 f"whose layer {layer.name!r} encodes {layer.num_classes} classes.")


class AlternatingGAN(AdversarialModel):
    """One discriminator update, then one generator update, per batch.

    Subclasses define:

    - :attr:`TRACKERS`: names of the mean metrics the step reports;
    - ``_generator_inputs(batch_size)``: the generator's inputs for a batch
      (a list, in the generator's input order), drawn with the seed generator;
    - ``_discriminator_losses(data, inputs, fake, training)`` and
      ``_generator_losses(data, inputs, fake, training)``: ``(loss to
      minimize, {tracker name: value})``.

    The discriminator's loss is taken on fakes made from one draw of inputs;
    the generator's on a second draw, under the generator's tape. The
    ``test_step`` computes both losses in inference mode with no update.

    Args:
        generator, discriminator, latent_dim: see :class:`AdversarialModel`.
        loss: adversarial loss variant (:func:`keras_gans.losses.get`) for the
            real/fake part of the game.
        **kwargs: passed to :class:`AdversarialModel` (``latent_distribution``,
            ``ema_decay``, ``seed``, ``name``).
    """

    TRACKERS = ("d_loss", "g_loss")

    def __init__(self, generator, discriminator, latent_dim, *, loss="non_saturating", **kwargs):
        self.d_loss_fn, self.g_loss_fn = losses.get(loss)
        super().__init__(generator, discriminator, latent_dim, **kwargs)
        self.loss_name = loss
        self.trackers = {name: keras.metrics.Mean(name=name) for name in self.TRACKERS}
        # The networks exist, so the model is built; fit under a strategy would
        # otherwise try to call it symbolically (DESIGN.md, Distribution).
        self.built = True

    # ------------------------------------------------------------ subclass API

    def _generator_inputs(self, batch_size):
        raise NotImplementedError

    def _discriminator_losses(self, data, inputs, fake, training):
        raise NotImplementedError

    def _generator_losses(self, data, inputs, fake, training):
        raise NotImplementedError

    def _check_data(self, data):
        """Validates a batch at trace time and returns it (override to reject bad data)."""
        return data

    # --------------------------------------------------------------- training

    def _batch_size(self, data):
        return ops.shape(real_inputs(data))[0]

    def train_step(self, data):
        data = self._check_data(data)
        batch_size = self._batch_size(data)
        d_vars = self.discriminator.trainable_variables
        g_vars = self.generator.trainable_variables

        inputs = self._generator_inputs(batch_size)
        fake = self.generator(inputs, training=True)
        with tf.GradientTape() as tape:
            d_loss, d_logs = self._discriminator_losses(data, inputs, fake, training=True)
            scaled = self._scaled(self.d_optimizer, d_loss)
        self.d_optimizer.apply(tape.gradient(scaled, d_vars), d_vars)

        inputs = self._generator_inputs(batch_size)
        with tf.GradientTape() as tape:
            fake = self.generator(inputs, training=True)
            g_loss, g_logs = self._generator_losses(data, inputs, fake, training=True)
            scaled = self._scaled(self.g_optimizer, g_loss)
        self.g_optimizer.apply(tape.gradient(scaled, g_vars), g_vars)
        self._update_moving_average()
        return self._record({**d_logs, **g_logs})

    def test_step(self, data):
        """Both players' losses on a held-out batch, with no update."""
        data = self._check_data(data)
        inputs = self._generator_inputs(self._batch_size(data))
        fake = self.generator(inputs, training=False)
        _, d_logs = self._discriminator_losses(data, inputs, fake, training=False)
        _, g_logs = self._generator_losses(data, inputs, fake, training=False)
        return self._record({**d_logs, **g_logs})

    # --------------------------------------------------------------- sampling

    def _random_classes(self, batch_size, num_classes):
        """Uniform int32 class ids ``[batch_size]`` for this replica, from the seed generator."""
        return replica_slice(
            lambda rows: ops.cast(keras.random.randint((rows,), 0, num_classes, seed=self.seed_generator),
                                  "int32"),
            batch_size)

    def _latent_array(self, z_or_num):
        """``(z, rows)`` from a count (z drawn from the seed generator) or a z array."""
        if isinstance(z_or_num, numbers.Integral) and not isinstance(z_or_num, bool):
            if z_or_num <= 0:
                raise ValueError(f"`z_or_num` must be a positive count or a z array; received {z_or_num!r}.")
            return self._draw_latent(int(z_or_num)), int(z_or_num)
        z = ops.convert_to_tensor(z_or_num, dtype="float32")
        if len(z.shape) != 2 or z.shape[-1] != self.latent_dim:
            raise ValueError(f"`z_or_num` must have shape [n, {self.latent_dim}]; received shape "
                             f"{tuple(z.shape)}.")
        return z, int(z.shape[0])

    def get_config(self):
        config = super().get_config()
        config.update(loss=self.loss_name)
        return config


class ClassConditionalGAN(AlternatingGAN):
    """An :class:`AlternatingGAN` whose generator takes ``[z, labels]``.

    Batches are ``(images, labels)`` with int class ids in ``[0, num_classes)``;
    fakes are generated for labels drawn uniformly. ``num_classes`` and
    ``generate(z, labels)`` are what :class:`keras_gans.callbacks.SampleGrid`
    needs for one grid row per class, and the exported generator serves
    ``z`` and ``labels``.

    Args:
        generator: ``keras.Model`` with inputs named ``z`` and ``labels``.
        discriminator: ``keras.Model``; see the subclass.
        latent_dim: size of z.
        num_classes: number of classes K, >= 2.
        **kwargs: passed to :class:`AlternatingGAN`.
    """

    def __init__(self, generator, discriminator, latent_dim, num_classes, **kwargs):
        self.num_classes = _checks.positive_int("num_classes", num_classes, minimum=2)
        if input_names(generator) != ["z", "labels"]:
            raise ValueError(f"The generator of a class-conditional GAN must take inputs [z, labels]; "
                             f"{generator.name!r} takes {input_names(generator)}.")
        check_encoded_classes(generator, "generator", self.num_classes)
        check_encoded_classes(discriminator, "discriminator", self.num_classes)
        super().__init__(generator, discriminator, latent_dim, **kwargs)

    def _check_data(self, data):
        if not isinstance(data, (tuple, list)) or len(data) < 2:
            raise ValueError(f"{type(self).__name__} trains on labelled batches (images, labels); the "
                             "dataset yields images only. Use a labelled dataset (e.g. digits).")
        images, labels = data[0], data[1]
        if len(labels.shape) != 1:
            raise ValueError(f"{type(self).__name__} needs labels of shape [batch] (int class ids); "
                             f"received labels of shape {tuple(labels.shape)}.")
        return images, layers.checked_class_ids(labels, self.num_classes)

    def _generator_inputs(self, batch_size):
        return [self.sample_latent(batch_size), self._random_classes(batch_size, self.num_classes)]

    def generate(self, z_or_num, labels=None, training=False):
        """Generates samples of given (or uniformly drawn) classes.

        Args:
            z_or_num: a count (z drawn from the model's seed generator) or z
                ``[n, latent_dim]``.
            labels: int class ids ``[n]`` in ``[0, num_classes)``; None draws
                them uniformly.
            training: run the generator in training mode.

        Returns:
            Images ``[n, H, W, C]``.

        Raises:
            ValueError: naming ``labels`` when one is out of range or the
                count does not match z.
        """
        z, rows = self._latent_array(z_or_num)
        if labels is None:
            labels = keras.random.randint((rows,), 0, self.num_classes, seed=self.seed_generator)
            labels = ops.cast(labels, "int32")
        else:
            labels = ops.convert_to_tensor(class_ids_array("labels", labels, rows, self.num_classes))
        return self.sampling_generator([z, labels], training=training)

    def get_config(self):
        config = super().get_config()
        config.update(num_classes=self.num_classes)
        return config
