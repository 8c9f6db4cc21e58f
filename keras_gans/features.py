"""Feature extractors: the spaces in which ``keras_gans.metrics`` compares samples.

FID, KID, precision/recall and density/coverage compare two sets of feature
vectors; what the vectors are is a choice. An extractor is any callable
``images [n, H, W, C] in [-1, 1] -> float32 NumPy [n, d]``;
:class:`FeatureExtractor` adds :meth:`~FeatureExtractor.extract`, which feeds
it arrays or ``tf.data`` pipelines batch by batch, and
:meth:`~FeatureExtractor.features_and_logits`, which gives the features and
the class logits (for the Inception Score) from one forward pass when the
extractor has them. Provided here:

* :func:`inception_v3_features`: the 2048-d pool3 activations of InceptionV3
  (Szegedy et al. 2016), the space of FID (Heusel et al. 2017, "GANs Trained
  by a Two Time-Scale Update Rule Converge to a Local Nash Equilibrium"), KID
  (Binkowski et al. 2018) and the Inception Score (Salimans et al. 2016, from
  the logits). Images are resized to 299x299 (bilinear) and grayscale is
  repeated to RGB; [-1, 1] is already the range InceptionV3 takes
  (``keras.applications.inception_v3.preprocess_input`` maps [0, 255] to it).
  Weights come from a local file or ``"imagenet"`` (a download); ``None``
  gives random weights (tests only: the numbers mean nothing).
* :func:`digit_classifier_features`: the 128-d ``"features"`` layer (or the
  logits) of the digit judge :func:`keras_gans.judges.train_digit_classifier`,
  trained in seconds on the real digits: "classifier FID" for digits and MNIST,
  where ImageNet features fit poorly.
* :func:`shapes_classifier_features`: the 256-d ``"features"`` layer of the
  shapes judge :func:`keras_gans.judges.train_shapes_judge`, which reads every
  attribute of a ``shapes`` image: "judge FID" on shapes.
* :class:`LayerFeatures`: any layer of any functional ``keras.Model``.
* :class:`PixelFeatures`: the flattened pixels (the memorization check, 2-D toy sets).
"""

import functools
import os

import keras
import numpy as np
import tensorflow as tf

from keras_gans import checks, judges

INCEPTION_SIZE = 299  # InceptionV3's input height and width
INCEPTION_POOL3 = "avg_pool"  # the 2048-d global average pool before the logits (include_top=True)
INCEPTION_LOGITS = "predictions"


def _as_batch(images, rank=None):
    """float32 NumPy ``[n, ...]`` (of ``rank`` dimensions when given) from an array or tensor."""
    images = np.asarray(keras.ops.convert_to_numpy(images), dtype=np.float32)
    if images.ndim < 2 or images.shape[0] == 0 or (rank is not None and images.ndim != rank):
        expected = "[n, H, W, C]" if rank == 4 else "[n, ...]"
        raise ValueError(f"`images` must be a non-empty batch {expected}; received shape {images.shape}.")
    return images


def image_batches(source, batch_size=256):
    """Yields float32 image batches from an array, a dataset or an iterable of batches.

    Any ``[n, ...]`` batch passes (e.g. the 2-D points of the toy sets, for
    :class:`PixelFeatures`); :class:`LayerFeatures` requires images.

    Args:
        source: ``[n, H, W, C]`` array or tensor (sliced into ``batch_size``
            rows); a ``tf.data.Dataset`` whose elements are ``images`` or
            ``(images, labels)`` batches; or any iterable of such batches.
        batch_size: rows per batch when ``source`` is one array.

    Yields:
        float32 NumPy ``[b, H, W, C]`` (or ``[b, ...]``) batches.
    """
    batch_size = checks.positive_int("batch_size", batch_size)
    if isinstance(source, (np.ndarray, tf.Tensor)):
        images = _as_batch(source)
        for start in range(0, images.shape[0], batch_size):
            yield images[start:start + batch_size]
        return
    if isinstance(source, tf.data.Dataset):
        source = source.as_numpy_iterator()
    for element in source:
        yield _as_batch(element[0] if isinstance(element, tuple) else element)


