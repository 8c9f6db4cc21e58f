"""Pre-training the text encoder with the symmetric structured joint embedding (Reed et al., CVPR 2016).

What the paper promises of DS-SJE: after training, an image scores the
captions of its class above the others and a caption the images of its
class, here on held-out images and captions of a small captioned folder.
"""

import dataclasses
import json
import os

import keras
import numpy as np
import pytest
import tensorflow as tf
from absl import flags
from PIL import Image

from keras_gans import cli, config, data, experiments, interrupts, networks, text_pretraining
from test_interrupts import InterruptAt

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

COLORS = {"red": (255, 0, 0), "green": (0, 255, 0), "blue": (0, 0, 255), "yellow": (255, 255, 0)}
SETTINGS = dict(embedding_dim=8, word_dim=4, encoder_units=8, max_words=4, pretrain_batch_size=16,
                pretrain_learning_rate=1e-2, image_encoder_filters=4)


@pytest.fixture(scope="module")
def colors_folder(tmp_path_factory):
    """Noisy squares of four colours, one class folder each, captioned with their colour; a quarter held out."""
    root = tmp_path_factory.mktemp("colors")
    rng = np.random.default_rng(0)
    lines = []
    for name, rgb in COLORS.items():
        (root / name).mkdir()
        for i in range(16):
            pixels = np.clip(np.array(rgb) * 0.8 + rng.uniform(0, 50, (8, 8, 3)), 0, 255).astype(np.uint8)
            Image.fromarray(pixels).save(root / name / f"{i}.png")
            lines.append({"image": f"{name}/{i}.png", "captions": [f"a {name} square", f"{name}", f"it is {name}"],
                          "split": "test" if i >= 12 else "train"})
    (root / "captions.jsonl").write_text("\n".join(json.dumps(line) for line in lines))
    return root


def test_pretraining_aligns_held_out_captions_with_their_images(colors_folder):
    settings = text_pretraining.TextEncoderSettings(pretrain_steps=30, **SETTINGS)
    encoder, report = text_pretraining.pretrain(settings, f"captions:{colors_folder}", image_size=8, seed=0,
                                                evaluation_split="test")
    # Four classes in a batch of 16: a random embedding retrieves the right class about 1 time in 4.
    assert report["test"]["image_to_text"] >= 0.75 and report["test"]["text_to_image"] >= 0.75, report
    assert report["vocabulary_size"] == 8 and not encoder.trainable
    assert sorted(networks.text_encoder.vocabulary_of(encoder)) == sorted(["a", "square", "it", "is", *COLORS])


def test_joint_embedding_round_trips_and_checks_its_encoders():
    vocabulary = ["a", "red", "square"]
    text = networks.text_encoder.text_encoder(vocabulary, embedding_dim=4, word_dim=2, units=3)
    image = networks.text_encoder.image_encoder((8, 8, 3), 4, base_filters=2)
    trainer = text_pretraining.JointEmbedding(text, image, margin=0.5)
    copy = keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(trainer))
    assert copy.margin == 0.5 and networks.text_encoder.vocabulary_of(copy.text_encoder) == vocabulary
    with pytest.raises(ValueError, match="outputs 4 dimensions but `image_encoder` outputs 5"):
        text_pretraining.JointEmbedding(text, networks.text_encoder.image_encoder((8, 8, 3), 5, base_filters=2))
    with pytest.raises(config.ConfigError, match="dataset"):
        text_pretraining.PretrainingRun(dataset="digits")


def test_an_image_side_on_fixed_features_trains_only_its_linear_map(colors_folder):
    keras.utils.set_random_seed(0)
    images = keras.Input((8, 8, 3))
    fixed = keras.Model(images, keras.layers.Dense(5)(keras.layers.Flatten()(images)))
    before = [w.numpy().copy() for w in fixed.weights]
    image = networks.text_encoder.frozen_features_encoder(fixed, 4)
    assert [w.name for w in image.trainable_weights] == ["kernel", "bias"]  # the linear map's only
    trainer = text_pretraining.JointEmbedding(
        networks.text_encoder.text_encoder(["a", "red", "blue"], embedding_dim=4, word_dim=2, units=3), image)
    trainer.compile(optimizer=keras.optimizers.RMSprop(1e-2))
    pixels = np.random.default_rng(0).uniform(-1, 1, (4, 8, 8, 3)).astype("float32")
    linear = image.get_layer("image_embedding").kernel.numpy().copy()
    trainer.fit(tf.data.Dataset.from_tensors((pixels, tf.constant(["a red", "a blue", "red", "blue"]))), verbose=0)
    assert all(np.array_equal(a, b.numpy()) for a, b in zip(before, fixed.weights))
    assert not np.array_equal(linear, image.get_layer("image_embedding").kernel.numpy())
    settings = text_pretraining.TextEncoderSettings(pretrain_steps=1, image_encoder="shapes_judge", **SETTINGS)
    with pytest.raises(config.ConfigError, match="image_encoder.*reads shapes/captions only"):
        text_pretraining.pretrain(settings, f"captions:{colors_folder}", image_size=8)


def pretraining_flagfile(name):
    """The ``PretrainingRun`` of ``apps/configs/<name>.cfg``, parsed as the app parses its flags."""
    flag_values = flags.FlagValues()
    cli.define_flags(text_pretraining.PretrainingRun, flag_values)
    flag_values(["pretrain_text_encoder", f"--flagfile={os.path.join(ROOT, 'apps', 'configs', name + '.cfg')}"])
    return cli.config_from_flags(text_pretraining.PretrainingRun, flag_values)  # ConfigError on a bad value


