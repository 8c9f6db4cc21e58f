"""Pre-training the text encoder phi(t) of a text-to-image GAN with a joint embedding of images and captions.

Reed et al. 2016 ("Generative Adversarial Text to Image Synthesis", section
3.2) encode captions with the encoder of "Learning Deep Representations of
Fine-Grained Visual Descriptions" (Reed et al., CVPR 2016), pre-trained with
the deep symmetric structured joint embedding (DS-SJE): images and captions
are mapped to one space where each image scores its own caption above the
captions of other classes, and each caption its own image above the images
of other classes (:func:`keras_gans.losses.joint_embedding_loss`). The GAN
then keeps phi frozen. Here the image side is a small convolutional encoder
trained jointly (:func:`keras_gans.networks.text_encoder.image_encoder`),
or, on the shapes, the fixed features of a shapes judge trained at the
images' size (``image_encoder="shapes_judge"``), as the paper fixes
GoogLeNet's features. phi learns to tell apart what the image side sees: the
strided encoder does not see the shapes' outlines in a short pre-training,
and captions differing only in the shape word then get almost the same phi.
A "class" is a content key: the
dataset's labels when it has them, else what the caption says
(:class:`keras_gans.layers.CaptionKey`).

Run it alone with ``apps/pretrain_text_encoder.py`` (a ``.keras`` file the
text-to-image app takes with ``--text_encoder``), or let the app pre-train
one on its dataset before the GAN trains.
"""

import contextlib
import dataclasses
import json
import os
import shutil

import keras
import tensorflow as tf
from absl import logging
from keras import ops

from keras_gans import callbacks, checks, data, distribute, execution, interrupts, judges, layers, losses, networks
from keras_gans.config import (Config, ConfigError, count, data_dir_option, judge_cache_option, option, positive,
                               power_of_two, seed_option)

POSITIVE_RATE = dict(check=positive, requirement="must be > 0")
DEFAULT_PRETRAIN_STEPS = 1500
EPOCH_STEPS = 100  # steps between two checkpoints of a pre-training
IMAGE_ENCODERS = ("dcgan", "shapes_judge")


@dataclasses.dataclass(frozen=True)
class TextEncoderSettings(Config):
    """The text encoder phi and its joint-embedding pre-training."""

    embedding_dim: int = count(128, "Size of phi(t) (1024 in the paper, whose image side is GoogLeNet's features).")
    word_dim: int = count(64, "Size of the word embeddings.")
    encoder_units: int = count(128, "GRU units of the text encoder.")
    max_words: int = count(32, "Captions are cut to this many words.")
    vocabulary_size: int | None = option(None, "Keep the most frequent words of the training captions only "
                                               "(default: every word).", check=positive,
                                         requirement="must be a positive integer")
    pretrain_steps: int | None = option(None, "Steps of the joint-embedding pre-training (default: "
                                              f"{DEFAULT_PRETRAIN_STEPS}, or the GAN's steps when fewer).",
                                        check=positive, requirement="must be a positive integer")
    pretrain_batch_size: int = count(64, "Image-caption pairs per pre-training step (40 classes in the paper).",
                                     minimum=2)
    pretrain_learning_rate: float = option(7e-4, "RMSprop learning rate of the pre-training (the paper's 7e-4).",
                                           **POSITIVE_RATE)
    image_encoder: str = option("dcgan", "The image side: 'dcgan', a small encoder of DCGAN's strided convolutions "
                                         "trained with phi, or 'shapes_judge', the fixed features of a shapes judge "
                                         "trained at the image size with the run's seed (shapes/captions only).",
                                choices=IMAGE_ENCODERS)
    image_encoder_filters: int = count(32, "Filters of the first convolution of the 'dcgan' image side.")


