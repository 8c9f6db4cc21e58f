"""keras_gans.data: names, the embedded sets, tfds (mocked) and folders of images."""

import itertools
import math

import numpy as np
import pytest
import tensorflow as tf
import tensorflow_datasets as tfds
from PIL import Image

from keras_gans import data
from keras_gans.data import pipeline


def batches(dataset, epochs=1):
    """All batches of ``epochs`` passes, as numpy (tuples stay tuples)."""
    return [tf.nest.map_structure(lambda t: t.numpy(), b) for b in dataset.repeat(epochs)]


# ----------------------------------------------------------------------------
# Names and toy modes


KNOWN_NAMES = [
    ("ring8", True), ("grid25", True), ("digits", True), ("textures", True),
    ("tfds:mnist", True), ("tfds:celeb_a/align", True), ("tfds:mnist:test", True),
    ("tfds:mnist:train[:10%]", True),
    ("folder:/some/where", True), ("folder:rel", True),
    ("tfds:", False), ("tfds:/cfg", False), ("tfds:mnist/", False), ("tfds:mnist:", False),
    ("folder:", False), ("mnist", False), ("RING8", False), ("", False), (None, False), (3, False),
]


def test_is_known_name():
    for name, known in KNOWN_NAMES:
        assert data.is_known_name(name) is known, name


def test_every_embedded_name_is_known_and_toy_sets_are_embedded():
    assert set(data.TOY_SETS) <= set(data.EMBEDDED)
    assert {"ring8", "grid25", "digits"} <= set(data.EMBEDDED)
    assert all(data.is_known_name(name) for name in data.EMBEDDED)


def test_ring8_has_eight_distinct_modes_on_the_unit_circle():
    centers, std = data.toy_modes("ring8")
    assert centers.shape == (8, 2) and centers.dtype == np.float32
    assert std == 0.01
    np.testing.assert_allclose(np.linalg.norm(centers, axis=1), 1.0, atol=1e-6)
    angles = np.sort(np.mod(np.arctan2(centers[:, 1], centers[:, 0]), 2 * np.pi))
    np.testing.assert_allclose(angles, 2 * np.pi * np.arange(8) / 8, atol=1e-6)
    # Neighbours are a chord 2 sin(pi/8) apart; linspace(0, 2 pi, 8) would put two at distance 0.
    distances = np.linalg.norm(centers[:, None] - centers[None], axis=-1) + np.eye(8) * 9
    assert distances.min() == pytest.approx(2 * math.sin(math.pi / 8), abs=1e-6)


def test_grid25_modes_are_the_grid():
    centers, std = data.toy_modes("grid25")
    assert centers.shape == (25, 2) and centers.dtype == np.float32
    assert std == 0.05
    expected = set(itertools.product([-4.0, -2.0, 0.0, 2.0, 4.0], repeat=2))
    assert set(map(tuple, centers.tolist())) == expected


@pytest.mark.parametrize("name", ["digits", "ring", "tfds:mnist"])
def test_toy_modes_rejects_other_names(name):
    with pytest.raises(ValueError, match="ring8"):
        data.toy_modes(name)


# ----------------------------------------------------------------------------
# Toy sets


@pytest.mark.parametrize("name", data.TOY_SETS)
def test_toy_points_follow_their_mixture(name):
    dataset = data.load(name, batch_size=1000, seed=0)
    assert int(dataset.cardinality()) == 100  # 100,000 train points
    assert dataset.element_spec == tf.TensorSpec([1000, 2], tf.float32)
    points = np.concatenate(batches(dataset))
    centers, std = data.toy_modes(name)
    distances = np.linalg.norm(points[:, None] - centers[None], axis=-1)  # [n, k]
    nearest = distances.argmin(axis=1)
    offsets = points - centers[nearest]
    # Uniform over modes: each count within 5% of n / k; each mode an isotropic Gaussian of `std`.
    counts = np.bincount(nearest, minlength=len(centers))
    np.testing.assert_allclose(counts, len(points) / len(centers), rtol=0.05)
    np.testing.assert_allclose(offsets.std(axis=0), std, rtol=0.02)
    np.testing.assert_allclose(offsets.mean(axis=0), 0.0, atol=std / 50)


