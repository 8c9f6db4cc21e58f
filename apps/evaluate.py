"""Evaluates a trained generator against a dataset: FID, KID, IS, precision/recall, memorization.

Loads an exported SavedModel version (the latest by default) or the last
checkpoint of a training run, and writes into ``--output_dir``:
``report.json`` (the measures), ``interpolation.png`` (one slerp per row),
``memorization.png`` (generated samples, each followed by its nearest
training images) and, with ``--arithmetic=a,b,c``, ``arithmetic.png`` (DCGAN's
vector arithmetic on groups of samples the judge assigns to classes a, b, c).
A class-conditional generator draws the classes in turn; a text-to-image
one draws sample ``i`` for the caption of image ``i`` of ``--split``, so its
samples follow the captions of the images they are compared with::

    python apps/evaluate.py --flagfile=apps/configs/evaluate_digits.cfg
    python apps/evaluate.py --flagfile=apps/configs/evaluate_digits.cfg --version=2
    python apps/evaluate.py --model_dir=runs/dcgan --app=dcgan   # dataset, sizes: runs/dcgan/flags.cfg
    python apps/evaluate.py --model_dir=runs/text2image --split=test   # a shapes/captions run
    python apps/evaluate.py --export_dir=saved_models/dcgan --dataset=tfds:celeb_a --image_size=64 \\
        --features=inception_v3 --inception_weights=inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5

Features (``--features``): ``classifier`` embeds images with the digit judge
trained on the dataset (``auto`` picks it for digits and MNIST: "classifier
FID"); ``shapes_judge`` with the shapes judge's 256-d features (``auto``
picks it for the shapes sets: "judge FID"; the judge of seed
0 whatever ``--seed``, at 64 px for smaller images, upsampled to it as the
shapes benchmarks show them; kept in the judge cache unless
``--nojudge_cache``); ``inception_v3`` uses InceptionV3 pool3 with ``--inception_weights``
(a local file, or ``imagenet`` to download); ``pixels`` compares raw pixels.
The measures between the real ``--split`` and the ``--reference_split``
(real against real) are reported too, as the scale of what real data scores
(with that split's sample size). Each split is read once and each batch goes
through the feature network once (features and logits together); with
``--measures=fid`` no feature rows are kept, only running means and
covariances. The common flags (``--dataset``, ``--image_size``,
``--batch_size``, ``--seed``, ``--model_dir``, ``--export_dir``, ...) are
those of every app (``keras_gans.config.RunConfig``).
"""

import dataclasses
import json
import os
import time
from collections.abc import Callable

from keras_gans import cli  # first: it quiets TensorFlow's console before TensorFlow loads

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
from absl import app, flags  # noqa: E402
from scipy.special import softmax  # noqa: E402

from keras_gans import callbacks, config, data, evaluation, experiment, experiments, export, features  # noqa: E402
from keras_gans import images as gan_images  # noqa: E402
from keras_gans import judges, latent, models  # noqa: E402
from keras_gans.data import shapes  # noqa: E402

cli.define_flags(config.RunConfig, module_name="keras_gans.config")  # --dataset, --image_size, --seed, ...

flags.DEFINE_integer("version", None, "Export version to evaluate (with --export_dir); default the latest.")
flags.DEFINE_string("app", None, "Training app of --model_dir (e.g. dcgan); default the experiment "
                    "named in its results.json.")
flags.DEFINE_string("split", "train", "Real split the samples are compared with (and searched for copies).")
flags.DEFINE_string("reference_split", "test", "Real split measured against --split as a floor "
                    "(and the held-out baseline of the memorization check); empty to skip.")
flags.DEFINE_integer("num_samples", 10000, "Generated samples for FID and IS.")
flags.DEFINE_enum("export_latent_distribution", "normal", ["normal", "uniform"],
                  "Prior of an exported generator's z: N(0, I) or U[-1, 1] (checkpoints know their own).")
flags.DEFINE_enum("features", "auto", ["auto", "classifier", "shapes_judge", "inception_v3", "pixels"],
                  "Feature space of the measures (auto: classifier for digits/MNIST, shapes_judge for the "
                  "shapes sets, else inception_v3).")
