"""Image-to-image networks and their layers: padding and shuffle values, shapes, paper structure, arguments."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_gans import layers
from keras_gans.networks import discogan, patchgan, resnet_translator, srresnet, unet, vgg_features


def numpy(x):
    return keras.ops.convert_to_numpy(x)


# ----------------------------------------------------------------------------
# ReflectionPadding2D and SubPixelUpsampling


def test_reflection_padding_mirrors_without_repeating_the_edge():
    row = np.array([1.0, 2.0, 3.0, 4.0], "float32").reshape(1, 1, 4, 1)
    image = np.repeat(row, 3, axis=1)  # [1, 3, 4, 1], every row 1 2 3 4
    padded = numpy(layers.ReflectionPadding2D((1, 2))(image))
    assert padded.shape == (1, 5, 8, 1)
    # [a, b, c, d] padded by 2 is [c, b, a, b, c, d, c, b].
    np.testing.assert_array_equal(padded[0, 2, :, 0], [3, 2, 1, 2, 3, 4, 3, 2])
    column = np.arange(3, dtype="float32").reshape(1, 3, 1, 1)
    np.testing.assert_array_equal(numpy(layers.ReflectionPadding2D((2, 0))(column))[0, :, 0, 0], [2, 1, 0, 1, 2, 1, 0])
    x = np.random.default_rng(0).normal(size=(2, 5, 6, 3)).astype("float32")
    expected = np.pad(x, [(0, 0), (3, 3), (3, 3), (0, 0)], mode="reflect")
    np.testing.assert_array_equal(numpy(layers.ReflectionPadding2D(3)(x)), expected)
    with pytest.raises(ValueError, match="smaller than the padded sides"):
        layers.ReflectionPadding2D(5)(x)


def test_sub_pixel_upsampling_places_channel_blocks_as_the_paper_says():
    """Output pixel (h r + i, w r + j, k) is input channel (i r + j) C + k at (h, w) (Shi et al. 2016, eq. 4)."""
    r, channels = 2, 3
    x = np.random.default_rng(1).normal(size=(2, 3, 4, r * r * channels)).astype("float32")
    out = numpy(layers.SubPixelUpsampling(r)(x))
    assert out.shape == (2, 6, 8, channels)
    for h, w, i, j, k in [(0, 0, 0, 0, 0), (1, 2, 1, 0, 2), (2, 3, 1, 1, 1), (0, 1, 0, 1, 0)]:
        assert out[1, h * r + i, w * r + j, k] == x[1, h, w, (i * r + j) * channels + k]


def test_layers_round_trip_through_config_and_keras_files(tmp_path):
    for make, shape in [(lambda: layers.ReflectionPadding2D((2, 1)), (5, 5, 2)),
                        (lambda: layers.SubPixelUpsampling(2), (3, 3, 8))]:
        layer = make()
        assert type(layer).from_config(layer.get_config()).get_config() == layer.get_config()
        inputs = keras.Input(shape)
        model = keras.Model(inputs, make()(inputs))
        path = tmp_path / f"{layer.name}.keras"
        model.save(path)
        loaded = keras.saving.load_model(path)
        assert type(loaded.layers[-1]) is type(layer)
        x = np.random.default_rng(0).normal(size=(2,) + shape).astype("float32")
        np.testing.assert_array_equal(numpy(loaded(x)), numpy(model(x)))


@pytest.mark.parametrize("size", [8, 16])
def test_every_network_maps_the_shapes_it_promises(size):
    x = np.zeros((2, size, size, 3), "float32")
    gray = np.zeros((2, size, size, 1), "float32")
    assert unet.generator((size, size, 3), output_channels=1, base_filters=4)(x).shape == (2, size, size, 1)
    conditional = patchgan.discriminator((size, size, 1), source_channels=3, base_filters=4, num_layers=2)
    assert conditional([x, gray]).shape == (2, size // 4, size // 4, 1)
    assert patchgan.discriminator((size, size, 3), base_filters=4, num_layers=1)(x).shape == (2, size // 2,
                                                                                               size // 2, 1)
    assert resnet_translator.generator((size, size, 3), base_filters=4, num_blocks=2)(x).shape == x.shape
    assert discogan.generator((size, size, 3), output_channels=1, base_filters=4)(x).shape == gray.shape
    assert discogan.discriminator((size, size, 3), base_filters=4)(x).shape == (2, 1)
    low = np.zeros((2, size // 4, size // 4, 3), "float32")
    assert srresnet.generator((size // 4, size // 4, 3), filters=4, num_blocks=1)(low).shape == x.shape
    high = np.zeros((2, 4 * size, 4 * size, 3), "float32")
    assert srresnet.discriminator((4 * size, 4 * size, 3), base_filters=4, dense_units=8)(high).shape == (2, 1)


def test_generators_end_in_tanh_and_take_images_named_images():
    builders = [lambda: unet.generator((8, 8, 1), base_filters=4),
                lambda: resnet_translator.generator((8, 8, 1), base_filters=4, num_blocks=1),
                lambda: discogan.generator((8, 8, 1), base_filters=4),
                lambda: srresnet.generator((2, 2, 1), filters=4, num_blocks=1)]
    big = np.full((2, 8, 8, 1), 50.0, "float32")
    for build in builders:
        network = build()
        assert [t.name for t in network.inputs] == ["images"]
        out = numpy(network(big if network.inputs[0].shape[1] == 8 else big[:, :2, :2]))
        assert np.all(np.abs(out) <= 1.0)


# ----------------------------------------------------------------------------
# Structure from the papers


def test_patchgan_receptive_fields_of_the_paper_and_what_a_logit_sees():
    """Isola et al. 2017, section 4.4: 16x16, 70x70 and 286x286 PatchGANs. A change outside a logit's
    receptive field leaves it unchanged; inside, it moves it."""
    for num_layers, field in [(1, 16), (2, 34), (3, 70), (4, 142), (5, 286)]:
        assert patchgan.receptive_field(num_layers) == field
    network = patchgan.discriminator((64, 64, 1), base_filters=2, num_layers=1, normalization=None)
    field = patchgan.receptive_field(1)  # 16
    x = np.random.default_rng(0).normal(size=(1, 64, 64, 1)).astype("float32")
    base = numpy(network(x))[0, 0, 0, 0]  # logit (0, 0): sees rows/cols up to the field's far edge
    far = x.copy()
    far[0, field:, field:] += 5.0
    assert numpy(network(far))[0, 0, 0, 0] == pytest.approx(base, abs=1e-6)
    near = x.copy()
    near[0, 8, 8] += 5.0
    assert abs(numpy(network(near))[0, 0, 0, 0] - base) > 1e-4


def test_networks_have_the_papers_structure():
    """U-Net: 3 dropout blocks, skips, no norm on the first and innermost layers (Isola et al. 6.1.1);
    ResNet: reflection padding and instance norm (Zhu et al. 7.2); SRResNet: one shuffle per x2 (Ledig et al. fig. 4).
    """
    network = unet.generator((32, 32, 3), base_filters=8)  # depth 5: 32 -> 1
    names = [layer.name for layer in network.layers]
    assert sum(isinstance(layer, keras.layers.Dropout) for layer in network.layers) == 3
    assert [n for n in names if n.startswith("skip_")] == ["skip_4", "skip_3", "skip_2", "skip_1"]
    assert network.get_layer("down_1").normalization is None  # no BatchNorm on the first layer
    assert network.get_layer("down_5").normalization is None  # 1x1 bottleneck left unnormalized
    assert network.get_layer("down_2").normalization == "batch"
    assert network.get_layer("down_5").output.shape[1:3] == (1, 1)
    # Each skip concatenates a decoder block with the encoder block of the same size.
    assert network.get_layer("skip_1").output.shape[-1] == 2 * 8

    network = resnet_translator.generator((16, 16, 3), base_filters=4, num_blocks=3)
    pads = [layer for layer in network.layers if isinstance(layer, layers.ReflectionPadding2D)]
    assert len(pads) == 2 + 2 * 3  # c7s1 in and out, two per residual block
    norms = [layer for layer in network.layers if isinstance(layer, keras.layers.GroupNormalization)]
    assert norms and all(layer.groups == layer.input.shape[-1] for layer in norms)  # one group per channel
    assert sum(isinstance(layer, keras.layers.Add) for layer in network.layers) == 3

    network = srresnet.generator((4, 4, 3), scale=8, filters=4, num_blocks=2)
    assert network.output_shape == (None, 32, 32, 3)
    assert sum(isinstance(layer, layers.SubPixelUpsampling) for layer in network.layers) == 3

    # With the (optional) bicubic skip and a silent last convolution, the output is bicubic upsampling.
    network = srresnet.generator((4, 4, 3), filters=4, num_blocks=1, bicubic_skip=True)
    last = network.get_layer("to_images_conv")
    last.set_weights([np.zeros_like(w) for w in last.get_weights()])
    x = np.random.default_rng(0).uniform(-1, 1, (2, 4, 4, 3)).astype("float32")
    expected = np.clip(tf.image.resize(x, [16, 16], method="bicubic").numpy(), -1, 1)
    np.testing.assert_allclose(numpy(network(x)), expected, atol=1e-6)


def test_paper_sized_networks_have_the_published_parameter_counts():
    """The authors' code reports 11.378M (ResNet-9 generator) and 2.765M (70x70 PatchGAN) parameters."""
    assert round(resnet_translator.generator((256, 256, 3)).count_params() / 1e6, 2) == 11.38
    assert round(patchgan.discriminator((256, 256, 3)).count_params() / 1e6, 2) == 2.77


