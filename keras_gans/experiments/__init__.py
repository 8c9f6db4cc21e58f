"""The registry of experiments: every paper's run by name, its config class and build function.

``python apps/<name>.py`` runs ``get(name)``; :func:`keras_gans.experiment.run`
finds the experiment of a config with :func:`for_config`;
:func:`keras_gans.experiment.rebuild` makes a trained model again from the
name stored in its run's ``config.json``. To add a paper, write its
experiment (a subclass of :class:`~keras_gans.experiments.base.Experiment`)
and list it in a module's ``EXPERIMENTS`` below (``docs/design.md``).
"""

from keras_gans.config import ConfigError
from keras_gans.experiments import biggan, conditional, energy, objectives, progressive, text2image, translation
from keras_gans.experiments.base import Experiment

REGISTRY = {experiment.name: experiment
            for module in (objectives, energy, conditional, biggan, translation, progressive, text2image)
            for experiment in module.EXPERIMENTS}


def get(name):
    """The registered :class:`Experiment` called ``name``.

    Raises:
        ConfigError: naming ``experiment`` for an unknown name.
    """
    if name not in REGISTRY:
        raise ConfigError("experiment", name, f"is not a known experiment: use one of {', '.join(sorted(REGISTRY))}")
    return REGISTRY[name]


def for_config(config):
    """The registered experiment whose config class is ``type(config)``."""
    for experiment in REGISTRY.values():
        if type(config) is experiment.Config:
            return experiment
    raise ConfigError("config", type(config).__name__, "is not the config of a registered experiment: pass "
                                                       "`experiment=` to keras_gans.experiment.run")


__all__ = ["Experiment", "REGISTRY", "for_config", "get"]
