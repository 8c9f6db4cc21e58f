"""Class conditioning inside the networks: conditional batch norm and the projection term.

- :class:`ConditionalBatchNorm`: batch normalization whose per-channel gain and
  bias are linear functions of a conditioning vector ``c``,
  ``y = x_hat * (1 + W_gamma c) + W_beta c`` (de Vries et al. 2017; Dumoulin et
  al. 2017). In BigGAN (Brock et al. 2019, section 3 and appendix B) ``c`` is
  the shared class embedding concatenated with the block's chunk of z, the
  projections are spectrally normalized and have no bias, and the gain is
  centred at one. A one-hot ``c`` gives one learned gain and bias per class.
- :class:`ClassProjection`: the projection discriminator's class term
  ``<embed(y), phi(x)>`` (Miyato & Koyama 2018, "cGANs with Projection
  Discriminator", eq. 3), added to an unconditional logit ``psi(phi(x))``.
"""

import keras
from keras import ops

from keras_gans import checks
from keras_gans.layers.classes import checked_class_ids
from keras_gans.layers.spectral import DEFAULT_EPSILON, SNDense, SNEmbedding


@keras.saving.register_keras_serializable(package="keras_gans")
class ConditionalBatchNorm(keras.layers.Layer):
    """``[x [B, ..., C], c [B, D]] -> x_hat * (1 + W_gamma c) + W_beta c``.

    ``x_hat`` is ``x`` batch-normalized without its own affine parameters
    (moving statistics at inference, re-estimated by BigGAN's standing
    statistics).

    Args:
        momentum: moving-statistics momentum (0.9: PyTorch's 0.1 in Keras terms).
        epsilon: batch-norm epsilon (BigGAN 1e-5; the Keras default 1e-3 is not BigGAN's).
        spectral_norm: spectrally normalize ``W_gamma`` and ``W_beta``.
        kernel_initializer: their initializer.
        synchronized: batch statistics of the global batch across replicas
            (BigGAN's cross-replica batch norm).
        **kwargs: ``keras.layers.Layer`` arguments.
    """

    def __init__(self, *, momentum=0.9, epsilon=1e-5, spectral_norm=True, kernel_initializer="orthogonal",
                 synchronized=True, **kwargs):
        super().__init__(**kwargs)
        self.momentum = checks.rate("momentum", momentum)
        self.epsilon = checks.positive_number("epsilon", epsilon)
        self.spectral_norm = checks.boolean("spectral_norm", spectral_norm)
        self.kernel_initializer = keras.initializers.get(kernel_initializer)
        self.synchronized = checks.boolean("synchronized", synchronized)

    def _projection(self, channels, role):
        options = dict(use_bias=False, kernel_initializer=self.kernel_initializer, name=f"{self.name}_{role}")
        return SNDense(channels, epsilon=DEFAULT_EPSILON, **options) if self.spectral_norm else \
            keras.layers.Dense(channels, **options)

    def build(self, input_shape):
        if not isinstance(input_shape, (list, tuple)) or len(input_shape) != 2 or len(input_shape[1]) != 2:
            raise ValueError(f"ConditionalBatchNorm takes [x, c] with c of shape [B, D]; received input_shape="
                             f"{input_shape}.")
        x_shape, c_shape = input_shape
        channels = x_shape[-1]
        self.batch_norm = keras.layers.BatchNormalization(momentum=self.momentum, epsilon=self.epsilon,
                                                          center=False, scale=False, synchronized=self.synchronized,
                                                          name=f"{self.name}_bn")
        self.batch_norm.build(x_shape)
        self.gain = self._projection(channels, "gain")
        self.bias = self._projection(channels, "bias")
        self.gain.build(c_shape)
        self.bias.build(c_shape)

    def call(self, inputs, training=None):
        x, c = inputs
        normalized = self.batch_norm(x, training=training)
        broadcast = (-1,) + (1,) * (len(x.shape) - 2) + (x.shape[-1],)
        gain = ops.reshape(1.0 + self.gain(c, training=training), broadcast)
        bias = ops.reshape(self.bias(c, training=training), broadcast)
        return normalized * ops.cast(gain, normalized.dtype) + ops.cast(bias, normalized.dtype)

    def compute_output_shape(self, input_shape):
        return input_shape[0]

    def get_config(self):
        config = super().get_config()
        config.update(momentum=self.momentum, epsilon=self.epsilon, spectral_norm=self.spectral_norm,
                      kernel_initializer=keras.initializers.serialize(self.kernel_initializer),
                      synchronized=self.synchronized)
        return config