def test_toy_splits_and_num_examples():
    test = np.concatenate(batches(data.load("ring8", split="test", batch_size=500, shuffle=False)))
    train = np.concatenate(batches(data.load("ring8", batch_size=500, shuffle=False, num_examples=10_000)))
    assert test.shape == (10_000, 2) and train.shape == (10_000, 2)
    assert not np.allclose(np.sort(test, axis=0), np.sort(train, axis=0))  # different fixed draws
    small = data.load("grid25", batch_size=64, num_examples=1000)
    assert int(small.cardinality()) == 15  # 1000 // 64
    assert int(data.load("grid25", batch_size=64, num_examples=1000, drop_remainder=False).cardinality()) == 16


def test_same_seed_gives_the_same_batches_over_three_epochs():
    first = batches(data.load("ring8", batch_size=4000, seed=3), epochs=3)
    second = batches(data.load("ring8", batch_size=4000, seed=3), epochs=3)
    assert len(first) == 3 * 25
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a, b)
    # Reshuffled every epoch: epoch 2 starts differently from epoch 1, and holds the same points.
    assert not np.array_equal(first[0], first[25])
    np.testing.assert_array_equal(np.sort(np.concatenate(first[:25]), axis=0),
                                  np.sort(np.concatenate(first[25:50]), axis=0))


def test_different_seeds_or_no_shuffle_change_only_the_order():
    a = np.concatenate(batches(data.load("ring8", batch_size=5000, seed=0)))
    b = np.concatenate(batches(data.load("ring8", batch_size=5000, seed=1)))
    fixed = np.concatenate(batches(data.load("ring8", batch_size=5000, shuffle=False)))
    again = np.concatenate(batches(data.load("ring8", batch_size=5000, shuffle=False, seed=7)))
    assert not np.array_equal(a, b)
    np.testing.assert_array_equal(np.sort(a, axis=0), np.sort(b, axis=0))
    np.testing.assert_array_equal(fixed, again)
    np.testing.assert_array_equal(np.sort(a, axis=0), np.sort(fixed, axis=0))


def test_image_set_is_deterministic_with_labels_too():
    first = batches(data.load("digits", batch_size=100, seed=5, image_size=16), epochs=2)
    second = batches(data.load("digits", batch_size=100, seed=5, image_size=16), epochs=2)
    for (xa, ya), (xb, yb) in zip(first, second):
        np.testing.assert_array_equal(xa, xb)
        np.testing.assert_array_equal(ya, yb)


def take(dataset, n):
    return [tf.nest.map_structure(lambda t: t.numpy(), b) for b in dataset.take(n)]


def test_one_pass_is_reshuffled_by_a_second_iterator():
    """Why ``repeat=True`` exists: Keras opens a throwaway iterator under tf.distribute."""
    dataset = data.load("ring8", batch_size=10, seed=3, num_examples=30)
    assert not np.array_equal(np.concatenate(take(dataset, 3)), np.concatenate(take(dataset, 3)))


@pytest.mark.parametrize("name", ["ring8", "digits"])
def test_repeat_stream_is_the_same_for_every_iterator_and_skip_resumes_it(name):
    stream = data.load(name, batch_size=10, seed=3, num_examples=30, repeat=True)
    first, second = take(stream, 12), take(stream, 12)  # 12 batches = 4 passes over 30 examples
    for a, b in zip(first, second):
        tf.nest.map_structure(np.testing.assert_array_equal, a, b)
    rebuilt = data.load(name, batch_size=10, seed=3, num_examples=30, repeat=True)
    for a, b in zip(take(rebuilt.skip(5), 7), first[5:]):
        tf.nest.map_structure(np.testing.assert_array_equal, a, b)


def test_repeat_stream_is_shuffled_and_draws_from_the_whole_set():
    points = np.concatenate(batches(data.load("ring8", batch_size=10, num_examples=30, shuffle=False)))
    stream = np.concatenate(take(data.load("ring8", batch_size=10, seed=3, num_examples=30, repeat=True), 30))
    assert not np.array_equal(stream[:30], points)  # shuffled
    assert not np.array_equal(stream[:30], stream[30:60])  # passes mix differently
    np.testing.assert_array_equal(np.unique(stream, axis=0), np.unique(points, axis=0))  # every point, nothing else


