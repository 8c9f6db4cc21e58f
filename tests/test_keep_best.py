"""A run keeps the generator of its best epoch, measures and exports it: ``callbacks.KeepBest``."""

import dataclasses
import json
import math

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_gans import callbacks, config, experiment, experiments
from keras_gans.experiments import conditional


class Holder:
    """What KeepBest uses of a model: its sampling generator."""

    def __init__(self):
        self.sampling_generator = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])

    def mark(self, value):
        """Sets every weight to ``value``, so the weights show which epoch they come from."""
        self.sampling_generator.set_weights([np.full_like(w, value) for w in self.sampling_generator.get_weights()])

    def marked(self):
        return float(self.sampling_generator.get_weights()[0].flat[0])


def train(keep, holder, scores, first_epoch=0):
    """Epochs of scripted scores (None: the measure not taken that epoch); the weights mark the epoch (1-based)."""
    for epoch, score in enumerate(scores, start=first_epoch):
        holder.mark(epoch + 1)
        keep.on_epoch_end(epoch, {} if score is None else {"score": score})


def test_the_best_epoch_is_kept_restored_and_remembered_by_a_resumed_run(tmp_path):
    holder = Holder()
    keep = callbacks.KeepBest(tmp_path, "score", mode="max")
    keep.set_model(holder)
    train(keep, holder, [0.2, 0.5, 0.4, math.nan, None])  # NaN and a missing value are never the best
    assert keep.best == {"epoch": 2, "monitor": "score", "value": 0.5, "weights": "generator_epoch2.weights.h5"}
    assert json.loads((tmp_path / "best" / "best.json").read_text()) == keep.best
    assert holder.marked() == 5
    assert keep.restore(holder) == keep.best and holder.marked() == 2
    # A resumed run reads the record: 0.45 is not better than epoch 2's 0.5, 0.6 is.
    resumed = callbacks.KeepBest(tmp_path, "score", mode="max")
    resumed.set_model(holder)
    train(resumed, holder, [0.45], first_epoch=5)
    assert resumed.best["epoch"] == 2
    train(resumed, holder, [0.6], first_epoch=6)
    holder.mark(0)
    assert resumed.restore(holder)["epoch"] == 7 and holder.marked() == 7
    # Another measure's record is not this one's.
    assert callbacks.KeepBest(tmp_path, "fid", mode="min").best is None


def test_lower_is_better_in_min_mode_and_nothing_kept_leaves_the_generator(tmp_path):
    holder = Holder()
    keep = callbacks.KeepBest(tmp_path / "fid", "fid", mode="min")
    keep.set_model(holder)
    holder.mark(-1)
    assert keep.restore(holder) is None and holder.marked() == -1  # nothing kept yet: left as it is
    scored = []
    for epoch, fid in enumerate([30.0, 12.0, 20.0]):
        holder.mark(epoch + 1)
        keep.on_epoch_end(epoch, {"fid": fid})
        scored.append(keep.best["epoch"])
    assert scored == [1, 2, 2]
    assert sorted(p.name for p in (tmp_path / "fid" / "best").iterdir()) == [
        "best.json", "generator_epoch2.weights.h5"]  # the record names its weights; the replaced ones go
    with pytest.raises(ValueError, match="mode='best'"):
        callbacks.KeepBest(tmp_path, "fid", mode="best")
    with pytest.raises(ValueError, match="monitor=''"):
        callbacks.KeepBest(tmp_path, "")


def test_a_diverged_epoch_is_never_kept_and_a_record_ahead_of_the_resumed_epoch_is_dropped(tmp_path):
    holder = Holder()
    keep = callbacks.KeepBest(tmp_path, "score")
    keep.set_model(holder)
    keep.resume_from(0)
    holder.mark(1)
    keep.on_epoch_end(0, {"score": 0.9, "d_loss": math.nan})  # the measure is finite, the training was not
    assert keep.best is None
    train(keep, holder, [0.3, 0.2, 0.8], first_epoch=1)
    assert keep.best["epoch"] == 4
    # Resumed from a later epoch than the record's, the record stays.
    later = callbacks.KeepBest(tmp_path, "score")
    later.resume_from(5)
    assert later.best["epoch"] == 4
    # The run resumes from the checkpoint of epoch 2 (the later ones lost): epoch 4's record is dropped and deleted.
    resumed = callbacks.KeepBest(tmp_path, "score")
    resumed.set_model(holder)
    resumed.resume_from(2)
    assert resumed.best is None and not list((tmp_path / "best").iterdir())
    assert callbacks.KeepBest(tmp_path, "score").best is None  # gone for the next process too
    train(resumed, holder, [0.1], first_epoch=2)
    holder.mark(0)
    assert resumed.restore(holder)["epoch"] == 3 and holder.marked() == 3
    assert sorted(p.name for p in (tmp_path / "best").iterdir()) == ["best.json", "generator_epoch3.weights.h5"]


