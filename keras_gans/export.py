"""SavedModel export in TensorFlow Serving's layout.

TensorFlow Serving watches a base directory and serves its largest integer
sub-folder; :func:`export_generator` writes the next one::

    saved_models/dcgan/
        1/  saved_model.pb  variables/
        2/  ...

Each version is a SavedModel with the tag ``serve`` and the signature
``serving_default``. Its named inputs are the generator's inputs (``z``
float32 ``[None, latent_dim]``; plus ``labels`` int32 ``[None]`` for
conditional generators; ``images`` float32 ``[None, H, W, C]`` for
translation generators) and its output is ``{"images": float32 [None, H, W, C]}``.
A model may declare optional scalar inputs with ``serving_defaults()``
(``{signature: {input name: default}}``; BigGAN's ``truncation``): the
endpoint network takes them per row (``[None]``), the export takes one scalar
for the batch and broadcasts it. Calling the loaded endpoint
(``loaded.serving_default(z=..., labels=...)``) may leave them out and gets
the default; a SignatureDef has no optional inputs, so TensorFlow Serving
requests pass them.
Serve it with e.g.::

    docker run -p 8501:8501 -v $PWD/saved_models/dcgan:/models/dcgan \\
        -e MODEL_NAME=dcgan tensorflow/serving

or load it in Python::

    serve = tf.saved_model.load("saved_models/dcgan/1").signatures["serving_default"]
    images = serve(z=tf.random.normal([16, latent_dim]))["images"]
"""

import errno
import inspect
import os
import shutil
import tempfile

import keras
import tensorflow as tf

from keras_gans import protocols

DEFAULT_SIGNATURE = "serving_default"
OUTPUT_KEY = "images"


def serving_endpoints(model):
    """The ``{signature_name: keras.Model}`` a model exports.

    A model defines its endpoints with ``serving_endpoints()``
    (:class:`keras_gans.protocols.Exportable`; e.g. CycleGAN: ``a_to_b``,
    ``b_to_a`` and ``serving_default``); otherwise its ``generator`` is served
    as ``serving_default`` (:class:`~keras_gans.protocols.HasGenerator`). A
    bare ``keras.Model`` (a generator) is served as it is.

    Args:
        model: a GAN-like model or a generator ``keras.Model``.

    Returns:
        A dict from signature name to ``keras.Model``, containing ``serving_default``.

    Raises:
        ValueError: if no endpoint can be found or ``serving_default`` is missing.
    """
    if isinstance(model, protocols.Exportable):
        endpoints = dict(model.serving_endpoints())
    elif isinstance(model, protocols.HasGenerator) and isinstance(model.generator, keras.Model):
        endpoints = {DEFAULT_SIGNATURE: model.generator}
    elif isinstance(model, keras.Model):
        endpoints = {DEFAULT_SIGNATURE: model}
    else:
        raise ValueError("`model` must be a keras.Model generator, or have a `generator` model or a "
                         f"`serving_endpoints()` method; received model={model!r}.")
    if DEFAULT_SIGNATURE not in endpoints:
        raise ValueError(f"`model.serving_endpoints()` must include {DEFAULT_SIGNATURE!r}; "
                         f"received signatures {sorted(endpoints)}.")
    for name, network in endpoints.items():
        if not isinstance(network, keras.Model) or not getattr(network, "inputs", None):
            raise ValueError(f"Endpoint {name!r} must be a functional keras.Model with named "
                             f"inputs; received {network!r}.")
    return endpoints


