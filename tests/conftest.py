"""Shared pytest set-up: TensorFlow backend, quiet logs, two logical CPUs, deterministic seeds."""

import atexit
import importlib
import os
import shutil
import sys
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


@pytest.fixture(scope="session")
def import_benchmark():
    """``import_benchmark(name)``: a script of ``benchmarks/`` imported as its neighbours import it, as a
    top-level module (the scripts import ``_common``, ``throughput`` and the like by their bare names)."""
    folder = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "benchmarks")

    def load(name):
        sys.path.insert(0, folder)
        try:
            return importlib.import_module(name)
        finally:
            sys.path.remove(folder)

    return load


@pytest.fixture(autouse=True)
def _seed_everything():
    """Every test starts from the same global seeds and a fresh Keras session."""
    keras.utils.set_random_seed(1234)
    yield
    keras.backend.clear_session(free_memory=False)