def test_a_record_without_its_weights_file_is_not_read(tmp_path):
    holder = Holder()
    keep = callbacks.KeepBest(tmp_path, "score")
    keep.set_model(holder)
    train(keep, holder, [0.5])
    record = json.loads((tmp_path / "best" / "best.json").read_text())
    del record["weights"]  # a record naming no file
    (tmp_path / "best" / "best.json").write_text(json.dumps(record))
    assert callbacks.KeepBest(tmp_path, "score").best is None
    (tmp_path / "best" / "generator_epoch1.weights.h5").unlink()
    record["weights"] = "generator_epoch1.weights.h5"  # a record whose file is gone
    (tmp_path / "best" / "best.json").write_text(json.dumps(record))
    assert callbacks.KeepBest(tmp_path, "score").best is None


class Scripted(keras.callbacks.Callback):
    """Logs a scripted ``score`` after each epoch and notes the sampling generator's weights then."""

    def __init__(self, scores):
        super().__init__()
        self.scores, self.weights = scores, []

    def on_epoch_end(self, epoch, logs=None):
        logs["score"] = self.scores[epoch]
        self.weights.append([w.copy() for w in self.model.sampling_generator.get_weights()])


def test_a_run_measures_and_exports_the_generator_of_its_best_epoch(tmp_path):
    scripted, measured = Scripted([0.1, 0.9, 0.3]), []
    registered = experiments.get("gan")

    class Kept(type(registered)):
        def callbacks(self, ctx, model):
            return [scripted, callbacks.KeepBest(ctx.model_dir, "score")]

        def evaluate(self, ctx, model):
            measured.extend(w.copy() for w in model.sampling_generator.get_weights())

    run = config.RunConfig(dataset="ring8", batch_size=32, epochs=3, steps_per_epoch=5,
                           model_dir=str(tmp_path / "run"), export_dir=str(tmp_path / "export"))
    # An old run's record in the folder (a better value, at epoch 5): a fresh run drops it.
    (tmp_path / "run" / "best").mkdir(parents=True)
    (tmp_path / "run" / "best" / "old.weights.h5").write_bytes(b"")
    (tmp_path / "run" / "best" / "best.json").write_text(json.dumps(
        {"epoch": 5, "monitor": "score", "value": 9.0, "weights": "old.weights.h5"}))
    model_config = registered.Config(hidden_units=(8, 8))
    results = experiment.run(model_config, run, experiment=Kept())
    assert results["kept"] == {"epoch": 2, "monitor": "score", "value": 0.9, "weights": "generator_epoch2.weights.h5"}
    for at_evaluation, second, last in zip(measured, scripted.weights[1], scripted.weights[2]):
        np.testing.assert_array_equal(at_evaluation, second)
    assert any(not np.array_equal(a, b) for a, b in zip(scripted.weights[1], scripted.weights[2]))
    # The export serves the kept weights: its images are those of the network with epoch 2's weights.
    network = experiment.rebuild(registered, model_config, run).sampling_generator
    network.set_weights(scripted.weights[1])
    z = np.random.default_rng(0).standard_normal((4, model_config.latent_dim)).astype(np.float32)
    served = tf.saved_model.load(str(tmp_path / "export" / "1")).signatures["serving_default"]
    np.testing.assert_allclose(next(iter(served(z=tf.constant(z)).values())).numpy(), network(z).numpy(), atol=1e-5)


