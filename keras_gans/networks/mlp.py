"""Fully connected generator and discriminator (Goodfellow et al. 2014).

"Generative Adversarial Nets", section 5: both players are multilayer
perceptrons. They serve the 2-D mode-collapse benchmarks (``ring8``, ``grid25``)
and small images, which are flattened on the way into D and reshaped on the way
out of G.
"""

import math

import keras

from keras_gans import layers

_ACTIVATIONS = ("relu", "leaky_relu", "tanh", "elu")


def _check_units(hidden_units):
    hidden_units = tuple(hidden_units)
    if not hidden_units or any(not isinstance(u, int) or u <= 0 for u in hidden_units):
        raise ValueError(f"`hidden_units` must be a non-empty sequence of positive ints; "
                         f"received hidden_units={hidden_units!r}.")
    return hidden_units


def _check_shape(name, shape):
    shape = tuple(shape)
    if not shape or any(not isinstance(d, int) or d <= 0 for d in shape):
        raise ValueError(f"`{name}` must be a tuple of positive ints; received {name}={shape!r}.")
    return shape


def _activation(name, activation):
    if activation not in _ACTIVATIONS:
        raise ValueError(f"`activation` must be one of {_ACTIVATIONS}; received activation={activation!r}.")
    if activation == "leaky_relu":
        return keras.layers.LeakyReLU(0.2, name=name)
    return keras.layers.Activation(activation, name=name)


def generator(latent_dim, output_shape, *, hidden_units=(128, 128), activation="relu",
              output_activation="tanh", batchnorm=False, dropout=0.0, name="mlp_generator"):
    """Builds an MLP generator ``z -> x``.

    Args:
        latent_dim: size of z; the input layer is named ``"z"``.
        output_shape: shape of one sample, e.g. ``(2,)`` for toy points or
            ``(8, 8, 1)`` for images.
        hidden_units: widths of the hidden layers.
        activation: hidden activation (``relu`` as in the paper).
        output_activation: ``"tanh"`` for images in [-1, 1]; ``None`` (linear)
            for unbounded data such as ``grid25`` points.
        batchnorm: batch normalization after each hidden layer.
        dropout: dropout rate after each hidden layer (the "dropout in G" hack).
        name: model name.

    Returns:
        A functional ``keras.Model``.
    """
    if not isinstance(latent_dim, int) or latent_dim <= 0:
        raise ValueError(f"`latent_dim` must be a positive int; received latent_dim={latent_dim!r}.")
    output_shape = _check_shape("output_shape", output_shape)
    hidden_units = _check_units(hidden_units)
    if not 0.0 <= dropout < 1.0:
        raise ValueError(f"`dropout` must be in [0, 1); received dropout={dropout!r}.")
    z = keras.Input((latent_dim,), name="z")
    x = z
    for i, units in enumerate(hidden_units):
        x = keras.layers.Dense(units, use_bias=not batchnorm, name=f"dense_{i}")(x)
        if batchnorm:
            x = keras.layers.BatchNormalization(name=f"bn_{i}")(x)
        x = _activation(f"act_{i}", activation)(x)
        if dropout:
            x = layers.Dropout(dropout, name=f"dropout_{i}")(x)
    x = keras.layers.Dense(math.prod(output_shape), activation=output_activation, name="output")(x)
    if len(output_shape) > 1:
        x = keras.layers.Reshape(output_shape, name="reshape")(x)  # [batch, prod] -> [batch, *shape]
    return keras.Model(z, x, name=name)


def discriminator(input_shape, *, hidden_units=(128, 128), activation="leaky_relu",
                  dropout=0.0, spectral_norm=False, minibatch_discrimination=False,
                  minibatch_kernels=16, minibatch_kernel_dim=8, name="mlp_discriminator"):
    """Builds an MLP discriminator ``x -> logit``.

    Args:
        input_shape: shape of one sample.
        hidden_units: widths of the hidden layers; the last hidden activation is
            the layer named ``"features"`` (used by feature matching).
        activation: hidden activation.
        dropout: dropout rate after each hidden layer (the paper trains D with
            dropout).
        spectral_norm: wrap every Dense in ``keras.layers.SpectralNormalization``.
        minibatch_discrimination: append :class:`~keras_gans.layers.MinibatchDiscrimination`
            features (Salimans et al. 2016, section 3.2) after the ``"features"``
            layer, so D sees how close each sample is to the rest of its batch.
        minibatch_kernels: B of minibatch discrimination.
        minibatch_kernel_dim: C of minibatch discrimination.
        name: model name.

    Returns:
        A functional ``keras.Model`` returning raw logits ``[batch, 1]``.
    """
    input_shape = _check_shape("input_shape", input_shape)
    hidden_units = _check_units(hidden_units)
    if not 0.0 <= dropout < 1.0:
        raise ValueError(f"`dropout` must be in [0, 1); received dropout={dropout!r}.")

    def dense(units, layer_name):
        layer = keras.layers.Dense(units, name=layer_name)
        return keras.layers.SpectralNormalization(layer, name=f"sn_{layer_name}") if spectral_norm else layer

    inputs = keras.Input(input_shape, name="x")
    x = keras.layers.Flatten(name="flatten")(inputs) if len(input_shape) > 1 else inputs
    for i, units in enumerate(hidden_units):
        x = dense(units, f"dense_{i}")(x)
        last = i == len(hidden_units) - 1
        x = _activation("features" if last and not dropout else f"act_{i}", activation)(x)
        if dropout:
            x = layers.Dropout(dropout, name="features" if last else f"dropout_{i}")(x)
    if minibatch_discrimination:
        x = layers.MinibatchDiscrimination(minibatch_kernels, minibatch_kernel_dim,
                                           name="minibatch_discrimination")(x)
    logits = dense(1, "logits")(x)
    return keras.Model(inputs, logits, name=name)
