"""What every app shares: the common absl flags and :func:`run`.

An app defines its own flags and a build function, then calls
``experiment.main(build)``::

    python apps/dcgan.py --flagfile=apps/configs/dcgan_digits.cfg --epochs=2

A run writes into ``--model_dir`` (default ``runs/<experiment>``): ``flags.cfg``
(the resolved flags, usable as ``--flagfile``), ``results.json``, ``samples/``,
``logs/`` (TensorBoard) and ``checkpoints/``. Re-running with the same
``model_dir`` resumes from the last checkpoint. The generator is exported to
``--export_dir`` (default ``saved_models/<experiment>``) as the next version.
"""

import dataclasses
import json
import os
import sys
import time

import keras
import tensorflow as tf
from absl import app, flags, logging

from keras_gans import callbacks as gan_callbacks
from keras_gans import data, distribute, export

FLAGS = flags.FLAGS

flags.DEFINE_string("dataset", "digits", "Dataset name: an embedded set (ring8, grid25, digits, ...), "
                    "tfds:<name>[/<config>] or folder:<path>.")
flags.DEFINE_string("data_dir", None, "Where tfds datasets are prepared (no download happens).")
flags.DEFINE_integer("image_size", None, "Resize images to this square size (a power of two).")
flags.DEFINE_integer("batch_size", 64, "Global batch size, split across replicas.")
flags.DEFINE_integer("epochs", 10, "Number of epochs.")
flags.DEFINE_integer("steps_per_epoch", None, "Steps per epoch; default one pass over the dataset.")
flags.DEFINE_string("model_dir", None, "Run directory; default runs/<experiment>.")
flags.DEFINE_string("export_dir", None, "SavedModel export root; default saved_models/<experiment>.")
flags.DEFINE_bool("export", True, "Export the generator as a SavedModel at the end.")
flags.DEFINE_enum("strategy", "auto", distribute.STRATEGIES, "tf.distribute strategy.")
flags.DEFINE_list("devices", None, "Devices for --strategy=mirrored, e.g. /gpu:0,/gpu:1.")
flags.DEFINE_integer("virtual_cpus", 0, "Split the CPU into this many logical devices, to try "
                     "--strategy=mirrored without GPUs (0 = leave the CPU whole).")
flags.DEFINE_integer("seed", 0, "Seed of every random draw (weights, data order, z).")
flags.DEFINE_bool("deterministic", False, "Enable TensorFlow op determinism (bitwise-reproducible runs).")
flags.DEFINE_bool("mixed_precision", False, "Train with the mixed_float16 policy (GPU).")
flags.DEFINE_bool("jit_compile", False, "Compile the train step with XLA.")
flags.DEFINE_bool("resume", True, "Resume from the last checkpoint in --model_dir.")
flags.DEFINE_integer("sample_every", 1, "Write a sample grid every N epochs.")
flags.DEFINE_integer("checkpoints_to_keep", 3, "Number of checkpoints kept.")
flags.DEFINE_enum("optimizer", "adam", ["adam", "rmsprop"], "Optimizer of both players.")
flags.DEFINE_float("d_learning_rate", 2e-4, "Discriminator learning rate.")
flags.DEFINE_float("g_learning_rate", 2e-4, "Generator learning rate.")
flags.DEFINE_float("beta_1", 0.5, "Adam beta_1 (0.5 as in DCGAN).")
flags.DEFINE_float("beta_2", 0.999, "Adam beta_2.")
flags.DEFINE_float("lr_decay_to", 1.0, "Cosine-decay the learning rates to this fraction of their "
                   "initial value over the run (1 = constant).")

flags.register_validator("batch_size", lambda v: v > 0, "--batch_size must be a positive integer.")
flags.register_validator("epochs", lambda v: v >= 0, "--epochs must be >= 0.")
flags.register_validator("steps_per_epoch", lambda v: v is None or v > 0,
                         "--steps_per_epoch must be a positive integer.")
flags.register_validator("virtual_cpus", lambda v: v >= 0, "--virtual_cpus must be >= 0.")
flags.register_validator("sample_every", lambda v: v > 0, "--sample_every must be a positive integer.")
flags.register_validator("checkpoints_to_keep", lambda v: v > 0,
                         "--checkpoints_to_keep must be a positive integer.")
flags.register_validator("image_size", lambda v: v is None or (v >= 4 and v & (v - 1) == 0),
                         "--image_size must be a power of two >= 4.")