flags.DEFINE_integer("classifier_epochs", 10, "Training epochs of the digit judge (--features=classifier).")
flags.DEFINE_string("inception_weights", None, "InceptionV3 weights: a local .h5 file or 'imagenet'.")
flags.DEFINE_bool("inception_include_top", False, "The weights include the classifier (enables IS).")
flags.DEFINE_list("measures", list(evaluation.DISTRIBUTION_MEASURES), "Measures between feature sets.")
flags.DEFINE_integer("kept_features", 5000, "Feature rows per set kept for KID, precision/recall, "
                     "density/coverage (FID uses every row; --measures=fid keeps none).")
flags.DEFINE_integer("kid_subsets", 100, "KID subsets.")
flags.DEFINE_integer("kid_subset_size", 1000, "KID subset size (1000 in Binkowski et al.).")
flags.DEFINE_enum("interpolation", "slerp", latent.METHODS, "Interpolation of the grid.")
flags.DEFINE_integer("interpolation_rows", 8, "Interpolations in the grid (one per row).")
flags.DEFINE_integer("interpolation_steps", 10, "Images per interpolation.")
flags.DEFINE_integer("memorization_samples", 16, "Generated samples searched for in the training split.")
flags.DEFINE_integer("nearest", 3, "Nearest training images shown per sample.")
flags.DEFINE_list("arithmetic", None, "Classes a,b,c: picture mean z(a) - mean z(b) + mean z(c), the groups "
                  "being samples the classifier features' judge assigns to each class (DCGAN section 6.3).")
flags.DEFINE_string("output_dir", None, "Where the report and grids go; default <model_dir>/evaluation "
                    "or evaluation/<export name>_<version>.")
for _name in ("num_samples", "classifier_epochs", "kept_features", "kid_subsets", "memorization_samples", "nearest",
              "interpolation_rows"):
    flags.register_validator(_name, lambda v: v > 0, f"--{_name} must be a positive integer.")
flags.register_validator("interpolation_steps", lambda v: v >= 2, "--interpolation_steps must be >= 2.")
flags.register_validator("kid_subset_size", lambda v: v >= 2, "--kid_subset_size must be >= 2.")
flags.register_validator("arithmetic", lambda v: v is None or (len(v) == 3 and all(c.isdigit() for c in v)),
                         "--arithmetic must be three class ids a,b,c.")
flags.register_validator("measures", lambda v: set(v) <= set(evaluation.DISTRIBUTION_MEASURES) and v,
                         f"--measures must be names from {', '.join(evaluation.DISTRIBUTION_MEASURES)}.")
FLAGS = flags.FLAGS
CLASSIFIER_SETS = ("digits", "tfds:mnist")


@dataclasses.dataclass
class Generator:
    """What is evaluated: ``generate(z, conditions) -> images`` and its latent prior.

    ``conditions`` are class ids for a class-conditional generator (``num_classes``), captions for a
    text-to-image one (``captioned``; sample ``i`` draws the caption the real ``--split`` pairs with
    image ``i``), else None.
    """

    generate: Callable
    latent_dim: int
    latent_distribution: str
    num_classes: int | None
    source: str
    captioned: bool = False
    captions: list[str] | None = None


def load_export():
    """The ``serving_default`` signature of ``--export_dir/<--version>``.

    Without ``--image_size`` (on the command line or in a flagfile), the real
    images are compared at the size the export makes.
    """
    if not os.path.isdir(FLAGS.export_dir):
        raise app.UsageError(f"--export_dir={FLAGS.export_dir} does not exist or is not a directory.")
    versions = export.list_versions(FLAGS.export_dir)
    if not versions:
        raise app.UsageError(f"--export_dir={FLAGS.export_dir} holds no version folder (1/, 2/, ...).")
    version = versions[-1] if FLAGS.version is None else FLAGS.version
    if version not in versions:
        raise app.UsageError(f"--version={version} is not in --export_dir={FLAGS.export_dir}; "
                             f"available versions: {versions}.")
    path = os.path.join(FLAGS.export_dir, str(version))
    loaded = tf.saved_model.load(path)  # kept by generate(): the signature's variables live in it
    _, spec = loaded.signatures["serving_default"].structured_input_signature  # {input name: tf.TensorSpec}
    if "z" not in spec or not (set(spec) <= {"z", "labels"} or set(spec) == {"z", "text"}):
        raise app.UsageError(f"{path} is not a (z[, labels]) or (z, text) -> images generator; its inputs: "
                             f"{sorted(spec)}.")
    num_classes = data.num_classes(FLAGS.dataset, FLAGS.data_dir) if "labels" in spec else None
    if "labels" in spec and num_classes is None:
        raise app.UsageError(f"{path} draws classes (it takes 'labels'); --dataset={FLAGS.dataset} has none.")
    size = loaded.signatures["serving_default"].structured_outputs["images"].shape[1]
    if not FLAGS["image_size"].present and size is not None:  # the export says what the flags do not
        FLAGS.image_size = int(size)

    def generate(z, conditions=None):
        inputs = {"z": tf.constant(z, spec["z"].dtype)}
        if num_classes is not None:
            inputs["labels"] = tf.constant(conditions, spec["labels"].dtype)
        if "text" in spec:
            inputs["text"] = tf.constant(conditions, tf.string)
        return loaded.signatures["serving_default"](**inputs)["images"].numpy()

    return Generator(generate, int(spec["z"].shape[-1]), FLAGS.export_latent_distribution, num_classes, path,
                     captioned="text" in spec)


