"""The history of generated images that CycleGAN's discriminators learn from.

Shrivastava et al. 2017 ("Learning from Simulated and Unsupervised Images
through Adversarial Training", section 2.3) update the discriminator with a
history of refined images rather than only the latest ones, so the generator
cannot undo what D learned earlier; CycleGAN (Zhu et al. 2017, section 4)
keeps "an image buffer that stores the 50 previously created images". Each
image the generator produces goes through :meth:`ImagePool.call`, one at a time:

- while the pool holds fewer than ``pool_size`` images, the image is stored and
  returned as it is;
- once the pool is full, with probability 1/2 the image replaces a stored
  image chosen uniformly at random and that *older* image is returned; else
  the new image is returned and the pool is left unchanged.

The pool is a layer whose variables live with the model, so checkpoints
restore it. Under a ``tf.distribute`` strategy every replica keeps its own
pool (on-read variables; checkpoints hold the first replica's), as every GPU
holds its own in the authors' code. The replicas share the seed generator's
state, so they make the same swap decisions, each on its own images.
"""

import keras
import tensorflow as tf

from keras_gans import checks, draws

SWAP_PROBABILITY = 0.5


@keras.saving.register_keras_serializable(package="keras_gans")
class ImagePool(keras.layers.Layer):
    """A pool of past generated images (Zhu et al. 2017, section 4).

    Args:
        pool_size: images kept (50 in CycleGAN); 0 disables the pool, so every
            image is returned unchanged.
        seed: seed of the layer's ``keras.random.SeedGenerator`` (the swap
            decisions and the slots).
        **kwargs: ``keras.layers.Layer`` arguments.
    """

    def __init__(self, pool_size=50, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.pool_size = checks.positive_int("pool_size", pool_size, minimum=0)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed, name="pool_seed")
        self.images = None
        self.num_stored = None

    def build(self, input_shape):
        if len(input_shape) < 2 or any(size is None for size in input_shape[1:]):
            raise ValueError(f"ImagePool needs images with known shape [N, ...]; received "
                             f"input_shape={tuple(input_shape)}.")
        if not self.pool_size:
            return
        # keras.Variable, not add_weight: add_weight cannot make on-read (per-replica) variables.
        on_read = dict(trainable=False, synchronization="on_read", aggregation="only_first_replica")
        self.images = keras.Variable(keras.initializers.Zeros(), shape=(self.pool_size,) + tuple(input_shape[1:]),
                                     dtype=self.compute_dtype, name="images", **on_read)
        self.num_stored = keras.Variable(0, dtype="int32", name="num_stored", **on_read)

    def call(self, images):
        """Passes a batch through the pool, image by image.

        Args:
            images: ``[N, ...]`` newly generated images.

        Returns:
            ``[N, ...]``: for each image, itself or a stored older image.
        """
        if not self.pool_size:
            return images
        images = tf.convert_to_tensor(images, dtype=self.images.dtype)
        batch = tf.shape(images)[0]
        swap_draws = draws.uniform((batch,), seed=self.seed_generator)
        slot_draws = draws.randint((batch,), 0, self.pool_size, seed=self.seed_generator)

        def step(i, pool, count, outputs):
            image = images[i]
            filling = count < self.pool_size
            swapping = tf.logical_and(tf.logical_not(filling), swap_draws[i] < SWAP_PROBABILITY)
            slot = tf.where(filling, count, slot_draws[i])
            older = pool[slot]
            stored = tf.where(tf.logical_or(filling, swapping), image, older)
            pool = tf.tensor_scatter_nd_update(pool, [[slot]], [stored])
            returned = tf.where(swapping, older, image)
            return i + 1, pool, tf.minimum(count + 1, self.pool_size), outputs.write(i, returned)

        # The loop works on local copies; the variables are written once (an on-read
        # variable can be assigned, not scattered into, inside a replica).
        _, pool, count, outputs = tf.while_loop(
            lambda i, *_: i < batch, step,
            (tf.constant(0), tf.convert_to_tensor(self.images.value), tf.convert_to_tensor(self.num_stored.value),
             tf.TensorArray(images.dtype, size=batch)))
        self.images.assign(pool)
        self.num_stored.assign(count)
        return tf.ensure_shape(outputs.stack(), images.shape)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update(pool_size=self.pool_size, seed=self.seed)
        return config
