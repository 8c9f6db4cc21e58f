"""Paired and unpaired translation data: names, augmentation, embedded sets, tfds (mocked) and folders."""

import numpy as np
import pytest
import tensorflow as tf
import tensorflow_datasets as tfds
from PIL import Image

from keras_gans import data, evaluation


def one_pass(dataset):
    return list(dataset.as_numpy_iterator())


def save_png(path, array):
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(np.asarray(array, np.uint8)).save(path)


def test_translation_names_kinds_and_errors():
    known = ["digits2bold", "digits2rotated", "blurred2digits", "photos_x4", "unpaired:tfds:cycle_gan/horse2zebra",
             "unpaired:folder:/data/h2z", "paired:folder:/data/facades", "paired_reversed:folder:/f",
             "sr:folder:/photos"]
    assert all(data.is_known_name(name) for name in known)
    for bad in ["paired:tfds:facades", "unpaired:", "unpaired:digits", "sr:tfds:div2k", "paired:folder:"]:
        assert not data.is_known_name(bad), bad
        with pytest.raises(ValueError, match="name"):
            data.load(bad, batch_size=2)
    assert [data.translation_kind(n) for n in known] == ["unpaired", "unpaired", "paired", "paired", "unpaired", "unpaired",
                                                          "paired", "paired", "paired"]
    assert data.translation_kind("digits") is None
    assert data.num_classes("digits2rotated") is None and data.num_classes("unpaired:folder:/x") is None
    with pytest.raises(ValueError, match="split"):
        data.load("blurred2digits", split="validation", batch_size=2)


def test_pair_augmentation_is_identical_for_both_images_and_really_moves_them():
    base = np.random.default_rng(0).uniform(-1, 1, (16, 16, 1)).astype("float32")
    target = np.repeat(base, 3, axis=-1)  # a 3-channel target built from the 1-channel source
    flipped = 0
    for k in range(12):
        source_out, target_out = data.jitter_pair(base, target, tf.constant([7, k], tf.int64))
        assert source_out.shape == (16, 16, 1) and target_out.shape == (16, 16, 3)
        for channel in range(3):  # one crop, one flip for both images
            np.testing.assert_array_equal(target_out.numpy()[..., channel], source_out.numpy()[..., 0])
        assert not np.allclose(source_out, base)  # resized to 18 and cropped: every pixel moves
        larger = tf.image.resize(base, [18, 18]).numpy()
        crops = [larger[i:i + 16, j:j + 16] for i in range(3) for j in range(3)]
        matches_crop = any(np.allclose(source_out, c, atol=1e-6) for c in crops)
        matches_mirror = any(np.allclose(source_out, c[:, ::-1], atol=1e-6) for c in crops)
        assert matches_crop or matches_mirror
        flipped += matches_mirror and not matches_crop
    assert 0 < flipped < 12  # mirrored about half the time


def test_embedded_sets_are_what_they_claim():
    arrays = data.translation_arrays("digits2rotated", split="test", image_size=16)
    np.testing.assert_array_equal(arrays["b"], np.rot90(arrays["a"], 1, axes=(1, 2)))
    assert arrays["a"].shape == (360, 16, 16, 1) and arrays["labels"].shape == (360,)
    # The unpaired test stream draws its domains from disjoint halves: a rotated-back B digit is never an A digit.
    batches = one_pass(data.load("digits2rotated", split="test", batch_size=60, shuffle=False, image_size=16))
    domain_a = {a.tobytes() for batch, _ in batches for a in batch}
    back = [np.rot90(b, -1, axes=(0, 1)) for _, batch in batches for b in batch]
    all_a = {a.tobytes() for a in arrays["a"]}
    assert all(b.tobytes() in all_a for b in back) and not any(b.tobytes() in domain_a for b in back)
    assert len(batches) == 3  # 180 pairs: the larger domain, one pass

    bold = data.translation_arrays("digits2bold", split="test", image_size=16)
    np.testing.assert_array_equal(bold["a"], arrays["a"])
    assert np.all(bold["b"] >= bold["a"])  # a dilation only brightens ...
    assert np.mean(bold["b"] > 0) > 1.3 * np.mean(bold["a"] > 0)  # ... and the strokes grow

    blurred = data.translation_arrays("blurred2digits", split="test")
    assert evaluation.gradient_energy(blurred["source"]) < 0.3 * evaluation.gradient_energy(blurred["target"])
    np.testing.assert_allclose(blurred["source"].mean(), blurred["target"].mean(), atol=0.01)

    photos = data.translation_arrays("photos_x4", split="test")
    assert photos["source"].shape[1:] == (8, 8, 3) and photos["target"].shape[1:] == (32, 32, 3)
    np.testing.assert_allclose(photos["source"], data.downscale(photos["target"]).numpy())
    assert len(photos["target"]) > 150