def read_training_run(model_dir):
    """``(experiment, config, run_config)`` of a training run: its ``config.json``, or its ``flags.cfg``
    (runs written before config.json existed) read with the flags of ``--app``."""
    if os.path.isfile(os.path.join(model_dir, experiment.CONFIG_FILE)):
        return experiment.read_run(model_dir)
    flagfile = os.path.join(model_dir, experiment.FLAGS_FILE)
    if not os.path.isfile(flagfile):
        raise app.UsageError(f"--model_dir={model_dir} has no {experiment.CONFIG_FILE} or {experiment.FLAGS_FILE}: "
                             "is it a training run's folder?")
    app_name = FLAGS.app
    results = os.path.join(model_dir, "results.json")
    if app_name is None and os.path.isfile(results):
        with open(results) as file:
            app_name = json.load(file).get("experiment")
    if not app_name:
        raise app.UsageError(f"Pass --app: the training app of --model_dir={model_dir} (e.g. dcgan).")
    exp = experiments.get(app_name)
    return (exp, *cli.configs_from_flagfile(exp, flagfile))


def apply_run_settings(run_config):
    """Sets every common flag the command line did not set to the training run's value."""
    for field in dataclasses.fields(run_config):
        if field.name != "model_dir" and not FLAGS[field.name].present:
            FLAGS[field.name].value = getattr(run_config, field.name)


def load_checkpoint():
    """The generator in the last checkpoint of ``--model_dir``, rebuilt from the run's configs."""
    model_dir = FLAGS.model_dir
    exp, run_settings, run_config = read_training_run(model_dir)
    apply_run_settings(run_config)
    checkpoint_path = callbacks.Checkpointer(model_dir).latest_checkpoint
    if checkpoint_path is None:
        raise app.UsageError(f"--model_dir={model_dir} holds no checkpoint.")
    spec = experiment.DataSpec(FLAGS.dataset, image_shape(), data.num_classes(FLAGS.dataset, FLAGS.data_dir))
    model = experiment.rebuild(exp, run_settings, config.RunConfig.from_dict(
        {**run_config.to_dict(), "dataset": FLAGS.dataset, "image_size": FLAGS.image_size,
         "data_dir": FLAGS.data_dir}), checkpoint_path, spec=spec)
    if not isinstance(model, models.AdversarialModel):
        raise app.UsageError(f"--app={exp.name} does not build a z -> images GAN with a `generator`.")
    captioned = isinstance(model, models.TextToImageGAN)
    conditional = model.num_classes is not None or captioned

    def generate(z, conditions=None):
        outputs = model.generate(z, conditions) if conditional else model.generate(z)
        return np.asarray(outputs, dtype=np.float32)

    return Generator(generate, int(model.latent_dim), model.latent_distribution,
                     None if captioned else model.num_classes, checkpoint_path, captioned=captioned)


def read_captions(generator):
    """Gives a text-to-image generator the captions paired with the first ``--num_samples`` images of
    ``--split``, as the real pass reads them."""
    if not generator.captioned:
        return
    if not data.has_captions(FLAGS.dataset):
        raise app.UsageError(f"{generator.source} draws captions; --dataset={FLAGS.dataset} holds none "
                             "(e.g. --dataset=shapes/captions).")
    captions = []
    for batch in load_split("split").as_numpy_iterator():
        captions.extend(text.decode() for text in batch[1])
        if len(captions) >= FLAGS.num_samples:
            break
    generator.captions = captions[:FLAGS.num_samples]


