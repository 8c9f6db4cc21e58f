"""The digit judge (networks.classifier, evaluation.train_digit_classifier) and the class measures."""

import math
import tracemalloc

import keras
import numpy as np
import pytest

from keras_gans import data, evaluation
from keras_gans.judges import training
from keras_gans.networks import classifier


# ----------------------------------------------------------------------------- network


def test_classifier_maps_images_to_logits_and_exposes_features():
    model = classifier.digit_classifier((32, 32, 1), 7)
    images = np.zeros((3, 32, 32, 1), np.float32)
    assert tuple(model(images).shape) == (3, 7)
    assert model.get_layer("features").output.shape[-1] == classifier.FEATURES
    assert model.inputs[0].name == "images"


def test_same_seed_same_initial_weights_whatever_the_global_seed():
    keras.utils.set_random_seed(1)
    a = classifier.digit_classifier((8, 8, 1), seed=3)
    keras.utils.set_random_seed(2)
    b = classifier.digit_classifier((8, 8, 1), seed=3)
    c = classifier.digit_classifier((8, 8, 1), seed=4)
    for wa, wb in zip(a.get_weights(), b.get_weights()):
        np.testing.assert_array_equal(wa, wb)
    assert not np.array_equal(a.get_weights()[0], c.get_weights()[0])


BAD_ARGUMENTS = [
    (dict(image_shape=(8, 8)), "image_shape"),
    (dict(image_shape=(8, 8, 1), num_classes=1), "num_classes"),
    (dict(image_shape=(8, 8, 1), dropout=1.0), "dropout"),
    (dict(image_shape=(8, 8, 1), input_noise_std=-0.1), "input_noise_std"),
    (dict(image_shape=(8, 8, 1), seed=1.5), "seed"),
]


def test_bad_arguments_name_the_argument():
    for kwargs, name in BAD_ARGUMENTS:
        with pytest.raises(ValueError, match=f"`{name}`"):
            classifier.digit_classifier(**kwargs)


def test_classifier_with_noise_and_dropout_round_trips_through_keras_file(tmp_path):
    model = classifier.digit_classifier((8, 8, 1), 4, input_noise_std=0.3, dropout=0.5, seed=0)
    path = tmp_path / "classifier.keras"
    model.save(path)
    loaded = keras.saving.load_model(path)
    images = np.random.default_rng(0).uniform(-1, 1, (5, 8, 8, 1)).astype(np.float32)
    np.testing.assert_allclose(loaded(images), model(images), atol=1e-6)
    assert loaded.get_layer("input_noise").stddev == 0.3


# ----------------------------------------------------------------------------- the judge


def test_trained_judge_is_memoized_and_accurate_on_held_out_digits():
    # 16x16, what the digits apps judge (a quarter of the 32x32 default's cost): 97.5% measured.
    judge = evaluation.train_digit_classifier(image_size=16)
    assert evaluation.train_digit_classifier(image_size=16, split="train", seed=0, epochs=10) is judge
    images, labels = data.load_arrays("digits", split="test", image_size=16)
    predicted = evaluation.predict_classes(judge, images)
    assert evaluation.generated_class_accuracy(predicted, labels) >= 0.96
    assert evaluation.class_coverage(predicted, 10) == 10


def test_training_is_deterministic_for_a_seed():
    # The 360 test digits at 8x8 for one epoch: the cheapest run that still trains.
    first = evaluation.train_digit_classifier(image_size=None, split="test", epochs=1, seed=5)
    evaluation.train_digit_classifier.cache_clear()
    keras.utils.set_random_seed(99)  # the global seed must not matter
    second = evaluation.train_digit_classifier(image_size=None, split="test", epochs=1, seed=5)
    assert second is not first
    for a, b in zip(first.get_weights(), second.get_weights()):
        np.testing.assert_array_equal(a, b)