def test_training_streams_are_reproducible_and_resume_exactly():
    stream = data.load("blurred2digits", batch_size=4, seed=3, repeat=True, image_size=16)
    first = [pair for pair in stream.take(5).as_numpy_iterator()]
    again = [pair for pair in stream.skip(3).take(2).as_numpy_iterator()]
    for (s1, t1), (s2, t2) in zip(first[3:], again):
        np.testing.assert_array_equal(s1, s2)
        np.testing.assert_array_equal(t1, t2)
    pairs = data.load("digits2rotated", batch_size=8, seed=1, image_size=16)
    assert pairs.element_spec == (tf.TensorSpec([8, 16, 16, 1], tf.float32),) * 2
    assert int(pairs.cardinality()) == 719 // 8  # one pass = the larger half of the 1,437 training digits


def test_unpaired_tfds_source_reads_the_a_and_b_splits():
    with tfds.testing.mock_data(num_examples=6, policy=tfds.testing.MockPolicy.USE_CODE):
        dataset = data.load("unpaired:tfds:cycle_gan/horse2zebra", batch_size=3, image_size=32)
        assert dataset.element_spec == (tf.TensorSpec([3, 32, 32, 3], tf.float32),) * 2
        batches = one_pass(dataset)
        with pytest.raises(ValueError, match="image_size"):
            data.load("unpaired:tfds:cycle_gan/horse2zebra", batch_size=3)
    assert len(batches) == 2
    assert all(-1.0 <= x.min() and x.max() <= 1.0 for batch in batches for x in batch)


def test_folder_sources(tmp_path):
    rng = np.random.default_rng(0)
    # Pix2Pix layout: side-by-side A|B. Here A == B, so the augmented pair must stay identical.
    for i in range(4):
        half = rng.integers(0, 256, (16, 16, 3))
        save_png(tmp_path / "facades" / "train" / f"{i}.png", np.concatenate([half, half], axis=1))
        save_png(tmp_path / "facades" / "test" / f"{i}.png", np.concatenate([half, 255 - half], axis=1))
    for source, target in one_pass(data.load(f"paired:folder:{tmp_path / 'facades'}", batch_size=2, seed=0)):
        np.testing.assert_array_equal(source, target)
    (source, target), = one_pass(data.load(f"paired_reversed:folder:{tmp_path / 'facades'}", split="test",
                                           batch_size=4, shuffle=False))
    np.testing.assert_allclose(source, -target, atol=1e-6)  # right half (255 - x) first

    # CycleGAN layout: trainA and trainB folders; each domain keeps its own images.
    for domain, level in (("A", 50), ("B", 200)):
        for i in range(3 if domain == "A" else 5):
            save_png(tmp_path / "h2z" / f"train{domain}" / f"{i}.png", np.full((8, 8, 3), level))
    batches = one_pass(data.load(f"unpaired:folder:{tmp_path / 'h2z'}", batch_size=5, seed=0))
    (a, b), = batches  # one pass = the larger domain (5)
    np.testing.assert_allclose(a, 50 / 127.5 - 1, atol=1e-5)
    np.testing.assert_allclose(b, 200 / 127.5 - 1, atol=1e-5)
    with pytest.raises(ValueError, match="testA"):
        data.load(f"unpaired:folder:{tmp_path / 'h2z'}", split="test", batch_size=1)

    # Super-resolution: crops of image_size and their bicubic x4 downscales.
    for i in range(2):
        save_png(tmp_path / "photos" / f"{i}.png", rng.integers(0, 256, (40, 48, 3)))
    (low, high), = one_pass(data.load(f"sr:folder:{tmp_path / 'photos'}", batch_size=2, image_size=16))
    assert low.shape == (2, 4, 4, 3) and high.shape == (2, 16, 16, 3)
    np.testing.assert_allclose(low, data.downscale(high).numpy(), atol=1e-6)
    with pytest.raises(ValueError, match="smaller than"):
        data.load(f"sr:folder:{tmp_path / 'photos'}", batch_size=1, image_size=64)
