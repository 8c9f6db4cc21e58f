"""How a train step runs: XLA compilation and steps per execution, resolved for the model and the strategy.

Two run settings decide how fast a step goes without changing what it
computes (up to float rounding):

* ``jit_compile``: compile the train step with XLA. Left unset (None) it is
  on where it is faster: for the experiments whose step XLA makes faster at
  their app's defaults on a CPU (``Experiment.xla_faster``, measured by
  ``benchmarks/xla_by_experiment.py``), on one device, for a model whose step
  XLA can compile (:attr:`~keras_gans.models.game.AdversarialGame.xla_unsupported`
  is None), and, on a machine with no GPU whose CPU has AVX-512, for a step
  whose players' forward passes cost at most :data:`CPU_XLA_MAX_FORWARD_GFLOP`
  (:mod:`keras_gans.step_cost`). There XLA's fusion wins on small steps, but
  on larger, convolution-bound ones TensorFlow's own kernels (oneDNN, which
  uses the CPU's 512-bit vector instructions) outrun XLA's: the 64x64 DCGAN
  step of ``benchmarks/throughput.py`` took 2.2 times as long with XLA on a
  2-core AVX-512 CPU, where on an earlier 2-core machine with a third of its
  matmul rate XLA made the same step 1.3-2.0 times faster. The step's own
  random draws name their algorithm (:mod:`keras_gans.draws`), because XLA
  on a CPU compiles TensorFlow's default one very slowly; Keras's ``Dropout``
  still uses the default, so networks with dropout lose much of what XLA
  gains.
  Under a strategy with several replicas it stays off: Keras 3
  compiles ``strategy.run`` inside the XLA function, and XLA cannot reach the
  other replicas' variables (on two logical CPUs: "Trying to access resource
  ... located in device CPU:1 from device CPU:0"; the same on GPUs,
  keras-team/keras#19005). The run says once why it is off.
* ``steps_per_execution``: train steps per call from Python into TensorFlow
  (Keras runs them in one ``tf.while_loop``), which removes the per-step
  Python round trip that dominates tiny steps: 50 for the 2-D sets, 10 for
  image steps whose players' forward passes cost at most
  :data:`SMALL_STEP_MAX_FORWARD_GFLOP` a batch, else 1. Keras runs whole
  executions, so the value is lowered to the largest divisor of the steps per
  epoch: an epoch ends where it would with one step per execution, and
  checkpoints, pictures and a resumed run's batches stay where they were.
  Callbacks that look at every batch (the non-finite guard) see the logs at
  the end of each execution. Under a strategy with several replicas it is 1:
  Keras's loop of several steps fails on a distributed iterator (on two
  logical CPUs), and the run says so once.

:func:`fit_verbosity` is how every ``fit`` of the project shows its progress.
"""

import sys

import tensorflow as tf
from absl import logging

from keras_gans import distribute
from keras_gans.config import ConfigError

# Steps per execution for the 2-D sets' tiny MLP steps, and for small image steps: at most this many GFLOP
# in the players' forward passes a batch, steps of 1-8 ms at the apps' defaults on 2 CPU cores, of which the
# Python round trip was up to half (the MLP GAN on digits: 1.23 ms a step with one step per call, 0.64 with
# 10; benchmarks/xla_by_experiment.py --steps_per_execution). Larger image steps keep one step per call, so
# a Ctrl-C stops at the next step.
POINTS_STEPS_PER_EXECUTION = 50
SMALL_IMAGE_STEPS_PER_EXECUTION = 10
SMALL_STEP_MAX_FORWARD_GFLOP = 0.1
# Above this (GFLOP of the players' forward passes at the run's batch), a step runs faster without XLA on an
# AVX-512 CPU: at the apps' defaults on 2 such cores, XLA was faster up to 0.09 GFLOP and slower for every
# app above 1 (EBGAN 1.3 ... WGAN-GP 25) (benchmarks/xla_by_experiment.py).
CPU_XLA_MAX_FORWARD_GFLOP = 1.0

_SAID = set()


def _say_once(message):
    if message not in _SAID:
        _SAID.add(message)
        logging.warning(message)


def cpu_only():
    """Whether TensorFlow sees no accelerator (GPU, TPU), only the CPU."""
    return all(device.device_type == "CPU" for device in tf.config.list_physical_devices())


def cpu_has_avx512(cpuinfo="/proc/cpuinfo"):
    """Whether the CPU has AVX-512 (its ``avx512f`` flag in ``cpuinfo``; False where there is no such file)."""
    try:
        with open(cpuinfo) as f:
            return any(line.startswith("flags") and "avx512f" in line.split() for line in f)
    except OSError:
        return False