def concatenated_epochs(images, labels, seed, epochs):
    """What the judge trained on when every epoch's shifted copy was made up front: the permutations of
    every epoch, then each epoch shifted in turn, from one seeded generator, one epoch after another."""
    rng = np.random.default_rng(seed)
    orders = [rng.permutation(len(labels)) for _ in range(epochs)]
    return (np.concatenate([training.random_shifts(images[order], rng) for order in orders]),
            np.concatenate([labels[order] for order in orders]))


def test_judge_batches_are_made_as_read_with_the_seeded_shifts_of_every_epoch():
    images, labels = data.load_arrays("digits", split="test", image_size=32)  # 360 digits, shifts of +-2 px
    stream = training.shifted_epochs(images, labels, seed=4, epochs=3, batch_size=64, shifts=True)
    assert stream.cardinality() == math.ceil(3 * 360 / 64)  # batches run across the epochs' boundaries
    batches = list(stream.as_numpy_iterator())
    expected_images, expected_labels = concatenated_epochs(images, labels, seed=4, epochs=3)
    np.testing.assert_array_equal(np.concatenate([b[0] for b in batches]), expected_images)
    np.testing.assert_array_equal(np.concatenate([b[1] for b in batches]), expected_labels)
    # Each epoch moves the images afresh; another seed makes another stream.
    first, second = (expected_images[e * 360:(e + 1) * 360] for e in range(2))
    assert not np.array_equal(first, second)
    other = next(training.shifted_epochs(images, labels, seed=5, epochs=3, shifts=True).as_numpy_iterator())
    assert not np.array_equal(other[0], batches[0][0])
    # Without shifts, the permuted images themselves.
    plain = np.concatenate([b[0] for b in training.shifted_epochs(images, labels, seed=4, epochs=1)
                            .as_numpy_iterator()])
    np.testing.assert_array_equal(plain, images[np.random.default_rng(4).permutation(360)])


def test_judge_stream_never_holds_the_epochs_copies():
    images, labels = data.load_arrays("digits", split="test", image_size=32)
    epochs = 100
    tracemalloc.start()
    try:
        stream = training.shifted_epochs(images, labels, seed=0, epochs=epochs, shifts=True)
        for _ in stream.take(3):
            pass
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # Every epoch's copy would take 100 x 1.5 MB; the stream holds its orders and offsets (24 bytes per
    # example and epoch, 0.9 MB) and a few batches, besides what building the pipeline allocates.
    assert peak < epochs * images.nbytes / 10


