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

The console stays quiet unless asked: TensorFlow's C++ messages and the INFO
lines of absl and TensorFlow are off unless ``--verbosity`` (absl's flag) is
given; Keras shows a progress bar in a terminal and one line per epoch in a
log file.
"""

import os
import sys


def _verbose(argv):
    return any(arg.startswith(("--verbosity", "-v=", "-v ")) or arg == "-v" for arg in argv[1:])


def _load_tensorflow_quietly():
    """Imports TensorFlow with its C++ console off: TF_CPP_MIN_LOG_LEVEL, which TensorFlow reads once,
    and no stderr while it loads (its CUDA probe prints before that setting applies)."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    saved = os.dup(2)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 2)
            import tensorflow  # noqa: F401, PLC0415
    finally:
        os.dup2(saved, 2)
        os.close(saved)


if not _verbose(sys.argv) and "tensorflow" not in sys.modules:
    _load_tensorflow_quietly()

import dataclasses  # noqa: E402
import types  # noqa: E402
import typing  # noqa: E402

import tensorflow as tf  # noqa: E402
from absl import app, flags, logging  # noqa: E402

from keras_gans import config as configs  # noqa: E402
from keras_gans import experiment, experiments  # noqa: E402

FLAGS = flags.FLAGS


def _flag_kind(config_cls, field):
    kind = typing.get_type_hints(config_cls)[field.name]
    if typing.get_origin(kind) in (typing.Union, types.UnionType):
        kind = next(arg for arg in typing.get_args(kind) if arg is not type(None))
    return kind


def define_flags(config_cls, flag_values=FLAGS, module_name=None, defaults=None):
    """Defines one flag per field of ``config_cls`` (skipping names already defined).

    Args:
        config_cls: a config dataclass.
        flag_values: the ``absl.flags.FlagValues`` to define them in.
        module_name: the module the flags are listed under in ``--help``
            (default the running app, so ``--help`` shows them).
        defaults: ``{field: default}`` replacing the config's own defaults.
    """
    module_name = module_name or sys.argv[0]
    defaults = defaults or {}
    for field in dataclasses.fields(config_cls):
        if field.name in flag_values:
            continue
        kind, meta = _flag_kind(config_cls, field), field.metadata
        default = defaults.get(field.name, field.default)
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
    """The common flags (with the experiment's defaults), then ``exp``'s own."""
    define_flags(configs.RunConfig, flag_values, module_name="keras_gans.config", defaults=exp.run_defaults)
    define_flags(exp.Config, flag_values)


def configs_from_flags(exp, flag_values=FLAGS):
    """``(config, run_config)`` of ``exp`` from parsed flags."""
    return config_from_flags(exp.Config, flag_values), config_from_flags(configs.RunConfig, flag_values)


def configs_from_args(exp, args):
    """``(config, run_config)`` of ``exp`` from command-line arguments, parsed without touching the app's flags.

    ``configs_from_args(experiments.get("dcgan"), ["--epochs=3"])`` is what
    ``python apps/dcgan.py --epochs=3`` runs, e.g. for a notebook or a sweep.

    Raises:
        absl.flags.Error: an unknown flag or a value of the wrong type.
        ConfigError: a value that is not allowed (naming the flag).
    """
    flag_values = flags.FlagValues()
    define_experiment_flags(exp, flag_values)
    flag_values([exp.name, *args])
    return configs_from_flags(exp, flag_values)


def configs_from_flagfile(exp, path):
    """``(config, run_config)`` of ``exp`` from a ``flags.cfg``, read without touching the app's flags.

    Runs written before ``config.json`` existed hold only ``flags.cfg``.
    """
    return configs_from_args(exp, [f"--flagfile={path}"])


def usage_error(error):
    """The ``app.UsageError`` for a :class:`~keras_gans.config.ConfigError` (``--option=value requirement.``)."""
    return app.UsageError(error.as_flag())


def fail(message):
    """Ends the app with one line on stderr and exit status 1: what is wrong, and where help is."""
    message = message.rstrip(".")
    end = "" if message.endswith(("?", "!")) else "."
    sys.stderr.write(f"{os.path.basename(sys.argv[0])}: error: {message}{end} (--help lists the flags.)\n")
    sys.exit(1)


def _parse_flags(argv):
    """absl's flag parsing, with a parse error (a typo, a missing flagfile, a bad value) as one line."""
    try:
        return FLAGS(argv)
    except flags.Error as error:
        fail(str(error))


def _quiet_logs():
    """INFO lines of absl and TensorFlow off, unless ``--verbosity`` was given."""
    if not FLAGS["verbosity"].present:
        logging.set_verbosity(logging.WARNING)
        tf.get_logger().setLevel("WARNING")


def run_app(main_fn):
    """``absl.app.run(main_fn)`` with a quiet console and one-line errors for what users get wrong.

    ``main_fn(argv)`` may raise :class:`~keras_gans.config.ConfigError` or
    ``absl.app.UsageError``; either ends the app with one line, no usage text
    and no traceback. Ctrl-C ends it with one line and exit status 130 (the
    shell's for SIGINT), saying where a stopped run was saved.
    """

    def main(argv):
        _quiet_logs()
        if len(argv) > 1:
            fail(f"unexpected arguments: {' '.join(argv[1:])}")
        try:
            main_fn(argv)  # what it returns is not an exit status
        except configs.ConfigError as error:
            fail(error.as_flag())
        except app.UsageError as error:
            fail(str(error))
        except KeyboardInterrupt as error:
            sys.stderr.write(f"{os.path.basename(sys.argv[0])}: {str(error) or 'interrupted.'}\n")
            sys.exit(130)

    app.run(main, flags_parser=_parse_flags)


def main(name):
    """Defines the flags of experiment ``name``, parses the command line and runs it: an app's entry point."""
    exp = experiments.get(name)
    define_experiment_flags(exp)
    run_app(lambda argv: experiment.run(*configs_from_flags(exp), experiment=exp))
