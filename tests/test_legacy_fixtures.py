"""Models saved by keras-gans 0.1.0 load and resume with today's code.

``tests/fixtures/legacy/`` was written by ``tests/fixtures/make_legacy_fixtures.py``
with keras-gans 0.1.0 (commit 36a6729), before the trainer backbone: for each
training scheme a ``.keras`` file after one epoch, a checkpoint of that epoch,
the samples the model made then and every weight after a second epoch.
"""

import os
import shutil
import sys

import keras
import numpy as np
import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures"))
import legacy_models  # noqa: E402

from keras_gans import callbacks  # noqa: E402

LEGACY = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures", "legacy")
# The fixtures were written on one CPU; another CPU's kernels round float32 sums differently (up to ~8e-6
# seen on the resumed weights, ~3e-6 on the samples), far below what a wrongly restored weight would move.
ATOL = 5e-5


def expected(scheme):
    with np.load(os.path.join(LEGACY, f"{scheme}_expected.npz")) as arrays:
        weights = [arrays[f"weight_{i}"] for i in range(len(arrays.files) - 1)]
        return arrays["samples"], weights


@pytest.mark.parametrize("scheme", legacy_models.SCHEMES)
def test_a_legacy_keras_file_loads_to_the_same_model(scheme):
    samples, _ = expected(scheme)
    model = keras.saving.load_model(os.path.join(LEGACY, f"{scheme}.keras"))
    assert type(model).__name__.lower() == scheme
    np.testing.assert_allclose(legacy_models.probe_inputs(scheme, model), samples, atol=ATOL)


@pytest.mark.parametrize("scheme", legacy_models.SCHEMES)
def test_a_legacy_checkpoint_resumes_to_the_same_weights(scheme, tmp_path):
    _, weights = expected(scheme)
    shutil.copytree(os.path.join(LEGACY, scheme), tmp_path / scheme)
    model = legacy_models.build(scheme)
    checkpointer = callbacks.Checkpointer(tmp_path / scheme, max_to_keep=1)
    assert checkpointer.restore(model) == 1
    legacy_models.fit(model, scheme, epochs=2, initial_epoch=1)
    resumed = model.get_weights()
    assert len(resumed) == len(weights)
    for got, want in zip(resumed, weights):
        np.testing.assert_allclose(got, want, atol=ATOL)