@dataclasses.dataclass(frozen=True)
class PretrainingRun(TextEncoderSettings):
    """A pre-training run of its own (``apps/pretrain_text_encoder.py``)."""

    dataset: str = option("shapes/captions", "A captioned dataset: shapes/captions, captions:<path> or "
                                             "captions:tfds:<name>.", check=data.has_captions,
                          requirement="is not a captioned dataset: use shapes/captions, captions:<path> or "
                                      "captions:tfds:<name>")
    data_dir: str | None = data_dir_option()
    judge_cache: bool = judge_cache_option()
    image_size: int | None = option(32, "Image size of the image side (a power of two).", check=power_of_two,
                                    requirement="must be a power of two >= 4")
    seed: int = seed_option("Seed of the weights and the data order.")
    evaluation_split: str = option("test", "Split the retrieval accuracies are reported on.")
    output: str = option("text_encoder.keras", "The .keras file the encoder is written to; its report goes "
                                               "next to it (.json).")


def retrieval_accuracy(scores, classes):
    """Top-1 retrieval within a batch: how often the best-scoring partner is of the right class.

    Args:
        scores: ``[B, B]``, ``scores[i, j]`` the compatibility of image ``i`` and text ``j``.
        classes: int ``[B]``.

    Returns:
        ``(image_to_text, text_to_image)``: the fraction of images whose best
        text has their class, and of texts whose best image has theirs.
    """
    classes = ops.convert_to_tensor(classes)
    best_text = ops.take(classes, ops.argmax(scores, axis=1))
    best_image = ops.take(classes, ops.argmax(scores, axis=0))
    return (ops.mean(ops.cast(ops.equal(best_text, classes), "float32")),
            ops.mean(ops.cast(ops.equal(best_image, classes), "float32")))


@keras.saving.register_keras_serializable(package="keras_gans")
class JointEmbedding(distribute.SkipsSymbolicBuild, keras.Model):
    """Trains a text encoder and an image encoder into one space with the DS-SJE loss.

    Batches are ``(images, captions)`` or ``(images, captions, labels)``; the
    classes of the loss are the labels, or else the captions' content keys.
    Logged: ``loss`` and the within-batch top-1 retrieval accuracies
    ``image_to_text`` and ``text_to_image`` (:func:`retrieval_accuracy`).

    Args:
        text_encoder: ``keras.Model`` from a string ``[N]`` to ``[N, D]``.
        image_encoder: ``keras.Model`` from images to ``[N, D]``.
        content_key: layer from captions to int keys; default ``CaptionKey()``.
        margin: the hinge margin (1 in the paper).
        **kwargs: ``keras.Model`` arguments (``name``).
    """

    def __init__(self, text_encoder, image_encoder, *, content_key=None, margin=1.0, **kwargs):
        super().__init__(**kwargs)
        for name, network in (("text_encoder", text_encoder), ("image_encoder", image_encoder)):
            if not isinstance(network, keras.Model):
                raise ValueError(f"`{name}` must be a keras.Model; received {name}={network!r}.")
        text_dim, image_dim = text_encoder.outputs[0].shape[-1], image_encoder.outputs[0].shape[-1]
        if text_dim != image_dim:
            raise ValueError(f"`text_encoder` outputs {text_dim} dimensions but `image_encoder` outputs {image_dim}; "
                             "a joint embedding needs one space.")
        self.text_encoder = text_encoder
        self.image_encoder = image_encoder
        self.content_key = content_key if content_key is not None else layers.CaptionKey(name="content_key")
        self.content_key.build((None,))
        self.margin = checks.positive_number("margin", margin)
        self.trackers = [keras.metrics.Mean(name=name) for name in ("loss", "image_to_text", "text_to_image")]
        self.built = True

    @property
    def metrics(self):
        return list(self.trackers)

    def _step(self, data, training):
        if not isinstance(data, (tuple, list)) or len(data) < 2 or data[1].dtype != tf.string:
            raise ValueError("JointEmbedding trains on captioned batches (images, captions[, labels]).")
        images, captions = data[0], data[1]
        classes = ops.cast(data[2], "int64") if len(data) > 2 else self.content_key(captions)
        image_embeddings = self.image_encoder(images, training=training)
        text_embeddings = self.text_encoder(captions, training=training)
        loss = losses.joint_embedding_loss(image_embeddings, text_embeddings, classes, margin=self.margin)
        scores = ops.matmul(ops.cast(image_embeddings, "float32"), ops.transpose(ops.cast(text_embeddings, "float32")))
        return loss, (loss,) + retrieval_accuracy(scores, classes)

    def _record(self, values):
        for tracker, value in zip(self.trackers, values):
            tracker.update_state(value)
        return distribute.step_logs(self.trackers)

    def train_step(self, data):
        variables = self.text_encoder.trainable_variables + self.image_encoder.trainable_variables
        with tf.GradientTape() as tape:
            loss, values = self._step(data, training=True)
            scaled = self.optimizer.scale_loss(distribute.scale_for_replicas(loss))
        self.optimizer.apply(tape.gradient(scaled, variables), variables)
        return self._record(values)

    def test_step(self, data):
        return self._record(self._step(data, training=False)[1])

    def get_config(self):
        config = super().get_config()
        config.update(text_encoder=keras.saving.serialize_keras_object(self.text_encoder),
                      image_encoder=keras.saving.serialize_keras_object(self.image_encoder),
                      content_key=keras.saving.serialize_keras_object(self.content_key), margin=self.margin)
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for name in ("text_encoder", "image_encoder", "content_key"):
            config[name] = keras.saving.deserialize_keras_object(config[name])
        return cls(**config)


