"""Draws samples from an exported generator and writes them as a PNG grid.

Loads a version written by ``keras_gans.export.export_generator`` (the latest
by default), reads the signature's inputs to learn what to feed, and calls it::

    python apps/generate.py --export_dir=saved_models/dcgan --num_samples=64 --output=grid.png
    python apps/generate.py --export_dir=saved_models/dcgan --version=2 --seed=1 --output=grid.png
    python apps/generate.py --export_dir=saved_models/cgan --num_classes=10 --output=grid.png
    python apps/generate.py --export_dir=saved_models/cgan --labels=3 --output=threes.png
    python apps/generate.py --export_dir=saved_models/pix2pix --input_images=a.png,b.png --output=out.png
    python apps/generate.py --export_dir=saved_models/text2image --text="a large blue star in the center" \
        --text="a small red circle at the top" --output=captions.png

Inputs by name: ``z`` is drawn from a seeded N(0, I) (or U[-1, 1] with
``--latent_distribution=uniform``); ``labels`` cycle through ``--labels`` or
through 0..``--num_classes``-1; ``images`` are read from ``--input_images``
(then the grid shows each input next to its output, two per row); ``text``
is each ``--text`` caption ``--per_caption`` times (then the grid has one row
per caption, written above it, and the same z in each column). Otherwise
the grid is ``ceil(sqrt(num_samples))`` images wide. A flag the signature
has no input for (``--labels`` for an unconditional generator, ...), an input
the export refuses (a label outside its classes) or an ``--output`` that is
not a writable ``.png`` path ends the app with one line naming it.
"""

import math
import os
import re

from keras_gans import cli  # first: it quiets TensorFlow's console before TensorFlow loads

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
from absl import app, flags  # noqa: E402
from PIL import Image  # noqa: E402

from keras_gans import images as gan_images  # noqa: E402

flags.DEFINE_string("export_dir", None, "Export root holding integer version folders.")
flags.DEFINE_integer("version", None, "Version to load; default the latest.")
flags.DEFINE_string("signature", "serving_default", "Signature to call.")
flags.DEFINE_integer("num_samples", 64, "Number of samples (ignored with --input_images and --text).")
flags.DEFINE_string("output", "grid.png", "PNG file to write.")
flags.DEFINE_integer("seed", 0, "Seed of the latent draw.")
flags.DEFINE_enum("latent_distribution", "normal", ["normal", "uniform"],
                  "Distribution the model was trained with: N(0, I) or U[-1, 1].")
flags.DEFINE_list("labels", None, "Class ids for conditional models, cycled over the samples.")
flags.DEFINE_integer("num_classes", None, "Cycle the labels through 0..num_classes-1.")
flags.DEFINE_list("input_images", None, "Image files for translation models (inputs named 'images').")
flags.DEFINE_multi_string("text", None, "A caption for text-to-image models (inputs named 'text'); repeat the flag "
                                        "for several, one grid row each.")
flags.DEFINE_integer("per_caption", 8, "Images per --text caption.")
flags.DEFINE_integer("batch_size", 256, "Samples per call of the signature.")
flags.mark_flag_as_required("export_dir")
flags.register_validator("num_samples", lambda v: v > 0, "--num_samples must be a positive integer.")
flags.register_validator("batch_size", lambda v: v > 0, "--batch_size must be a positive integer.")
flags.register_validator("per_caption", lambda v: v > 0, "--per_caption must be a positive integer.")
flags.register_validator("seed", lambda v: v >= 0, "--seed must be a non-negative integer.")
flags.register_validator("num_classes", lambda v: v is None or v > 0,
                         "--num_classes must be a positive integer.")
flags.register_validator("labels", lambda v: v is None or all(x.strip().isdigit() for x in v),
                         "--labels must be a comma-separated list of class ids, e.g. 0,1,2.")
FLAGS = flags.FLAGS