class FeatureExtractor:
    """What every extractor shares: ``__call__`` on one batch, :meth:`extract` on many.

    Subclasses implement ``__call__(images) -> float32 NumPy [n, d]`` for
    images ``[n, H, W, C]`` in [-1, 1] and set :attr:`name`.
    """

    name = "features"
    has_logits = False

    def __call__(self, images):
        raise NotImplementedError

    def features_and_logits(self, images):
        """``(features [n, d], logits [n, K])`` of one batch, from one forward pass (when :attr:`has_logits`)."""
        raise ValueError(f"{self.name} gives no logits; build it with its logits layer (`logits_layer`).")

    def extract(self, source, batch_size=256):
        """Yields the features of ``source`` batch by batch (see :func:`image_batches`).

        Args:
            source: an image array, a ``tf.data.Dataset`` or an iterable of batches.
            batch_size: rows per batch when ``source`` is one array.

        Yields:
            float32 NumPy ``[b, d]`` feature batches.
        """
        for images in image_batches(source, batch_size):
            yield self(images)


class PixelFeatures(FeatureExtractor):
    """The flattened pixels, ``[n, H * W * C]``: distances in image space."""

    name = "pixels"

    def __call__(self, images):
        images = _as_batch(images)
        return images.reshape(images.shape[0], -1)  # [n, ...] -> [n, d]


class LayerFeatures(FeatureExtractor):
    """The activations of one layer of a functional model, flattened to ``[n, d]``.

    Images are fitted to the model's input first: resized bilinearly
    (``tf.image.resize``, no antialiasing) when the model fixes another height
    and width, and a single channel is repeated when the model takes three.

    With ``logits_layer``, :meth:`features_and_logits` gives the features
    and that layer's output (class logits, for the Inception Score) from one
    forward pass of a two-output network.

    Args:
        model: a functional ``keras.Model`` taking images in [-1, 1].
        layer_name: the layer whose output is the feature; None for the model's output.
        logits_layer: the layer whose output :meth:`features_and_logits` also returns (None: none).
        batch_size: images per forward pass.
        name: the extractor's name in reports (default ``"<model>/<layer>"``).

    Raises:
        ValueError: for a model without one image input or an unknown layer.
    """

    def __init__(self, model, layer_name=None, *, logits_layer=None, batch_size=64, name=None):
        if not isinstance(model, keras.Model) or len(getattr(model, "inputs", None) or []) != 1:
            raise ValueError(f"`model` must be a functional keras.Model with one image input; "
                             f"received model={model!r}.")
        input_shape = tuple(model.inputs[0].shape[1:])
        if len(input_shape) != 3:
            raise ValueError(f"`model` must take images [n, H, W, C]; its input has shape "
                             f"{model.inputs[0].shape}.")
        if layer_name is None:
            self.network = model
        else:
            self.network = keras.Model(model.inputs, _layer_output(model, "layer_name", layer_name),
                                       name=f"{model.name}_features")
        self._with_logits = None
        if logits_layer is not None:
            self._with_logits = keras.Model(
                model.inputs, [self.network.outputs[0], _layer_output(model, "logits_layer", logits_layer)],
                name=f"{model.name}_features_and_logits")
        self.has_logits = self._with_logits is not None
        self.input_shape = input_shape
        self.batch_size = checks.positive_int("batch_size", batch_size)
        self.name = name or f"{model.name}/{layer_name or 'output'}"

    def _fit_to_input(self, images):
        height, width, channels = self.input_shape
        if height is not None and width is not None and images.shape[1:3] != (height, width):
            images = tf.image.resize(images, (height, width), method="bilinear").numpy()
        if channels is not None and images.shape[-1] != channels:
            if images.shape[-1] != 1 or channels != 3:
                raise ValueError(f"`images` have {images.shape[-1]} channels; {self.name} takes {channels}.")
            images = np.repeat(images, 3, axis=-1)  # grayscale [n, H, W, 1] -> RGB [n, H, W, 3]
        return images

    def _run(self, network, images):
        """The network's outputs on ``images``, batch by batch, each flattened to float32 ``[n, d]``."""
        images = _as_batch(images, rank=4)
        outputs = []
        for start in range(0, images.shape[0], self.batch_size):
            batch = network.predict_on_batch(self._fit_to_input(images[start:start + self.batch_size]))
            outputs.append([np.asarray(output, dtype=np.float32).reshape(len(output), -1)  # [b, ...] -> [b, d]
                            for output in (batch if isinstance(batch, (list, tuple)) else [batch])])
        return [np.concatenate(parts) for parts in zip(*outputs)]

    def __call__(self, images):
        return self._run(self.network, images)[0]

    def features_and_logits(self, images):
        """``(features [n, d], logits [n, K])`` of ``images`` from one forward pass per batch.

        Raises:
            ValueError: when the extractor was built without ``logits_layer``.
        """
        if self._with_logits is None:
            return super().features_and_logits(images)
        features, logits = self._run(self._with_logits, images)
        return features, logits


