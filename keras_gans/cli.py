"""The apps' command line: absl flags made from the config classes, parsed into configs.

Every field of a config (:mod:`keras_gans.config`) is a flag of the same name,
default and help; lists are comma-separated. An app is::

    from keras_gans import cli

    if __name__ == "__main__":
        cli.main("dcgan")

which defines the common flags (:class:`~keras_gans.config.RunConfig`) and the
experiment's, parses ``sys.argv`` (``--flagfile=...`` included), turns the
flags into the two configs and calls :func:`keras_gans.experiment.run`. A
setting that cannot work ends the app with one line naming the flag, the
value and what is allowed. This module is the only one that reads absl flags;
the library takes configs.
"""

import dataclasses
import sys
import types
import typing

from absl import app, flags

from keras_gans import config as configs
from keras_gans import experiment, experiments

FLAGS = flags.FLAGS


def _flag_kind(config_cls, field):
    kind = typing.get_type_hints(config_cls)[field.name]
    if typing.get_origin(kind) in (typing.Union, types.UnionType):
        kind = next(arg for arg in typing.get_args(kind) if arg is not type(None))
    return kind


def define_flags(config_cls, flag_values=FLAGS, module_name=None):
    """Defines one flag per field of ``config_cls`` (skipping names already defined).

    Args:
        config_cls: a config dataclass.
        flag_values: the ``absl.flags.FlagValues`` to define them in.
        module_name: the module the flags are listed under in ``--help``
            (default the running app, so ``--help`` shows them).
    """
    module_name = module_name or sys.argv[0]
    for field in dataclasses.fields(config_cls):
        if field.name in flag_values:
            continue
        kind, meta, default = _flag_kind(config_cls, field), field.metadata, field.default
        common = dict(flag_values=flag_values, module_name=module_name)
        if meta.get("choices") is not None:
            flags.DEFINE_enum(field.name, default, [str(c) for c in meta["choices"]], meta["help"], **common)
        elif kind is bool:
            flags.DEFINE_bool(field.name, default, meta["help"], **common)
        elif kind is int:
            flags.DEFINE_integer(field.name, default, meta["help"], **common)
        elif kind is float:
            flags.DEFINE_float(field.name, default, meta["help"], **common)
        elif typing.get_origin(kind) is tuple:
            flags.DEFINE_list(field.name, None if default is None else [str(v) for v in default], meta["help"],
                              **common)
        else:
            flags.DEFINE_string(field.name, default, meta["help"], **common)


def config_from_flags(config_cls, flag_values=FLAGS):
    """The ``config_cls`` the parsed flags describe.

    Raises:
        ConfigError: a value that is not allowed (naming the flag).
    """
    values = {}
    for field in dataclasses.fields(config_cls):
        value = flag_values[field.name].value
        kind = _flag_kind(config_cls, field)
        if typing.get_origin(kind) is tuple and value is not None:
            item = typing.get_args(kind)[0]
            try:
                value = tuple(item(v) for v in value)
            except ValueError as error:
                raise configs.ConfigError(field.name, ",".join(value), f"must be a list of {item.__name__}") \
                    from error
        values[field.name] = value
    return config_cls(**values)


def define_experiment_flags(exp, flag_values=FLAGS):
    """The common flags, then ``exp``'s own."""
    define_flags(configs.RunConfig, flag_values, module_name="keras_gans.config")
    define_flags(exp.Config, flag_values)


def configs_from_flags(exp, flag_values=FLAGS):
    """``(config, run_config)`` of ``exp`` from parsed flags."""
    return config_from_flags(exp.Config, flag_values), config_from_flags(configs.RunConfig, flag_values)


def configs_from_flagfile(exp, path):
    """``(config, run_config)`` of ``exp`` from a ``flags.cfg``, read without touching the app's flags.

    Runs written before ``config.json`` existed hold only ``flags.cfg``.
    """
    flag_values = flags.FlagValues()
    define_experiment_flags(exp, flag_values)
    flag_values([exp.name, f"--flagfile={path}"])
    return configs_from_flags(exp, flag_values)


def usage_error(error):
    """The one-line ``app.UsageError`` an app ends with for a :class:`~keras_gans.config.ConfigError`."""
    return app.UsageError(error.as_flag())


def main(name):
    """Defines the flags of experiment ``name``, parses the command line and runs it: an app's entry point."""
    exp = experiments.get(name)
    define_experiment_flags(exp)
    app.run(lambda argv: _run(argv, exp))


def _run(argv, exp):
    if len(argv) > 1:
        raise app.UsageError(f"Unexpected arguments: {' '.join(argv[1:])}")
    try:
        config, run_config = configs_from_flags(exp)
        experiment.run(config, run_config, experiment=exp)
    except configs.ConfigError as error:
        raise usage_error(error) from None
