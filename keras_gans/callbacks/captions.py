"""The text-to-image sample picture: one row per caption, the caption written above its images.

Reed et al. 2016 show their samples this way (figures 3 and 4): a caption,
then images generated for it from several z. Here z is fixed per column, so
a column shows one z under every caption (the style the paper says z
carries) and a row one caption under every z.
"""

import keras
import numpy as np

from keras_gans import checks
from keras_gans import images as image_utils
from keras_gans.callbacks.pictures import SampleGrid, fixed_latent


class CaptionGrid(SampleGrid):
    """Writes the caption grid every ``every`` epochs, as :class:`~keras_gans.callbacks.SampleGrid` writes its grid.

    After epoch ``e`` (1-based) with ``e % every == 0``: ``model_dir/samples/epoch_{e:04d}.png``
    and the TensorBoard image ``samples``, made with ``model.generate(z, captions)``
    (:class:`keras_gans.models.TextToImageGAN`).

    Args:
        model_dir: the run directory.
        captions: the captions, one row each.
        seed: seed of the fixed z (one per column).
        every: write after every ``every``-th epoch.
        per_row: images per caption.
    """

    def __init__(self, model_dir, captions, seed=0, every=1, per_row=8):
        captions = [str(caption) for caption in captions]
        if not captions:
            raise ValueError("`captions` must hold at least one caption; received none.")
        self.captions = captions
        self.per_row = checks.positive_int("per_row", per_row)
        super().__init__(model_dir, seed=seed, every=every, num_samples=len(captions) * per_row)

    def grid(self, model=None):
        """The uint8 picture ``[H, W, C]`` for the model's current weights."""
        model = model if model is not None else self.model
        z = fixed_latent(self.seed, self.per_row, int(model.latent_dim), model.latent_distribution)
        rows = len(self.captions)
        samples = keras.ops.convert_to_numpy(model.generate(np.tile(z, (rows, 1)),
                                                            np.repeat(self.captions, self.per_row).tolist()))
        return image_utils.captioned_rows(samples.reshape((rows, self.per_row) + samples.shape[1:]), self.captions)
