"""BigGAN (Brock et al. 2019, "Large Scale GAN Training for High Fidelity Natural Image Synthesis").

A class-conditional GAN (a :class:`~keras_gans.models.CGAN`: D judges
``(image, label)`` pairs, here with a projection head) trained with:

- the hinge loss (section 3, after Lim & Ye 2017 and SAGAN);
- ``n_critic`` discriminator steps per generator step, each on a fresh real
  batch (2 in the paper; ``split_real_batch``) and two time-scale learning
  rates, set by the experiment (D 2e-4, G 5e-5, Adam beta_1 = 0);
- orthogonal regularization of G (section 3.1, eq. 3):
  ``beta * sum_W ||W^T W * (1 - I)||_F^2`` over G's weights with two or more
  axes (kernels, CBN projections) except the shared class embedding, beta = 1e-4;
- a moving average of G (decay 0.9999, from a start step), whose batch-norm
  statistics are re-estimated before sampling and export ("standing
  statistics", appendix C): :meth:`BigGAN.standing_statistics`;
- the truncation trick at sampling time (section 3.1): ``generate(...,
  truncation=t)`` and an exported ``serving_default(z, labels, truncation)``.
"""

import keras
import numpy as np

from keras_gans import checks, layers, penalties
from keras_gans.export import Endpoint
from keras_gans.layers.truncation import NO_TRUNCATION, truncate_latent
from keras_gans.models.cgan import CGAN
from keras_gans.networks.taps import sublayers


def orthogonal_targets(generator):
    """G's weights BigGAN regularizes: trainable, with >= 2 axes, not an embedding table."""
    embedded = {id(weight) for layer in sublayers(generator) if isinstance(layer, keras.layers.Embedding)
                for weight in layer.weights}
    return [weight for weight in generator.trainable_weights
            if len(weight.shape) >= 2 and id(weight) not in embedded]


def standing_statistics(network, inputs_fn, num_batches):
    """Sets every batch norm's moving statistics of ``network`` to their average over ``num_batches``.

    BigGAN's "standing statistics" (Brock et al. 2019, appendix C): run the
    generator in training mode on ``num_batches`` fresh batches and store the
    plain mean of the per-batch means and (biased) variances. Pass ``k``
    uses momentum ``(k - 1) / k``, which makes the moving value that running
    mean. Every other weight (spectral-norm vectors included) is restored, so
    only the moving statistics change.

    Args:
        network: a ``keras.Model``.
        inputs_fn: ``k -> inputs`` of pass ``k`` (1-based).
        num_batches: number of passes.
    """
    norms = [layer for layer in sublayers(network) if isinstance(layer, keras.layers.BatchNormalization)]
    moving = {id(weight) for norm in norms for weight in (norm.moving_mean, norm.moving_variance)}
    kept = [(weight, keras.ops.convert_to_numpy(weight)) for weight in network.weights if id(weight) not in moving]
    settings = [(norm.momentum, norm.trainable) for norm in norms]
    try:
        for norm in norms:
            norm.trainable = True  # a frozen batch norm (G's moving average) ignores training=True
        for k in range(1, num_batches + 1):
            for norm in norms:
                norm.momentum = (k - 1) / k
            network(inputs_fn(k), training=True)
    finally:
        for norm, (momentum, trainable) in zip(norms, settings):
            norm.momentum, norm.trainable = momentum, trainable
        for weight, value in kept:
            weight.assign(value)


