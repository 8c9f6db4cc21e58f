"""Semi-supervised GAN (Salimans et al. 2016, "Improved Techniques for Training
GANs", section 5; Odena 2016, "Semi-Supervised Learning with Generative
Adversarial Networks").

D is a classifier over the K real classes plus a "generated" class K+1 whose
logit is fixed at 0, so D keeps K outputs and ``D(x) = Z(x) / (Z(x) + 1)``
with ``Z(x) = sum_k exp(l_k(x))``. It learns from a few labelled examples
(the supervised loss), from unlabelled real data and from generated data (the
unsupervised GAN loss); G is trained by feature matching on D's ``"features"``
layer, the variant the paper found best for semi-supervised learning (section
3.1). After training, D's K logits are the classifier.
"""

import keras
import numpy as np
from keras import ops

from keras_gans import checks, distribute, draws, losses
from keras_gans.models.adversarial import AdversarialModel, class_ids_array, real_inputs
from keras_gans.models.game import as_float32
from keras_gans.networks.taps import discriminator_with_features


@keras.saving.register_keras_serializable(package="keras_gans")
class SGAN(AdversarialModel):
    """Semi-supervised GAN: a K-class D trained on few labels plus unlabelled and generated data.

    ``fit`` takes the unlabelled data: batches of images (labels, if the
    dataset has them, are ignored). The labelled examples are given once, to
    the constructor, and kept as non-trainable variables of the model (so
    checkpoints and ``.keras`` files hold them); every step draws a labelled
    batch as large as the unlabelled one from them, uniformly with replacement.

    D's loss is ``L_supervised + unsupervised_weight * L_unsupervised``
    (:func:`keras_gans.losses.semi_supervised_labelled_loss`,
    :func:`keras_gans.losses.semi_supervised_unlabelled_loss`); G's loss is
    :func:`keras_gans.losses.feature_matching_loss` on D's ``feature_layer``,
    or with ``feature_matching=False`` the non-saturating
    :func:`keras_gans.losses.semi_supervised_generator_loss`.

    The class count is D's output width, :attr:`classifier_classes`. (It is
    not called ``num_classes``: G is unconditional, and ``num_classes`` tells
    the sample callbacks to draw one row per class.)

    Logged: ``d_loss``, ``g_loss``, ``supervised_loss``, ``unsupervised_loss``
    and ``labelled_accuracy`` (D's accuracy on the labelled batch).

    Args:
        generator: ``keras.Model`` ``z -> images``.
        discriminator: ``keras.Model`` ``images -> class logits [N, K]`` with a
            layer named ``feature_layer`` (e.g.
            :func:`keras_gans.networks.classifier.digit_classifier` with noise
            and dropout, as the paper's D).
        latent_dim: size of z.
        labelled_images: ``[n, H, W, C]`` labelled images in [-1, 1].
        labelled_labels: int ``[n]`` their classes, in ``[0, K)``.
        feature_matching: train G by feature matching (True, the paper's choice).
        feature_layer: name of D's layer whose batch mean G matches.
        unsupervised_weight: weight of D's unsupervised loss (1 in the paper).
        **kwargs: ``latent_distribution``, ``ema_decay``, ``seed``, ``name``.
    """

    TRACKERS = ("d_loss", "g_loss", "supervised_loss", "unsupervised_loss", "labelled_accuracy")

    def __init__(self, generator, discriminator, latent_dim, labelled_images, labelled_labels, *,
                 feature_matching=True, feature_layer="features", unsupervised_weight=1.0, **kwargs):
        kwargs.pop("loss", None)  # the K+1-class losses are fixed
        self.classifier_classes = int(discriminator.outputs[0].shape[-1])
        images, labels = _check_labelled(labelled_images, labelled_labels,
                                         tuple(discriminator.inputs[0].shape[1:]), self.classifier_classes)
        self.feature_matching = bool(feature_matching)
        self.feature_layer = feature_layer
        self.unsupervised_weight = checks.weight("unsupervised_weight", unsupervised_weight, any_real=True)
        with_features = discriminator_with_features(discriminator, feature_layer)
        super().__init__(generator, discriminator, latent_dim, **kwargs)
        self._discriminator_with_features = with_features
        self.labelled_images = self.add_weight(shape=images.shape, initializer="zeros", trainable=False,
                                               name="labelled_images")
        self.labelled_labels = self.add_weight(shape=labels.shape, initializer="zeros", dtype="int32",
                                               trainable=False, name="labelled_labels")
        self.labelled_images.assign(images)
        self.labelled_labels.assign(labels)

    @property
    def num_labelled(self):
        """Number of labelled examples."""
        return int(self.labelled_labels.shape[0])

    def make_fakes(self, batch, training):
        return self.generator(self.sample_latent(ops.shape(real_inputs(batch))[0]), training=training)

    def _labelled_batch(self, batch_size):
        index = distribute.replica_slice(lambda rows: draws.randint((rows,), 0, self.num_labelled,
                                                                seed=self.seed_generator), batch_size)
        return ops.take(self.labelled_images, index, axis=0), ops.take(self.labelled_labels, index, axis=0)

    def discriminator_loss(self, batch, fake, training):
        real = real_inputs(batch)
        images, labels = self._labelled_batch(ops.shape(real)[0])
        labelled_logits = as_float32(self.discriminator(images, training=training))
        real_logits = as_float32(self.discriminator(real, training=training))
        fake_logits = as_float32(self.discriminator(fake, training=training))
        supervised = losses.semi_supervised_labelled_loss(labelled_logits, labels)
        unsupervised = losses.semi_supervised_unlabelled_loss(real_logits, fake_logits)
        loss = supervised + self.unsupervised_weight * unsupervised
        correct = ops.equal(ops.cast(ops.argmax(labelled_logits, axis=-1), "int32"), labels)
        return loss, {"d_loss": loss, "supervised_loss": supervised, "unsupervised_loss": unsupervised,
                      "labelled_accuracy": ops.mean(ops.cast(correct, "float32"))}

    def generator_loss(self, batch, fake, training):
        if not self.feature_matching:
            loss = losses.semi_supervised_generator_loss(as_float32(self.discriminator(fake, training=training)))
            return loss, {"g_loss": loss}
        real_features, _ = as_float32(self._discriminator_with_features(real_inputs(batch), training=training))
        fake_features, _ = as_float32(self._discriminator_with_features(fake, training=training))
        # The global batch's feature means, [1, ...] (the loss is not linear in per-replica means).
        loss = losses.feature_matching_loss(
            distribute.replica_mean(ops.mean(real_features, axis=0, keepdims=True)),
            distribute.replica_mean(ops.mean(fake_features, axis=0, keepdims=True)))
        return loss, {"g_loss": loss}

    def generate(self, z_or_num, training=False):
        """Generates samples (see :meth:`keras_gans.models.gan.AdversarialModel.generate`)."""
        z, _ = self.latent_array(z_or_num)
        return self.sampling_generator(z, training=training)

    def get_config(self):
        config = super().get_config()
        config.update(num_labelled=self.num_labelled, feature_matching=self.feature_matching,
                      feature_layer=self.feature_layer, unsupervised_weight=self.unsupervised_weight)
        return config

    @classmethod
    def from_config(cls, config):
        """Rebuilds the model with zero placeholders for the labelled set; loading the weights restores it."""
        config = dict(config)
        num_labelled = config.pop("num_labelled")
        config["generator"] = keras.saving.deserialize_keras_object(config["generator"])
        config["discriminator"] = keras.saving.deserialize_keras_object(config["discriminator"])
        image_shape = tuple(config["discriminator"].inputs[0].shape[1:])
        return cls(labelled_images=np.zeros((num_labelled,) + image_shape, np.float32),
                   labelled_labels=np.zeros(num_labelled, np.int32), **config)


def _check_labelled(images, labels, image_shape, num_classes):
    """The labelled set as (float32, int32) arrays, or a ValueError naming what is wrong."""
    images = np.asarray(keras.ops.convert_to_numpy(images), dtype=np.float32)
    if images.ndim != len(image_shape) + 1 or tuple(images.shape[1:]) != image_shape or not len(images):
        raise ValueError(f"`labelled_images` must have shape [n, {', '.join(map(str, image_shape))}] (the "
                         f"discriminator's input) with n >= 1; received shape {images.shape}.")
    return images, class_ids_array("labelled_labels", labels, len(images), num_classes)
