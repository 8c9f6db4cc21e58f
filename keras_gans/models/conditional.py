"""What the label- and code-driven GANs share: generator inputs beside z, and class labels.

:class:`CodeConditionedGAN` is an :class:`~keras_gans.models.adversarial.AdversarialModel`
whose generator takes inputs beside z (class labels, latent codes): fakes are
``{"inputs": [...], "images": G(inputs)}``, each step drawing fresh inputs.
:class:`ClassConditionalGAN` adds the class-label plumbing of CGAN (Mirza &
Osindero 2014) and ACGAN (Odena et al. 2017): ``num_classes``, uniformly
sampled fake labels, ``generate(z, labels)`` and clear errors for unlabelled
or out-of-range data.
"""

import keras
from keras import ops

from keras_gans import checks, draws, layers, losses
from keras_gans.models.adversarial import AdversarialModel, class_ids_array, real_inputs


def input_names(network):
    """The names of a functional network's inputs."""
    return [tensor.name for tensor in network.inputs]


def batch_labels(model, data):
    """The checked int class ids of a labelled batch ``(images, labels [batch], ...)``.

    Raises:
        ValueError: naming the model when the batch has no labels or labels of another shape.
    """
    if not isinstance(data, (tuple, list)) or len(data) < 2:
        raise ValueError(f"{type(model).__name__} trains on labelled batches (images, labels); the "
                         "dataset yields images only. Use a labelled dataset (e.g. digits).")
    labels = data[1]
    if len(labels.shape) != 1:
        raise ValueError(f"{type(model).__name__} needs labels of shape [batch] (int class ids); "
                         f"received labels of shape {tuple(labels.shape)}.")
    return layers.checked_class_ids(labels, model.num_classes)


def sampling_labels(model, labels, rows):
    """``labels`` checked as ``rows`` class ids of ``model``, or, when None, drawn uniformly with its seed generator.

    Raises:
        ValueError: naming ``labels`` when one is out of range or the count is not ``rows``.
    """
    if labels is None:
        return ops.cast(draws.randint((rows,), 0, model.num_classes, seed=model.seed_generator), "int32")
    return ops.convert_to_tensor(class_ids_array("labels", labels, rows, model.num_classes))


def class_accuracy(class_logits, labels):
    """The share of rows whose largest class logit is at their label (D's reading of real images)."""
    return ops.mean(ops.cast(ops.equal(ops.argmax(class_logits, axis=-1), ops.cast(labels, "int64")), "float32"))


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


class CodeConditionedGAN(AdversarialModel):
    """A model whose generator takes inputs beside z; subclasses say which (:meth:`generator_inputs`).

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

    def generator_inputs(self, batch_size):
        """The generator's inputs for a batch (a list, in its input order), drawn with the seed generator."""
        raise NotImplementedError

    def make_fakes(self, batch, training):
        inputs = self.generator_inputs(ops.shape(real_inputs(batch))[0])
        return {"inputs": inputs, "images": self.generator(inputs, training=training)}

    def get_config(self):
        config = super().get_config()
        config.update(loss=self.loss_name)
        return config


class ClassConditionalGAN(CodeConditionedGAN):
    """A :class:`CodeConditionedGAN` whose generator takes ``[z, labels]``.

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
        **kwargs: passed to :class:`CodeConditionedGAN`.
    """

    def __init__(self, generator, discriminator, latent_dim, num_classes, **kwargs):
        self.num_classes = checks.positive_int("num_classes", num_classes, minimum=2)
        if input_names(generator) != ["z", "labels"]:
            raise ValueError(f"The generator of a class-conditional GAN must take inputs [z, labels]; "
                             f"{generator.name!r} takes {input_names(generator)}.")
        check_encoded_classes(generator, "generator", self.num_classes)
        check_encoded_classes(discriminator, "discriminator", self.num_classes)
        super().__init__(generator, discriminator, latent_dim, **kwargs)

    def prepare_batch(self, data):
        return real_inputs(data), batch_labels(self, data)

    def generator_inputs(self, batch_size):
        return [self.sample_latent(batch_size), self.random_classes(batch_size, self.num_classes)]

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
        z, rows = self.latent_array(z_or_num)
        return self.sampling_generator([z, sampling_labels(self, labels, rows)], training=training)

    def get_config(self):
        config = super().get_config()
        config.update(num_classes=self.num_classes)
        return config