def test_vgg_features_feed_vgg19_its_caffe_inputs():
    """Images in [-1, 1] reach VGG19 as keras.applications.vgg19.preprocess_input would make them."""
    extractor = vgg_features.feature_extractor((32, 32, 3), layer="block2_conv2")
    assert not extractor.trainable_weights
    x = np.random.default_rng(0).uniform(-1, 1, (2, 32, 32, 3)).astype("float32")
    trunk = extractor.get_layer("vgg19")
    expected = numpy(trunk([keras.applications.vgg19.preprocess_input((x + 1.0) * 127.5)]))
    np.testing.assert_allclose(numpy(extractor(x)), expected, rtol=1e-4, atol=1e-4)
    assert extractor.output_shape == (None, 16, 16, 128)


BAD_ARGUMENTS = [
    (lambda: layers.ReflectionPadding2D(-1), "padding=-1"),
    (lambda: layers.ReflectionPadding2D((1, 2, 3)), r"padding=\(1, 2, 3\)"),
    (lambda: layers.ReflectionPadding2D(1.5), "padding=1.5"),
    (lambda: layers.SubPixelUpsampling(1), "scale=1"),
    (lambda: layers.SubPixelUpsampling(True), "scale=True"),
    (lambda: layers.SubPixelUpsampling(2)(keras.Input((3, 3, 6))), r"input_shape=\(None, 3, 3, 6\)"),
    (lambda: unet.generator((12, 12, 1), depth=3), r"multiples of 8.*\(12, 12, 1\)"),
    (lambda: unet.generator((8, 8, 1), dropout=1.0), "dropout=1.0"),
    (lambda: unet.generator((8, 8, 1), normalization="layer"), "normalization='layer'"),
    (lambda: patchgan.discriminator((8, 8, 1), num_layers=0), "num_layers=0"),
    (lambda: patchgan.discriminator((8, 8, 1), source_channels=-1), "source_channels=-1"),
    (lambda: resnet_translator.generator((8, 8, 1), num_blocks=-2), "num_blocks=-2"),
    (lambda: resnet_translator.generator((6, 6, 1)), r"multiples of 4.*\(6, 6, 1\)"),
    (lambda: discogan.generator((12, 12, 3)), r"image_shape=\(12, 12, 3\)"),
    (lambda: srresnet.generator((4, 4, 3), scale=3), "scale=3"),
    (lambda: srresnet.generator((4, 4, 3), bicubic_skip=1), "bicubic_skip=1"),
    (lambda: srresnet.discriminator((24, 24, 3)), r"multiples of 16.*\(24, 24, 3\)"),
    (lambda: vgg_features.feature_extractor((32, 32, 2)), r"image_shape=\(32, 32, 2\)"),
    (lambda: vgg_features.feature_extractor((32, 32, 3), weights="/no/such/vgg.h5"), "weights='/no/such/vgg.h5'"),
]


def test_bad_arguments_are_named():
    for make, match in BAD_ARGUMENTS:
        with pytest.raises(ValueError, match=match):
            make()
