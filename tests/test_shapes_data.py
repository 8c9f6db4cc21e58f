"""keras_gans.data.shapes: attribute sampling, drawing, captions, splits and the loaded variants."""

import math

import numpy as np
import pytest
import scipy.stats
import tensorflow as tf

from keras_gans import data
from keras_gans.data import shapes


def object_coverage(images, record):
    """Share of the object's colour in every pixel of images on plain backgrounds, [n, S, S] (noise cut at 0.03)."""
    pixels = images.astype(np.float64) / 255.0
    background = record["background_colors"][:, 0][:, None, None, :]
    color = shapes.COLOR_RGB[record["color"]][:, None, None, :]
    alpha = ((pixels - background) * (color - background)).sum(-1) / ((color - background) ** 2).sum(-1)
    return np.where(alpha > 0.03, alpha, 0.0)


# ----------------------------------------------------------------------------
# Attributes


def test_attributes_are_uniform_and_independent():
    record = shapes.sample_attributes(18_000, seed=3)
    n = len(record["shape"])
    for name, classes in (("shape", 6), ("color", 6), ("size_bin", 3), ("cell", 9), ("background", 2)):
        counts = np.bincount(record[name], minlength=classes)
        assert scipy.stats.chisquare(counts).pvalue > 1e-3, (name, counts)
    for first, second in (("shape", "color"), ("shape", "size_bin"), ("color", "cell"), ("shape", "cell"),
                          ("size_bin", "cell"), ("shape", "background")):
        table = np.zeros((record[first].max() + 1, record[second].max() + 1))
        np.add.at(table, (record[first], record[second]), 1)
        assert scipy.stats.chi2_contingency(table).pvalue > 1e-3, (first, second)
    # Within a bin the value is uniform over its central 75%: the reading matches and the spread is flat.
    width = (shapes.SIZE_RANGE[1] - shapes.SIZE_RANGE[0]) / 3
    offset = (record["size"] - shapes.SIZE_RANGE[0]) / width - record["size_bin"]
    assert offset.min() >= 0.125 - 1e-5 and offset.max() <= 0.875 + 1e-5
    assert scipy.stats.kstest((offset - 0.125) / 0.75, "uniform").pvalue > 1e-3
    np.testing.assert_array_equal(record["cell"], 3 * shapes.reading(record["y"], shapes.POSITION_RANGE)
                                  + shapes.reading(record["x"], shapes.POSITION_RANGE))
    assert abs(np.corrcoef(record["x"], record["y"])[0, 1]) < 0.05
    # Rotation: uniform over one period of each shape's symmetry, none for the circle.
    for shape, order in enumerate(shapes.SYMMETRY):
        rotation = record["rotation"][record["shape"] == shape]
        if order == 0:
            assert np.all(rotation == 0)
        else:
            assert scipy.stats.kstest(rotation / (2 * math.pi / order), "uniform").pvalue > 1e-3, shape
    assert len(record["size"]) == n and record["shape"].dtype == np.int32


def test_fixing_an_attribute_keeps_the_other_draws():
    free = shapes.sample_attributes(50, seed=4)
    fixed = shapes.sample_attributes(50, seed=4, shape="star", cell="top left", size_bin=2, rotation=7.0)
    assert np.all(fixed["shape"] == shapes.SHAPES.index("star")) and np.all(fixed["cell"] == 0)
    assert np.all(fixed["size_bin"] == 2)
    np.testing.assert_allclose(fixed["rotation"], math.fmod(7.0, 2 * math.pi / 5), atol=1e-5)
    for name in ("color", "background", "background_colors", "gradient_angle"):
        np.testing.assert_array_equal(fixed[name], free[name])