def resolve_version(export_dir, version):
    """The path of ``export_dir/<version>`` (the latest version when ``version`` is None)."""
    if not os.path.isdir(export_dir):
        raise app.UsageError(f"--export_dir={export_dir} does not exist or is not a directory.")
    versions = sorted(int(e) for e in os.listdir(export_dir)
                      if e.isascii() and e.isdigit() and os.path.isdir(os.path.join(export_dir, e)))
    if not versions:
        hint = ""
        if os.path.isfile(os.path.join(export_dir, "saved_model.pb")):
            hint = (f" It is itself a SavedModel: pass its parent, --export_dir="
                    f"{os.path.dirname(os.path.abspath(export_dir))}, and --version.")
        raise app.UsageError(f"--export_dir={export_dir} holds no version folder (1/, 2/, ...).{hint}")
    if version is None:
        version = versions[-1]
    elif version not in versions:
        raise app.UsageError(f"--version={version} is not in --export_dir={export_dir}; "
                             f"available versions: {versions}.")
    return os.path.join(export_dir, str(version))


def make_inputs(spec, rng):
    """Builds the signature's inputs from the flags.

    Args:
        spec: ``{input name: tf.TensorSpec}`` of the signature.
        rng: ``numpy.random.Generator`` for the latent draw.

    Returns:
        ``{input name: numpy array}`` with one row per sample.
    """
    inputs, n = {}, FLAGS.num_samples
    if "images" in spec:
        if not FLAGS.input_images:
            raise app.UsageError("This signature translates images: pass --input_images=a.png,b.png.")
        height, width, channels = spec["images"].shape[1:]
        inputs["images"] = np.stack([_read_image(p, height, width, channels) for p in FLAGS.input_images])
        n = len(FLAGS.input_images)
    columns = n
    if "text" in spec:
        if not FLAGS.text:
            raise app.UsageError('This signature draws captions (it takes \'text\'): pass --text="a caption".')
        columns = FLAGS.per_caption
        inputs["text"] = np.repeat(np.asarray(FLAGS.text, dtype=object), columns)
        n = len(inputs["text"])
    if "z" in spec:
        shape = (columns,) + tuple(spec["z"].shape[1:])  # [columns, latent_dim], tiled over the captions
        if None in shape:
            raise app.UsageError(f"The signature's 'z' has an unknown size {spec['z'].shape}; "
                                 "cannot draw it.")
        if FLAGS.latent_distribution == "uniform":
            z = rng.uniform(-1.0, 1.0, size=shape).astype(np.float32)
        else:
            z = rng.standard_normal(shape).astype(np.float32)
        inputs["z"] = np.tile(z, (n // columns, 1))
    if "labels" in spec:
        if FLAGS.labels:
            cycle = [int(label) for label in FLAGS.labels]
        elif FLAGS.num_classes:
            cycle = list(range(FLAGS.num_classes))
        else:
            raise app.UsageError("This signature is conditional (it takes 'labels'): pass "
                                 "--labels=0,1,2 or --num_classes=K.")
        inputs["labels"] = np.resize(np.asarray(cycle, np.int32), n)  # cycled to n entries
    unknown = sorted(set(spec) - set(inputs))
    if unknown:
        raise app.UsageError(f"Don't know how to feed the signature inputs {unknown}.")
    for flag, name in (("labels", "labels"), ("num_classes", "labels"), ("input_images", "images"), ("text", "text")):
        if FLAGS[flag].value and name not in spec:
            value = FLAGS[flag].value
            given = ",".join(map(str, value)) if isinstance(value, list) else value
            raise app.UsageError(f"--{flag}={given} is for signatures that take '{name}'; "
                                 f"--signature={FLAGS.signature} takes {sorted(spec)}.")
    # The signature's dtypes (e.g. int64 labels, float16 z) are fed as they are declared.
    return {name: value.astype(spec[name].dtype.as_numpy_dtype) for name, value in inputs.items()}


def _read_image(path, height, width, channels):
    if not os.path.isfile(path):
        raise app.UsageError(f"--input_images: {path} does not exist.")
    channels = channels or 3
    if channels not in (1, 3, 4):
        raise app.UsageError(f"The signature takes images with {channels} channels; "
                             "only 1, 3 or 4 can be read from --input_images.")
    mode = {1: "L", 3: "RGB", 4: "RGBA"}[channels]
    with Image.open(path) as image:
        image = image.convert(mode)
        if height and width:  # a fully convolutional signature takes any size
            image = image.resize((width, height), Image.BILINEAR)
    # [H, W] (grayscale) or [H, W, C] -> [H, W, C]
    array = np.asarray(image, dtype=np.float32).reshape(image.height, image.width, channels)
    return array / 127.5 - 1.0  # [0, 255] -> [-1, 1]


def generate(signature, inputs, batch_size):
    """Calls the signature on batches of the inputs; returns the images [n, H, W, C].

    Raises:
        app.UsageError: the export refused an input (e.g. a label outside its classes).
    """
    n = len(next(iter(inputs.values())))
    outputs = []
    for start in range(0, n, batch_size):
        batch = {k: tf.constant(v[start:start + batch_size]) for k, v in inputs.items()}
        try:
            outputs.append(signature(**batch)["images"].numpy())
        except tf.errors.InvalidArgumentError as error:
            raise app.UsageError(f"--signature={FLAGS.signature} refused the inputs made from the flags: "
                                 f"{_reason(error)}.") from None
    return np.concatenate(outputs)


def _reason(error):
    """An op error's own words on one line: an assertion's message, without TensorFlow's node names."""
    assertion = re.search(r"assertion failed: \[(.*?)\]", error.message)
    if assertion:
        return assertion.group(1)
    text = re.sub(r"\{\{.*?\}\}|\[\[.*?\]\]|\[Op:.*?\]", " ", error.message, flags=re.DOTALL)
    # A graph error opens with where it was detected; what went wrong is its last line.
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1].rstrip(".") if lines else "an invalid argument"


def check_output(path):
    """Refuses an ``--output`` that cannot become a PNG file, before anything is generated."""
    if os.path.isdir(path):
        raise app.UsageError(f"--output={path} is a directory; name a .png file in it.")
    if not path.lower().endswith(".png"):
        raise app.UsageError(f"--output={path} must name a .png file.")


def save(grid, path):
    try:
        gan_images.save_png(grid, path)
    except OSError as error:
        raise app.UsageError(f"--output={path} cannot be written: {error.strerror or error}.") from None


def main(argv):
    if len(argv) > 1:
        raise app.UsageError(f"Unexpected arguments: {' '.join(argv[1:])}")
    path = resolve_version(FLAGS.export_dir, FLAGS.version)
    check_output(FLAGS.output)
    loaded = tf.saved_model.load(path)
    if FLAGS.signature not in loaded.signatures:
        raise app.UsageError(f"--signature={FLAGS.signature} is not in {path}; available: "
                             f"{sorted(loaded.signatures.keys())}.")
    signature = loaded.signatures[FLAGS.signature]
    _, spec = signature.structured_input_signature  # {input name: tf.TensorSpec}
    if "images" not in signature.structured_outputs or len(signature.structured_outputs["images"].shape) != 4:
        raise app.UsageError(f"--signature={FLAGS.signature} of {path} does not output 'images' "
                             f"[n, H, W, C]; outputs: {signature.structured_outputs}.")
    inputs = make_inputs(spec, np.random.default_rng(FLAGS.seed))
    samples = generate(signature, inputs, FLAGS.batch_size)
    if "images" in inputs:  # each input next to its translation, two per row
        if samples.shape[1:] == inputs["images"].shape[1:]:
            pairs = np.stack([inputs["images"], samples], axis=1)  # [n, 2, H, W, C]
            samples = pairs.reshape((-1,) + samples.shape[1:])  # [2n, H, W, C]: input, output, ...
            nrow = 2
        else:
            nrow = None
    else:
        nrow = math.ceil(math.sqrt(len(samples)))
    if "text" in inputs:  # one row per caption, written above it
        grid = gan_images.captioned_rows(samples.reshape((len(FLAGS.text), FLAGS.per_caption) + samples.shape[1:]),
                                         FLAGS.text)
    else:
        grid = gan_images.make_grid(gan_images.to_uint8(samples), nrow=nrow)
    save(grid, FLAGS.output)
    print(f"Wrote {len(samples)} images from {path} to {FLAGS.output} "
          f"({grid.shape[1]}x{grid.shape[0]}).")


if __name__ == "__main__":
    cli.run_app(main)