def _layer_output(model, argument, layer_name):
    """The output of ``model``'s layer ``layer_name``; ValueError naming ``argument`` when there is none."""
    names = [layer.name for layer in model.layers]
    if layer_name not in names:
        raise ValueError(f"`{argument}`={layer_name!r} is not a layer of {model.name!r}; its layers: {names}.")
    return model.get_layer(layer_name).output


@functools.lru_cache(maxsize=4)
def _inception_network(weights, include_top):
    return keras.applications.InceptionV3(
        include_top=include_top, weights=weights, input_shape=(INCEPTION_SIZE, INCEPTION_SIZE, 3),
        pooling=None if include_top else "avg", classifier_activation=None)


@functools.lru_cache(maxsize=8)
def _inception_extractor(weights, include_top, output, batch_size, with_logits):
    network = _inception_network(weights, include_top)
    layer = INCEPTION_LOGITS if output == "logits" else (INCEPTION_POOL3 if include_top else None)
    return LayerFeatures(network, layer, logits_layer=INCEPTION_LOGITS if with_logits else None,
                         batch_size=batch_size, name=f"inception_v3/{output}")


def inception_v3_features(weights=None, *, include_top=False, output="pool3", with_logits=False, batch_size=64):
    """InceptionV3's pool3 features (FID, KID) or logits (Inception Score), or both at once.

    The network is ``keras.applications.InceptionV3`` at 299x299, built once
    per ``(weights, include_top)`` in a process (the extractor too, per
    arguments, so its compiled forward pass is reused). Note that Keras's ImageNet
    weights are not the 2015 graph the TTUR reference FID code uses, so FIDs
    computed here rank models the same way but are not comparable digit for
    digit with published numbers.

    Args:
        weights: path to a local weights file (``.h5`` / ``.weights.h5``; the
            ``..._notop.h5`` file when ``include_top`` is False), ``"imagenet"``
            (downloads from the Keras site), or None (random weights: tests only).
        include_top: build the classification head too (needed for
            ``output="logits"``; the weights file must then hold it).
        output: ``"pool3"`` (2048-d) or ``"logits"`` (1000 ImageNet classes).
        with_logits: the extractor's :meth:`~LayerFeatures.features_and_logits`
            also gives the logits, from the same forward pass (needs ``include_top``).
        batch_size: images per forward pass.

    Returns:
        A :class:`LayerFeatures` extractor named ``"inception_v3/<output>"``.

    Raises:
        ValueError: for a weights path that is not a file, or ``output="logits"``
            or ``with_logits`` without ``include_top``.
    """
    if weights not in (None, "imagenet") and not (isinstance(weights, (str, os.PathLike))
                                                  and os.path.isfile(weights)):
        raise ValueError(f"`weights` must be a local weights file, 'imagenet' or None; received "
                         f"weights={weights!r} (no such file).")
    if output not in ("pool3", "logits"):
        raise ValueError(f"`output` must be 'pool3' or 'logits'; received output={output!r}.")
    if output == "logits" and not include_top:
        raise ValueError("`output`='logits' needs include_top=True (and weights that include the top).")
    if with_logits and not include_top:
        raise ValueError("`with_logits`=True needs include_top=True (and weights that include the top).")
    return _inception_extractor(None if weights is None else os.fspath(weights), bool(include_top), output,
                                checks.positive_int("batch_size", batch_size), bool(with_logits))