@keras.saving.register_keras_serializable(package="keras_gans")
class BigGAN(CGAN):
    """Class-conditional hinge GAN with orthogonal regularization, standing statistics and truncation.

    Logged: ``d_loss``, ``g_loss`` (with the regularization), D's mean logits
    ``d_real``, ``d_fake``, and ``orthogonal_penalty`` (the unweighted sum).

    Args:
        generator: ``keras.Model`` ``[z, labels] -> images``
            (:func:`keras_gans.networks.biggan.generator`).
        discriminator: ``keras.Model`` ``[images, labels] -> logit``
            (:func:`keras_gans.networks.biggan.discriminator`).
        latent_dim: size of z.
        num_classes: K >= 2.
        loss: adversarial loss variant (hinge in the paper).
        orthogonal_weight: beta (1e-4 in the paper; 0 = off).
        n_critic: D steps per G step (2 in the paper).
        split_real_batch: a fresh real batch for every D step.
        **kwargs: ``diff_augment``, ``wrong_label_weight`` (see :class:`~keras_gans.models.CGAN`),
            ``ema_decay``, ``ema_start``, ``seed``, ``name`` (see
            :class:`~keras_gans.models.AdversarialModel`).
    """

    TRACKERS = ("d_loss", "g_loss", "d_real", "d_fake", "orthogonal_penalty")

    def __init__(self, generator, discriminator, latent_dim, num_classes, *, loss="hinge", orthogonal_weight=1e-4,
                 n_critic=2, split_real_batch=True, **kwargs):
        self.orthogonal_weight = checks.weight("orthogonal_weight", orthogonal_weight, any_real=True)
        super().__init__(generator, discriminator, latent_dim, num_classes, loss=loss, n_critic=n_critic,
                         split_real_batch=split_real_batch, **kwargs)
        self.orthogonal_weights = orthogonal_targets(generator)

    def orthogonal_penalty(self):
        """``sum_W ||W^T W * (1 - I)||_F^2`` over :func:`orthogonal_targets` of G (without beta)."""
        return sum(penalties.orthogonal_regularization(weight) for weight in self.orthogonal_weights)

    def generator_loss(self, batch, fakes, training):
        loss, logs = super().generator_loss(batch, fakes, training)
        penalty = self.orthogonal_penalty()
        loss = loss + self.orthogonal_weight * penalty
        return loss, {**logs, "g_loss": loss, "orthogonal_penalty": penalty}

    # --------------------------------------------------------------- sampling

    def generate(self, z_or_num, labels=None, truncation=None, training=False):
        """Samples of given (or uniform) classes, z truncated at ``truncation`` when given (> 0).

        Args:
            z_or_num: a count (z drawn from the model's seed generator) or z ``[n, latent_dim]``.
            labels: int class ids ``[n]``; None draws them uniformly.
            truncation: resample entries of z beyond this threshold
                (:func:`keras_gans.layers.truncate_latent`); None or <= 0: none.
            training: run the generator in training mode.
        """
        if truncation is None:
            return super().generate(z_or_num, labels, training=training)
        threshold = checks.weight("truncation", truncation, any_real=True)
        z, _ = self.latent_array(z_or_num)
        return super().generate(truncate_latent(z, threshold), labels, training=training)

    def standing_statistics(self, num_batches=16, batch_size=64, truncation=None, seed=0):
        """Re-estimates the batch-norm statistics of :attr:`sampling_generator` (standing statistics).

        Fresh z (truncated at ``truncation`` when given) and uniform labels
        come from ``np.random.default_rng(seed)``, so the model's own seed
        stream does not move. Only the moving statistics change.

        Args:
            num_batches: forward passes averaged (16 in the authors' code).
            batch_size: samples per pass.
            truncation: the threshold the samples will be drawn with.
            seed: seed of the draws.
        """
        checks.positive_int("num_batches", num_batches)
        checks.positive_int("batch_size", batch_size)
        threshold = NO_TRUNCATION if truncation is None else checks.weight("truncation", truncation, any_real=True)
        rng = np.random.default_rng(seed)

        def inputs(_):
            z = rng.standard_normal((batch_size, self.latent_dim)).astype(np.float32)
            labels = rng.integers(0, self.num_classes, batch_size).astype(np.int32)
            return [truncate_latent(z, threshold), keras.ops.convert_to_tensor(labels)]

        standing_statistics(self.sampling_generator, inputs, num_batches)

    def sampling_network(self):
        """``[z, labels, truncation [N]] -> images``: the sampling generator behind a truncation of z."""
        z = keras.Input((self.latent_dim,), name="z")
        labels = keras.Input((), dtype="int32", name="labels")
        truncation = keras.Input((), name="truncation")
        truncated = layers.LatentTruncation(name="truncated_z")([z, truncation])
        return keras.Model([z, labels, truncation], self.sampling_generator([truncated, labels]),
                           name=f"{self.sampling_generator.name}_truncated")

    def serving_endpoints(self):
        """``serving_default``: ``z``, ``labels`` and an optional ``truncation`` threshold (none by default)."""
        return {"serving_default": Endpoint(self.sampling_network(), {"truncation": NO_TRUNCATION})}

    def get_config(self):
        config = super().get_config()
        config.update(orthogonal_weight=self.orthogonal_weight)
        return config
