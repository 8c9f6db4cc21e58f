"""The players' arithmetic that decides XLA on a CPU: counts worked out by hand."""

import keras

from keras_gans import models, networks, step_cost


def test_a_dense_layer_costs_its_multiply_adds_and_its_bias():
    inputs = keras.Input((4,))
    network = keras.Model(inputs, keras.layers.Dense(3)(inputs))
    # batch 5: a [5, 4] x [4, 3] product is 5 * 3 * 4 multiplies and as many adds; the bias adds 5 * 3
    assert step_cost.forward_flops(network, 5) == 2 * 5 * 4 * 3 + 5 * 3


def test_a_convolution_costs_every_output_position_and_scales_with_the_batch():
    inputs = keras.Input((8, 8, 2))
    network = keras.Model(inputs, keras.layers.Conv2D(4, 3, padding="same", use_bias=False)(inputs))
    per_image = 2 * (8 * 8) * (3 * 3 * 2) * 4  # 64 positions x a 3x3x2 window x 4 filters, multiply and add
    assert step_cost.forward_flops(network, 1) == per_image
    assert step_cost.forward_flops(network, 3) == 3 * per_image


def test_the_players_count_once_each_and_a_moving_average_copy_is_not_a_second_generator():
    generator = networks.mlp.generator(2, (2,), hidden_units=(8,), output_activation=None)
    discriminator = networks.mlp.discriminator((2,), hidden_units=(8,))
    plain = models.GAN(generator, discriminator, 2, seed=0)
    averaged = models.GAN(networks.mlp.generator(2, (2,), hidden_units=(8,), output_activation=None),
                          networks.mlp.discriminator((2,), hidden_units=(8,)), 2, ema_decay=0.999, seed=0)
    assert sorted(p.name for p in step_cost.players(plain)) == sorted([generator.name, discriminator.name])
    assert [p.name for p in step_cost.players(averaged)] == [p.name for p in step_cost.players(plain)]
    # G: 2 -> 8 -> 2, D: 2 -> 8 -> 1, dense layers with biases, at batch 10, plus the activations' few ops
    dense = sum(2 * 10 * a * b + 10 * b for a, b in ((2, 8), (8, 2), (2, 8), (8, 1)))
    gflop = step_cost.players_forward_gflop(plain, 10)
    assert dense / 1e9 <= gflop < 1.5 * dense / 1e9


def test_a_64px_dcgan_is_far_above_the_digits_defaults():
    heavy = models.GAN(networks.dcgan.generator(100, (64, 64, 1), base_filters=32),
                       networks.dcgan.discriminator((64, 64, 1), base_filters=32), 100, seed=0)
    light = models.GAN(networks.dcgan.generator(100, (16, 16, 1), base_filters=16),
                       networks.dcgan.discriminator((16, 16, 1), base_filters=16), 100, seed=0)
    assert step_cost.players_forward_gflop(heavy, 64) > 5.0
    assert step_cost.players_forward_gflop(light, 64) < 0.1


def test_counting_a_text_encoder_prints_nothing(capfd, caplog):
    """Freezing a graph with a string table warns about the collections it skips; the count keeps it quiet."""
    encoder = networks.text_encoder.text_encoder(["a", "red", "star"], embedding_dim=8, word_dim=4, units=4,
                                                 max_length=6)
    capfd.readouterr()
    assert step_cost.forward_flops(encoder, 4) >= 0
    printed = capfd.readouterr()
    said = printed.out + printed.err + caplog.text
    assert printed.out.strip() == "" and "CollectionDef" not in said and "table_initializer" not in said


def test_a_network_is_counted_once_per_batch_size(monkeypatch):
    inputs = keras.Input((4,))
    network = keras.Model(inputs, keras.layers.Dense(3)(inputs))
    counts = []
    count = step_cost._count_forward_flops
    monkeypatch.setattr(step_cost, "_count_forward_flops", lambda *args: counts.append(args) or count(*args))
    assert step_cost.forward_flops(network, 5) == step_cost.forward_flops(network, 5) == 2 * 5 * 4 * 3 + 5 * 3
    assert step_cost.forward_flops(network, 2) == 2 * 2 * 4 * 3 + 2 * 3
    assert [batch for _, batch in counts] == [5, 2]
