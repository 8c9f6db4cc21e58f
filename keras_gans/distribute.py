"""A ``tf.distribute`` strategy from a name, and the cluster facts apps need.

``get_strategy(name)`` turns the ``--strategy`` flag of every app into a
strategy object; build and compile the model inside ``strategy.scope()`` and
train with ``model.fit`` (``docs/design.md``, "Distribution", says what a GAN
needs under a strategy).

To try data parallelism without GPUs, split the CPU into logical devices
*before TensorFlow initializes its devices* (before the first op, tensor,
model or ``tf.config.list_logical_devices`` call)::

    from keras_gans import distribute
    distribute.split_cpu(2)
    strategy = distribute.get_strategy("mirrored", devices=["/cpu:0", "/cpu:1"])
    assert strategy.num_replicas_in_sync == 2

Multi-worker training reads the cluster from the ``TF_CONFIG`` environment
variable, e.g. for the first of two workers::

    TF_CONFIG='{"cluster": {"worker": ["host1:12345", "host2:12345"]},
                "task": {"type": "worker", "index": 0}}'
"""

import json
import os

import tensorflow as tf
from absl import logging
from keras import ops

STRATEGIES = ("auto", "default", "mirrored", "multi_worker", "tpu")

_TASK_TYPES = ("chief", "worker", "ps", "evaluator")

# One MirroredStrategy per device set and process: every instance numbers its collective ops
# from the same start, so a second one (a notebook's second run) would meet the first one's.
_MIRRORED = {}


def split_cpu(num_devices):
    """Splits the first physical CPU into ``num_devices`` logical CPU devices.

    The devices are then named ``/cpu:0`` ... ``/cpu:<num_devices - 1>`` and a
    ``MirroredStrategy`` over them runs one replica on each, which is how the
    tests exercise distribution on a CPU-only machine.

    This must run before TensorFlow initializes its devices: in a fresh
    process, before creating any tensor, variable, model or strategy and before
    listing logical devices. Calling it again with the same count is a no-op.

    Args:
        num_devices: number of logical CPU devices, >= 1.

    Returns:
        The list of device names, e.g. ``["/cpu:0", "/cpu:1"]``.

    Raises:
        ValueError: if ``num_devices`` is not a positive int.
        RuntimeError: if TensorFlow has already initialized its devices with a
            different configuration.
    """
    if isinstance(num_devices, bool) or not isinstance(num_devices, int) or num_devices < 1:
        raise ValueError(f"`num_devices` must be a positive int; received num_devices={num_devices!r}.")
    cpu = tf.config.list_physical_devices("CPU")[0]
    names = [f"/cpu:{i}" for i in range(num_devices)]
    current = tf.config.get_logical_device_configuration(cpu)
    if current is not None and len(current) == num_devices:
        return names
    try:
        tf.config.set_logical_device_configuration(
            cpu, [tf.config.LogicalDeviceConfiguration() for _ in range(num_devices)])
    except RuntimeError as error:
        existing = len(tf.config.list_logical_devices("CPU"))
        if existing == num_devices:  # already split this way (e.g. by an earlier caller)
            return names
        raise RuntimeError(
            f"split_cpu(num_devices={num_devices}) was called after TensorFlow initialized its "
            f"devices ({existing} logical CPU device(s) exist). Call it at the start of a fresh "
            f"process, before any tensor, model or strategy is created.") from error
    return names


def get_strategy(name="auto", devices=None, tpu=None):
    """Returns the ``tf.distribute.Strategy`` called ``name``.

    Names:
        ``default``: the no-op default strategy (one device).
        ``mirrored``: synchronous data parallelism on one machine
            (``MirroredStrategy``) over every visible GPU, or over ``devices``;
            made once per process and device set, and returned again after.
        ``multi_worker``: synchronous data parallelism over the machines listed
            in the ``TF_CONFIG`` environment variable
            (``MultiWorkerMirroredStrategy``).
        ``tpu``: ``TPUStrategy`` on the TPU found by ``TPUClusterResolver``
            (``tpu`` names it; by default the environment's TPU, e.g. on Colab
            or a Cloud TPU VM).
        ``auto``: ``mirrored`` when ``devices`` lists more than one device or,
            without ``devices``, when more than one GPU is visible; otherwise
            ``default``.

    Args:
        name: one of :data:`STRATEGIES`.
        devices: device names for ``mirrored``/``auto``, e.g.
            ``["/gpu:0", "/gpu:1"]`` or, after :func:`split_cpu`,
            ``["/cpu:0", "/cpu:1"]``. Ignored (with a warning) by the other
            strategies.
        tpu: TPU name or address for ``tpu``; ``None`` uses the environment's.

    Returns:
        A ``tf.distribute.Strategy``.

    Raises:
        ValueError: unknown ``name``; ``devices`` that are not visible logical
            devices; a missing or malformed ``TF_CONFIG`` for ``multi_worker``.
        RuntimeError: ``tpu`` when no TPU can be reached.
    """
    if name not in STRATEGIES:
        raise ValueError(f"`name` must be one of {STRATEGIES}; received name={name!r}.")
    if devices is not None:
        devices = _check_devices(devices)
    if name == "auto":
        if devices is not None:
            name = "mirrored" if len(devices) > 1 else "default"
        else:
            name = "mirrored" if len(tf.config.list_logical_devices("GPU")) > 1 else "default"
    elif devices is not None and name != "mirrored":
        logging.warning("`devices`=%s is ignored by the %r strategy.", devices, name)

    if name == "default":
        return tf.distribute.get_strategy()
    if name == "mirrored":
        key = None if devices is None else tuple(sorted(_device_key(d) for d in devices))
        if key not in _MIRRORED:
            _MIRRORED[key] = tf.distribute.MirroredStrategy(devices)
        return _MIRRORED[key]
    if name == "multi_worker":
        read_tf_config(required=True)
        return tf.distribute.MultiWorkerMirroredStrategy()
    return _tpu_strategy(tpu)


