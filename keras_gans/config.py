"""Run configs: the typed, frozen settings of an experiment, from Python or from flags.

A config is a frozen dataclass whose fields are declared with :func:`option`
(default, help text, allowed values). :class:`RunConfig` holds the settings
every experiment shares (data, batch, epochs, distribution, optimizers, where
outputs go); each experiment in :mod:`keras_gans.experiments` has its own
config class for its model. From Python::

    from keras_gans import config, experiment
    from keras_gans.experiments import objectives
    experiment.run(objectives.DCGANConfig(latent_dim=64),
                   config.RunConfig(dataset="digits", image_size=32, epochs=2))

The apps turn their absl flags into the same objects (:mod:`keras_gans.cli`:
one flag per field, same name, same default); a run writes both as
``config.json`` (and as ``flags.cfg``), from which
:func:`keras_gans.experiment.rebuild` makes the model again.

Every value is checked when the config is made: a bad one raises
:class:`ConfigError`, which names the option, the value and what is allowed.
"""

import dataclasses
import os
import types
import typing

from keras_gans import data, distribute

OPTIMIZERS = ("adam", "rmsprop")


class ConfigError(ValueError):
    """A setting that is not allowed: the option, the value received and what is allowed.

    The apps print it as one line, ``--option=value requirement.``
    (:meth:`as_flag`), without a traceback; ``requirement`` continues the
    sentence ("must be >= 0", "is not a known dataset").
    """

    def __init__(self, option, value, requirement):
        self.option, self.value, self.requirement = option, value, requirement
        super().__init__(f"`{option}`={value!r} {requirement}.")

    def as_flag(self):
        """The message in command-line form: ``--option=value requirement.``."""
        return f"--{self.option}={flag_text(self.value)} {self.requirement}."


def flag_text(value):
    """A value as it is written on a command line (lists comma-separated, None empty)."""
    if value is None:
        return ""
    if isinstance(value, (tuple, list)):
        return ",".join(str(item) for item in value)
    return str(value)


def option(default, help, *, choices=None, check=None, requirement=None):
    """Declares a config field.

    Args:
        default: the default value (a list default is kept as a tuple).
        help: one line for ``--help`` and the docs.
        choices: the allowed values, when they are a fixed set.
        check: ``value -> bool`` for other constraints (not called on None).
        requirement: what ``check`` demands, in words ("must be > 0").

    Returns:
        A ``dataclasses.field``.
    """
    if isinstance(default, list):
        default = tuple(default)
    return dataclasses.field(default=default, metadata={
        "help": help, "choices": None if choices is None else tuple(choices), "check": check,
        "requirement": requirement})


def count(default, help, minimum=1):
    """An integer option >= ``minimum`` (a size, a number of steps)."""
    requirement = "must be a positive integer" if minimum == 1 else f"must be an integer >= {minimum}"
    return option(default, help, check=lambda value: value >= minimum, requirement=requirement)


def amount(default, help):
    """A real option >= 0 (a loss weight, a noise level)."""
    return option(default, help, check=non_negative, requirement="must be >= 0")


def fraction(default, help, why_not_one=None):
    """A real option in [0, 1) (a rate, a decay); ``why_not_one``, if given, ends the error message."""
    requirement = "must be in [0, 1)" + (f" ({why_not_one})" if why_not_one else "")
    return option(default, help, check=lambda value: 0.0 <= value < 1.0, requirement=requirement)


def unit(default, help):
    """A real option in [0, 1] (a weight shared between two terms, a probability that may be 1)."""
    return option(default, help, check=lambda value: 0.0 <= value <= 1.0, requirement="must be in [0, 1]")


def share(default, help):
    """A real option in (0, 1] (a share of the batch, a factor that shrinks it)."""
    return option(default, help, check=lambda value: 0.0 < value <= 1.0, requirement="must be in (0, 1]")


def seed_option(help):
    """A seed: an integer in [0, 2**32), what NumPy and TensorFlow both take."""
    return option(0, help, check=lambda value: 0 <= value < 2**32, requirement="must be an integer in [0, 2**32)")


def data_dir_option():
    """The optional folder where tfds datasets are prepared (an existing directory)."""
    return option(None, "Where tfds datasets are prepared (no download happens).", check=os.path.isdir,
                  requirement="does not exist or is not a directory")


def judge_cache_option():
    """Whether the shapes judges a run trains are kept on disk and read back by later runs."""
    return option(True, "Keep the shapes judges a run trains (its class and caption figures) in "
                        "$KERAS_HOME/keras_gans/judges (~/.keras without KERAS_HOME) and read them back in "
                        "later runs, instead of training them again (1-4 minutes each).")


def positive(value):
    return value > 0


def non_negative(value):
    return value >= 0


def power_of_two(value):
    return value >= 4 and value & (value - 1) == 0


def _allows_none(kind):
    return typing.get_origin(kind) in (typing.Union, types.UnionType) and type(None) in typing.get_args(kind)


def _base_type(kind):
    """``int`` for ``int | None``; ``(tuple, int)`` for ``tuple[int, ...]``."""
    if _allows_none(kind):
        kind = next(arg for arg in typing.get_args(kind) if arg is not type(None))
    if typing.get_origin(kind) is tuple:
        return tuple, typing.get_args(kind)[0]
    return kind, None


