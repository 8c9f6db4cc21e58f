"""A GAN step's kernels and nothing else: the floor under any step built around TensorFlow's kernels.

Shared by ``conv_ceiling.py`` (the 64x64 DCGAN step) and ``steps_vs_commit.py``
(the 2-D mode-coverage steps). :func:`kernel_specs` reads a network's dense
layers and convolutions; :class:`BareNetwork` chains fresh kernels of those
shapes with nothing between them (no bias, normalization or activation); and
:func:`bare_step` trains two such players the way ``models.GAN`` does:
``n_critic`` D updates, each on its own part of the real batch and a fresh
fake batch (one call of D on both, concatenated, with ``joint_real_and_fake``,
as ``models.GAN`` calls a D that judges each sample alone), then one G update
through D, by plain gradient descent. Every matrix product and convolution of
the players runs at its shapes and as often as in the real step; what the real
step adds (biases, normalization, activations, optimizer state, penalties such
as WGAN-GP's or spectral norm's power iteration) only adds to its time.
"""

import math
import time

import keras
import tensorflow as tf

LEARNING_RATE = 1e-9  # the update is there for its cost; the values it leaves do not matter


def kernel_layers(network):
    """``(top, layer)`` for each layer of ``network`` with a kernel, in order: ``top`` is the network's own layer
    that holds it (a block of ``keras_gans.layers`` holds one convolution, whose input and output are the
    block's). A spectral-normalization wrapper is left out; the layer it wraps is kept."""
    for top in network.layers:
        for layer in top._flatten_layers(include_self=True, recursive=True):
            if getattr(layer, "kernel", None) is None or isinstance(layer, keras.layers.SpectralNormalization):
                continue
            yield top, layer


def kernel_specs(network):
    """``[(kind, kernel shape, output shape without the batch)]`` of a network's dense layers and convolutions,
    in order; ``kind`` is ``"dense"``, ``"conv"`` or ``"conv_transpose"``."""
    return [("conv_transpose" if isinstance(layer, keras.layers.Conv2DTranspose)
             else "conv" if isinstance(layer, keras.layers.Conv2D) else "dense",
             tuple(layer.kernel.shape), tuple(top.output.shape[1:]))
            for top, layer in kernel_layers(network)]


class BareNetwork:
    """A chain of :func:`kernel_specs`' kernels (convolutions with strides 2 and "SAME" padding, as in
    ``networks.dcgan``), nothing between them but the reshapes from dense to maps and back."""

    def __init__(self, specs, data_format, seed):
        self.specs = specs
        self.data_format = data_format
        generator = tf.random.Generator.from_seed(seed)
        self.variables = [tf.Variable(0.02 * generator.normal(shape)) for _, shape, _ in specs]

    def _maps_shape(self, batch, shape):
        height, width, channels = shape
        return (batch, channels, height, width) if self.data_format == "NCHW" else (batch, height, width, channels)

    def __call__(self, x):
        strides = (1, 1, 2, 2) if self.data_format == "NCHW" else (1, 2, 2, 1)
        for (kind, shape, out_shape), kernel in zip(self.specs, self.variables):
            if kind == "dense":  # rows of the kernel's width: flattened maps, or packs of samples (PacGAN)
                x = tf.matmul(tf.reshape(x, (-1, shape[0])), kernel)
                continue
            if x.shape.rank == 2:  # G's projection, read as its first maps
                channels = shape[2] if kind == "conv" else shape[3]
                side = math.isqrt(x.shape[1] // channels)
                x = tf.reshape(x, self._maps_shape(-1, (side, side, channels)))
            if kind == "conv":
                x = tf.nn.conv2d(x, kernel, strides, "SAME", data_format=self.data_format)
            else:
                x = tf.nn.conv2d_transpose(x, kernel, self._maps_shape(tf.shape(x)[0], out_shape), strides, "SAME",
                                           data_format=self.data_format)
        return x


def bare_step(generator_specs, discriminator_specs, latent_dim, *, data_format="NHWC", jit_compile=False,
              n_critic=1, steps_per_call=1, joint_real_and_fake=False, learning_rate=LEARNING_RATE):
    """``(step, (bare G, bare D))``: a compiled ``step(real)`` that makes ``steps_per_call`` GAN steps on
    ``real``, each ``n_critic`` D updates (on the ``n_critic`` equal parts of ``real`` in turn, each with a
    fresh fake batch of its size; D called on the two apart, or on both at once with ``joint_real_and_fake``)
    and one G update through D on as many samples."""
    generator = BareNetwork(generator_specs, data_format, seed=1)
    discriminator = BareNetwork(discriminator_specs, data_format, seed=2)

    def descend(tape, loss, variables):
        for variable, gradient in zip(variables, tape.gradient(loss, variables)):
            variable.assign_sub(learning_rate * gradient)

    def one_step(parts):
        rows = tf.shape(parts[0])[0]
        for part in parts:
            fake = generator(tf.random.normal((rows, latent_dim)))
            with tf.GradientTape() as tape:
                if joint_real_and_fake:
                    scores = discriminator(tf.concat([fake, part], 0))
                    loss = tf.reduce_mean(scores[:rows]) - tf.reduce_mean(scores[rows:])
                else:
                    loss = tf.reduce_mean(discriminator(fake)) - tf.reduce_mean(discriminator(part))
            descend(tape, loss, discriminator.variables)
        with tf.GradientTape() as tape:
            loss = -tf.reduce_mean(discriminator(generator(tf.random.normal((rows, latent_dim)))))
        descend(tape, loss, generator.variables)
        return loss

    @tf.function(jit_compile=jit_compile)
    def step(real):
        parts = tf.split(real, n_critic) if n_critic > 1 else [real]
        loss = one_step(parts)
        for _ in tf.range(steps_per_call - 1):
            loss = one_step(parts)
        return loss

    return step, (generator, discriminator)


class BareRunner:
    """Times ``calls`` calls of a bare step on one batch held in memory (after three warm-up calls)."""

    def __init__(self, step, real):
        self.step = step
        self.real = tf.constant(real)
        self.run(3)

    def run(self, calls):
        """Seconds per call."""
        start = time.perf_counter()
        for _ in range(calls):
            loss = self.step(self.real)
        float(loss)
        return (time.perf_counter() - start) / calls