def test_endless_batches_are_one_permutation_per_pass_less_the_rows_left_over():
    rows = np.arange(23, dtype=np.float32)[:, None]  # 23 rows: 5 batches of 4 a pass, 3 rows left out
    stream = np.concatenate(take(pipeline.endless_batches(rows, batch_size=4, shuffle=True, seed=1), 15))[:, 0]
    passes = stream.reshape(3, 20)
    for one_pass in passes:
        assert len(set(one_pass)) == 20  # no row twice within a pass
    assert len({tuple(one_pass) for one_pass in passes}) == 3  # every pass permuted anew
    assert set(stream) == set(range(23))  # the rows left out differ from pass to pass
    other_seed = np.concatenate(take(pipeline.endless_batches(rows, batch_size=4, shuffle=True, seed=2), 5))
    assert not np.array_equal(other_seed[:, 0], passes[0])


def test_endless_batches_without_shuffle_or_with_fewer_rows_than_a_batch():
    rows = np.arange(6, dtype=np.float32)[:, None]
    ordered = np.concatenate(take(pipeline.endless_batches(rows, batch_size=4, shuffle=False, seed=0), 2))[:, 0]
    np.testing.assert_array_equal(ordered, [0, 1, 2, 3, 0, 1, 2, 3])  # rows 4, 5 left out of every pass
    # 3 rows, batches of 4: a pass is two permutations end to end, one batch of its first 4 rows.
    for batch in take(pipeline.endless_batches(rows[:3], batch_size=4, shuffle=True, seed=0), 3):
        assert batch.shape == (4, 1)
        np.testing.assert_array_equal(np.sort(batch[:3, 0]), [0, 1, 2])


def test_repeat_stream_of_a_folder_reads_files_in_a_fixed_order(tmp_path):
    for i in range(4):
        save(tmp_path / f"{i}.png", np.full((4, 4), 60 * i))
    stream = data.load(f"folder:{tmp_path}", batch_size=2, seed=1, repeat=True)
    first, second = take(stream, 8), take(stream, 8)
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a, b)
    means = sorted(set(np.round(np.concatenate(first).reshape(16, -1).mean(axis=1), 4)))
    assert len(means) == 4


# ----------------------------------------------------------------------------
# digits and textures


def test_digits_are_scikit_learns_digits_scaled_to_unit_range():
    from sklearn.datasets import load_digits

    dataset = data.load("digits", batch_size=64, shuffle=False, drop_remainder=False)
    assert dataset.element_spec == (tf.TensorSpec([None, 8, 8, 1], tf.float32),
                                    tf.TensorSpec([None], tf.int32))
    images, labels = (np.concatenate(parts) for parts in zip(*batches(dataset)))
    assert images.shape == (1437, 8, 8, 1) and labels.shape == (1437,)
    assert images.min() == -1.0 and images.max() == 1.0
    reference = load_digits()
    # Every image is one of scikit-learn's, with x / 8 - 1, and keeps its label.
    lookup = {img.tobytes(): int(y) for img, y in zip(reference.images.astype(np.float32), reference.target)}
    for image, label in zip(images[:50], labels[:50]):
        assert lookup[((image[..., 0] + 1) * 8).round().astype(np.float32).tobytes()] == label


def test_digits_splits_are_disjoint_stratified_and_fixed():
    from sklearn.datasets import load_digits

    def everything(split):
        parts = batches(data.load("digits", split=split, batch_size=500, shuffle=False, drop_remainder=False))
        return [np.concatenate(p) for p in zip(*parts)]

    train_x, train_y = everything("train")
    test_x, test_y = everything("test")
    assert len(train_y) == 1437 and len(test_y) == 360
    # The 80/20 partition is stratified: each class is ~20% held out (scikit-learn's counts: 174-183).
    for label in range(10):
        held_out = np.mean(test_y == label) / (np.mean(test_y == label) + 4 * np.mean(train_y == label))
        assert held_out == pytest.approx(0.2, abs=0.02)
    # Together the two splits are exactly the 1,797 digits: a partition.
    full = np.concatenate([x for x, _ in batches(data.load("digits", split="train", batch_size=1437))]
                          + [x for x, _ in batches(data.load("digits", split="test", batch_size=360))])
    reference = load_digits().images.astype(np.float32) / 8 - 1
    assert sorted(x.tobytes() for x in full[..., 0]) == sorted(x.tobytes() for x in reference)
    np.testing.assert_array_equal(everything("test")[1], test_y)  # fixed across calls
    assert data.num_classes("digits") == 10


