"""What the layers and the network builders share: the normalization and activation factories."""

import keras

NORMALIZATIONS = ("batch", "instance", "layer", None)
ACTIVATIONS = ("relu", "leaky_relu", "tanh", None)
LEAKY_RELU_SLOPE = 0.2  # DCGAN's slope, used by every block


def normalization_layer(kind, name):
    """The normalization layer ``kind`` (one of :data:`NORMALIZATIONS`) named after ``name``, or None."""
    if kind == "batch":
        return keras.layers.BatchNormalization(name=f"{name}_batch_norm")
    if kind == "instance":  # one group per channel: instance normalization
        return keras.layers.GroupNormalization(groups=-1, name=f"{name}_instance_norm")
    if kind == "layer":
        return keras.layers.LayerNormalization(name=f"{name}_layer_norm")
    return None


def activation_layer(kind, name):
    """The activation layer ``kind`` (one of :data:`ACTIVATIONS`) named after ``name``, or None."""
    if kind == "leaky_relu":
        return keras.layers.LeakyReLU(LEAKY_RELU_SLOPE, name=f"{name}_leaky_relu")
    if kind is None:
        return None
    return keras.layers.Activation(kind, name=f"{name}_{kind}")