@keras.saving.register_keras_serializable(package="keras_gans")
class ClassProjection(keras.layers.Layer):
    """``[features [B, F], labels [B]] -> <V y, features> [B, 1]``: the projection D's class term.

    Args:
        num_classes: number of classes K (labels outside ``[0, K)`` raise).
        spectral_norm: spectrally normalize the ``[K, F]`` embedding V (BigGAN does).
        embeddings_initializer: V's initializer.
        **kwargs: ``keras.layers.Layer`` arguments.
    """

    def __init__(self, num_classes, *, spectral_norm=True, embeddings_initializer="orthogonal", **kwargs):
        super().__init__(**kwargs)
        self.num_classes = checks.positive_int("num_classes", num_classes)
        self.spectral_norm = checks.boolean("spectral_norm", spectral_norm)
        self.embeddings_initializer = keras.initializers.get(embeddings_initializer)

    def build(self, input_shape):
        if not isinstance(input_shape, (list, tuple)) or len(input_shape) != 2 or len(input_shape[0]) != 2 \
                or len(input_shape[1]) != 1:
            raise ValueError(f"ClassProjection takes [features [B, F], labels [B]]; received input_shape="
                             f"{input_shape}.")
        features = input_shape[0][-1]
        options = dict(embeddings_initializer=self.embeddings_initializer, name=f"{self.name}_embedding")
        self.embedding = (SNEmbedding(self.num_classes, features, **options) if self.spectral_norm
                          else keras.layers.Embedding(self.num_classes, features, **options))
        self.embedding.build(input_shape[1])

    def call(self, inputs, training=None):
        features, labels = inputs
        embedded = self.embedding(checked_class_ids(labels, self.num_classes), training=training)
        return ops.sum(ops.cast(embedded, features.dtype) * features, axis=-1, keepdims=True)

    def compute_output_shape(self, input_shape):
        return (input_shape[0][0], 1)

    def get_config(self):
        config = super().get_config()
        config.update(num_classes=self.num_classes, spectral_norm=self.spectral_norm,
                      embeddings_initializer=keras.initializers.serialize(self.embeddings_initializer))
        return config


@keras.saving.register_keras_serializable(package="keras_gans")
class LatentChunks(keras.layers.Layer):
    """``z [B, d] -> [z_0, ..., z_{n-1}]``, n equal chunks: BigGAN's hierarchical latent space.

    Brock et al. 2019, section 4 ("Hierarchical latent spaces"): z is split
    into one chunk per resolution, the first for the generator's input layer,
    the others concatenated to the class embedding of each block's
    conditional batch norms.

    Args:
        num_chunks: n, which must divide d.
        **kwargs: ``keras.layers.Layer`` arguments.
    """

    def __init__(self, num_chunks, **kwargs):
        super().__init__(**kwargs)
        self.num_chunks = checks.positive_int("num_chunks", num_chunks)

    def build(self, input_shape):
        if len(input_shape) != 2 or input_shape[-1] is None or input_shape[-1] % self.num_chunks:
            raise ValueError(f"LatentChunks splits z [B, d] into num_chunks={self.num_chunks} equal chunks; "
                             f"received input_shape={tuple(input_shape)}.")

    def call(self, z):
        return ops.split(z, self.num_chunks, axis=-1)

    def compute_output_shape(self, input_shape):
        return [(input_shape[0], input_shape[1] // self.num_chunks)] * self.num_chunks

    def get_config(self):
        config = super().get_config()
        config.update(num_chunks=self.num_chunks)
        return config