flags.register_validator("lr_decay_to", lambda v: 0.0 <= v <= 1.0, "--lr_decay_to must be in [0, 1].")
for _name in ("d_learning_rate", "g_learning_rate"):
    flags.register_validator(_name, lambda v: v > 0, f"--{_name} must be > 0.")
flags.register_validator("dataset", lambda v: data.is_known_name(v),
                         "--dataset is not a known dataset: use one of "
                         f"{', '.join(data.EMBEDDED)}, tfds:<name> or folder:<path>.")
flags.register_validator("data_dir", lambda v: v is None or os.path.isdir(v),
                         "--data_dir does not exist or is not a directory.")


@dataclasses.dataclass(frozen=True)
class DataSpec:
    """What a build function needs to know about the training data.

    Attributes:
        name: the ``--dataset`` value.
        sample_shape: shape of one image (or of one 2-D point).
        num_classes: number of classes for labelled sets, else ``None``.
        toy_modes: ``(centers, std)`` for the 2-D toy sets, else ``None``.
    """

    name: str
    sample_shape: tuple
    num_classes: int | None = None
    toy_modes: tuple | None = None

    @property
    def is_toy(self):
        return self.toy_modes is not None


def class_count(spec, requested=None):
    """The number of classes a label-driven app (CGAN, ACGAN, SGAN) trains with.

    Args:
        spec: the :class:`DataSpec` of the training data.
        requested: the app's ``--num_classes``, or None to take the dataset's.

    Returns:
        ``spec.num_classes`` (which ``requested`` must equal when given).

    Raises:
        app.UsageError: the dataset is unlabelled, or ``requested`` disagrees with it.
    """
    if spec.num_classes is None:
        raise app.UsageError(f"--dataset={spec.name} has no labels, and {experiment_name()} trains on "
                             "labelled data: use a labelled dataset (e.g. digits, tfds:mnist).")
    if requested is not None and requested != spec.num_classes:
        raise app.UsageError(f"--num_classes={requested} disagrees with --dataset={spec.name}, which has "
                             f"{spec.num_classes} classes.")
    return spec.num_classes


def experiment_name():
    """The app's name: its file name without ``.py``."""
    return os.path.splitext(os.path.basename(sys.argv[0]))[0]


def make_optimizers(total_steps, d_steps_per_step=1):
    """The (discriminator, generator) optimizers described by the flags.

    Args:
        total_steps: generator steps of the whole run, over which the learning
            rates decay when ``--lr_decay_to`` < 1.
        d_steps_per_step: discriminator updates per generator update (n_critic).
    """

    def make(learning_rate, steps):
        if FLAGS.lr_decay_to < 1.0:
            learning_rate = keras.optimizers.schedules.CosineDecay(
                learning_rate, decay_steps=max(1, steps), alpha=FLAGS.lr_decay_to)
        if FLAGS.optimizer == "rmsprop":
            return keras.optimizers.RMSprop(learning_rate)
        return keras.optimizers.Adam(learning_rate, beta_1=FLAGS.beta_1, beta_2=FLAGS.beta_2)

    return (make(FLAGS.d_learning_rate, total_steps * d_steps_per_step),
            make(FLAGS.g_learning_rate, total_steps))


def default_compile(model, total_steps):
    """Compiles a two-player model with the flags' optimizers.

    Args:
        model: a model whose ``compile`` takes ``d_optimizer`` and ``g_optimizer``.
        total_steps: generator steps of the whole run.
    """
    d_optimizer, g_optimizer = make_optimizers(total_steps, getattr(model, "n_critic", 1))
    model.compile(d_optimizer=d_optimizer, g_optimizer=g_optimizer, jit_compile=FLAGS.jit_compile)


def write_flagfile(path, module_names):
    """Writes the flags of the given modules, one ``--name=value`` per line."""
    lines = []
    for module in module_names:
        for flag in sorted(FLAGS.get_flags_for_module(module), key=lambda f: f.name):
            if flag.value is not None:
                lines.append(flag.serialize())
    _write_atomically(path, "\n".join(lines) + "\n")


def _write_atomically(path, text):
    tmp = f"{path}.tmp-{os.getpid()}"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)