def serving_defaults(model, endpoints):
    """``{signature: {input name: default}}``: the optional scalar inputs a model declares.

    Read from ``model.serving_defaults()`` when the model has it. Each named
    input must be a per-row scalar (``[None]``) input of that endpoint that
    comes after every required one.

    Raises:
        ValueError: naming the signature and input that do not fit.
    """
    declared = dict(model.serving_defaults()) if callable(getattr(model, "serving_defaults", None)) else {}
    for signature, defaults in declared.items():
        if signature not in endpoints:
            raise ValueError(f"`serving_defaults()` names signature {signature!r}, which is not among the "
                             f"endpoints {sorted(endpoints)}.")
        inputs = endpoints[signature].inputs
        names = [tensor.name for tensor in inputs]
        for name in defaults:
            if name not in names or len(inputs[names.index(name)].shape) != 1:
                raise ValueError(f"`serving_defaults()` makes {name!r} optional in {signature!r}, which needs "
                                 f"a per-row scalar input of that name; the inputs are {names}.")
        if sorted(names.index(name) for name in defaults) != list(range(len(names) - len(defaults), len(names))):
            raise ValueError(f"The optional inputs {sorted(defaults)} of {signature!r} must come after the "
                             f"required ones; the inputs are {names}.")
    return declared


def input_signature(network, optional=()):
    """One named ``tf.TensorSpec`` per input of a functional model.

    The spec names (``z``, ``labels``, ``images``) become the signature's input
    names. Shapes keep a free batch dimension; inputs named in ``optional``
    are scalars (one value for the batch).

    Args:
        network: a functional ``keras.Model``.
        optional: names of its optional scalar inputs.

    Returns:
        A list of ``tf.TensorSpec``, in the order of ``network.inputs``.

    Raises:
        ValueError: if two inputs share a name.
    """
    specs = []
    for tensor in network.inputs:
        name = tensor.name
        shape = () if name in optional else (None,) + tuple(tensor.shape[1:])
        specs.append(tf.TensorSpec(shape, tf.as_dtype(tensor.dtype), name=name))
    names = [spec.name for spec in specs]
    if len(set(names)) != len(names):
        raise ValueError(f"The inputs of {network.name!r} must have distinct names; received {names}.")
    return specs


def _serving_fn(network, defaults=None):
    """``(*inputs) -> {"images": float32}`` in inference mode (batchnorm uses moving stats).

    Inputs named in ``defaults`` take a scalar, broadcast to the batch, and may
    be left out of a call (Python keyword defaults of the traced function).
    """
    single = len(network.inputs) == 1
    defaults = defaults or {}
    names = [tensor.name for tensor in network.inputs]

    def serve(*inputs):
        inputs = list(inputs)
        rows = tf.shape(inputs[0])[0]
        for index, name in enumerate(names):
            if name in defaults:
                inputs[index] = tf.broadcast_to(inputs[index], [rows])
        outputs = network(inputs[0] if single else inputs, training=False)
        if isinstance(outputs, dict):
            return {key: tf.cast(value, tf.float32) for key, value in outputs.items()}
        if isinstance(outputs, (list, tuple)):
            if len(outputs) != 1:
                raise ValueError(f"Endpoint model {network.name!r} must have one output (the images); "
                                 f"it has {len(outputs)}. Return a dict to name several outputs.")
            outputs = outputs[0]
        return {OUTPUT_KEY: tf.cast(outputs, tf.float32)}

    if defaults:
        kind = inspect.Parameter.POSITIONAL_OR_KEYWORD
        serve.__signature__ = inspect.Signature([
            inspect.Parameter(name, kind, default=tf.constant(defaults[name], network.inputs[i].dtype)
                              if name in defaults else inspect.Parameter.empty)
            for i, name in enumerate(names)])
    return serve


def next_version(export_dir):
    """1 + the largest integer entry in ``export_dir`` (1 when there is none).

    Any entry named by an integer counts, even a file, so the new version never
    collides with something already there.
    """
    taken = _integer_entries(export_dir)
    return max(taken) + 1 if taken else 1


def list_versions(export_dir):
    """The integer version folders of ``export_dir``, sorted ascending (``[]`` if absent)."""
    return sorted(number for number, entry in _integer_entries(export_dir).items()
                  if os.path.isdir(os.path.join(export_dir, entry)))


def _integer_entries(export_dir):
    """``{int: entry name}`` for the entries of ``export_dir`` named by ASCII digits."""
    if not os.path.isdir(export_dir):
        return {}
    return {int(entry): entry for entry in os.listdir(export_dir)
            if entry.isascii() and entry.isdigit()}  # isascii: "²".isdigit() is True