def _check_devices(devices):
    """Validates ``devices`` against the visible logical devices."""
    if isinstance(devices, str) or not devices or not all(isinstance(d, str) for d in devices):
        raise ValueError(f"`devices` must be a non-empty list of device names such as "
                         f"['/gpu:0', '/gpu:1']; received devices={devices!r}.")
    devices = list(devices)
    visible = {_device_key(d.name): d.name for d in tf.config.list_logical_devices()}
    for device in devices:
        try:
            key = _device_key(device)
        except ValueError as error:
            raise ValueError(f"`devices` contains {device!r}, which is not a device name.") from error
        if key not in visible:
            raise ValueError(f"`devices` contains {device!r}, which is not a visible device; "
                             f"visible devices: {sorted(visible.values())}. (Logical CPUs come from "
                             f"keras_gans.distribute.split_cpu.)")
    if len({_device_key(d) for d in devices}) != len(devices):
        raise ValueError(f"`devices` lists a device twice; received devices={devices!r}.")
    return devices


def _device_key(name):
    spec = tf.DeviceSpec.from_string(name)
    if spec.device_type is None:
        raise ValueError(name)
    return spec.device_type.upper(), spec.device_index or 0


def _tpu_strategy(tpu):
    try:
        resolver = tf.distribute.cluster_resolver.TPUClusterResolver(tpu=tpu)
        tf.config.experimental_connect_to_cluster(resolver)
        tf.tpu.experimental.initialize_tpu_system(resolver)
    except (ValueError, RuntimeError, tf.errors.OpError) as error:
        raise RuntimeError(
            f"--strategy=tpu: no TPU could be reached (tpu={tpu!r}): {error}. Run on a TPU host "
            f"(Cloud TPU VM, Colab TPU runtime) or name the TPU; use 'default' or 'mirrored' "
            f"without one.") from error
    return tf.distribute.TPUStrategy(resolver)


def read_tf_config(required=False):
    """Parses and validates the ``TF_CONFIG`` environment variable.

    Args:
        required: raise when ``TF_CONFIG`` is unset (for ``multi_worker``).

    Returns:
        The parsed dict, or ``None`` when unset and not required.

    Raises:
        ValueError: ``TF_CONFIG`` is not valid JSON, lacks ``cluster`` or
            ``task``, or names a task that is not in the cluster; or is unset
            and ``required``.
    """
    raw = os.environ.get("TF_CONFIG", "")
    if not raw.strip():
        if required:
            raise ValueError(
                "The multi_worker strategy reads the cluster from the TF_CONFIG environment "
                "variable, which is not set. Set TF_CONFIG to e.g. "
                '\'{"cluster": {"worker": ["host1:12345", "host2:12345"]}, '
                '"task": {"type": "worker", "index": 0}}\'.')
        return None
    try:
        config = json.loads(raw)
    except json.JSONDecodeError as error:
        raise ValueError(f"TF_CONFIG is not valid JSON ({error}); received TF_CONFIG={raw!r}.") from error
    cluster = config.get("cluster") if isinstance(config, dict) else None
    task = config.get("task") if isinstance(config, dict) else None
    if not isinstance(cluster, dict) or not cluster or not isinstance(task, dict):
        raise ValueError("TF_CONFIG must be a JSON object with a non-empty 'cluster' and a 'task'; "
                         f"received TF_CONFIG={raw!r}.")
    for job, addresses in cluster.items():
        if job not in _TASK_TYPES or not isinstance(addresses, list) or not addresses:
            raise ValueError(f"TF_CONFIG cluster job {job!r} must be one of {_TASK_TYPES} with a "
                             f"non-empty list of 'host:port' addresses; received TF_CONFIG={raw!r}.")
    task_type, index = task.get("type"), task.get("index")
    if task_type not in _TASK_TYPES or isinstance(index, bool) or not isinstance(index, int):
        raise ValueError("TF_CONFIG task must have a 'type' in "
                         f"{_TASK_TYPES} and an int 'index'; received TF_CONFIG={raw!r}.")
    if task_type != "evaluator" and not 0 <= index < len(cluster.get(task_type, [])):
        raise ValueError(f"TF_CONFIG task {task_type}:{index} is not in the cluster; "
                         f"received TF_CONFIG={raw!r}.")
    return config


