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
A model may serve more signatures (``serving_endpoints()``), and an endpoint
given as an :class:`Endpoint` may leave some scalar inputs optional:
StyleGAN2's ``truncation_psi`` defaults to 1 and BigGAN's ``truncation`` to
none, recorded in the SignatureDef's ``defaults`` so TensorFlow Serving and
session-based clients (``saved_model_cli run``) may omit them; a network that
takes such a setting per row (``[None]``) gets the one value broadcast to the
batch. Serve it with e.g.::

    docker run -p 8501:8501 -v $PWD/saved_models/dcgan:/models/dcgan \\
        -e MODEL_NAME=dcgan tensorflow/serving

or load it in Python::

    serve = tf.saved_model.load("saved_models/dcgan/1").signatures["serving_default"]
    images = serve(z=tf.random.normal([16, latent_dim]))["images"]
"""

import dataclasses
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


@dataclasses.dataclass(frozen=True)
class Endpoint:
    """A functional model served with default values for some of its inputs.

    Attributes:
        network: the functional ``keras.Model``.
        defaults: ``{input name: value}``; those inputs become optional in the
            signature (``tf.constant(value)`` of the input's dtype and shape).
    """

    network: object
    defaults: dict = dataclasses.field(default_factory=dict)

    def __post_init__(self):
        names = [tensor.name for tensor in getattr(self.network, "inputs", None) or []]
        unknown = sorted(set(self.defaults) - set(names))
        if unknown:
            raise ValueError(f"`defaults` names inputs of {getattr(self.network, 'name', self.network)!r}; "
                             f"received {unknown[0]!r}, its inputs are {names}.")


def _as_endpoint(value):
    return value if isinstance(value, Endpoint) else Endpoint(value)


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
        A dict from signature name to ``keras.Model`` or :class:`Endpoint`,
        containing ``serving_default``.

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
    for name, endpoint in endpoints.items():
        network = _as_endpoint(endpoint).network
        if not isinstance(network, keras.Model) or not getattr(network, "inputs", None):
            raise ValueError(f"Endpoint {name!r} must be a functional keras.Model with named "
                             f"inputs; received {network!r}.")
    return endpoints


def input_signature(network, optional=()):
    """One named ``tf.TensorSpec`` per input of a functional model.

    The spec names (``z``, ``labels``, ``images``) become the signature's input
    names. Shapes keep a free batch dimension; a rank-0 input and the inputs
    named in ``optional`` (settings such as ``truncation_psi``) are scalars.

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
        shape = () if len(tensor.shape) == 0 or name in optional else (None,) + tuple(tensor.shape[1:])
        specs.append(tf.TensorSpec(shape, tf.as_dtype(tensor.dtype), name=name))
    names = [spec.name for spec in specs]
    if len(set(names)) != len(names):
        raise ValueError(f"The inputs of {network.name!r} must have distinct names; received {names}.")
    return specs


def _serving_fn(endpoint):
    """``(fn, input signature)``: ``fn(*inputs) -> {"images": float32}`` in inference mode.

    Inputs with a default come last, as Python parameters with a tensor
    default, which is what makes TensorFlow record them as optional; they are
    scalars, broadcast to the batch when the network takes them per row.
    """
    network, defaults = endpoint.network, endpoint.defaults
    specs = input_signature(network, optional=tuple(defaults))
    order = sorted(range(len(specs)), key=lambda i: specs[i].name in defaults)  # stable: required first
    per_row = [name in defaults and len(tensor.shape) == 1 for name, tensor in
               zip((spec.name for spec in specs), network.inputs)]
    single = len(network.inputs) == 1

    def serve(*args):
        inputs = [None] * len(args)
        for position, index in enumerate(order):
            inputs[index] = args[position]
        if any(per_row):
            rows = tf.shape(inputs[order[0]])[0]
            inputs = [tf.broadcast_to(x, [rows]) if row else x for x, row in zip(inputs, per_row)]
        outputs = network(inputs[0] if single else inputs, training=False)
        if isinstance(outputs, dict):
            return {key: tf.cast(value, tf.float32) for key, value in outputs.items()}
        if isinstance(outputs, (list, tuple)):
            if len(outputs) != 1:
                raise ValueError(f"Endpoint model {network.name!r} must have one output (the images); "
                                 f"it has {len(outputs)}. Return a dict to name several outputs.")
            outputs = outputs[0]
        return {OUTPUT_KEY: tf.cast(outputs, tf.float32)}

    parameters = []
    for index in order:
        spec = specs[index]
        default = inspect.Parameter.empty
        if spec.name in defaults:
            default = tf.constant(defaults[spec.name], dtype=spec.dtype, shape=spec.shape)
        parameters.append(inspect.Parameter(spec.name, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=default))
    serve.__signature__ = inspect.Signature(parameters)
    return serve, [specs[index] for index in order]


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
    export_dir = os.fspath(export_dir)
    version, staging = _make_staging(export_dir)
    target = os.path.join(export_dir, str(version))
    try:
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


def _write_saved_model(endpoints, path):
    """Writes ``endpoints`` as the signatures of one SavedModel at ``path``.

    Each distinct endpoint is one ``tf.function``, traced once, inside the
    save; it is also an attribute of the root (``loaded.<name>(...)``, whose
    optional inputs may be left out). The root holds nothing else but what the
    endpoints use: their networks' variables and lookup tables (text
    vocabularies). (``keras.export.ExportArchive`` traces each endpoint twice,
    to list its variables and again inside the save, and each network's own
    call function once more.)
    """
    functions = []  # (endpoint, tf.function): an endpoint served under two names is one function
    root = tf.Module()
    for name, value in endpoints.items():
        endpoint = _as_endpoint(value)
        function = next((fn for other, fn in functions
                         if other.network is endpoint.network and other.defaults == endpoint.defaults), None)
        if function is None:
            serve, signature = _serving_fn(endpoint)
            function = tf.function(serve, input_signature=signature, autograph=False)
            functions.append((endpoint, function))
        setattr(root, name, function)
    networks = list({id(endpoint.network): endpoint.network for endpoint, _ in functions}.values())
    # The tf.Variables behind the Keras variables: what a session-based loader (TensorFlow Serving) restores.
    root.served_variables = list({id(v): v.value for network in networks for v in network.variables}.values())
    root.lookup_tables = list({id(resource): resource for network in networks
                               for resource in tf.train.TrackableView(network).descendants()
                               if isinstance(resource, tf.saved_model.experimental.TrackableResource)}.values())
    tf.saved_model.save(root, path, signatures={name: getattr(root, name) for name in endpoints})