def digit_classifier_features(*, image_size=32, dataset="digits", data_dir=None, seed=0, epochs=10,
                              output="features", with_logits=False, batch_size=256):
    """The digit judge's 128-d embedding or logits: "classifier FID" for digits and MNIST.

    The judge is :func:`keras_gans.judges.train_digit_classifier`, trained
    on the real ``dataset`` (its ``"train"`` split) at the generator's image
    size and memoized in the process, so real and generated images are
    embedded by the same network.

    Args:
        image_size: square size of the images (None keeps the dataset's size).
        dataset: the labelled dataset the judge learns.
        data_dir: where ``dataset`` is read from, as for ``keras_gans.data.load``.
        seed: seed of the judge's training.
        epochs: epochs of the judge's training (10 by default, 98.6% held-out
            accuracy on digits; fewer train faster and judge less sharply).
        output: ``"features"`` (the ``"features"`` layer) or ``"logits"``.
        with_logits: the extractor's :meth:`~LayerFeatures.features_and_logits`
            also gives the logits, from the same forward pass.
        batch_size: images per forward pass.

    Returns:
        A :class:`LayerFeatures` extractor named ``"<dataset>_classifier/<output>"``.
    """
    if output not in ("features", "logits"):
        raise ValueError(f"`output` must be 'features' or 'logits'; received output={output!r}.")
    judge = judges.train_digit_classifier(image_size=image_size, dataset=dataset, data_dir=data_dir,
                                          seed=seed, epochs=epochs)
    return LayerFeatures(judge, output, logits_layer="logits" if with_logits else None, batch_size=batch_size,
                         name=f"{judge.name}/{output}")


def shapes_classifier_features(*, image_size=64, seed=0, num_examples=None, epochs=None, cache_dir=None,
                               batch_size=256, judge_size=None):
    """The shapes judge's 256-d ``"features"`` embedding: "judge FID" on the ``shapes`` set.

    The judge is :func:`keras_gans.judges.train_shapes_judge`, trained on the
    real ``shapes`` training split at ``judge_size`` and memoized in the
    process (optionally saved in ``cache_dir``), so real and generated images
    are embedded by the same network. With a ``judge_size`` other than
    ``image_size``, images are shown to it as
    :func:`keras_gans.judges.shapes.resized_for_judge` shows them (the shapes
    benchmarks' judge FID of 32-px images: the 64-px judge, bicubically
    upsampled images).

    Args:
        image_size: side of the images, a power of two from 16 to 256.
        seed: seed of the judge's training.
        num_examples: training images of the judge (None: its default, 16,000).
        epochs: epochs of the judge's training (None: its default, 2).
        cache_dir: a folder to load the judge's weights from or save them to (None: none).
        batch_size: images per forward pass.
        judge_size: the judge's side, a power of two from 16 to 256 (None: ``image_size``).

    Returns:
        A :class:`LayerFeatures` extractor named ``"shapes_judge_<judge size>/features"``
        (``"shapes_judge_<judge size>/features_of_<size>px"`` for resized images).
    """
    options = {name: value for name, value in (("num_examples", num_examples), ("epochs", epochs))
               if value is not None}
    image_size = judges.shapes.check_judge_size(image_size)
    judge_size = image_size if judge_size is None else judges.shapes.check_judge_size(judge_size, "judge_size")
    judge = judges.train_shapes_judge(image_size=judge_size, seed=seed, cache_dir=cache_dir, **options)
    if judge_size == image_size:
        return LayerFeatures(judge, "features", batch_size=batch_size, name=f"{judge.name}/features")
    embedding = keras.Model(judge.inputs, judge.get_layer("features").output)
    model = judges.shapes.reading_resized(embedding, image_size, name=f"{judge.name}_of_{image_size}px")
    return LayerFeatures(model, None, batch_size=batch_size, name=f"{judge.name}/features_of_{image_size}px")