def test_digits_resized_stay_in_range_and_keep_the_mean():
    small = np.concatenate([x for x, _ in batches(data.load("digits", batch_size=100, shuffle=False))])
    big = np.concatenate([x for x, _ in batches(data.load("digits", batch_size=100, shuffle=False,
                                                          image_size=32))])
    assert big.shape == (1400, 32, 32, 1)
    assert big.min() >= -1.0 and big.max() <= 1.0
    # Bilinear upsampling preserves each image's mean up to edge effects.
    np.testing.assert_allclose(big.mean(axis=(1, 2, 3)), small.mean(axis=(1, 2, 3)), atol=0.05)


def test_digits_num_examples_takes_the_first_ones():
    first = batches(data.load("digits", batch_size=10, shuffle=False, num_examples=30))
    everything = batches(data.load("digits", batch_size=10, shuffle=False))
    assert len(first) == 3
    for (xa, ya), (xb, yb) in zip(first, everything[:3]):
        np.testing.assert_array_equal(xa, xb)
        np.testing.assert_array_equal(ya, yb)


def test_textures_are_labelled_grayscale_patches():
    images, labels = (np.concatenate(p) for p in zip(*batches(
        data.load("textures", batch_size=100, shuffle=False, drop_remainder=False))))
    assert images.shape == (614, 32, 32, 1)
    assert images.min() >= -1.0 and images.max() <= 1.0
    assert sorted(set(labels.tolist())) == [0, 1, 2]
    np.testing.assert_allclose(np.bincount(labels) / len(labels), 1 / 3, atol=0.01)
    assert data.num_classes("textures") == 3


def test_toy_sets_have_no_classes():
    assert data.num_classes("ring8") is None
    assert data.num_classes("grid25") is None


# ----------------------------------------------------------------------------
# Argument checks


@pytest.mark.parametrize("kwargs,match", [
    ({"batch_size": 0}, "batch_size"),
    ({"batch_size": -3}, "batch_size"),
    ({"batch_size": 2.5}, "batch_size"),
    ({"batch_size": True}, "batch_size"),
    ({"batch_size": 8, "image_size": 12}, "image_size"),
    ({"batch_size": 8, "image_size": 2}, "image_size"),
    ({"batch_size": 8, "image_size": 32.0}, "image_size"),
    ({"batch_size": 8, "split": "validation"}, "split"),
    ({"batch_size": 8, "num_examples": 0}, "num_examples"),
    ({"batch_size": 8, "seed": "zero"}, "seed"),
])
def test_bad_arguments_are_named(kwargs, match):
    for name in ("ring8", "digits", "textures"):
        with pytest.raises(ValueError, match=match):
            data.load(name, **kwargs)


@pytest.mark.parametrize("name", ["mnist", "ring", "tfds:", "folder:"])
def test_unknown_names_list_the_valid_forms(name):
    with pytest.raises(ValueError, match=r"ring8.*tfds:<name>.*folder:<path>"):
        data.load(name, batch_size=8)
    with pytest.raises(ValueError, match="name"):
        data.num_classes(name)


# ----------------------------------------------------------------------------
# TensorFlow Datasets, mocked: no files, the builder's own feature specs.


def mocked(num_examples):
    return tfds.testing.mock_data(num_examples=num_examples, policy=tfds.testing.MockPolicy.USE_CODE)


def test_tfds_mnist_images_and_labels():
    with mocked(20):
        dataset = data.load("tfds:mnist", batch_size=8, seed=0)
        assert int(dataset.cardinality()) == 2
        assert dataset.element_spec == (tf.TensorSpec([8, 28, 28, 1], tf.float32),
                                        tf.TensorSpec([8], tf.int32))
        images, labels = batches(dataset)[0]
        assert images.min() >= -1.0 and images.max() <= 1.0
        assert images.min() < -0.9 and images.max() > 0.9  # uniform random pixels span the range
        assert set(labels.tolist()) <= set(range(10))
        resized, _ = batches(data.load("tfds:mnist", batch_size=8, image_size=32))[0]
        assert resized.shape == (8, 32, 32, 1)
        assert resized.min() >= -1.0 and resized.max() <= 1.0
    assert data.num_classes("tfds:mnist") == 10