def _check_writable(flag_name, path):
    """Fails before training, not after it, when an output folder cannot be written."""
    try:
        os.makedirs(path, exist_ok=True)
        probe = os.path.join(path, f".write-test-{os.getpid()}")
        with open(probe, "w"):
            pass
        os.remove(probe)
    except OSError as error:
        raise app.UsageError(f"--{flag_name}={path} is not writable: {error.strerror or error}")


def _data_spec(dataset, name):
    element = dataset.element_spec
    images = element[0] if isinstance(element, tuple) else element
    num_classes = data.num_classes(name, data_dir=FLAGS.data_dir) if isinstance(element, tuple) else None
    toy = data.toy_modes(name) if name in data.TOY_SETS else None
    return DataSpec(name=name, sample_shape=tuple(images.shape[1:]), num_classes=num_classes, toy_modes=toy)


def default_sample_callback(spec, model_dir, model):
    """The picture an epoch leaves: a scatter over the modes for toy sets, else a sample grid.

    Args:
        spec: the :class:`DataSpec` of the training data.
        model_dir: the run directory.
        model: the built model (unused here; apps that pass their own
            ``sample_callback_fn`` may need it).

    Returns:
        A :class:`keras_gans.callbacks.ToyScatter` or :class:`~keras_gans.callbacks.SampleGrid`.
    """
    del model
    if spec.is_toy:
        centers, std = spec.toy_modes
        return gan_callbacks.ToyScatter(model_dir, centers, std, seed=FLAGS.seed, every=FLAGS.sample_every)
    return gan_callbacks.SampleGrid(model_dir, seed=FLAGS.seed, every=FLAGS.sample_every)


def _final_results(model, history, spec, sampler, started, initial_epoch):
    results = {
        "experiment": experiment_name(),
        "dataset": spec.name,
        "epochs": FLAGS.epochs,
        "initial_epoch": initial_epoch,
        "steps": int(model.g_optimizer.iterations.numpy()) if hasattr(model, "g_optimizer") else None,
        "wall_time_s": round(time.time() - started, 2),
        "metrics": {k: float(v[-1]) for k, v in history.history.items() if v},
    }
    if spec.is_toy and getattr(sampler, "last_coverage", None) is not None:
        results["mode_coverage"] = sampler.last_coverage
    return results