BAD_CALLS = [
    (lambda: shapes.sample_attributes(-1), "count"),
    (lambda: shapes.sample_attributes(3, hue=2), "hue"),
    (lambda: shapes.sample_attributes(3, color="magenta"), "color"),
    (lambda: shapes.sample_attributes(3, shape=[0, 1]), "shape"),
    (lambda: shapes.render(shapes.sample_attributes(2), 7), "image_size"),
    (lambda: shapes.render({"shape": np.zeros(2, np.int32)}, 16), "color"),
    (lambda: data.load("shapes", image_size=7, batch_size=4), "image_size"),
    (lambda: data.load("shapes", image_size=512, batch_size=4), "image_size"),
    (lambda: data.load("shapes", image_size=15, batch_size=4), "image_size"),
    (lambda: data.load("shapes", image_size=257, batch_size=4), "image_size"),
    (lambda: data.load("shapes", image_size=48.0, batch_size=4), "image_size"),
    (lambda: data.load("shapes", num_examples=-3, batch_size=4), "num_examples"),
    (lambda: data.load("shapes", split="test_unseen", batch_size=4), "split"),
    (lambda: data.load("shapes/captions", split="valid", batch_size=4), "split"),
]


def test_bad_arguments_are_named():
    for call, named in BAD_CALLS:
        with pytest.raises(ValueError, match=f"`{named}`"):
            call()


# ----------------------------------------------------------------------------
# Drawing


@pytest.mark.parametrize("size", [64, 48, 100])  # any side from 16 to 256, not only the powers of two
def test_drawing_matches_the_attributes(size):
    count = 120
    record = shapes.sample_attributes(count, seed=5, background="plain", shape=np.arange(count) % 6)
    images = shapes.render(record, size)
    alpha = object_coverage(images, record)
    grid = (np.arange(size) + 0.5) / size
    area = alpha.sum((1, 2))
    centroid_x = (alpha * grid).sum((1, 2)) / area
    centroid_y = (alpha * grid[:, None]).sum((1, 2)) / area
    # The pixel centroid is (x, y) to a tenth of a pixel; the object never touches the border.
    np.testing.assert_allclose(centroid_x * size, record["x"] * size, atol=0.1)
    np.testing.assert_allclose(centroid_y * size, record["y"] * size, atol=0.1)
    assert alpha[:, [0, -1]].max() == 0 and alpha[:, :, [0, -1]].max() == 0
    # The area is the shape's area at that size: pi r^2 for the circle, 2 r^2 for the square, ...
    expected = {"circle": math.pi, "square": 2.0, "triangle": 3 * math.sqrt(3) / 4}
    for name, ratio in expected.items():
        members = record["shape"] == shapes.SHAPES.index(name)
        np.testing.assert_allclose(area[members] / (record["size"][members] * size) ** 2, ratio, rtol=0.02)
    # Fully covered pixels have the object's colour; the edges are anti-aliased (partial coverage).
    inside = alpha > 0.999
    colors = np.broadcast_to(shapes.COLOR_RGB[record["color"]][:, None, None], images.shape)
    np.testing.assert_allclose(images[inside] / 255.0, colors[inside], atol=1 / 255)
    assert ((alpha > 0.1) & (alpha < 0.9)).sum() > 0.1 * (alpha > 0.1).sum()


def test_area_grows_with_size_and_rotation_is_read_modulo_the_symmetry():
    sizes = np.linspace(0.1, 0.22, 5)
    record = shapes.sample_attributes(5, seed=6, shape="heart", background="plain", size=sizes, x=0.5, y=0.5)
    area = object_coverage(shapes.render(record, 32), record).sum((1, 2))
    assert np.all(np.diff(area) > 0)
    square = shapes.sample_attributes(3, seed=6, shape="square", rotation=[0.3, 0.3 + math.pi / 2, 0.6])
    square["rotation"] = np.array([0.3, 0.3 + math.pi / 2, 0.6], np.float32)  # drawn as given, unfolded
    for name in ("x", "y", "size", "color", "background_colors", "gradient_angle"):
        square[name][:] = square[name][0]
    images = shapes.render(square, 32).astype(int)
    assert np.abs(images[0] - images[1]).max() <= 1 and np.abs(images[0] - images[2]).max() > 30


