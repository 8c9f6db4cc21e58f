"""Runs an experiment from its configs, in plain Python; rebuilds a trained one from its folder.

:func:`run` is what ``python apps/<experiment>.py --flagfile=...`` does once the
flags are parsed (:mod:`keras_gans.cli`), and what a notebook or a sweep calls
directly::

    from keras_gans import config, experiment
    from keras_gans.experiments import objectives
    results = experiment.run(objectives.DCGANConfig(), config.RunConfig(dataset="digits", epochs=1))

A run writes into ``model_dir`` (default ``runs/<experiment>``):
``config.json`` (the resolved configs, from which :func:`rebuild` makes the
model again), ``flags.cfg`` (the same as flags, usable as ``--flagfile``),
``results.json``, ``samples/``, ``logs/`` (TensorBoard) and ``checkpoints/``.
Running again with the same ``model_dir`` resumes from the last checkpoint.
The first Ctrl-C stops the run at the end of the current step with a
checkpoint of that step (``checkpoints/interrupted``), from which the same
command resumes exactly; a second Ctrl-C stops it at once.
The generator is exported to ``export_dir`` (default
``saved_models/<experiment>``) as the next version.
"""

import contextlib
import dataclasses
import json
import math
import os
import sys
import time

import keras
import tensorflow as tf
from absl import logging

from keras_gans import callbacks, data, distribute, execution, experiments, export, files, interrupts
from keras_gans.config import ConfigError, RunConfig, flag_text
from keras_gans.experiments.base import Context, DataSpec, class_count, make_optimizers  # noqa: F401 (public)

CONFIG_FILE = "config.json"
FLAGS_FILE = "flags.cfg"


def flag_lines(config):
    """``--name=value`` lines of a config's fields, sorted by name (bools as ``--name``/``--noname``)."""
    lines = []
    for name, value in sorted(config.to_dict().items()):
        if value is None:
            continue
        if isinstance(value, bool):
            lines.append(f"--{name}" if value else f"--no{name}")
        else:
            lines.append(f"--{name}={flag_text(value)}")
    return lines


def _check_writable(option, path):
    """Fails before training, not after it, when an output folder cannot be written."""
    try:
        os.makedirs(path, exist_ok=True)
        probe = os.path.join(path, f".write-test-{os.getpid()}")
        with open(probe, "w"):
            pass
        os.remove(probe)
    except OSError as error:
        raise ConfigError(option, path, f"is not writable: {error.strerror or error}") from error


def data_spec(dataset, run):
    """The :class:`DataSpec` of a loaded dataset."""
    element = dataset.element_spec
    images = element[0] if isinstance(element, tuple) else element
    num_classes = data.num_classes(run.dataset, data_dir=run.data_dir) if isinstance(element, tuple) else None
    toy = data.toy_modes(run.dataset) if run.dataset in data.TOY_SETS else None
    return DataSpec(name=run.dataset, sample_shape=tuple(images.shape[1:]), num_classes=num_classes, toy_modes=toy)


def downscaled(dataset, factor):
    """``dataset`` with its images (the first element of tuples) average-pooled by ``factor``."""
    def pool(images):
        return tf.nn.avg_pool2d(images, factor, factor, "VALID")

    if isinstance(dataset.element_spec, tuple):
        return dataset.map(lambda images, *rest: (pool(images), *rest))
    return dataset.map(pool)


