"""The picture callbacks: samples from a fixed z every few epochs.

- :class:`SampleGrid` writes a PNG grid (and a TensorBoard image) of samples
  from a fixed z, so successive epochs show the same latent points.
- :class:`ToyScatter` does the same for the 2-D mode-collapse benchmarks
  (VEEGAN, Srivastava et al. 2017; PacGAN, Lin et al. 2018): a scatter plot of
  generated points over the true modes, and the mode-coverage measures.
- :class:`LatentCodeGrid` is InfoGAN's picture (Chen et al. 2016): one row
  per categorical code value, the continuous codes swept across the columns.
- :class:`TranslationGrid` shows image-to-image models on fixed examples:
  input | output | target (or reconstruction) rows.

The fixed z comes from NumPy (:func:`fixed_latent`), never from the model's
``keras.random.SeedGenerator``: drawing from it would shift the training
stream, and a resumed run would no longer match an unbroken one.
:class:`FixedSampler` is what they share with ``callbacks.Evaluation``.
"""

import os

import keras
import numpy as np
import tensorflow as tf
from absl import logging
from PIL import Image, ImageDraw

from keras_gans import checks
from keras_gans import images as image_utils
from keras_gans.callbacks.logs import COVERAGE_KEYS, COVERAGE_PREFIX
from keras_gans.latent import fixed_latent
from keras_gans.metrics.modes import mode_coverage

# Samples generated per generator call, to bound memory for large num_samples.
_GENERATE_CHUNK = 512


def _as_summary_batch(image):
    """uint8 ``[H, W]`` or ``[H, W, C]`` -> the ``[1, H, W, C]`` that ``tf.summary.image`` takes."""
    image = np.asarray(image, dtype=np.uint8)
    if image.ndim == 2:
        image = image[..., np.newaxis]
    return image[np.newaxis]