def is_chief():
    """Whether this process writes the run's shared outputs (samples, results, export).

    True without ``TF_CONFIG`` (a single process), for the ``chief`` task, and
    for ``worker`` 0 when the cluster has no ``chief`` job.
    """
    config = read_tf_config()
    if config is None:
        return True
    task_type, index = config["task"]["type"], config["task"]["index"]
    if task_type == "chief":
        return True
    return task_type == "worker" and index == 0 and "chief" not in config["cluster"]


def task_id():
    """This process's task as ``"<type>_<index>"`` (``"chief_0"`` without ``TF_CONFIG``)."""
    config = read_tf_config()
    if config is None:
        return "chief_0"
    return f"{config['task']['type']}_{config['task']['index']}"


# ----------------------------------------------------------------------------
# Inside a replica: what every training step uses to stay equal to one device.


def num_replicas():
    """Number of replicas the current ``tf.distribute`` strategy trains on."""
    return tf.distribute.get_strategy().num_replicas_in_sync


def replica_id():
    """The index of the current replica in its sync group (0 on one device or outside a replica context)."""
    context = tf.distribute.get_replica_context()
    if context is None:
        return 0
    return context.replica_id_in_sync_group


def replica_slice(draw, batch_size):
    """Draws a random tensor for the global batch and returns this replica's rows.

    Every replica of a ``MirroredStrategy`` holds the same seed-generator state,
    so each one draws the global batch (``batch_size * replicas`` rows) and keeps
    its own slice. The samples a global batch sees are therefore the same on one
    device or many, and no two replicas share a sample.

    Args:
        draw: ``rows -> tensor`` drawing ``rows`` samples along axis 0.
        batch_size: this replica's batch size.

    Returns:
        The ``[batch_size, ...]`` slice belonging to the current replica.
    """
    replicas = num_replicas()
    if replicas == 1:
        return draw(batch_size)
    first = replica_id() * batch_size
    return draw(batch_size * replicas)[first:first + batch_size]


def scale_for_replicas(loss):
    """Divides a per-replica mean loss so that summed replica gradients are the global mean."""
    return loss / ops.cast(num_replicas(), loss.dtype)


def replica_mean(value):
    """The mean of a per-replica value over every replica (the value itself on one device).

    What a statistic of the global batch is under ``tf.distribute`` when every
    replica holds an equal share of it: the feature means that feature
    matching compares, or state that every replica must update identically
    (BEGAN's k_t). Differentiable: the gradient is all-reduced back, so after
    :func:`scale_for_replicas` and the summed replica gradients the update is
    the one-device update.
    """
    context = tf.distribute.get_replica_context()
    if context is None or context.num_replicas_in_sync == 1:
        return value
    return context.all_reduce(tf.distribute.ReduceOp.MEAN, value)


def gather_replicas(value):
    """The global batch of a per-replica batch: every replica's rows, in replica order, on every replica.

    What a step needs when a row is paired with another row of the global
    batch (a text-to-image model's mismatched or interpolated captions), so
    that the pairs are those one device would form. Not for values that need
    a gradient.

    Args:
        value: this replica's ``[rows, ...]``.

    Returns:
        ``[rows * replicas, ...]`` (``value`` itself on one device).
    """
    context = tf.distribute.get_replica_context()
    if context is None or context.num_replicas_in_sync == 1:
        return value
    return context.all_gather(value, axis=0)


class SkipsSymbolicBuild:
    """A ``keras.Model`` mixin for models marked built when made (every game): no symbolic build in ``fit``.

    Under a strategy, Keras's ``fit`` and ``evaluate`` first average the first
    distributed batch over the replicas to build the model symbolically; that
    average fails on a batch of strings (captions). A model that is built and
    whose optimizer is built has nothing to build, so the step is skipped (it
    read a batch from a throwaway iterator, reset before training).
    """

    def _maybe_symbolic_build(self, iterator=None, data_batch=None):
        if self.built and (self.optimizer is None or self.optimizer.built):
            return
        super()._maybe_symbolic_build(iterator=iterator, data_batch=data_batch)


def step_logs(metrics):
    """The logs a train or test step returns: each metric's current result.

    Under a multi-worker ``MultiWorkerMirroredStrategy`` Keras 3 reduces every
    log with ``strategy.reduce("MEAN", value, axis=0)``, which fails on scalars
    (tensorflow/tensorflow#72388); there each result goes out with shape
    ``[1]`` and comes back from the reduction as a scalar.

    Args:
        metrics: the metrics to report.

    Returns:
        ``{metric.name: result}``.
    """
    logs = {metric.name: metric.result() for metric in metrics}
    strategy = tf.distribute.get_strategy()
    multi_worker = (isinstance(strategy, tf.distribute.MultiWorkerMirroredStrategy)
                    and strategy.extended._in_multi_worker_mode())  # what Keras itself checks
    if multi_worker:
        logs = {name: ops.reshape(value, [1]) for name, value in logs.items()}
    return logs