@pytest.mark.parametrize("suite", ["shapes", "cub"])
def test_a_pretraining_flagfile_trains_the_encoder_its_text_to_image_flagfile_uses(suite):
    run = pretraining_flagfile(f"pretrain_text_encoder_{suite}")
    gan_config, gan_run = cli.configs_from_flagfile(
        experiments.get("text2image"), os.path.join(ROOT, "apps", "configs", f"text2image_{suite}.cfg"))
    encoder_fields = [field.name for field in dataclasses.fields(text_pretraining.TextEncoderSettings)]
    assert {name: getattr(run, name) for name in encoder_fields} == \
        {name: getattr(gan_config, name) for name in encoder_fields}
    assert (run.dataset, run.image_size) == (gan_run.dataset, gan_run.image_size)


def small_trainer(folder):
    """A compiled joint embedding of SETTINGS' sizes and the seed-0 stream of the folder's training pairs."""
    keras.utils.set_random_seed(0)
    stream = data.load(f"captions:{folder}", split="train", repeat=True, batch_size=16, seed=0, image_size=8)
    trainer = text_pretraining.JointEmbedding(
        networks.text_encoder.text_encoder(["a", "square", "it", "is", *COLORS], embedding_dim=8, word_dim=4, units=8),
        networks.text_encoder.image_encoder((8, 8, 3), 8, base_filters=4))
    trainer.compile(optimizer=keras.optimizers.RMSprop(1e-2))
    return trainer, stream


def places(root, **options):
    """Checkpoints of a pre-training in ``root/<name>``, placed by an ``--output`` of that name."""
    return lambda name: text_pretraining.Checkpoints(str(root / name), "output", f"{name}.keras", **options)


def test_a_pretraining_stopped_by_ctrl_c_resumes_to_the_weights_of_an_unbroken_one(colors_folder, tmp_path,
                                                                                   monkeypatch, capsys):
    monkeypatch.setattr(text_pretraining, "EPOCH_STEPS", 10)  # 25 steps: epochs of 10, 10 and 5
    place = places(tmp_path)
    unbroken, stream = small_trainer(colors_folder)
    text_pretraining.fit_in_epochs(unbroken, stream, 25, place("a"))

    cut, stream = small_trainer(colors_folder)
    # The SIGINT arrives after a call into TensorFlow; the checkpointer acts at the end of the next step.
    with pytest.raises(interrupts.TrainingInterrupted, match=r"step 4 of epoch 2 \(10 steps\)"):
        text_pretraining.fit_in_epochs(cut, stream, 25, place("b"), fit_callbacks=[InterruptAt(1, 2)])
    # 14 steps trained: other totals cut the epochs elsewhere (20: 10 + 10 would fit; 12: 10 + 2 would not).
    with pytest.raises(config.ConfigError, match="`pretrain_steps`=12 do not fit .* which trained 14 steps"):
        text_pretraining.fit_in_epochs(*small_trainer(colors_folder), 12, place("b"))
    with pytest.raises(config.ConfigError, match="`output`='b.keras' holds a pre-training of 14 steps .*--noresume"):
        text_pretraining.fit_in_epochs(*small_trainer(colors_folder), 25, places(tmp_path, resume=False)("b"))

    capsys.readouterr()
    resumed, stream = small_trainer(colors_folder)  # as a new process would
    text_pretraining.fit_in_epochs(resumed, stream, 25, place("b"))
    assert "Epoch 2: resuming at step 5 of 10" in capsys.readouterr().out
    assert int(resumed.optimizer.iterations) == 25
    for a, b in zip(unbroken.get_weights(), resumed.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert text_pretraining.fit_in_epochs(resumed, stream, 25, place("b")) is None  # nothing left to train
    other = text_pretraining.JointEmbedding(resumed.text_encoder,
                                            networks.text_encoder.image_encoder((8, 8, 3), 8, base_filters=2))
    other.compile(optimizer=keras.optimizers.RMSprop(1e-2))
    with pytest.raises(config.ConfigError, match="`output`='b.keras' holds a pre-training of other networks"):
        text_pretraining.fit_in_epochs(other, stream, 25, place("b"))


def test_a_ctrl_c_on_the_last_pretraining_step_stops_once_it_is_saved(colors_folder, tmp_path, monkeypatch):
    monkeypatch.setattr(text_pretraining, "EPOCH_STEPS", 10)
    place = places(tmp_path)
    trainer, stream = small_trainer(colors_folder)
    with pytest.raises(interrupts.TrainingInterrupted, match="at the end of epoch 2"):  # the signal after step 19
        text_pretraining.fit_in_epochs(trainer, stream, 20, place("c"), fit_callbacks=[InterruptAt(1, 8)])
    assert text_pretraining.fit_in_epochs(*small_trainer(colors_folder), 20, place("c")) is None  # all saved


def test_the_app_run_writes_the_encoder_and_removes_its_pretraining_checkpoints(colors_folder, tmp_path):
    output = tmp_path / "encoder.keras"
    run = text_pretraining.PretrainingRun(dataset=f"captions:{colors_folder}", image_size=8, pretrain_steps=12,
                                          output=str(output), **SETTINGS)
    report = text_pretraining.run(run)
    assert report["steps"] == 12 and output.is_file() and (tmp_path / "encoder.json").is_file()
    assert text_pretraining.checkpoint_dir_for(str(output)) == str(tmp_path / "encoder_pretraining")
    assert not (tmp_path / "encoder_pretraining").exists()