def conditions(generator, rows):
    """What samples ``rows`` are drawn for: class ``row % num_classes``, caption ``row`` of ``--split``
    (cycled when the split is smaller), or None for an unconditional generator."""
    if generator.captioned:
        return [generator.captions[row % len(generator.captions)] for row in rows]
    if generator.num_classes is not None:
        return (np.asarray(rows) % generator.num_classes).astype(np.int32)
    return None


def load_split(flag):
    """The real split the flag ``--<flag>`` names (``split`` or ``reference_split``), or a UsageError naming it."""
    split = FLAGS[flag].value
    try:
        return data.load(FLAGS.dataset, split=split, batch_size=FLAGS.batch_size, shuffle=False,
                         data_dir=FLAGS.data_dir, image_size=FLAGS.image_size, drop_remainder=False)
    except (ValueError, FileNotFoundError) as error:
        message, named = str(error), f"`split`={split!r} "
        raise app.UsageError(f"--{flag}={split} {message[len(named):]}" if message.startswith(named)
                             else message) from None


def image_shape(flag="split"):
    """``(H, W, C)`` of the images of the real split ``--<flag>`` names."""
    element = load_split(flag).element_spec
    return tuple((element[0] if isinstance(element, tuple) else element).shape[1:])


def check_shapes(generator):
    """UsageError unless the generator makes images of the real split's shape."""
    real_shape = image_shape()
    if len(real_shape) != 3:
        raise app.UsageError(f"--dataset={FLAGS.dataset} does not hold images (for the 2-D toy sets, "
                             "apps/gan.py reports the mode coverage).")
    z = callbacks.fixed_latent(FLAGS.seed, 1, generator.latent_dim, generator.latent_distribution)
    shape = generator.generate(z, conditions(generator, [0])).shape[1:]
    if shape != real_shape:
        raise app.UsageError(f"The generator makes {shape} images; --dataset={FLAGS.dataset} at "
                             f"--image_size={FLAGS.image_size} gives {real_shape}.")


def first_images(batches, count):
    """The first ``count`` images of an iterable of batches, as one array."""
    kept, total = [], 0
    for batch in batches:
        kept.append(batch[:count - total])
        total += len(kept[-1])
        if total == count:
            break
    return np.concatenate(kept)


def make_extractor():
    """The feature extractor ``--features`` chooses; it gives logits too when the network has a class head."""
    choice, on_shapes = FLAGS.features, FLAGS.dataset in shapes.VARIANTS
    if choice == "auto":
        choice = ("classifier" if FLAGS.dataset.startswith(CLASSIFIER_SETS)
                  else "shapes_judge" if on_shapes else "inception_v3")
    if choice == "shapes_judge":
        if not on_shapes:
            raise app.UsageError(f"--features=shapes_judge reads the shapes sets; received "
                                 f"--dataset={FLAGS.dataset}.")
        # One instrument for every run, as in the shapes benchmarks: the judge of seed 0, at 64 px for smaller
        # images (upsampled to it).
        size = image_shape()[0]
        return features.shapes_classifier_features(image_size=size, judge_size=max(size, shapes.DEFAULT_IMAGE_SIZE),
                                                   seed=0,
                                                   cache_dir=judges.judge_cache_dir() if FLAGS.judge_cache else None)
    if choice == "classifier":
        if data.num_classes(FLAGS.dataset, FLAGS.data_dir) is None:
            raise app.UsageError(f"--features=classifier needs a labelled --dataset; {FLAGS.dataset} is not.")
        judge = dict(image_size=FLAGS.image_size, dataset=FLAGS.dataset, data_dir=FLAGS.data_dir, seed=FLAGS.seed,
                     epochs=FLAGS.classifier_epochs)
        return features.digit_classifier_features(**judge, with_logits=True)
    if choice == "inception_v3":
        if FLAGS.inception_weights is None:
            raise app.UsageError("--features=inception_v3 needs --inception_weights=<local .h5 file> "
                                 "(or =imagenet to download them).")
        try:
            return features.inception_v3_features(FLAGS.inception_weights, include_top=FLAGS.inception_include_top,
                                                  with_logits=FLAGS.inception_include_top)
        except ValueError as error:
            raise app.UsageError(f"--inception_weights={FLAGS.inception_weights}: {error}")
    return features.PixelFeatures()


