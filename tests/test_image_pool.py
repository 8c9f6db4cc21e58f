"""The history pool of CycleGAN's discriminators (Zhu et al. 2017, section 4; Shrivastava et al. 2017)."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_gans.image_pool import ImagePool


def images(first, count):
    """``count`` distinct 1x1 images whose single pixel is their id: first, first + 1, ..."""
    return np.arange(first, first + count, dtype="float32").reshape(count, 1, 1, 1)


def ids(batch):
    return keras.ops.convert_to_numpy(batch).reshape(-1).astype(int).tolist()


def test_pool_fills_with_the_first_images_and_returns_them_unchanged():
    pool = ImagePool(pool_size=5, seed=0)
    assert ids(pool(images(0, 3))) == [0, 1, 2]
    assert int(pool.num_stored.numpy()) == 3
    # The batch that completes the pool is returned as it is too; only then do swaps start.
    assert ids(pool(images(3, 2))) == [3, 4]
    assert ids(pool.images.numpy()) == [0, 1, 2, 3, 4] and int(pool.num_stored.numpy()) == 5


def test_full_pool_returns_a_past_image_half_the_time_and_keeps_the_new_one():
    """Replaying the pool's answers image by image must explain its final contents exactly."""
    pool = ImagePool(pool_size=50, seed=3)
    pool(images(0, 50))
    step = tf.function(pool)  # as inside a train step
    contents = set(range(50))
    swaps, total = 0, 0
    for first in range(1000, 3000, 40):
        for image_id, out in zip(range(first, first + 40), ids(step(images(first, 40)))):
            total += 1
            if out != image_id:  # a past image came back and the new one took its slot
                assert out in contents, (out, image_id)
                contents.remove(out)
                contents.add(image_id)
                swaps += 1
        assert contents == set(ids(pool.images.numpy()))
    # Binomial(2000, 0.5): 5 standard deviations are 0.056.
    assert abs(swaps / total - 0.5) < 0.056, swaps / total


def test_every_stored_slot_is_equally_likely_to_be_swapped():
    pool = ImagePool(pool_size=4, seed=1)
    pool(images(0, 4))
    returned = ids(tf.function(pool)(images(100, 200)))
    old = [out for out in returned if out < 4]  # the first time each original image leaves the pool
    assert sorted(set(old)) == [0, 1, 2, 3]


def test_zero_pool_passes_images_through_and_seeds_make_it_deterministic():
    batch = np.random.default_rng(0).normal(size=(6, 2, 2, 3)).astype("float32")
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(ImagePool(0)(batch)), batch)
    empty = ImagePool(0)
    empty(batch)
    assert empty.images is None and [v.path for v in empty.variables] == ["pool_seed/seed_generator_state"]
    runs = []
    for _ in range(2):
        pool = ImagePool(pool_size=3, seed=7)
        runs.append([ids(pool(images(10 * k, 5))) for k in range(4)])
    assert runs[0] == runs[1]


def test_pool_state_config_round_trip_and_bad_sizes(tmp_path):
    pool = ImagePool(pool_size=4, seed=2, name="pool")
    pool(images(0, 6))
    names = sorted(variable.path for variable in pool.variables)
    assert names == ["pool/images", "pool/num_stored", "pool_seed/seed_generator_state"]
    assert all(not variable.trainable for variable in pool.variables)
    clone = ImagePool.from_config(pool.get_config())
    assert (clone.pool_size, clone.seed) == (4, 2)
    inputs = keras.Input((1, 1, 1))
    model = keras.Model(inputs, ImagePool(pool_size=2, seed=0)(inputs))
    model.save(tmp_path / "pool.keras")
    loaded = keras.saving.load_model(tmp_path / "pool.keras")
    assert loaded.layers[-1].pool_size == 2
    for bad in (-1, 2.5, True):
        with pytest.raises(ValueError, match=f"pool_size={bad!r}"):
            ImagePool(bad)