def test_judge_trains_as_on_the_concatenated_shifted_epochs():
    images, labels = data.load_arrays("digits", split="test", image_size=16)
    trained = training.train_classifier(images, labels, num_classes=10, seed=2, epochs=2, shifts=True)
    expected = classifier.digit_classifier((16, 16, 1), 10, seed=2)
    expected.compile(optimizer=keras.optimizers.Adam(training.LEARNING_RATE),
                     loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    expected.fit(*concatenated_epochs(images, labels, seed=2, epochs=2), batch_size=64, shuffle=False, verbose=0)
    for a, b in zip(trained.get_weights(), expected.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_unlabelled_dataset_is_rejected():
    with pytest.raises(ValueError, match="ring8"):
        evaluation.train_digit_classifier(dataset="ring8", image_size=None)


def test_the_judge_reads_its_dataset_from_data_dir(tmp_path):
    # MNIST is not prepared in an empty folder; the error names the folder the judge was given.
    missing = tmp_path / "no_mnist_here"
    with pytest.raises(FileNotFoundError, match="no_mnist_here"):
        evaluation.train_digit_classifier(dataset="tfds:mnist", data_dir=str(missing), image_size=None)


def test_predict_classes_takes_the_argmax_across_batches():
    # A "classifier" whose logits for class k are -(mean pixel - k)^2: it predicts round(mean pixel).
    inputs = keras.Input((2, 2, 1))
    mean = keras.layers.Lambda(lambda x: keras.ops.mean(x, axis=(1, 2)))(inputs)  # [N, 1]
    logits = keras.layers.Lambda(lambda m: -keras.ops.square(m - keras.ops.arange(4, dtype="float32")))(mean)
    model = keras.Model(inputs, logits)
    values = np.array([0.1, 2.9, 1.2, 3.0, 2.2], np.float32)
    images = np.broadcast_to(values[:, None, None, None], (5, 2, 2, 1))
    np.testing.assert_array_equal(evaluation.predict_classes(model, images, batch_size=2), [0, 3, 1, 3, 2])
    with pytest.raises(ValueError, match="batch_size"):
        evaluation.predict_classes(model, images, batch_size=0)


# ----------------------------------------------------------------------------- measures, by hand


ACCURACY = [  # predicted, labels, share equal
    ([0, 1, 2, 3], [0, 1, 2, 3], 1.0),
    ([0, 1, 2, 3], [0, 1, 0, 0], 0.5),
    ([1, 1, 1], [0, 2, 0], 0.0),
]
HISTOGRAMS = [  # predicted, K, classes produced, KL(p || U) = sum p log(p K)
    ([0, 1, 2, 3], 4, 4, 0.0),                                   # uniform
    ([2, 2, 2, 2], 4, 1, math.log(4)),                           # collapse: log K
    ([0, 0, 1, 1], 4, 2, 2 * 0.5 * math.log(0.5 * 4)),           # p = (1/2, 1/2, 0, 0): log 2
    ([0, 0, 0, 1], 2, 2, 0.75 * math.log(1.5) + 0.25 * math.log(0.5)),
]


def test_generated_class_accuracy():
    for predicted, labels, expected in ACCURACY:
        assert evaluation.generated_class_accuracy(np.array(predicted), np.array(labels)) == expected


def test_class_coverage_and_histogram_kl():
    for predicted, k, coverage, kl in HISTOGRAMS:
        assert evaluation.class_coverage(np.array(predicted), k) == coverage
        assert evaluation.class_histogram_kl(np.array(predicted), k) == pytest.approx(kl, abs=1e-12)


def test_code_class_agreement_finds_the_best_permutation():
    # Code c is mostly class (c + 1) % 3; one sample of code 0 is class 0.
    codes = np.array([0, 0, 0, 1, 1, 2, 2, 2])
    predicted = np.array([1, 1, 0, 2, 2, 0, 0, 0])
    result = evaluation.code_class_agreement(codes, predicted, 3)
    assert result["mapping"] == [1, 2, 0]
    assert result["agreement"] == pytest.approx(7 / 8)
    # Table [[3, 2], [2, 0]]: giving code 0 its most frequent class (0) scores 3 of 7;
    # the optimum sends code 0 -> 1 and code 1 -> 0 for 4 of 7.
    codes = np.array([0, 0, 0, 0, 0, 1, 1])
    predicted = np.array([0, 0, 0, 1, 1, 0, 0])
    assert evaluation.code_class_agreement(codes, predicted, 2) == {"agreement": 4 / 7, "mapping": [1, 0]}


def test_bad_inputs_name_the_value():
    cases = [
        (lambda: evaluation.generated_class_accuracy(np.array([0, 1]), np.array([0])), "same length"),
        (lambda: evaluation.generated_class_accuracy(np.array([0.5]), np.array([0])), "predicted"),
        (lambda: evaluation.class_coverage(np.array([0, 4]), 4), "class 4"),
        (lambda: evaluation.class_histogram_kl(np.array([-1]), 3), "class -1"),
        (lambda: evaluation.class_coverage(np.array([0]), 0), "num_classes"),
        (lambda: evaluation.code_class_agreement(np.array([0, 5]), np.array([0, 1]), 3), "class 5"),
    ]
    for call, match in cases:
        with pytest.raises(ValueError, match=match):
            call()