class FixedSampler(keras.callbacks.Callback):
    """Shared part of the sample callbacks: a fixed z and a summary writer.

    Args:
        model_dir: the run directory.
        seed: seed of the fixed z.
        every: act every ``every`` epochs (after epochs ``every``, ``2 * every``, ...).
        num_samples: number of fixed latent vectors.
    """

    def __init__(self, model_dir, seed, every, num_samples):
        super().__init__()
        self.model_dir = os.fspath(model_dir)
        self.seed = checks.integer("seed", seed, minimum=0)
        self.every = checks.positive_int("every", every)
        self.num_samples = checks.positive_int("num_samples", num_samples)
        self.samples_dir = os.path.join(self.model_dir, "samples")
        self.log_dir = os.path.join(self.model_dir, "logs", "samples")
        self._inputs = None  # (key, z, labels)
        self._writer = None

    def _fixed_inputs(self, model):
        """``(z, labels)`` for ``model``; drawn once per latent size and class count."""
        latent_dim = int(model.latent_dim)
        distribution, num_classes = model.latent_distribution, model.num_classes  # protocols.Sampler
        key = (latent_dim, distribution, num_classes)
        if self._inputs is None or self._inputs[0] != key:
            labels = None
            rows = self.num_samples
            if num_classes is not None:
                # One grid row per class: labels 0,0,..,1,1,.. (per_row of each).
                per_row = max(1, self.num_samples // int(num_classes))
                labels = np.repeat(np.arange(int(num_classes), dtype=np.int32), per_row)
                rows = labels.shape[0]
            z = fixed_latent(self.seed, rows, latent_dim, distribution)
            self._inputs = (key, z, labels)
        return self._inputs[1], self._inputs[2]

    def generate(self, model=None):
        """Generates from the fixed z (and labels) with the model's current weights.

        Args:
            model: the model; default the one the callback is attached to.

        Returns:
            NumPy array of samples, one per fixed latent vector.
        """
        model = model if model is not None else self.model
        z, labels = self._fixed_inputs(model)
        outputs = []
        for start in range(0, z.shape[0], _GENERATE_CHUNK):
            chunk = slice(start, start + _GENERATE_CHUNK)
            if labels is None:
                out = model.generate(z[chunk])
            else:
                out = model.generate(z[chunk], labels[chunk])
            outputs.append(keras.ops.convert_to_numpy(out))
        return np.concatenate(outputs, axis=0)

    def _due(self, epoch):
        return (epoch + 1) % self.every == 0

    def _png_path(self, epoch):
        return os.path.join(self.samples_dir, f"epoch_{epoch + 1:04d}.png")

    @property
    def writer(self):
        """The ``tf.summary`` file writer in ``model_dir/logs/samples`` (created on first use)."""
        if self._writer is None:
            self._writer = tf.summary.create_file_writer(self.log_dir)
        return self._writer

    def on_train_end(self, logs=None):
        if self._writer is not None:
            self._writer.close()
            self._writer = None


class SampleGrid(FixedSampler):
    """Writes a grid of samples from a fixed z every ``every`` epochs.

    After epoch ``e`` (1-based) with ``e % every == 0`` it writes
    ``model_dir/samples/epoch_{e:04d}.png`` and the same grid as the TensorBoard
    image ``samples`` at step ``e`` in ``model_dir/logs/samples``. Generated
    images in [-1, 1] are mapped to [0, 255] (:func:`keras_gans.images.to_uint8`).

    z has shape ``[num_samples, model.latent_dim]``, drawn once from
    ``np.random.default_rng(seed)`` (N(0, 1), or U[-1, 1] when the model's
    ``latent_distribution`` is ``"uniform"``). A conditional model (one whose
    ``num_classes`` is not None) gets one grid row per class:
    ``num_samples // num_classes`` samples of class 0, then of class 1, ...,
    generated with ``model.generate(z, labels)``.

    Args:
        model_dir: the run directory.
        seed: seed of the fixed z.
        every: write after every ``every``-th epoch.
        num_samples: number of samples in the grid (unconditional models).
    """

    def __init__(self, model_dir, seed=0, every=1, num_samples=64):
        super().__init__(model_dir, seed, every, num_samples)

    def grid(self, model=None):
        """The uint8 sample grid ``[H, W, C]`` for the model's current weights."""
        model = model if model is not None else self.model
        samples = self.generate(model)
        if samples.ndim == 2:
            raise ValueError(f"SampleGrid needs image samples [n, H, W, C]; the generator returned "
                             f"shape {samples.shape}. Use ToyScatter for 2-D points.")
        _, labels = self._fixed_inputs(model)
        nrow = None
        if labels is not None:
            nrow = samples.shape[0] // int(model.num_classes)  # one row per class
        return image_utils.make_grid(image_utils.to_uint8(samples), nrow=nrow)

    def on_epoch_end(self, epoch, logs=None):
        if not self._due(epoch):
            return
        try:
            grid = self.grid()
        except ValueError as error:  # e.g. NaN samples after divergence
            logging.warning("%s: no samples written for epoch %d: %s", type(self).__name__, epoch + 1, error)
            return
        image_utils.save_png(grid, self._png_path(epoch))
        with self.writer.as_default():
            tf.summary.image("samples", _as_summary_batch(grid), step=epoch + 1)
        self.writer.flush()


def scatter_image(points, centers, std, size=512, caption=None):
    """Draws 2-D points over the true modes, with Pillow (no matplotlib).

    The view is a square fitted to the centers with a margin (y points up).
    Each mode is a red circle of radius ``3 * std``: the high-quality region of
    the VEEGAN protocol. Generated points are small blue dots; points outside
    the view are not drawn.

    Args:
        points: ``[n, 2]`` generated points.
        centers: ``[k, 2]`` mode centers.
        std: standard deviation of each mode.
        size: width and height of the image in pixels.
        caption: optional text written in the top-left corner.

    Returns:
        uint8 RGB array ``[size, size, 3]``.
    """
    points = np.asarray(points, dtype=np.float64).reshape(-1, 2)  # [n, 2]
    centers = np.asarray(centers, dtype=np.float64)
    size = checks.positive_int("size", size)
    low, high = centers.min(axis=0), centers.max(axis=0)
    middle = (low + high) / 2.0
    half = max(float(np.max(high - low)) / 2.0, 3.0 * std)
    half = 1.25 * half + 6.0 * std  # margin around the outermost modes
    scale = (size - 1) / (2.0 * half)  # pixels per data unit

    def to_pixels(xy):
        px = (xy[..., 0] - (middle[0] - half)) * scale
        py = ((middle[1] + half) - xy[..., 1]) * scale  # image rows grow downwards
        return px, py

    image = Image.new("RGB", (size, size), "white")
    draw = ImageDraw.Draw(image)
    # Light axes through the origin when it is in view.
    ox, oy = to_pixels(np.zeros(2))
    if 0 <= ox < size:
        draw.line([(ox, 0), (ox, size - 1)], fill=(220, 220, 220))
    if 0 <= oy < size:
        draw.line([(0, oy), (size - 1, oy)], fill=(220, 220, 220))

    finite = points[np.all(np.isfinite(points), axis=1)]
    px, py = to_pixels(finite)
    inside = (px >= 0) & (px <= size - 2) & (py >= 0) & (py <= size - 2)
    dots = [(int(x), int(y)) for x, y in zip(px[inside], py[inside])]
    for dx, dy in ((0, 0), (1, 0), (0, 1), (1, 1)):  # 2x2-pixel dots
        draw.point([(x + dx, y + dy) for x, y in dots], fill=(31, 119, 180))

    radius = max(3.0 * std * scale, 2.0)
    cx, cy = to_pixels(centers)
    for x, y in zip(cx, cy):
        draw.ellipse([x - radius, y - radius, x + radius, y + radius], outline=(214, 39, 40), width=2)
    if caption:
        draw.text((4, 4), caption, fill=(0, 0, 0))
    return np.asarray(image, dtype=np.uint8)


class ToyScatter(FixedSampler):
    """Scatter plots and mode coverage for the 2-D toy sets (ring8, grid25).

    Every ``every`` epochs it generates ``num_samples`` points from a fixed z,
    measures :func:`keras_gans.metrics.mode_coverage` (VEEGAN protocol:
    modes covered, fraction of high-quality samples within 3 std of a mode,
    reverse KL of the high-quality mode histogram to uniform), keeps the result
    in :attr:`last_coverage`, adds it to the epoch logs as
    ``mode_coverage/<name>`` (so ``History`` records it), logs it as TensorBoard
    scalars in ``model_dir/logs/samples`` and writes a scatter plot
    ``model_dir/samples/epoch_{e:04d}.png`` (e 1-based).

    Args:
        model_dir: the run directory.
        centers: ``[k, 2]`` mode centers.
        std: standard deviation of each mode, > 0.
        seed: seed of the fixed z.
        every: measure and plot after every ``every``-th epoch.
        num_samples: number of generated points (2500 as in VEEGAN).
    """

    def __init__(self, model_dir, centers, std, seed=0, every=1, num_samples=2500):
        super().__init__(model_dir, seed, every, num_samples)
        centers = np.asarray(centers, dtype=np.float32)
        if centers.ndim != 2 or centers.shape[1] != 2 or centers.shape[0] == 0:
            raise ValueError(f"`centers` must have shape [k, 2]; received shape {centers.shape}.")
        if not (isinstance(std, (int, float, np.floating)) and std > 0):
            raise ValueError(f"`std` must be a positive number; received std={std!r}.")
        self.centers = centers
        self.std = float(std)
        self.last_coverage = None

    def points(self, model=None):
        """``[num_samples, 2]`` points generated from the fixed z."""
        points = self.generate(model)
        if points.ndim != 2 or points.shape[1] != 2:
            raise ValueError(f"ToyScatter needs a generator of 2-D points [n, 2]; it returned "
                             f"shape {points.shape}.")
        return points

    def _coverage(self, points):
        coverage = mode_coverage(points, self.centers, self.std)
        return {key: float(coverage[key]) for key in COVERAGE_KEYS}

    def evaluate(self, model):
        """Mode coverage of ``model`` on the fixed z; writes nothing.

        Args:
            model: a model with ``latent_dim`` and ``generate(z)`` returning points.

        Returns:
            ``{"modes", "high_quality", "reverse_kl"}`` as floats.
        """
        return self._coverage(self.points(model))

    def on_epoch_end(self, epoch, logs=None):
        if not self._due(epoch):
            return
        points = self.points()
        if not np.all(np.isfinite(points)):
            logging.warning("ToyScatter: the generator returned non-finite points after epoch %d; "
                            "no coverage or plot for this epoch.", epoch + 1)
            self.last_coverage = None
            return
        coverage = self._coverage(points)
        self.last_coverage = coverage
        if logs is not None:
            logs.update({COVERAGE_PREFIX + key: value for key, value in coverage.items()})
        with self.writer.as_default():
            for key, value in coverage.items():
                tf.summary.scalar(COVERAGE_PREFIX + key, value, step=epoch + 1)
        self.writer.flush()
        caption = (f"epoch {epoch + 1}  modes {coverage['modes']:g}/{len(self.centers)}  "
                   f"high quality {100 * coverage['high_quality']:.1f}%")
        image_utils.save_png(scatter_image(points, self.centers, self.std, caption=caption),
                             self._png_path(epoch))


def translation_picture(rows):
    """Tiles the rows of a translation sample (e.g. input | output | target) into one image.

    Row ``i`` of the picture shows ``rows[i]``, one example per column, so the
    columns line up the input, output and target of each example. Rows of a
    smaller size (a super-resolution input) are enlarged by pixel repetition to
    the largest size; grayscale rows are repeated to RGB when another row is
    RGB.

    Args:
        rows: a list of ``[n, H_i, W_i, C_i]`` image batches in [-1, 1], with the
            same ``n``; each ``H_i``, ``W_i`` must divide the largest.

    Returns:
        uint8 ``[grid_H, grid_W, C]``.

    Raises:
        ValueError: for an empty list, different counts or sizes that do not divide.
    """
    rows = [np.asarray(row, dtype=np.float32) for row in rows]
    if not rows or any(row.ndim != 4 for row in rows) or len({row.shape[0] for row in rows}) != 1:
        raise ValueError("`rows` must be a non-empty list of [n, H, W, C] batches with the same n; received "
                         f"shapes {[row.shape for row in rows]}.")
    height = max(row.shape[1] for row in rows)
    width = max(row.shape[2] for row in rows)
    channels = max(row.shape[3] for row in rows)
    fitted = []
    for row in rows:
        if height % row.shape[1] or width % row.shape[2]:
            raise ValueError(f"`rows`: a {row.shape[1]}x{row.shape[2]} row does not divide the {height}x{width} "
                             "picture cells.")
        row = np.repeat(np.repeat(row, height // row.shape[1], axis=1), width // row.shape[2], axis=2)
        if row.shape[3] != channels:
            row = np.repeat(row, channels // row.shape[3], axis=3)  # gray -> RGB
        fitted.append(row)
    return image_utils.make_grid(image_utils.to_uint8(np.concatenate(fitted)), nrow=rows[0].shape[0])


class TranslationGrid(SampleGrid):
    """Writes the translation of fixed examples every ``every`` epochs.

    After epoch ``e`` (1-based) with ``e % every == 0`` it writes
    ``model_dir/samples/epoch_{e:04d}.png`` and the TensorBoard image
    ``samples``: the rows of ``model.sample_rows(examples)`` (a paired model:
    source | translation | target; CycleGAN: a | G_AB(a) | reconstruction and
    b | G_BA(b) | reconstruction), one example per column
    (:func:`translation_picture`).

    Args:
        model_dir: the run directory.
        examples: a fixed batch, ``(source, target)`` or ``(domain_a,
            domain_b)`` arrays in [-1, 1] (e.g. the first test batch).
        every: write after every ``every``-th epoch.
    """

    def __init__(self, model_dir, examples, every=1):
        if not isinstance(examples, (tuple, list)) or len(examples) != 2:
            raise ValueError("`examples` must be a (source, target) or (domain_a, domain_b) pair of image "
                             f"batches; received {type(examples).__name__}.")
        examples = tuple(np.asarray(keras.ops.convert_to_numpy(x), dtype=np.float32) for x in examples)
        super().__init__(model_dir, seed=0, every=every, num_samples=examples[0].shape[0])
        self.examples = examples

    def grid(self, model=None):
        """The uint8 picture for the model's current weights (written by :meth:`SampleGrid.on_epoch_end`)."""
        model = model if model is not None else self.model
        return translation_picture(model.sample_rows(self.examples))


class LatentCodeGrid(SampleGrid):
    """InfoGAN's picture: one row per categorical code value, continuous codes swept across columns.

    The figures of Chen et al. 2016 (figure 2): with everything else fixed, row
    k shows categorical code value k; the columns hold, for each continuous
    code j in turn, ``steps`` values of c_j evenly spaced over
    ``[-sweep, sweep]`` (the paper sweeps -2 to 2, beyond the training range
    [-1, 1]) with the other continuous codes at 0. One fixed z, drawn with
    :func:`fixed_latent`, serves the whole grid, so only the codes change
    along a row or a column. Written like :class:`SampleGrid`:
    ``model_dir/samples/epoch_{e:04d}.png`` and the TensorBoard image ``samples``.

    Args:
        model_dir: the run directory.
        seed: seed of the fixed z.
        every: write after every ``every``-th epoch.
        steps: values per continuous code, >= 2.
        sweep: half-width of the swept interval, > 0.
    """

    def __init__(self, model_dir, seed=0, every=1, steps=5, sweep=2.0):
        super().__init__(model_dir, seed=seed, every=every, num_samples=1)
        self.steps = checks.positive_int("steps", steps, minimum=2)
        self.sweep = checks.positive_number("sweep", sweep)

    def code_inputs(self, model):
        """``(z, categorical_code, continuous_code)`` of the grid, row by row.

        Args:
            model: a model with ``latent_dim``, ``num_categories`` and ``num_continuous``.

        Returns:
            float32 ``[n, latent_dim]``, int32 ``[n]`` and float32
            ``[n, num_continuous]`` with ``n = num_categories * steps * num_continuous``.
        """
        categories, continuous = int(model.num_categories), int(model.num_continuous)
        values = np.linspace(-self.sweep, self.sweep, self.steps, dtype=np.float32)
        row = np.zeros((continuous * self.steps, continuous), np.float32)  # one row of the grid
        for code in range(continuous):
            row[code * self.steps:(code + 1) * self.steps, code] = values
        codes = np.tile(row, (categories, 1))                              # [n, continuous]
        labels = np.repeat(np.arange(categories, dtype=np.int32), len(row))  # [n]
        z = fixed_latent(self.seed, 1, int(model.latent_dim), model.latent_distribution)
        return np.repeat(z, len(labels), axis=0), labels, codes

    def grid(self, model=None):
        """The uint8 grid ``[H, W, C]``: ``num_categories`` rows of ``steps * num_continuous`` samples."""
        model = model if model is not None else self.model
        z, labels, codes = self.code_inputs(model)
        samples = keras.ops.convert_to_numpy(model.generate(z, labels, codes))
        return image_utils.make_grid(image_utils.to_uint8(samples), nrow=len(labels) // int(model.num_categories))