def generated_batches(generator):
    """Yields ``--num_samples`` generated images in batches, class-balanced for conditional models."""
    z = callbacks.fixed_latent(FLAGS.seed, FLAGS.num_samples, generator.latent_dim,
                               generator.latent_distribution)
    for start in range(0, len(z), FLAGS.batch_size):
        rows = np.arange(start, min(start + FLAGS.batch_size, len(z)))
        images = generator.generate(z[rows], conditions(generator, rows))
        if not np.all(np.isfinite(images)):
            raise SystemExit(f"The generator in {generator.source} produced NaN/inf images.")
        yield images


def split_batches(flag):
    """The image batches of the real split ``--<flag>`` names, in one pass."""
    return features.image_batches(load_split(flag))


def embed(batches, extractor, *, logits=False, search=None):
    """One pass over image batches: feature statistics, class probabilities (or None), the first images.

    With ``logits``, each batch's features and class probabilities come from one forward pass; ``search``
    (an ``evaluation.NearestImages``) is fed every batch of the same pass. Feature rows are kept only for
    the measures that need them: FID reads the running mean and covariance alone.
    """
    keep = 0 if set(FLAGS.measures) == {"fid"} else FLAGS.kept_features
    statistics = evaluation.FeatureStatistics(keep=keep, seed=FLAGS.seed)
    probabilities, first = [], []
    for images in batches:
        if logits:
            batch_features, batch_logits = extractor.features_and_logits(images)
            probabilities.append(softmax(batch_logits.astype(np.float64), axis=1))
        else:
            batch_features = extractor(images)
        statistics.update(batch_features)
        if search is not None:
            search.update(images)
        if sum(map(len, first)) < FLAGS.memorization_samples:
            first.append(images)
    return (statistics, np.concatenate(probabilities) if probabilities else None,
            first_images(first, FLAGS.memorization_samples))


def measure(real, fake, probabilities):
    report = evaluation.compare_features(real, fake, FLAGS.measures, kid_subsets=FLAGS.kid_subsets,
                                         kid_subset_size=FLAGS.kid_subset_size, seed=FLAGS.seed)
    if probabilities is not None:
        report["inception_score"] = evaluation.inception_score(probabilities,
                                                               num_splits=min(10, len(probabilities)))
    report.update(num_real=real.count, num_generated=fake.count)
    return report


def memorization(samples, heldout, found, output_dir):
    """Nearest training images of the first samples; held-out real images give the baseline distance.

    ``found`` is the search's result for the samples followed by the held-out images.
    """
    nearest = found["distances"][:, 0]
    n = len(samples)
    rows = np.concatenate([samples[:, np.newaxis], found["images"][:n]], axis=1)  # [n, 1 + k, H, W, C]
    grid = gan_images.make_grid(rows.reshape((-1,) + samples.shape[1:]), nrow=1 + FLAGS.nearest)
    gan_images.save_png(grid, os.path.join(output_dir, "memorization.png"))
    report = {"samples": n, "nearest_distance_mean": float(nearest[:n].mean()),
              "nearest_distance_min": float(nearest[:n].min()),
              "nearest_train_indices": found["indices"][:n, 0].tolist()}
    if heldout is not None:
        report["heldout_nearest_distance_mean"] = float(nearest[n:].mean())
        report["ratio_to_heldout"] = report["nearest_distance_mean"] / report["heldout_nearest_distance_mean"]
    return report


def interpolation(generator, output_dir):
    rows, steps = FLAGS.interpolation_rows, FLAGS.interpolation_steps
    ends = callbacks.fixed_latent(FLAGS.seed + 1, 2 * rows, generator.latent_dim,
                                  generator.latent_distribution)
    row_conditions = conditions(generator, np.repeat(np.arange(rows), steps))  # one class or caption per row
    grid = latent.interpolation_grid(lambda z: generator.generate(z, row_conditions), ends[:rows], ends[rows:],
                                     steps=steps, method=FLAGS.interpolation)
    return gan_images.save_png(grid, os.path.join(output_dir, "interpolation.png"))