def export_generator(model, export_dir):
    """Exports a model's generator(s) as the next SavedModel version of ``export_dir``.

    The version is written into a temporary sibling folder
    (``export_dir/.tmp-<N>-<random>``, which TensorFlow Serving ignores) and
    renamed to ``export_dir/<N>`` once complete, so a server never sees a half
    written version. An existing version is never modified: if ``<N>`` appeared
    while writing, the export fails. (On Linux a rename may still replace an
    *empty* folder that is created in the instant between the check and the
    rename; a non-empty one makes the rename fail.)

    Args:
        model: a GAN-like model (its ``serving_endpoints()`` or its ``generator``)
            or a generator ``keras.Model``. See :func:`serving_endpoints`.
        export_dir: the base directory; created if missing.

    Returns:
        The path of the written version, ``export_dir/<N>``.

    Raises:
        ValueError: ``model`` has nothing to export.
        OSError: ``export_dir`` cannot be created or written (the message names
            it), e.g. because a regular file is in the way or permissions deny
            it (note that permissions do not stop root).
        FileExistsError: version ``<N>`` appeared during the export.
    """
    endpoints = serving_endpoints(model)
    defaults = serving_defaults(model, endpoints)
    export_dir = os.fspath(export_dir)
    version, staging = _make_staging(export_dir)
    target = os.path.join(export_dir, str(version))
    try:
        if defaults:
            _write_saved_model(endpoints, staging, defaults)
        else:  # the two-argument call of models without optional inputs, as before
            _write_saved_model(endpoints, staging)
        if os.path.exists(target):
            raise FileExistsError(f"Version {target!r} appeared while exporting; it was left untouched "
                                  "and this export was discarded.")
        try:
            os.rename(staging, target)
        except OSError as error:
            if os.path.exists(target):  # a non-empty target makes rename fail: never overwritten
                raise FileExistsError(f"Version {target!r} appeared while exporting ({error.strerror}); "
                                      "it was left untouched and this export was discarded.") from error
            raise type(error)(error.errno, f"Cannot rename the export to {target!r} in export_dir="
                                           f"{export_dir!r}: {error.strerror or error}") from error
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target


def _make_staging(export_dir):
    """Creates ``export_dir`` if needed and an empty staging folder in it.

    Returns:
        ``(version, staging path)``.

    Raises:
        OSError: naming ``export_dir`` when it cannot be created or written.
    """
    if os.path.exists(export_dir) and not os.path.isdir(export_dir):
        raise NotADirectoryError(errno.ENOTDIR, f"Cannot export to export_dir={export_dir!r}: it exists "
                                                "and is not a directory (a file is in the way).")
    try:
        os.makedirs(export_dir, exist_ok=True)
        version = next_version(export_dir)
        staging = tempfile.mkdtemp(prefix=f".tmp-{version}-", dir=export_dir)
        os.chmod(staging, 0o777 & ~_umask())  # mkdtemp makes it private; a server may run as another user
    except OSError as error:
        cls = NotADirectoryError if isinstance(error, FileExistsError) else type(error)
        raise cls(error.errno, f"Cannot create or write to export_dir={export_dir!r}: "
                               f"{error.strerror or error}") from error
    return version, staging


def _umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _write_saved_model(endpoints, path, defaults=None):
    archive = keras.export.ExportArchive()
    tracked = []
    for network in endpoints.values():
        if not any(network is other for other in tracked):
            archive.track(network)
            tracked.append(network)
    # serving_default first: ExportArchive aliases the first endpoint as the default.
    names = [DEFAULT_SIGNATURE] + sorted(n for n in endpoints if n != DEFAULT_SIGNATURE)
    for name in names:
        optional = (defaults or {}).get(name, {})
        archive.add_endpoint(name, _serving_fn(endpoints[name], optional),
                             input_signature=input_signature(endpoints[name], optional))
    archive.write_out(path, verbose=False)
