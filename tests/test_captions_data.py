"""``captions:<path>`` and ``captions:tfds:<name>``: images with several captions each (as CUB and Oxford-102)."""

import json
import os

import numpy as np
import pytest
import tensorflow_datasets as tfds
from PIL import Image

from keras_gans import config, data, experiments
from keras_gans.experiments import base

COLORS = ("red", "green")


@pytest.fixture(scope="module")
def caption_folder(tmp_path_factory):
    """Two class subfolders of three 6x10 images; two captions each; the last image of a class held out."""
    root = tmp_path_factory.mktemp("captions")
    lines = []
    for label, color in enumerate(COLORS):
        os.makedirs(root / "images" / f"{label:03d}.{color}")
        for i in range(3):
            pixels = np.zeros((6, 10, 3), np.uint8)
            pixels[..., label] = 255
            image = f"images/{label:03d}.{color}/{i}.png"
            Image.fromarray(pixels).save(root / image)
            lines.append({"image": image, "captions": [f"a {color} square, number {i}", f"{color} {i}"],
                          **({"split": "test"} if i == 2 else {})})
    (root / "captions.jsonl").write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    return root


def batches(dataset):
    return [tuple(part.numpy() for part in element) for element in dataset]


def test_a_caption_folder_yields_images_one_of_their_captions_and_class_labels(caption_folder):
    name = f"captions:{caption_folder}"
    assert data.is_known_name(name) and data.has_captions(name) and data.num_classes(name) == 2
    assert base.data_kind(name) == "captions" and base.data_kind("digits") == "images"
    (images, captions, labels), = batches(data.load(name, batch_size=4, image_size=4, seed=0))
    assert images.shape == (4, 4, 4, 3) and images.dtype == np.float32
    for image, caption, label in zip(images, captions, labels):
        color, number = COLORS[label], caption.decode().split()[-1]
        assert caption.decode() in (f"a {color} square, number {number}", f"{color} {number}")
        assert number in "01" and np.allclose(image[..., label], 1.0) and np.allclose(image[..., 1 - label], -1.0)
    test = batches(data.load(name, split="test", batch_size=2, image_size=4, shuffle=False))
    assert [c.decode().split()[-1] for c in test[0][1]] == ["2", "2"]
    assert data.load_captions(name, split="test") == ["a red square, number 2", "red 2", "a green square, number 2",
                                                      "green 2"]


def test_captions_are_drawn_anew_each_pass_and_the_stream_is_a_function_of_its_seed(caption_folder):
    def captions(seed, repeat=True, steps=10):
        stream = data.load(f"captions:{caption_folder}", batch_size=4, image_size=4, seed=seed, repeat=repeat)
        return [c.decode() for _, texts, _ in batches(stream.take(steps)) for c in texts]

    first = captions(seed=1)
    assert captions(seed=1) == first  # the same stream every time it is built
    assert captions(seed=2) != first
    assert len(set(first)) == 8  # each of the 4 images shows both its captions over 40 draws


BAD_RECORDS = [("not json", "is not JSON"),
               ('{"captions": ["x"]}', 'has no "image"'),
               ('{"image": "images/000.red/0.png", "captions": []}', '"captions" must be a non-empty list'),
               ('{"image": "images/000.red/9.png", "captions": ["x"]}', "does not exist")]


def test_bad_records_are_refused_naming_the_file_and_line(caption_folder, tmp_path):
    for number, (line, message) in enumerate(BAD_RECORDS):
        folder = tmp_path / str(number)
        folder.mkdir()
        os.symlink(caption_folder / "images", folder / "images")
        (folder / "captions.jsonl").write_text('{"image": "images/000.red/0.png", "captions": ["ok"]}\n' + line + "\n")
        with pytest.raises(ValueError, match=f"captions.jsonl, line 2.*{message}|{message}"):
            data.load(f"captions:{folder}", batch_size=1)


def test_missing_folder_index_and_split_are_reported(caption_folder, tmp_path):
    with pytest.raises(FileNotFoundError, match="no such directory"):
        data.load(f"captions:{tmp_path / 'nowhere'}", batch_size=1)
    with pytest.raises(FileNotFoundError, match="has no captions.jsonl"):
        data.load(f"captions:{tmp_path}", batch_size=1)
    with pytest.raises(ValueError, match="`split`='validation' is not a split.*test, train"):
        data.load(f"captions:{caption_folder}", split="validation", batch_size=1)
    with pytest.raises(config.ConfigError, match="holds captions data; dcgan trains on images"):
        experiments.get("dcgan").check_dataset(f"captions:{caption_folder}")


def test_a_tfds_set_with_a_text_feature_yields_one_of_its_captions():
    with tfds.testing.mock_data(num_examples=4):
        (images, captions), = batches(data.load("captions:tfds:coco_captions", batch_size=4, image_size=8, seed=0))
    assert images.shape == (4, 8, 8, 3) and captions.shape == (4,) and all(len(c) > 0 for c in captions)
    assert data.has_captions("captions:tfds:coco_captions") and not data.is_known_name("captions:tfds:")
