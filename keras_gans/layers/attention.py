"""Self-attention over feature-map positions (Zhang et al. 2019, "Self-Attention GANs").

The form of the authors' released code, which BigGAN (Brock et al. 2019) uses
too: for ``x [B, H, W, C]`` with ``N = H W`` positions,

    theta = conv_C/8(x)                     [B, N, C/8]     queries
    phi   = maxpool2(conv_C/8(x))           [B, N/4, C/8]   keys
    g     = maxpool2(conv_C/2(x))           [B, N/4, C/2]   values
    beta  = softmax(theta phi^T, over keys) [B, N, N/4]
    y     = x + gamma * conv_C(beta g)      gamma a scalar, initially 0

with 1x1 convolutions without bias (spectrally normalized in SAGAN and
BigGAN), so the block starts as the identity and learns how much non-local
evidence to mix in (SAGAN section 3).
"""

import keras
from keras import ops

from keras_gans import checks
from keras_gans.layers.spectral import DEFAULT_EPSILON, SNConv2D

KEY_REDUCTION, VALUE_REDUCTION = 8, 2


@keras.saving.register_keras_serializable(package="keras_gans")
class SelfAttention(keras.layers.Layer):
    """SAGAN's non-local block ``x -> x + gamma * o(x)`` on a ``[B, H, W, C]`` map (H, W even).

    Args:
        spectral_norm: spectrally normalize the four 1x1 convolutions.
        kernel_initializer: their initializer ("orthogonal" in BigGAN).
        epsilon: spectral normalization epsilon.
        **kwargs: ``keras.layers.Layer`` arguments.
    """

    def __init__(self, *, spectral_norm=True, kernel_initializer="orthogonal", epsilon=DEFAULT_EPSILON, **kwargs):
        super().__init__(**kwargs)
        self.spectral_norm = checks.boolean("spectral_norm", spectral_norm)
        self.kernel_initializer = keras.initializers.get(kernel_initializer)
        self.epsilon = checks.positive_number("epsilon", epsilon)

    def _conv(self, channels, role):
        options = dict(use_bias=False, kernel_initializer=self.kernel_initializer, name=f"{self.name}_{role}")
        if self.spectral_norm:
            return SNConv2D(channels, 1, epsilon=self.epsilon, **options)
        return keras.layers.Conv2D(channels, 1, **options)

    def build(self, input_shape):
        if len(input_shape) != 4:
            raise ValueError(f"SelfAttention takes feature maps [B, H, W, C]; received input_shape="
                             f"{tuple(input_shape)}.")
        height, width, channels = input_shape[1:]
        if channels is None or channels < KEY_REDUCTION:
            raise ValueError(f"SelfAttention needs at least {KEY_REDUCTION} channels (queries have C/8); received "
                             f"input_shape={tuple(input_shape)}.")
        if (height is not None and height % 2) or (width is not None and width % 2):
            raise ValueError(f"SelfAttention pools keys and values 2x2, so H and W must be even; received "
                             f"input_shape={tuple(input_shape)}.")
        self.query = self._conv(channels // KEY_REDUCTION, "query")
        self.key = self._conv(channels // KEY_REDUCTION, "key")
        self.value = self._conv(channels // VALUE_REDUCTION, "value")
        self.output_conv = self._conv(channels, "output")
        for layer in (self.query, self.key, self.value):
            layer.build(input_shape)
        self.output_conv.build(tuple(input_shape[:3]) + (channels // VALUE_REDUCTION,))
        self.pool = keras.layers.MaxPooling2D(2, name=f"{self.name}_pool")
        self.gamma = self.add_weight(shape=(), initializer="zeros", name="gamma")

    def _positions(self, x):
        shape = ops.shape(x)
        return ops.reshape(x, (shape[0], shape[1] * shape[2], shape[3]))

    def _attention(self, x, training):
        queries = self._positions(self.query(x, training=training))
        keys = self._positions(self.pool(self.key(x, training=training)))
        beta = ops.softmax(ops.matmul(queries, ops.transpose(keys, (0, 2, 1))), axis=-1)
        return beta

    def attention_map(self, x, training=False):
        """``beta [B, N, N/4]``: the weight each position (row) gives each pooled key; rows sum to 1."""
        return self._attention(ops.convert_to_tensor(x, self.compute_dtype), training)

    def call(self, x, training=None):
        beta = self._attention(x, training)
        values = self._positions(self.pool(self.value(x, training=training)))
        shape = ops.shape(x)
        attended = ops.reshape(ops.matmul(beta, values), (shape[0], shape[1], shape[2], -1))
        return x + ops.cast(self.gamma, x.dtype) * self.output_conv(attended, training=training)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update(spectral_norm=self.spectral_norm,
                      kernel_initializer=keras.initializers.serialize(self.kernel_initializer),
                      epsilon=self.epsilon)
        return config
