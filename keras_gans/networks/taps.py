"""Views of a built network: every layer inside it, or the network with an extra output sharing its weights."""

import keras


def sublayers(network):
    """Every layer inside ``network``, nested models and the layers of custom blocks included."""
    return network._flatten_layers(include_self=False, recursive=True)


def discriminator_with_features(discriminator, feature_layer):
    """``x -> [features, logits]``: the discriminator's own layers and weights, with a second output.

    What feature matching (Salimans et al. 2016, section 3.1) compares: the
    output of the layer named ``feature_layer``.

    Raises:
        ValueError: naming ``feature_layer`` when the discriminator has no such layer.
    """
    try:
        features = discriminator.get_layer(feature_layer).output
    except ValueError as error:
        raise ValueError(f"`feature_layer`={feature_layer!r} is not a layer of the "
                         f"discriminator {discriminator.name!r}.") from error
    return keras.Model(discriminator.inputs, [features, discriminator.outputs[0]])