class LabelPainter:
    """A conditional 'generator' that paints each image with the value of a class (``swap`` maps the class asked
    for to the one drawn) once it is prepared, and 0 before; its sampling generator holds batch-norm statistics."""

    latent_dim, latent_distribution, num_classes = 2, "normal", 3

    def __init__(self, swap=(0, 1, 2)):
        self.swap, self.prepared = np.array(swap), 0
        self.sampling_generator = keras.Sequential([keras.Input((2,)), keras.layers.BatchNormalization()])

    def prepare(self):
        self.prepared += 1
        self.sampling_generator.layers[0].moving_mean.assign(np.ones(2, np.float32))

    def generate(self, z, labels):
        drawn = self.swap[np.asarray(labels)].astype(np.float32) * (self.prepared > 0)
        return np.broadcast_to(drawn[:, None, None, None], (len(labels), 4, 4, 1)).copy()


def painted_class_judge():
    """Reads an image painted with value v as class v (logits peak where the class equals the mean pixel)."""
    images = keras.Input((4, 4, 1))
    mean = keras.layers.GlobalAveragePooling2D()(images)
    logits = keras.layers.Lambda(lambda m: -keras.ops.square(m - keras.ops.arange(3, dtype="float32")))(mean)
    return keras.Model(images, logits)


def test_class_agreement_logs_the_share_read_as_asked_and_prepares_the_model_first(tmp_path):
    made = []
    reading = callbacks.ClassAgreement(tmp_path, lambda: made.append(1) or painted_class_judge(), seed=1,
                                       num_samples=30, prepare=LabelPainter.prepare)
    reading.set_params({"epochs": 3})
    logged = []
    for epoch, swap in enumerate([(0, 1, 2), (0, 2, 1), (1, 2, 0)]):  # every class right; one; none
        model = LabelPainter(swap)
        reading.set_model(model)
        logs = {}
        reading.on_epoch_end(epoch, logs)
        logged.append(logs["class_agreement"])
        assert model.prepared == 1  # prepared before it was read (unprepared, every image reads as class 0)
        # What the preparation changed of the sampling generator's statistics is put back after the reading.
        np.testing.assert_array_equal(model.sampling_generator.layers[0].moving_mean.numpy(), np.zeros(2))
    assert logged == [1.0, pytest.approx(1 / 3), 0.0] and reading.values == {1: 1.0, 2: logged[1], 3: 0.0}
    assert made == [1]  # the judge is made once
    diverged = LabelPainter()
    diverged.prepared = 1
    diverged.generate = lambda z, labels: np.full((len(labels), 4, 4, 1), np.nan, np.float32)
    assert math.isnan(reading.evaluate(diverged))
    with pytest.raises(ValueError, match="`judge` must be callable"):
        callbacks.ClassAgreement(tmp_path, "the judge")
    with pytest.raises(ValueError, match="`prepare` must be callable"):
        callbacks.ClassAgreement(tmp_path, painted_class_judge, prepare=1)


@pytest.mark.parametrize("name", ["cgan", "acgan", "biggan"])
def test_keep_best_reads_the_class_agreement_after_each_epoch_and_keeps_the_best(name, monkeypatch, tmp_path):
    exp = experiments.get(name)
    spec = experiment.DataSpec(name="digits", sample_shape=(16, 16, 1), num_classes=10, toy_modes=None)
    run = config.RunConfig(dataset="digits", image_size=16, seed=4)
    ctx = experiment.Context(config=exp.Config(), run=run, spec=spec, model_dir=str(tmp_path), steps_per_epoch=1)
    assert exp.callbacks(ctx, None) == []  # off by default
    monkeypatch.setattr(conditional, "class_judge", lambda ctx: ("the class judge of", ctx))
    kept = dataclasses.replace(ctx, config=exp.Config(keep_best=True))
    reading, keeper = exp.callbacks(kept, None)
    assert isinstance(reading, callbacks.ClassAgreement) and isinstance(keeper, callbacks.KeepBest)
    assert reading.seed == 5 and reading.judge() == ("the class judge of", kept)  # z not the final figure's
    assert keeper.monitor == "class_agreement" and keeper.mode == "max"
    # BigGAN reads its moving average after the standing statistics, as its final figure does.
    standing = []
    holder = type("Holder", (), {"standing_statistics": lambda self, **options: standing.append(options)})()
    if reading.prepare is not None:
        reading.prepare(holder)
    assert standing == ([{"num_batches": 16, "batch_size": 64, "seed": 4}] if name == "biggan" else [])