def test_tfds_pixels_are_scaled_exactly():
    with mocked(6):
        raw = [e["image"].numpy() for e in tfds.builder("mnist").as_dataset(split="train")]
        images, _ = batches(data.load("tfds:mnist", batch_size=6, shuffle=False))[0]
    np.testing.assert_allclose(images, np.stack(raw) / 127.5 - 1.0, atol=1e-6)


def test_tfds_non_square_images_are_center_cropped_then_resized():
    with mocked(4):
        raw = [e["image"].numpy() for e in tfds.builder("celeb_a").as_dataset(split="train")]
        dataset = data.load("tfds:celeb_a", batch_size=4, shuffle=False)
        # celeb_a has no ClassLabel "label": unlabelled images, 218x178 cropped to the central 178x178.
        assert dataset.element_spec == tf.TensorSpec([4, 178, 178, 3], tf.float32)
        images = batches(dataset)[0]
        resized = batches(data.load("tfds:celeb_a", batch_size=2, image_size=64))[0]
    assert raw[0].shape == (218, 178, 3)
    np.testing.assert_allclose(images, np.stack(raw)[:, 20:198] / 127.5 - 1.0, atol=1e-6)
    assert resized.shape == (2, 64, 64, 3)
    assert resized.min() >= -1.0 and resized.max() <= 1.0
    assert data.num_classes("tfds:celeb_a") is None


def test_tfds_split_in_the_name():
    with mocked(5):
        assert int(data.load("tfds:mnist:test", batch_size=5).cardinality()) == 1
        assert int(data.load("tfds:mnist:test", split="test", batch_size=5).cardinality()) == 1
        with pytest.raises(ValueError, match="split"):
            data.load("tfds:mnist:test", split="validation", batch_size=5)


def test_tfds_is_deterministic_for_a_seed():
    with mocked(32):
        first = batches(data.load("tfds:mnist", batch_size=8, seed=2), epochs=2)
        second = batches(data.load("tfds:mnist", batch_size=8, seed=2), epochs=2)
    for (xa, ya), (xb, yb) in zip(first, second):
        np.testing.assert_array_equal(xa, xb)
        np.testing.assert_array_equal(ya, yb)


def test_tfds_unprepared_dataset_says_how_to_prepare_it(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"mnist.*not prepared") as error:
        data.load("tfds:mnist", batch_size=8, data_dir=str(tmp_path))
    assert str(tmp_path) in str(error.value)
    assert f"tfds build mnist --data_dir={tmp_path}" in str(error.value)


def test_tfds_unknown_dataset_is_a_value_error(tmp_path):
    with pytest.raises(ValueError, match="no_such_dataset_xyz"):
        data.load("tfds:no_such_dataset_xyz", batch_size=8, data_dir=str(tmp_path))


# ----------------------------------------------------------------------------
# Folders


def save(path, array, **kwargs):
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(np.asarray(array, np.uint8)).save(path, **kwargs)


def test_folder_of_class_subfolders_is_labelled(tmp_path):
    for i in range(3):
        save(tmp_path / "cat" / f"{i}.png", np.zeros((8, 8, 3)))
        save(tmp_path / "dog" / "nested" / f"{i}.PNG", np.full((8, 8, 3), 255))
    save(tmp_path / "dog" / "._0.png", np.zeros((8, 8, 3)))  # a hidden file: skipped
    (tmp_path / "empty").mkdir()  # no images: not a class
    name = f"folder:{tmp_path}"
    assert data.num_classes(name) == 2
    dataset = data.load(name, batch_size=6, seed=0)
    assert dataset.element_spec == (tf.TensorSpec([6, 8, 8, 3], tf.float32), tf.TensorSpec([6], tf.int32))
    images, labels = batches(dataset)[0]
    assert sorted(labels.tolist()) == [0, 0, 0, 1, 1, 1]  # cat = 0, dog = 1 (sorted names)
    np.testing.assert_array_equal(images.reshape(6, -1).mean(axis=1), np.where(labels == 1, 1.0, -1.0))