def _load(run, phase, **options):
    """A phase's stream; a phase smaller than the run's images (ProGAN's early stages) gets them
    average-pooled, as the authors' multi-resolution data (and sets that only come in large sizes)."""
    smaller = run.image_size and phase.image_size and phase.image_size < run.image_size
    try:
        dataset = data.load(run.dataset, batch_size=phase.batch_size, seed=run.seed, data_dir=run.data_dir,
                            image_size=run.image_size if smaller else phase.image_size, **options)
    except (ValueError, FileNotFoundError) as error:
        raise ConfigError("dataset", run.dataset, f"cannot be loaded: {error}") from error
    return downscaled(dataset, run.image_size // phase.image_size) if smaller else dataset


def _steps_per_epoch(run, phase, dataset):
    steps = phase.steps_per_epoch or run.steps_per_epoch or int(dataset.cardinality())
    if steps <= 0:
        raise ConfigError("dataset", run.dataset, f"has fewer than one batch of --batch_size={phase.batch_size}")
    return steps


def _prepare_devices(run, phases):
    """Logical CPUs, determinism, seeds, precision and the strategy: before TensorFlow touches a device."""
    devices = list(run.devices) if run.devices else None
    if run.virtual_cpus:
        distribute.split_cpu(run.virtual_cpus)
        devices = devices or [f"/cpu:{i}" for i in range(run.virtual_cpus)]
    if run.deterministic:
        tf.config.experimental.enable_op_determinism()
    keras.utils.set_random_seed(run.seed)
    # Set either way: an earlier run in this process (a notebook's) may have left mixed precision on.
    keras.mixed_precision.set_global_policy("mixed_float16" if run.mixed_precision else "float32")
    try:
        strategy = distribute.get_strategy(run.strategy, devices=devices)
    except ValueError as error:
        raise ConfigError("strategy", run.strategy, f"cannot start: {error}") from error
    for phase in phases:
        if phase.batch_size % strategy.num_replicas_in_sync:
            raise ConfigError("batch_size", phase.batch_size, f"is not divisible by the "
                              f"{strategy.num_replicas_in_sync} replicas of --strategy={run.strategy}")
    return strategy


def _results(exp, model, history, spec, sampler, started, initial_epoch, run, phases, replicas):
    results = {
        "experiment": exp.name,
        "dataset": spec.name,
        "replicas": replicas,
        "epochs": run.epochs,
        "initial_epoch": initial_epoch,
        "steps": int(model.g_optimizer.iterations.numpy()),
        "wall_time_s": round(time.time() - started, 2),
        "metrics": {k: float(v[-1]) for k, v in (history.history if history else {}).items() if v},
    }
    if spec.is_toy and getattr(sampler, "last_coverage", None) is not None:
        results["mode_coverage"] = sampler.last_coverage
    if len(phases) > 1:
        # Every phase ran to its end (a stopped run raises before this), and a
        # phase may reset the optimizers' step counts (ProGAN's new resolutions).
        results["steps"] = sum(phase.epochs * phase.steps_per_epoch for phase in phases)
        results["phases"] = [dataclasses.asdict(phase) for phase in phases]
    return results


def run(config, run_config=None, *, experiment=None):
    """Trains one experiment: builds, compiles, resumes, fits, measures, exports.

    Args:
        config: the experiment's config (e.g. :class:`keras_gans.experiments.objectives.DCGANConfig`);
            it names the experiment.
        run_config: the :class:`~keras_gans.config.RunConfig`; default the
            experiment's (:meth:`~keras_gans.experiments.base.Experiment.default_run`).
        experiment: an :class:`~keras_gans.experiments.base.Experiment` to run
            instead of the registered one for ``config`` (custom hooks, tests).

    Returns:
        The results dictionary also written to ``model_dir/results.json``.

    Raises:
        ConfigError: a setting that cannot work (the message names it).
        keras_gans.interrupts.TrainingInterrupted: at Ctrl-C, once the step's checkpoint is saved.
    """
    started = time.time()
    exp = experiment or experiments.for_config(config)
    run_config = run_config or exp.default_run()
    exp.check_dataset(run_config.dataset)
    model_dir = run_config.model_dir or os.path.join("runs", exp.name)
    export_dir = run_config.export_dir or os.path.join("saved_models", exp.name)
    phases = exp.phases(run_config, config)
    strategy = _prepare_devices(run_config, phases)
    chief = distribute.is_chief()
    if not chief:  # other workers write their (required) checkpoints aside
        model_dir = os.path.join(model_dir, "workers", distribute.task_id())
    _check_writable("model_dir", model_dir)
    if run_config.export and chief:
        _check_writable("export_dir", export_dir)

    one_pass = [_load(run_config, phase) for phase in phases]
    steps = [_steps_per_epoch(run_config, phase, dataset) for phase, dataset in zip(phases, one_pass)]
    spec = data_spec(one_pass[-1], run_config)
    ctx = Context(config=config, run=run_config, spec=spec, model_dir=model_dir, steps_per_epoch=steps[-1])
    with strategy.scope():
        model = exp.build(ctx)
        exp.compile(ctx, model)

    checkpointer = callbacks.Checkpointer(model_dir, max_to_keep=run_config.checkpoints_to_keep)
    try:
        initial_epoch = checkpointer.restore(model)
    except ValueError as error:
        logging.warning("%s", error)
        raise ConfigError("model_dir", model_dir, "holds a checkpoint of other networks: choose a new "
                                                  "--model_dir, or resume with the flags it was trained with") from None
    if (initial_epoch or checkpointer.epoch_step) and not run_config.resume:
        raise ConfigError("model_dir", model_dir, f"holds a checkpoint (epoch {initial_epoch} and "
                                                  f"{checkpointer.epoch_step} steps of the next) and --noresume "
                                                  "was given: choose a new --model_dir")
    if initial_epoch or checkpointer.epoch_step:
        logging.info("Resuming from epoch %d (and %d steps of the next) of %s", initial_epoch,
                     checkpointer.epoch_step, model_dir)

    guard = callbacks.NonFiniteGuard()
    sampler = exp.sample_callback(ctx, model)
    fit_callbacks = [guard, checkpointer, keras.callbacks.TensorBoard(log_dir=os.path.join(model_dir, "logs"))]
    fit_callbacks.extend(exp.callbacks(ctx, model))
    keeper = _keeper(fit_callbacks)
    if keeper:
        keeper.resume_from(initial_epoch)
    if chief:
        fit_callbacks.append(sampler)
        payload = {"experiment": exp.name, "config": config.to_dict(), "run": run_config.to_dict()}
        files.write_text(os.path.join(model_dir, CONFIG_FILE), json.dumps(payload, indent=2) + "\n")
        files.write_text(os.path.join(model_dir, FLAGS_FILE),
                          "\n".join(flag_lines(run_config) + flag_lines(config)) + "\n")

    phases = [dataclasses.replace(phase, steps_per_epoch=count) for phase, count in zip(phases, steps)]
    small_step = (run_config.steps_per_execution is None and not spec.is_toy
                  and strategy.num_replicas_in_sync == 1 and exp.small_step(ctx, model))
    # Workers of a multi-worker strategy would each stop at their own step: Ctrl-C stops them at once there.
    graceful = run_config.strategy != "multi_worker"
    with interrupts.first_sigint_calls(checkpointer.request_stop, message=interrupts.STOP_MESSAGE) if graceful \
            else contextlib.nullcontext():
        history = _fit_phases(model, phases, run_config, (initial_epoch, checkpointer.epoch_step), fit_callbacks,
                              small_step)
    if guard.message:
        raise SystemExit(f"Training stopped: {guard.message}. The last good checkpoint is in "
                         f"{checkpointer.directory}.")
    if checkpointer.stopped_at is not None and checkpointer.stopped_at[0] < sum(p.epochs for p in phases):
        raise interrupts.TrainingInterrupted(checkpointer.stopped_at[1])
    if checkpointer.stop_requested:
        print("Ctrl-C: training is complete and saved; evaluating and exporting (Ctrl-C again stops at once).",
              file=sys.stderr, flush=True)

    kept = keeper.restore(model) if keeper else None
    results = _results(exp, model, history, spec, sampler, started, initial_epoch, run_config, phases,
                       strategy.num_replicas_in_sync)
    if kept:  # the measures and the export are of the best epoch's generator; the logs stay the last epoch's
        results["kept"] = kept
        results.pop("mode_coverage", None)
    if chief:
        if spec.is_toy and "mode_coverage" not in results:
            results["mode_coverage"] = sampler.evaluate(model)
        if type(exp).evaluate is not experiments.Experiment.evaluate:  # a judge may train first: say why we wait
            print(f"Evaluating the trained {exp.name}...", flush=True)
        measures = exp.evaluate(ctx, model)
        if measures is not None:
            results["evaluation"] = measures
        if run_config.export:
            results["export"] = export.export_generator(model, export_dir)
        files.write_text(os.path.join(model_dir, "results.json"), json.dumps(results, indent=2) + "\n")
        print(f"Results: {os.path.join(model_dir, 'results.json')}\n"
              f"Samples: {os.path.join(model_dir, 'samples')}\n"
              f"TensorBoard: tensorboard --logdir {os.path.join(model_dir, 'logs')}"
              + (f"\nExport: {results['export']}" if "export" in results else ""))
    return results


def _keeper(fit_callbacks):
    """The experiment's :class:`~keras_gans.callbacks.KeepBest`, or None."""
    keepers = [callback for callback in fit_callbacks if isinstance(callback, callbacks.KeepBest)]
    if len(keepers) > 1:
        raise ValueError(f"An experiment keeps one best epoch: its callbacks hold {len(keepers)} KeepBest.")
    return keepers[0] if keepers else None


def _fit_phases(model, phases, run_config, resume_at, fit_callbacks, small_step):
    """Fits each phase not yet done, on its own data stream; returns the last ``History``.

    ``phases`` have their ``steps_per_epoch`` filled in; ``resume_at`` is
    ``(epochs completed, steps of the next epoch already trained)``; ``small_step``
    runs several image steps to a call by default (:func:`keras_gans.execution.steps_per_execution`).

    A stream's order is a pure function of the seed and the same for every
    iterator (Keras opens a throwaway one under tf.distribute), so skipping the
    batches already trained on makes a resumed run see what an unbroken one
    would. An epoch a stop cut short is finished by a fit of its remaining steps.
    """
    initial_epoch, epoch_step = resume_at
    history, start = None, 0
    for index, phase in enumerate(phases):
        end = start + phase.epochs
        if initial_epoch >= end and index < len(phases) - 1:
            start = end
            continue
        done = max(initial_epoch, start)
        skipped = epoch_step if done == initial_epoch and done < end else 0
        if skipped >= phase.steps_per_epoch:
            raise ConfigError("steps_per_epoch", phase.steps_per_epoch, f"leaves nothing of epoch {done + 1}, of "
                              f"which the interrupted checkpoint already trained {skipped} steps: resume with the "
                              "batch size and steps per epoch it was trained with")
        if len(phases) > 1:
            model.enter_phase(index, phase)
        if skipped:  # the rest of the epoch a stop cut short (the Checkpointer says where it resumes)
            history = _fit_epochs(model, run_config, phase, start, done, done + 1, skipped, fit_callbacks,
                                  small_step)
            done += 1
            if model.stop_training:  # the non-finite guard, or a stop at the epoch's end
                return history
        if done < end or history is None:
            history = _fit_epochs(model, run_config, phase, start, done, end, 0, fit_callbacks, small_step)
            if model.stop_training:
                return history
        start = end
    return history


def _fit_epochs(model, run_config, phase, phase_start, first, end, skipped, fit_callbacks, small_step):
    """``model.fit`` of epochs ``first`` to ``end`` of a phase that began at epoch ``phase_start``, the first
    epoch without its ``skipped`` steps already trained."""
    steps = phase.steps_per_epoch - skipped
    stream = _load(run_config, phase, repeat=True).skip((first - phase_start) * phase.steps_per_epoch + skipped)
    per_execution = execution.steps_per_execution(
        run_config.steps_per_execution, phase.steps_per_epoch, points=run_config.dataset in data.TOY_SETS,
        replicas=model.distribute_strategy.num_replicas_in_sync, small_step=small_step)
    model.steps_per_execution = math.gcd(per_execution, steps)  # the executions of an unbroken epoch
    model.make_train_function(force=True)
    # The stream shuffles itself; shuffle=False keeps Keras from warning that it would ignore the flag.
    return model.fit(stream, epochs=end, steps_per_epoch=steps, initial_epoch=first, callbacks=fit_callbacks,
                     verbose=execution.fit_verbosity(), shuffle=False)


def read_run(model_dir):
    """``(experiment, config, run_config)`` of a training run, from its ``config.json``.

    Raises:
        ConfigError: naming ``model_dir`` when it holds no ``config.json``.
    """
    path = os.path.join(model_dir, CONFIG_FILE)
    if not os.path.isfile(path):
        raise ConfigError("model_dir", model_dir, f"has no {CONFIG_FILE}: is it a training run's folder?")
    with open(path) as file:
        payload = json.load(file)
    exp = experiments.get(payload["experiment"])
    return exp, exp.Config.from_dict(payload["config"]), RunConfig.from_dict(payload["run"])


def rebuild(exp, config, run_config, checkpoint=None, spec=None):
    """The model of a run, built again from its configs, with the generator state of a checkpoint.

    Args:
        exp: the :class:`~keras_gans.experiments.base.Experiment`.
        config: its config.
        run_config: the run's :class:`~keras_gans.config.RunConfig`.
        checkpoint: a checkpoint path prefix (e.g. ``tf.train.latest_checkpoint``);
            None leaves the fresh weights.
        spec: the training data's :class:`DataSpec`; default read from the dataset.

    Returns:
        The (uncompiled) model, its generator (and moving average, and
        ``checkpoint_items``) restored.
    """
    phase = exp.phases(run_config, config)[-1]
    if spec is None:
        spec = data_spec(_load(run_config, phase, shuffle=False), run_config)
    ctx = Context(config=config, run=run_config, spec=spec, model_dir=run_config.model_dir or "",
                  steps_per_epoch=run_config.steps_per_epoch or 1)
    model = exp.build(ctx)
    if checkpoint is not None:
        items = {"generator": model.generator, **model.checkpoint_items()}
        tf.train.Checkpoint(**items).restore(checkpoint).expect_partial().assert_existing_objects_matched()
    return model
