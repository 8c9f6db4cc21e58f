"""Datasets by name, as batched ``tf.data.Dataset`` in the project's conventions.

:func:`load` resolves three kinds of names:

* embedded sets that need no network:

  - ``ring8``: 8 Gaussians on the unit circle, std 0.01, and ``grid25``: 25
    Gaussians on the grid {-4,-2,0,2,4}^2, std 0.05 -- the mode-collapse
    benchmarks of VEEGAN (Srivastava et al. 2017, "VEEGAN: Reducing Mode
    Collapse in GANs using Implicit Variational Learning") and PacGAN (Lin et
    al. 2018, "PacGAN: The power of two samples in generative adversarial
    networks"). Elements are float32 points ``[batch, 2]``.
  - ``digits``: the 1,797 real 8x8 handwritten digits bundled with
    scikit-learn; ``(images [batch, 8, 8, 1], labels [batch])``.
  - ``textures``: 32x32 grayscale patches cut from the brick, grass and gravel
    textures bundled with scikit-image, labelled by texture (3 classes).
  - ``shapes``, ``shapes/shape_color``, ``shapes/captions``: procedural RGB
    images of one coloured shape on a background, 16 to 256 pixels, labelled
    by shape, by shape and colour, or captioned; their attributes, drawing and
    captions are in ``keras_gans.data.shapes``.

* ``tfds:<name>[/<config>][:<split>]``: a TensorFlow Datasets dataset already
  prepared in ``data_dir`` (nothing is ever downloaded).
* ``folder:<path>``: PNG/JPEG files under a folder, labelled by class subfolder.
* ``captions:<path>`` and ``captions:tfds:<name>``: images with several
  captions each, as ``(images, captions)`` batches (``keras_gans.data.captions``).
* image-to-image translation sets (``keras_gans.data.translation``):
  the embedded ``digits2bold`` and ``digits2rotated`` (unpaired), ``blurred2digits`` and
  ``photos_x4`` (paired), and ``unpaired:tfds:<name>`` (splits
  ``<split>A``/``<split>B``, e.g. ``unpaired:tfds:cycle_gan/horse2zebra``),
  ``unpaired:folder:<path>`` (folders ``<split>A``/``<split>B``),
  ``paired:folder:<path>`` / ``paired_reversed:folder:<path>`` (side-by-side
  A|B images) and ``sr:folder:<path>`` (high-resolution photos).

Images are float32 NHWC in [-1, 1]; labels are int32 class ids. By default a
dataset is ONE pass over the data, batched and prefetched; repeat it for more
epochs. For a given ``seed`` the batches and their order are the same every time
a pipeline is built, and so is every later epoch under ``.repeat()``: shuffling
uses ``Dataset.shuffle(seed=seed, reshuffle_each_iteration=True)``. TensorFlow
combines that seed with its global seed, so the order is a function of
``seed`` and of the global seed in force when :func:`load` is called
(``keras.utils.set_random_seed``; ``experiment.run`` sets both from ``--seed``).

Reshuffling on every iteration means a second iterator over the same dataset
sees another order. Keras opens a throwaway iterator on a dataset before
training under ``tf.distribute``, so runs that must match a single-device run
or resume exactly use ``load(..., repeat=True)`` instead: an endless stream,
repeated and then shuffled with a fixed order, the same on every iteration
(epoch boundaries blur by the shuffle buffer, as with any shuffle after repeat).
The 2-D points' endless stream is cheaper: one permutation per pass, keyed by
``seed`` alone, gathered a batch at a time (``pipeline.endless_batches``).

Modules: ``registry`` (the one table of names and the dispatch of :func:`load`),
``pipeline`` (batching, shuffling and repeating shared by every source),
``toy``, ``embedded``, ``shapes`` (with ``shapes_render``, ``shapes_captions``)
and ``translation`` (the embedded sets), ``tfds_source``, ``folder`` and
``captions`` (the sources), ``arrays`` (whole splits as arrays).
"""

from keras_gans.data.arrays import class_balanced_indices, load_arrays, load_captions
from keras_gans.data.folder import IMAGE_EXTENSIONS
from keras_gans.data.registry import (EMBEDDED, TRANSLATION_SOURCES, has_captions, is_known_name, load,
                                      num_classes, translation_kind)
from keras_gans.data.toy import TOY_SETS, toy_modes
from keras_gans.data.translation import (JITTER_RATIO, SR_SCALE, TRANSLATION_SETS, UNPAIRED_DIGIT_SETS, downscale,
                                         jitter_pair, translation_arrays)

__all__ = ["EMBEDDED", "IMAGE_EXTENSIONS", "JITTER_RATIO", "SR_SCALE", "TOY_SETS", "TRANSLATION_SETS",
           "TRANSLATION_SOURCES", "UNPAIRED_DIGIT_SETS", "class_balanced_indices", "downscale", "has_captions",
           "is_known_name", "jitter_pair", "load", "load_arrays", "load_captions", "num_classes", "toy_modes",
           "translation_arrays", "translation_kind"]