def image_side(settings, dataset, image_shape, seed, judge_cache_dir=None):
    """The image side named by ``settings.image_encoder`` for images of ``image_shape`` (the shapes judge's
    weights kept in ``judge_cache_dir``, if given: see :func:`keras_gans.judges.train_shapes_judge`).

    Raises:
        ConfigError: naming ``image_encoder`` when ``shapes_judge`` is asked for another dataset.
    """
    if settings.image_encoder == "shapes_judge":
        if dataset != "shapes/captions":
            raise ConfigError("image_encoder", settings.image_encoder,
                              f"reads shapes/captions only; use 'dcgan' for --dataset={dataset}")
        judge = judges.train_shapes_judge(image_size=image_shape[0], seed=seed, cache_dir=judge_cache_dir)
        features = keras.Model(judge.inputs, judge.get_layer("features").output, name="shapes_judge_features")
        return networks.text_encoder.frozen_features_encoder(features, settings.embedding_dim)
    return networks.text_encoder.image_encoder(image_shape, settings.embedding_dim,
                                               base_filters=settings.image_encoder_filters)


def pretrain(settings, dataset, *, data_dir=None, image_size=None, seed=0, content_key=None, evaluation_split=None,
             checkpoints=None, verbose=0, judge_cache_dir=None):
    """Pre-trains a text encoder on a captioned dataset's training split.

    The vocabulary is every word of the training captions (or the
    ``vocabulary_size`` most frequent), so words that only held-out captions
    use map to the OOV token.

    Args:
        settings: a :class:`TextEncoderSettings` (or a config extending it).
        dataset: a captioned dataset name (``shapes/captions``, ``captions:<path>``, ...).
        data_dir: where tfds datasets are prepared.
        image_size: image size of the image side.
        seed: seed of the data order (weights follow Keras's global seed).
        content_key: layer from captions to int keys (the classes of the
            loss when the dataset has no labels).
        evaluation_split: a split to report the retrieval accuracies on, or None.
        checkpoints: where the pre-training saves itself every
            :data:`EPOCH_STEPS` steps and at Ctrl-C, and resumes from (a
            :class:`Checkpoints`); None for no checkpoints (see :func:`fit_in_epochs`).
        verbose: ``fit``'s verbosity.
        judge_cache_dir: where the ``shapes_judge`` image side's weights are kept (None: trained in the process).

    Returns:
        ``(text_encoder, report)``: the trained encoder, frozen, and
        ``{"train": {...}, evaluation_split: {...}}`` of loss and retrieval
        accuracies (in batches of ``pretrain_batch_size``; chance is about
        one over the batch size; the training figures are Keras's averages
        over the last epoch trained, at most :data:`EPOCH_STEPS` steps, and
        absent when a resume found the pre-training complete).

    Raises:
        ConfigError: see :func:`fit_in_epochs`.
        keras_gans.interrupts.TrainingInterrupted: at Ctrl-C, once the step's
            checkpoint is saved (with ``checkpoints``).
    """
    s = settings
    vocabulary = networks.text_encoder.build_vocabulary(data.load_captions(dataset, split="train", data_dir=data_dir),
                                                        max_words=s.vocabulary_size)
    load = dict(batch_size=s.pretrain_batch_size, seed=seed, data_dir=data_dir, image_size=image_size)
    stream = data.load(dataset, split="train", repeat=True, **load)
    image_shape = tuple(stream.element_spec[0].shape[1:])
    text_encoder = networks.text_encoder.text_encoder(vocabulary, embedding_dim=s.embedding_dim, word_dim=s.word_dim,
                                                      units=s.encoder_units, max_length=s.max_words)
    trainer = JointEmbedding(text_encoder, image_side(s, dataset, image_shape, seed, judge_cache_dir),
                             content_key=content_key)
    trainer.compile(optimizer=keras.optimizers.RMSprop(s.pretrain_learning_rate))
    steps = s.pretrain_steps or DEFAULT_PRETRAIN_STEPS
    history = fit_in_epochs(trainer, stream, steps, checkpoints, verbose)
    report = {"train": {name: float(values[-1]) for name, values in history.history.items()} if history else {},
              "steps": steps, "vocabulary_size": len(vocabulary)}
    if evaluation_split is not None:
        held_out = data.load(dataset, split=evaluation_split, shuffle=False, **load)
        report[evaluation_split] = {k: float(v) for k, v in trainer.evaluate(held_out, verbose=0,
                                                                             return_dict=True).items()}
    text_encoder.trainable = False
    return text_encoder, report