def test_same_seed_same_images_and_splits_are_fixed():
    first = shapes.render(shapes.sample_attributes(12, seed=9), 32)
    np.testing.assert_array_equal(first, shapes.render(shapes.sample_attributes(12, seed=9), 32))
    assert np.abs(first.astype(int) - shapes.render(shapes.sample_attributes(12, seed=10), 32)).mean() > 5
    loaded = [np.concatenate([x.numpy() for x, _ in data.load("shapes", split="test", image_size=16,
                                                               num_examples=40, batch_size=16, shuffle=False,
                                                               drop_remainder=False)])
              for _ in range(2)]
    np.testing.assert_array_equal(*loaded)
    expected = shapes.render({k: v[:40] for k, v in shapes.split_attributes("test").items()}, 16)
    np.testing.assert_allclose(loaded[0], expected / 127.5 - 1.0, atol=1e-5)


# ----------------------------------------------------------------------------
# Variants and captions


def test_variants_yield_images_and_their_labels():
    train = shapes.split_attributes("train")
    assert len(train["shape"]) == 60_000 and len(shapes.split_attributes("test")["shape"]) == 10_000
    for name, key in (("shapes", "shape"), ("shapes/shape_color", "shape_color")):
        images, labels = next(iter(data.load(name, image_size=32, num_examples=24, batch_size=24, shuffle=False)))
        assert images.shape == (24, 32, 32, 3) and images.dtype == tf.float32
        assert -1.0 <= images.numpy().min() and images.numpy().max() <= 1.0
        np.testing.assert_array_equal(labels.numpy(), train[key][:24])
    assert data.num_classes("shapes") == 6 and data.num_classes("shapes/shape_color") == 36
    # A side that is not a power of two is drawn at that side, the same images as render gives.
    images, _ = next(iter(data.load("shapes", image_size=48, num_examples=8, batch_size=8, shuffle=False)))
    expected = shapes.render({k: v[:8] for k, v in train.items()}, 48)
    np.testing.assert_allclose(images.numpy(), expected / 127.5 - 1.0, atol=1e-5)
    np.testing.assert_array_equal(train["shape_color"], 6 * train["shape"] + train["color"])


def test_captions_name_the_attributes_and_leave_out_the_held_out_pairs():
    pairs = {6 * shapes.SHAPES.index(s) + shapes.COLORS.index(c) for s, c in shapes.HELD_OUT_PAIRS}
    assert len(pairs) == 6
    seen = {}
    # The first 12,000 captioned training images (about 2,400 would be of held-out pairs if they were not left out).
    for split, count in (("train", 12_000), ("test", None), ("test_unseen", None)):
        texts = np.concatenate([c.numpy() for _, c in data.load("shapes/captions", split=split, image_size=16,
                                                                 batch_size=4096, shuffle=False,
                                                                 num_examples=count, drop_remainder=False)])
        named = shapes.parse_captions(texts)
        assert np.all(named["shape"] >= 0) and np.all(named["color"] >= 0) and np.all(named["cell"] >= 0)
        seen[split] = np.isin(6 * named["shape"] + named["color"], list(pairs))
    assert not seen["train"].any() and not seen["test"].any() and seen["test_unseen"].all()
    assert len(seen["test_unseen"]) == shapes.held_out_mask(shapes.split_attributes("test")).sum()
    # Every caption of the test split reads back as the attributes it was written from.
    test = shapes.split_attributes("test")
    named = shapes.parse_captions(shapes.split_captions("test"))
    for key in ("shape", "color", "size_bin", "cell"):
        np.testing.assert_array_equal(named[key], test[key])
    assert len(set(shapes.split_captions("test")[:200])) > 150  # several templates and synonyms


def test_parse_captions_by_hand():
    named = shapes.parse_captions(["top left: a little red star", b"A huge violet plus sign in the middle",
                                   "bottom: a disk", "something else"])
    assert list(named["shape"]) == [3, 5, 0, -1] and list(named["color"]) == [0, 5, -1, -1]
    assert list(named["size_bin"]) == [0, 2, -1, -1] and list(named["cell"]) == [0, 4, 7, -1]
