"""``tf.distribute`` strategies from a name, CPU splitting and TF_CONFIG facts."""

import json

import pytest
import tensorflow as tf

from keras_gans import distribute

TWO_WORKERS = {"cluster": {"worker": ["host1:12345", "host2:12345"]},
               "task": {"type": "worker", "index": 1}}


@pytest.fixture(autouse=True)
def _no_tf_config(monkeypatch):
    monkeypatch.delenv("TF_CONFIG", raising=False)


def set_tf_config(monkeypatch, config):
    monkeypatch.setenv("TF_CONFIG", config if isinstance(config, str) else json.dumps(config))


def test_default_is_the_one_replica_default_strategy():
    strategy = distribute.get_strategy("default")
    assert strategy is tf.distribute.get_strategy()
    assert strategy.num_replicas_in_sync == 1
    assert not isinstance(strategy, tf.distribute.MirroredStrategy)


def test_auto_on_one_device_is_the_default_strategy():
    assert not tf.config.list_logical_devices("GPU")  # this machine: CPU only
    assert distribute.get_strategy("auto") is tf.distribute.get_strategy()
    assert distribute.get_strategy("auto", devices=["/cpu:0"]) is tf.distribute.get_strategy()


def test_unknown_name_is_rejected_naming_it():
    with pytest.raises(ValueError, match="name='horovod'"):
        distribute.get_strategy("horovod")


@pytest.mark.parametrize("devices, match", [
    ("/cpu:0", "devices='/cpu:0'"),  # a string, not a list
    ([], r"devices=\[\]"),
    (["/cpu:7"], "'/cpu:7', which is not a visible device"),
    (["/cpu:0", "/CPU:0"], "twice"),
])
def test_devices_are_checked(devices, match):
    with pytest.raises(ValueError, match=match):
        distribute.get_strategy("mirrored", devices=devices)


def test_multi_worker_without_tf_config_explains_it():
    with pytest.raises(ValueError, match="TF_CONFIG"):
        distribute.get_strategy("multi_worker")


@pytest.mark.parametrize("raw, match", [
    ("{not json", "not valid JSON"),
    ("[1, 2]", "non-empty 'cluster'"),
    ('{"cluster": {}, "task": {"type": "worker", "index": 0}}', "non-empty 'cluster'"),
    ('{"cluster": {"worker": ["h:1"]}}', "non-empty 'cluster' and a 'task'"),
    ('{"cluster": {"boss": ["h:1"]}, "task": {"type": "boss", "index": 0}}', "job 'boss'"),
    ('{"cluster": {"worker": ["h:1"]}, "task": {"type": "worker", "index": "0"}}', "int 'index'"),
    ('{"cluster": {"worker": ["h:1"]}, "task": {"type": "worker", "index": 1}}', "worker:1 is not in"),
])
def test_malformed_tf_config_is_rejected(monkeypatch, raw, match):
    set_tf_config(monkeypatch, raw)
    with pytest.raises(ValueError, match=match) as info:
        distribute.get_strategy("multi_worker")
    assert "TF_CONFIG" in str(info.value)


def test_without_tf_config_this_process_is_the_chief():
    assert distribute.read_tf_config() is None
    assert distribute.is_chief() is True
    assert distribute.task_id() == "chief_0"


@pytest.mark.parametrize("cluster, task, chief, task_id", [
    ({"worker": ["a:1", "b:1"]}, ("worker", 0), True, "worker_0"),  # no chief job: worker 0
    ({"worker": ["a:1", "b:1"]}, ("worker", 1), False, "worker_1"),
    ({"chief": ["c:1"], "worker": ["a:1"]}, ("chief", 0), True, "chief_0"),
    ({"chief": ["c:1"], "worker": ["a:1"]}, ("worker", 0), False, "worker_0"),
    ({"worker": ["a:1"]}, ("evaluator", 0), False, "evaluator_0"),
])
def test_is_chief_and_task_id_follow_tf_config(monkeypatch, cluster, task, chief, task_id):
    set_tf_config(monkeypatch, {"cluster": cluster, "task": {"type": task[0], "index": task[1]}})
    assert distribute.is_chief() is chief
    assert distribute.task_id() == task_id
    assert distribute.read_tf_config()["cluster"] == cluster


def test_read_tf_config_returns_the_parsed_config(monkeypatch):
    set_tf_config(monkeypatch, TWO_WORKERS)
    assert distribute.read_tf_config(required=True) == TWO_WORKERS


@pytest.mark.parametrize("count", [0, -1, 1.0, True, "2"])
def test_split_cpu_validates_the_count(count):
    with pytest.raises(ValueError, match=f"num_devices={count!r}"):
        distribute.split_cpu(count)


def test_mirrored_over_the_two_logical_cpus_of_this_process():
    """tests/conftest.py split this process's CPU with ``split_cpu(2)`` before TensorFlow started."""
    names = distribute.split_cpu(2)  # the same count after initialization: a no-op
    assert names == ["/cpu:0", "/cpu:1"], names
    assert distribute.get_strategy("mirrored", devices=names).num_replicas_in_sync == 2
    auto = distribute.get_strategy("auto", devices=names)
    assert isinstance(auto, tf.distribute.MirroredStrategy) and auto.num_replicas_in_sync == 2
    with pytest.raises(RuntimeError) as error:
        distribute.split_cpu(3)
    message = str(error.value)
    assert "split_cpu(num_devices=3)" in message
    assert "after TensorFlow initialized its devices (2 logical CPU device(s) exist)" in message
    assert "fresh process" in message
