"""Running judges and generators over many rows, a chunk at a time.

:func:`predict_classes` reads images with a classifier; :func:`generate_in_chunks`
renders samples from a generator's inputs. The digit and shapes judges share them.
"""

import keras
import numpy as np

from keras_gans import checks


def predict_classes(classifier, images, batch_size=256):
    """The classifier's most likely class for every image.

    Args:
        classifier: a model mapping images to logits ``[N, K]``.
        images: ``[n, H, W, C]`` images in [-1, 1] (array or tensor).
        batch_size: images per forward pass.

    Returns:
        int64 NumPy array ``[n]`` of class ids.

    Raises:
        ValueError: when ``images`` is empty or ``batch_size`` is not a positive int.
    """
    batch_size = checks.positive_int("batch_size", batch_size)
    images = np.asarray(keras.ops.convert_to_numpy(images), dtype=np.float32)
    if images.ndim < 2 or images.shape[0] == 0:
        raise ValueError(f"`images` must be a non-empty batch [n, ...]; received shape {images.shape}.")
    predicted = [np.argmax(keras.ops.convert_to_numpy(classifier(images[start:start + batch_size],
                                                                 training=False)), axis=-1)
                 for start in range(0, images.shape[0], batch_size)]
    return np.concatenate(predicted).astype(np.int64)


def generate_in_chunks(generate, arrays, chunk=500):
    """Concatenated NumPy outputs of ``generate`` called on ``chunk`` rows of every input at a time.

    Args:
        generate: a callable taking one argument per entry of ``arrays``,
            e.g. ``model.generate``.
        arrays: the inputs, arrays or lists of equal length (at least one row),
            sliced alike.
        chunk: rows per call.

    Returns:
        A NumPy array, the outputs concatenated along the first axis.
    """
    rows = len(arrays[0])
    return np.concatenate([keras.ops.convert_to_numpy(generate(*[a[start:start + chunk] for a in arrays]))
                           for start in range(0, rows, chunk)])