def run(build_fn, compile_fn=default_compile, name=None, *, sample_callback_fn=default_sample_callback,
        callbacks_fn=None, evaluate_fn=None):
    """Runs one experiment from the parsed flags.

    Args:
        build_fn: ``DataSpec -> keras.Model``: builds the (uncompiled) model.
            Called inside the strategy scope.
        compile_fn: ``(model, total_steps) -> None``: compiles it (default: two
            optimizers from the flags). Called inside the strategy scope.
        name: experiment name; default the app's file name.
        sample_callback_fn: ``(spec, model_dir, model) -> keras.callbacks.Callback``:
            the chief's per-epoch picture (default :func:`default_sample_callback`).
        callbacks_fn: ``(spec, model_dir, model) -> list of callbacks`` added to
            fit on every worker (e.g. an evaluation or learning-rate callback).
        evaluate_fn: ``(model, spec) -> dict`` of JSON-serializable measures,
            computed by the chief after training and stored under
            ``"evaluation"`` in ``results.json``.

    Returns:
        The results dictionary also written to ``model_dir/results.json``.
    """
    started = time.time()
    name = name or experiment_name()
    model_dir = FLAGS.model_dir or os.path.join("runs", name)
    export_dir = FLAGS.export_dir or os.path.join("saved_models", name)

    devices = FLAGS.devices  # logical CPUs must exist before TensorFlow touches a device
    if FLAGS.virtual_cpus:
        distribute.split_cpu(FLAGS.virtual_cpus)
        devices = devices or [f"/cpu:{i}" for i in range(FLAGS.virtual_cpus)]
    if FLAGS.deterministic:
        tf.config.experimental.enable_op_determinism()
    keras.utils.set_random_seed(FLAGS.seed)
    if FLAGS.mixed_precision:
        keras.mixed_precision.set_global_policy("mixed_float16")

    strategy = distribute.get_strategy(FLAGS.strategy, devices=devices)
    replicas = strategy.num_replicas_in_sync
    if FLAGS.batch_size % replicas:
        raise app.UsageError(f"--batch_size={FLAGS.batch_size} is not divisible by the "
                             f"{replicas} replicas of --strategy={FLAGS.strategy}.")
    chief = distribute.is_chief()
    if not chief:  # other workers write their (required) checkpoints aside
        model_dir = os.path.join(model_dir, "workers", distribute.task_id())
    _check_writable("model_dir", model_dir)
    if FLAGS.export and chief:
        _check_writable("export_dir", export_dir)

    try:
        dataset = data.load(FLAGS.dataset, batch_size=FLAGS.batch_size, seed=FLAGS.seed,
                            data_dir=FLAGS.data_dir, image_size=FLAGS.image_size)
    except (ValueError, FileNotFoundError) as error:
        raise app.UsageError(str(error))
    spec = _data_spec(dataset, FLAGS.dataset)
    steps_per_epoch = FLAGS.steps_per_epoch or int(dataset.cardinality())
    if steps_per_epoch <= 0:
        raise app.UsageError(f"--dataset={FLAGS.dataset} has fewer than one batch of "
                             f"--batch_size={FLAGS.batch_size}.")

    with strategy.scope():
        model = build_fn(spec)
        compile_fn(model, FLAGS.epochs * steps_per_epoch)

    checkpointer = gan_callbacks.Checkpointer(model_dir, max_to_keep=FLAGS.checkpoints_to_keep)
    initial_epoch = checkpointer.restore(model)
    if initial_epoch and not FLAGS.resume:
        raise app.UsageError(f"--model_dir={model_dir} holds checkpoints up to epoch {initial_epoch} "
                             "and --noresume was given: choose a new --model_dir.")
    if initial_epoch:
        logging.info("Resuming from epoch %d of %s", initial_epoch, model_dir)

    # The stream's order is a pure function of the seed and the same for every
    # iterator (Keras opens a throwaway one under tf.distribute), so skipping the
    # batches already trained on makes a resumed run see what an unbroken one would.
    train_data = data.load(FLAGS.dataset, batch_size=FLAGS.batch_size, seed=FLAGS.seed,
                           data_dir=FLAGS.data_dir, image_size=FLAGS.image_size, repeat=True)
    train_data = train_data.skip(initial_epoch * steps_per_epoch)
    guard = gan_callbacks.NonFiniteGuard()
    sampler = sample_callback_fn(spec, model_dir, model)
    fit_callbacks = [guard, checkpointer,
                     keras.callbacks.TensorBoard(log_dir=os.path.join(model_dir, "logs"))]
    if callbacks_fn is not None:
        fit_callbacks.extend(callbacks_fn(spec, model_dir, model))
    if chief:
        fit_callbacks.append(sampler)
        write_flagfile(os.path.join(model_dir, "flags.cfg"), [__name__, sys.argv[0]])

    history = model.fit(train_data, epochs=FLAGS.epochs, steps_per_epoch=steps_per_epoch,
                        initial_epoch=initial_epoch, callbacks=fit_callbacks, verbose=2)
    if guard.message:
        raise SystemExit(f"Training stopped: {guard.message}. The last good checkpoint is in "
                         f"{checkpointer.directory}.")

    results = _final_results(model, history, spec, sampler, started, initial_epoch)
    if chief:
        if spec.is_toy and "mode_coverage" not in results:
            results["mode_coverage"] = sampler.evaluate(model)
        if evaluate_fn is not None:
            results["evaluation"] = evaluate_fn(model, spec)
        if FLAGS.export:
            results["export"] = export.export_generator(model, export_dir)
        _write_atomically(os.path.join(model_dir, "results.json"), json.dumps(results, indent=2) + "\n")
        print(f"Results: {os.path.join(model_dir, 'results.json')}\n"
              f"Samples: {os.path.join(model_dir, 'samples')}\n"
              f"TensorBoard: tensorboard --logdir {os.path.join(model_dir, 'logs')}"
              + (f"\nExport: {results['export']}" if "export" in results else ""))
    return results


def main(build_fn, compile_fn=default_compile, **run_options):
    """Parses flags and runs the experiment; the entry point of every app.

    Args:
        build_fn: see :func:`run`.
        compile_fn: see :func:`run`.
        **run_options: the keyword options of :func:`run` (``sample_callback_fn``,
            ``callbacks_fn``, ``evaluate_fn``).
    """
    app.run(lambda argv: _run_from_argv(argv, build_fn, compile_fn, run_options))


def _run_from_argv(argv, build_fn, compile_fn, run_options):
    if len(argv) > 1:
        raise app.UsageError(f"Unexpected arguments: {' '.join(argv[1:])}")
    run(build_fn, compile_fn, **run_options)