def arithmetic(generator, extractor, output_dir, per_group=3, pool=512):
    """DCGAN's vector arithmetic on groups of ``per_group`` of ``pool`` samples, grouped by predicted class."""
    z = callbacks.fixed_latent(FLAGS.seed + 2, pool, generator.latent_dim, generator.latent_distribution)
    _, logits = extractor.features_and_logits(generator.generate(z))
    predicted = np.argmax(logits, axis=1)
    classes = [int(c) for c in FLAGS.arithmetic]
    groups = [z[predicted == c][:per_group] for c in classes]
    report = {"classes": classes, "group_sizes": [len(g) for g in groups], "grid": None}
    if all(len(g) for g in groups):  # a collapsed generator may never produce a class
        grid = latent.arithmetic_grid(lambda z: generator.generate(z), *groups, seed=FLAGS.seed)
        report["grid"] = gan_images.save_png(grid, os.path.join(output_dir, "arithmetic.png"))
    return report


def evaluate():
    """Evaluates the generator the flags name; writes and returns the report."""
    started = time.time()
    if FLAGS.model_dir:
        generator = load_checkpoint()
        output_dir = FLAGS.output_dir or os.path.join(FLAGS.model_dir, "evaluation")
    elif FLAGS.export_dir:
        generator = load_export()
        output_dir = FLAGS.output_dir or os.path.join(
            "evaluation", f"{os.path.basename(os.path.normpath(FLAGS.export_dir))}_"
                          f"{os.path.basename(generator.source)}")
    else:
        raise app.UsageError("Pass --export_dir (an exported generator) or --model_dir (a training run).")
    read_captions(generator)
    check_shapes(generator)
    # Made now, so that a bad name fails before the generated images are measured; read once, later.
    reference_split = load_split("reference_split") if FLAGS.reference_split else None

    extractor = make_extractor()
    if FLAGS.arithmetic and (not extractor.has_logits or generator.num_classes is not None or generator.captioned):
        kind = ("text-to-image" if generator.captioned else "class-conditional" if generator.num_classes
                else "unconditional")
        raise app.UsageError(f"--arithmetic={','.join(FLAGS.arithmetic)} needs an unconditional generator (this "
                             f"one is {kind}) and class predictions (--features=classifier, or inception_v3 with "
                             "--inception_include_top).")
    try:  # before the measures, which take minutes
        os.makedirs(output_dir, exist_ok=True)
    except OSError as error:
        raise app.UsageError(f"--output_dir={output_dir} cannot be created: {error.strerror or error}.") from None
    fake, probabilities, first = embed(generated_batches(generator), extractor, logits=extractor.has_logits)
    reference, heldout = None, None
    if reference_split is not None:
        reference, reference_probabilities, heldout = embed(features.image_batches(reference_split), extractor,
                                                            logits=extractor.has_logits)
    # The samples' nearest training images are searched in the pass that embeds the training split.
    search = evaluation.NearestImages(first if heldout is None else np.concatenate([first, heldout]),
                                      k=FLAGS.nearest)
    real, _, _ = embed(split_batches("split"), extractor, search=search)
    report = {"generator": generator.source, "dataset": FLAGS.dataset, "split": FLAGS.split,
              "image_size": FLAGS.image_size, "features": extractor.name, "seed": FLAGS.seed,
              "measures": measure(real, fake, probabilities)}
    if generator.captioned:
        report["captions"] = {"split": FLAGS.split, "count": len(generator.captions)}
    if reference is not None:
        report["reference"] = {"split": FLAGS.reference_split,
                               "measures": measure(real, reference, reference_probabilities)}
    report["memorization"] = memorization(first, heldout, search.result(), output_dir)
    report["interpolation_grid"] = interpolation(generator, output_dir)
    if FLAGS.arithmetic:
        report["arithmetic"] = arithmetic(generator, extractor, output_dir)
    report["memorization_grid"] = os.path.join(output_dir, "memorization.png")
    report["wall_time_s"] = round(time.time() - started, 2)
    path = os.path.join(output_dir, "report.json")
    with open(path, "w") as file:
        json.dump(report, file, indent=2)
        file.write("\n")
    print(json.dumps(report["measures"]))
    print(f"Report: {path}\nInterpolation: {report['interpolation_grid']}\n"
          f"Memorization: {report['memorization_grid']}")
    return report


def main(argv):
    if len(argv) > 1:
        raise app.UsageError(f"Unexpected arguments: {' '.join(argv[1:])}")
    try:
        evaluate()
    except config.ConfigError as error:
        raise cli.usage_error(error) from None


if __name__ == "__main__":
    cli.run_app(main)
