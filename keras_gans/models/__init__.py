"""Training schemes: one subclassed ``keras.Model`` per scheme.

Models never build architectures; they take their networks as arguments.
"""

from keras_gans.models.gan import GAN

__all__ = ["GAN"]
