"""Files written whole or not at all (keras_gans.files)."""

import os

import keras
import numpy as np
import pytest

from keras_gans import files


def test_write_text_replaces_the_file_and_leaves_nothing_beside_it(tmp_path):
    path = tmp_path / "results.json"
    path.write_text("old")
    files.write_text(str(path), '{"new": 1}\n')
    assert path.read_text() == '{"new": 1}\n'
    assert os.listdir(tmp_path) == ["results.json"]
    (tmp_path / "folder").mkdir()
    with pytest.raises(OSError):
        files.write_text(str(tmp_path / "folder"), "text")  # the rename fails
    assert sorted(os.listdir(tmp_path)) == ["folder", "results.json"]
    with pytest.raises(TypeError):
        files.write_text(str(path), None)  # fails after the partial file is opened
    assert path.read_text() == '{"new": 1}\n'
    assert sorted(os.listdir(tmp_path)) == ["folder", "results.json"]


def test_weights_saved_whole_load_back_and_a_failed_save_keeps_the_old_file(tmp_path):
    def dense():
        return keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])

    path = str(tmp_path / "generator.weights.h5")
    saved = dense()
    files.save_weights(saved, path)
    loaded = dense()
    loaded.load_weights(path)
    for a, b in zip(saved.get_weights(), loaded.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert os.listdir(tmp_path) == ["generator.weights.h5"]

    class Interrupted:
        def save_weights(self, partial):
            with open(partial, "w") as file:
                file.write("half")
            raise KeyboardInterrupt

    with pytest.raises(ValueError, match="generator.h5"):
        files.save_weights(saved, str(tmp_path / "generator.h5"))
    before = open(path, "rb").read()
    with pytest.raises(KeyboardInterrupt):
        files.save_weights(Interrupted(), path)
    assert open(path, "rb").read() == before
    assert os.listdir(tmp_path) == ["generator.weights.h5"]