def jit_compile(requested, model, faster=True, count_gflop=None):
    """Whether ``model``'s train step is compiled with XLA.

    Call it inside the strategy scope the model was built in.

    Args:
        requested: True or False to force it; None for the default (see the
            module docstring).
        model: the model about to be compiled; a model whose step XLA cannot
            compile names why in ``xla_unsupported`` (forcing XLA on it raises
            :class:`~keras_gans.config.ConfigError`).
        faster: whether XLA makes this run's step faster (the experiment's
            measured ``xla_faster``).
        count_gflop: ``() -> GFLOP or None``, the players' forward
            arithmetic at the run's batch (e.g.
            :func:`keras_gans.step_cost.players_forward_gflop`); called only
            when nothing else has decided, on an AVX-512 CPU with no
            accelerator. Above :data:`CPU_XLA_MAX_FORWARD_GFLOP`, XLA stays
            off; None (not counted, or no counter) leaves it to ``faster``.

    Returns:
        The ``jit_compile`` for ``keras.Model.compile``.
    """
    if requested and model.xla_unsupported is not None:
        raise ConfigError("jit_compile", True, f"cannot compile {type(model).__name__}'s step: "
                                               f"{model.xla_unsupported}")
    if requested is not None:
        return bool(requested)
    if not faster:
        return False
    if model.xla_unsupported is not None:
        _say_once(f"XLA is off for {type(model).__name__}: {model.xla_unsupported}.")
        return False
    reason = None
    if distribute.num_replicas() > 1:
        reason = (f"the {distribute.num_replicas()} replicas of a tf.distribute strategy (Keras compiles "
                  "strategy.run inside the XLA function, which cannot reach the other replicas' variables)")
    if reason is None and count_gflop is not None and cpu_only() and cpu_has_avx512():
        gflop = count_gflop()
        if gflop is not None and gflop > CPU_XLA_MAX_FORWARD_GFLOP:
            reason = (f"its players' forward passes cost {gflop:.1f} GFLOP a batch, and on an AVX-512 CPU "
                      f"TensorFlow's own kernels run steps above {CPU_XLA_MAX_FORWARD_GFLOP:g} GFLOP faster than "
                      "XLA")
    if reason is not None:
        _say_once(f"XLA is off for {type(model).__name__}: {reason}. --jit_compile forces it on.")
        return False
    return True


def steps_per_execution(requested, steps_per_epoch, points=False, replicas=1, small_step=False):
    """Train steps per call into TensorFlow: ``requested`` (default by data kind), lowered to divide the epoch.

    Args:
        requested: the wanted count, or None for the default:
            :data:`POINTS_STEPS_PER_EXECUTION` for 2-D points,
            :data:`SMALL_IMAGE_STEPS_PER_EXECUTION` for a small image step, else 1.
        steps_per_epoch: the steps of one epoch (of the phase).
        points: whether the batches are 2-D points.
        replicas: replicas of the strategy the model trains under; with more
            than one, one step per call (Keras's loop of several steps over a
            distributed iterator fails there: "You must feed a value for
            placeholder tensor ...", on two logical CPUs).
        small_step: whether an image step is small (:func:`is_small_step`).

    Returns:
        The largest divisor of ``steps_per_epoch`` that is <= the wanted count.
    """
    default = POINTS_STEPS_PER_EXECUTION if points else SMALL_IMAGE_STEPS_PER_EXECUTION if small_step else 1
    wanted = requested if requested is not None else default
    if replicas > 1 and wanted > 1:
        _say_once(f"One step per execution under the {replicas} replicas of a tf.distribute strategy: Keras's "
                  "loop of several steps fails on a distributed iterator.")
        return 1
    chosen = max(d for d in range(1, min(wanted, steps_per_epoch) + 1) if steps_per_epoch % d == 0)
    if requested is not None and chosen != requested:
        _say_once(f"--steps_per_execution={requested} runs {chosen} steps per execution: Keras runs whole "
                  f"executions, and {chosen} is the largest count that divides the {steps_per_epoch} "
                  "steps of an epoch.")
    return chosen


def is_small_step(gflop):
    """Whether players whose forward passes cost ``gflop`` a batch (None: not countable) make a small step:
    at most :data:`SMALL_STEP_MAX_FORWARD_GFLOP`."""
    return gflop is not None and gflop <= SMALL_STEP_MAX_FORWARD_GFLOP


def fit_verbosity():
    """``fit``'s verbosity: a progress bar in a terminal, one line per epoch in a log file."""
    return 1 if sys.stdout.isatty() else 2