def _coerce(name, kind, value):
    """``value`` as ``kind`` (ints widen to floats, lists become tuples), or ConfigError."""
    if value is None:
        if _allows_none(kind):
            return None
        raise ConfigError(name, value, "needs a value")
    base, item = _base_type(kind)
    if base is tuple:
        if isinstance(value, str) or not isinstance(value, (tuple, list)):
            raise ConfigError(name, value, f"must be a list of {item.__name__}")
        return tuple(_coerce(name, item, element) for element in value)
    if base is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if base is int and isinstance(value, bool) or not isinstance(value, base):
        raise ConfigError(name, value, f"must be {'True or False' if base is bool else 'a ' + base.__name__}")
    return value


class Config:
    """What every config dataclass has: checked fields, replace, JSON round trip."""

    def __post_init__(self):
        hints = typing.get_type_hints(type(self))
        for field in dataclasses.fields(self):
            value = _coerce(field.name, hints[field.name], getattr(self, field.name))
            meta = field.metadata
            if value is not None and meta.get("choices") is not None and value not in meta["choices"]:
                raise ConfigError(field.name, value, f"must be one of {', '.join(map(str, meta['choices']))}")
            if value is not None and meta.get("check") is not None and not meta["check"](value):
                raise ConfigError(field.name, value, meta["requirement"])
            object.__setattr__(self, field.name, value)

    def replace(self, **changes):
        """A copy with ``changes`` (checked like a new config)."""
        return dataclasses.replace(self, **changes)

    def to_dict(self):
        """``{field: value}`` with tuples as lists: what ``config.json`` holds."""
        return {field.name: list(value) if isinstance(value := getattr(self, field.name), tuple) else value
                for field in dataclasses.fields(self)}

    @classmethod
    def from_dict(cls, values):
        """The config of ``values``; unknown keys raise ConfigError (a config of another experiment?)."""
        names = {field.name for field in dataclasses.fields(cls)}
        unknown = sorted(set(values) - names)
        if unknown:
            raise ConfigError(unknown[0], values[unknown[0]], f"is not a setting of {cls.__name__}")
        return cls(**values)


@dataclasses.dataclass(frozen=True)
class RunConfig(Config):
    """The settings every experiment shares: data, schedule, distribution, optimizers, outputs."""

    dataset: str = option("digits", "Dataset name: an embedded set (ring8, grid25, digits, ...), "
                          "tfds:<name>[/<config>] or folder:<path>.", check=data.is_known_name,
                          requirement="is not a known dataset: use an embedded set (ring8, grid25, digits, ...), "
                                      "tfds:<name> or folder:<path>")
    data_dir: str | None = data_dir_option()
    judge_cache: bool = judge_cache_option()
    image_size: int | None = option(None, "Resize images to this square size (a power of two).",
                                    check=power_of_two, requirement="must be a power of two >= 4")
    batch_size: int = option(64, "Global batch size, split across replicas.", check=positive,
                             requirement="must be a positive integer")
    epochs: int = option(10, "Number of epochs.", check=non_negative, requirement="must be >= 0")
    steps_per_epoch: int | None = option(None, "Steps per epoch; default one pass over the dataset.",
                                         check=positive, requirement="must be a positive integer")
    model_dir: str | None = option(None, "Run directory; default runs/<experiment>.")
    export_dir: str | None = option(None, "SavedModel export root; default saved_models/<experiment>.")
    export: bool = option(True, "Export the generator as a SavedModel at the end.")
    strategy: str = option("auto", "tf.distribute strategy.", choices=distribute.STRATEGIES)
    devices: tuple[str, ...] | None = option(None, "Devices for --strategy=mirrored, e.g. /gpu:0,/gpu:1.")
    virtual_cpus: int = option(0, "Split the CPU into this many logical devices, to try --strategy=mirrored "
                               "without GPUs (0 = leave the CPU whole).", check=non_negative,
                               requirement="must be >= 0")
    seed: int = seed_option("Seed of every random draw (weights, data order, z).")
    deterministic: bool = option(False, "Enable TensorFlow op determinism (bitwise-reproducible runs).")
    mixed_precision: bool = option(False, "Train with the mixed_float16 policy (GPU).")
    jit_compile: bool | None = option(None, "Compile the train step with XLA; default on where it was measured "
                                      "faster (the experiment, and on an AVX-512 CPU the step's size), off under "
                                      "a multi-replica strategy (keras_gans.execution says why).")
    steps_per_execution: int | None = option(None, "Train steps per call into TensorFlow (fewer Python round "
                                             "trips for small steps); default 50 for 2-D points, 10 for "
                                             "images whose players' forward passes cost at most 0.1 GFLOP a "
                                             "batch, 1 for other images; lowered to divide the steps per epoch.",
                                             check=positive, requirement="must be a positive integer")
    resume: bool = option(True, "Resume from the last checkpoint in --model_dir.")
    sample_every: int = option(1, "Write a sample grid every N epochs.", check=positive,
                               requirement="must be a positive integer")
    checkpoints_to_keep: int = option(3, "Number of checkpoints kept.", check=positive,
                                      requirement="must be a positive integer")
    optimizer: str = option("adam", "Optimizer of both players.", choices=OPTIMIZERS)
    d_learning_rate: float = option(2e-4, "Discriminator learning rate.", check=positive, requirement="must be > 0")
    g_learning_rate: float = option(2e-4, "Generator learning rate.", check=positive, requirement="must be > 0")
    beta_1: float = fraction(0.5, "Adam beta_1 (0.5 as in DCGAN).")
    beta_2: float = fraction(0.999, "Adam beta_2.")
    lr_decay_to: float = unit(1.0, "Cosine-decay the learning rates to this fraction of their initial value "
                                   "over the run (1 = constant).")