def test_folder_without_classes_is_unlabelled_and_scaled(tmp_path):
    values = [0, 51, 102, 255]
    for i, value in enumerate(values):
        save(tmp_path / "all" / f"img{i}.jpg" if i % 2 else tmp_path / f"img{i}.png",
             np.full((4, 4), value), **({"quality": 100} if i % 2 else {}))
    name = f"folder:{tmp_path}"
    assert data.num_classes(name) is None
    dataset = data.load(name, batch_size=4, shuffle=False)
    assert dataset.element_spec == tf.TensorSpec([4, 4, 4, 1], tf.float32)  # grayscale stays 1 channel
    images = batches(dataset)[0]
    # Sorted walk: img0.png, img2.png, then all/img1.jpg, all/img3.jpg.
    expected = np.array([0, 102, 51, 255]) / 127.5 - 1.0
    np.testing.assert_allclose(images.mean(axis=(1, 2, 3)), expected, atol=2 / 127.5)


def test_folder_mixing_gray_and_colour_is_rgb(tmp_path):
    save(tmp_path / "a.png", np.full((4, 4), 255))
    save(tmp_path / "b.jpeg", np.zeros((4, 4, 3)))
    images = batches(data.load(f"folder:{tmp_path}", batch_size=2, shuffle=False))[0]
    assert images.shape == (2, 4, 4, 3)
    np.testing.assert_allclose(images[0], 1.0)


def test_folder_non_square_images_are_center_cropped(tmp_path):
    image = np.tile(np.array([0, 50, 100, 150, 200, 250], np.uint8), (4, 1))  # 4 high, 6 wide
    save(tmp_path / "wide.png", image)
    images = batches(data.load(f"folder:{tmp_path}", batch_size=1))[0]
    assert images.shape == (1, 4, 4, 1)
    np.testing.assert_allclose(images[0, 0, :, 0], np.array([50, 100, 150, 200]) / 127.5 - 1.0, atol=1e-6)


def test_folder_sizes_must_match_unless_resized(tmp_path):
    save(tmp_path / "a.png", np.zeros((8, 8)))
    save(tmp_path / "b.png", np.zeros((16, 16)))
    with pytest.raises(ValueError, match=r"b\.png.*image_size"):
        data.load(f"folder:{tmp_path}", batch_size=2)
    images = batches(data.load(f"folder:{tmp_path}", batch_size=2, image_size=4))[0]
    assert images.shape == (2, 4, 4, 1)


def test_folder_errors_name_the_path(tmp_path):
    missing = tmp_path / "nowhere"
    with pytest.raises(FileNotFoundError, match=str(missing)):
        data.load(f"folder:{missing}", batch_size=2)
    with pytest.raises(FileNotFoundError, match=str(missing)):
        data.num_classes(f"folder:{missing}")
    empty = tmp_path / "empty"
    (empty / "sub").mkdir(parents=True)
    (empty / "notes.txt").write_text("no images here")
    with pytest.raises(ValueError, match=str(empty)):
        data.load(f"folder:{empty}", batch_size=2)


def test_folder_corrupt_file_is_named_before_training(tmp_path):
    save(tmp_path / "good.png", np.zeros((4, 4)))
    (tmp_path / "bad.png").write_text("this is not a png")
    with pytest.raises(ValueError, match=r"bad\.png.*not a readable image"):
        data.load(f"folder:{tmp_path}", batch_size=1)


def test_folder_truncated_png_is_named(tmp_path):
    save(tmp_path / "cut.png", np.random.default_rng(0).integers(0, 255, (32, 32)))
    content = (tmp_path / "cut.png").read_bytes()
    (tmp_path / "cut.png").write_bytes(content[:len(content) // 2])
    with pytest.raises(ValueError, match=r"cut\.png"):
        data.load(f"folder:{tmp_path}", batch_size=1)


def test_folder_rejects_images_beside_class_folders_and_other_splits(tmp_path):
    save(tmp_path / "a" / "1.png", np.zeros((4, 4)))
    save(tmp_path / "b" / "1.png", np.zeros((4, 4)))
    with pytest.raises(ValueError, match="split"):
        data.load(f"folder:{tmp_path}", split="test", batch_size=1)
    save(tmp_path / "stray.png", np.zeros((4, 4)))
    with pytest.raises(ValueError, match=r"stray\.png"):
        data.load(f"folder:{tmp_path}", batch_size=1)
