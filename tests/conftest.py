"""Shared pytest set-up: TensorFlow backend, quiet logs, two logical CPUs, deterministic seeds."""

import atexit
import os
import shutil
import tempfile

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
# The judges the apps train are kept in $KERAS_HOME: the tests keep theirs in a folder of their own.
os.environ["KERAS_HOME"] = tempfile.mkdtemp(prefix="keras_gans_tests_keras_home_")
atexit.register(shutil.rmtree, os.environ["KERAS_HOME"], ignore_errors=True)
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import pytest  # noqa: E402

from keras_gans import distribute  # noqa: E402

# Every test process splits its CPU in two before TensorFlow initializes its devices, so the
# MirroredStrategy tests run two replicas in the process instead of starting a new interpreter.
# Ops without a strategy still run on /cpu:0, as in a one-device process.
TWO_CPUS = distribute.split_cpu(2)


@pytest.fixture
def mirrored():
    """The process's MirroredStrategy with one replica on each of the two logical CPUs."""
    return distribute.get_strategy("mirrored", devices=TWO_CPUS)


@pytest.fixture(autouse=True)
def _seed_everything():
    """Every test starts from the same global seeds and a fresh Keras session."""
    keras.utils.set_random_seed(1234)
    yield
    keras.backend.clear_session(free_memory=False)
