"""Architecture builders: functions that return functional ``keras.Model`` objects.

Networks never train; a model in ``keras_gans.models`` takes them as arguments.
"""

from keras_gans.networks import dcgan, mlp

__all__ = ["dcgan", "mlp"]
