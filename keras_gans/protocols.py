"""The interface the callbacks, the export and the apps rely on, written down.

Every model of :mod:`keras_gans.models` implements these through its base
classes (:class:`~keras_gans.models.game.AdversarialGame`,
:class:`~keras_gans.models.adversarial.AdversarialModel`); a model written
outside the package works with the callbacks and the export when it does too.
They are ``typing.Protocol`` classes, checked with ``isinstance`` where a
caller accepts several kinds of object (``docs/design.md``, "The trainer
protocol").
"""

from typing import Protocol, runtime_checkable


@runtime_checkable
class Exportable(Protocol):
    """What :func:`keras_gans.export.export_generator` serves."""

    def serving_endpoints(self):
        """``{signature name: functional keras.Model}``, including ``serving_default``."""


@runtime_checkable
class HasGenerator(Protocol):
    """An object whose ``generator`` (a functional ``keras.Model``) is what it would serve."""

    generator: object


@runtime_checkable
class Checkpointable(Protocol):
    """What :class:`keras_gans.callbacks.Checkpointer` saves beyond ``model.variables``.

    ``generator``, ``discriminator``, ``d_optimizer``, ``g_optimizer`` (the
    optimizers are None until ``compile``), ``seed_generator`` (the
    ``keras.random.SeedGenerator`` of the model's draws, or None) and the extra
    training state of :meth:`checkpoint_items` (G's moving average, BEGAN's
    k_t, a progressive model's phase).
    """

    generator: object
    discriminator: object
    d_optimizer: object
    g_optimizer: object
    seed_generator: object

    def checkpoint_items(self):
        """``{name: trackable}`` of extra training state."""


@runtime_checkable
class Sampler(Protocol):
    """A model that generates from z (and labels, when ``num_classes`` is not None).

    What :class:`keras_gans.callbacks.SampleGrid`, the evaluation callback and
    the class judges use.
    """

    latent_dim: int
    latent_distribution: str
    num_classes: object  # int or None

    def generate(self, z_or_num, *conditions, training=False):
        """Samples ``[n, ...]`` for z ``[n, latent_dim]`` (and ``labels [n]`` when conditional)."""


@runtime_checkable
class CodeSampler(Sampler, Protocol):
    """InfoGAN's interface: one categorical and several continuous codes beside z."""

    num_categories: int
    num_continuous: int


@runtime_checkable
class Translator(Protocol):
    """An image-to-image model: what :class:`keras_gans.callbacks.TranslationGrid` shows."""

    def translate(self, images, *direction, training=False):
        """Translated images."""

    def sample_rows(self, batch):
        """The rows of a sample picture for a fixed batch, as NumPy arrays ``[n, H, W, C]``."""