@dataclasses.dataclass(frozen=True)
class Checkpoints:
    """Where a pre-training saves itself, and the option that placed it there (named in errors).

    Attributes:
        directory: the checkpoints' folder.
        option: the option whose value placed it (``output``, ``model_dir``).
        value: that option's value.
        resume: resume a pre-training found there; if False, finding one is an error (``--noresume``).
    """

    directory: str
    option: str
    value: str
    resume: bool = True


def fit_in_epochs(trainer, stream, steps, checkpoints=None, verbose=0, fit_callbacks=()):
    """Fits ``trainer`` for ``steps`` steps of ``stream`` in epochs of :data:`EPOCH_STEPS` (the last one shorter).

    With ``checkpoints``, a :class:`~keras_gans.callbacks.Checkpointer`
    saves the trainer in ``checkpoints.directory`` after every epoch and, at
    the first Ctrl-C, at the end of the step under way (then
    :class:`~keras_gans.interrupts.TrainingInterrupted`, also when that step
    ends the pre-training); a later call with the same folder resumes where it
    stopped, skipping the batches already trained on, so it ends with the
    weights of an unbroken pre-training.

    Args:
        trainer: a compiled ``keras.Model``.
        stream: an endless ``tf.data.Dataset`` whose order depends on its seed only.
        steps: training steps in all.
        checkpoints: a :class:`Checkpoints`, or None.
        verbose: ``fit``'s verbosity.
        fit_callbacks: more callbacks for ``fit``, after the checkpointer.

    Returns:
        The ``History`` of the last ``fit``, or None when the folder already
        holds all ``steps``.

    Raises:
        ConfigError: naming ``checkpoints.option`` when the folder holds a
            pre-training of other networks or ``resume`` is False, or
            ``pretrain_steps`` when its steps do not fit ``steps``.
    """
    epoch_steps = min(EPOCH_STEPS, steps)
    lengths = [epoch_steps] * (steps // epoch_steps) + ([steps % epoch_steps] if steps % epoch_steps else [])
    checkpointer = callbacks.Checkpointer(checkpoints.directory, max_to_keep=1) if checkpoints else None
    epoch, skipped = _resume_point(checkpointer, trainer, checkpoints, lengths) if checkpoints else (0, 0)
    fit_callbacks = [checkpointer, *fit_callbacks] if checkpointer is not None else list(fit_callbacks)
    history = None
    with interrupts.first_sigint_calls(checkpointer.request_stop, interrupts.STOP_MESSAGE) \
            if checkpointer is not None else contextlib.nullcontext():
        while epoch < len(lengths):
            # One fit per run of equal epochs; a cut epoch and the shorter last one are fits of their own.
            last = epoch + 1 if skipped or lengths[epoch] != epoch_steps else lengths.count(epoch_steps)
            # The stream shuffles itself; shuffle=False keeps Keras from warning that it would ignore the flag.
            history = trainer.fit(stream.skip(sum(lengths[:epoch]) + skipped), epochs=last, initial_epoch=epoch,
                                  steps_per_epoch=lengths[epoch] - skipped, verbose=verbose, shuffle=False,
                                  callbacks=fit_callbacks)
            epoch, skipped = last, 0
            if checkpointer is not None and checkpointer.stopped_at is not None:  # a stop at an epoch's end
                raise interrupts.TrainingInterrupted(checkpointer.stopped_at[1])
    return history


def _resume_point(checkpointer, trainer, checkpoints, lengths):
    """``(epochs done, steps of the next)`` of the pre-training saved in ``checkpoints.directory``; (0, 0) if none."""
    # The optimizer's slots exist before the restore, so none is left to a deferred one that a refusal never makes.
    trainer.optimizer.build(trainer.trainable_variables)
    try:
        epoch = checkpointer.restore(trainer)
    except ValueError as error:
        logging.warning("%s", error)
        raise ConfigError(checkpoints.option, checkpoints.value, f"holds a pre-training of other networks in "
                          f"{checkpoints.directory}: delete that folder to start again") from None
    skipped, trained = checkpointer.epoch_step, int(trainer.optimizer.iterations)
    if trained and not checkpoints.resume:
        raise ConfigError(checkpoints.option, checkpoints.value, f"holds a pre-training of {trained} steps in "
                          f"{checkpoints.directory} and --noresume was given: delete that folder")
    if trained != sum(lengths[:epoch]) + skipped or trained > sum(lengths) or (epoch < len(lengths)
                                                                               and skipped >= lengths[epoch]):
        raise ConfigError("pretrain_steps", sum(lengths), f"do not fit the pre-training in {checkpoints.directory}, "
                          f"which trained {trained} steps: resume with the steps it was started with (text2image's "
                          "default follows the GAN's steps) or delete that folder")
    return epoch, skipped


def checkpoint_dir_for(output):
    """Where the pre-training of the encoder written to ``output`` (``name.keras``) saves itself: ``name_pretraining``."""
    return output[:-len(".keras")] + "_pretraining"


def run(config):
    """Pre-trains, then writes the encoder to ``config.output`` and its report next to it (``.json``).

    The pre-training saves itself in ``<output name>_pretraining/`` every
    :data:`EPOCH_STEPS` steps and at Ctrl-C; the same command resumes it from
    there, and the folder is removed once the encoder is written.

    Args:
        config: a :class:`PretrainingRun`.

    Returns:
        The report (see :func:`pretrain`), with the path of the encoder.

    Raises:
        ConfigError: naming ``output`` when it is not a ``.keras`` file name.
    """
    if not config.output.endswith(".keras"):
        raise ConfigError("output", config.output, "must be a .keras file name")
    keras.utils.set_random_seed(config.seed)
    checkpoints = Checkpoints(checkpoint_dir_for(config.output), "output", config.output)
    encoder, report = pretrain(config, config.dataset, data_dir=config.data_dir, image_size=config.image_size,
                               seed=config.seed, evaluation_split=config.evaluation_split,
                               checkpoints=checkpoints, verbose=execution.fit_verbosity(),
                               judge_cache_dir=judges.judge_cache_dir() if config.judge_cache else None)
    os.makedirs(os.path.dirname(os.path.abspath(config.output)), exist_ok=True)
    encoder.save(config.output)
    shutil.rmtree(checkpoints.directory, ignore_errors=True)
    report["text_encoder"] = config.output
    with open(config.output[:-len(".keras")] + ".json", "w") as file:
        json.dump(report, file, indent=2)
    return report
