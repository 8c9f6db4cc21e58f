"""Class labels into conditional networks (Mirza & Osindero 2014), with a range check."""

import keras
import tensorflow as tf
from keras import ops

from keras_gans import checks


def checked_class_ids(labels, num_classes, name="labels"):
    """Class ids as int32, with a run-time check that they lie in ``[0, num_classes)``.

    Args:
        labels: int tensor of class ids.
        num_classes: K.
        name: what the ids are called in the error message.

    Returns:
        The int32 ids; computing anything from them raises ``InvalidArgumentError``
        naming ``num_classes`` and showing the ids when one is out of range.
    """
    labels = ops.cast(labels, "int32")
    message = f"`{name}` must be class ids in [0, num_classes={num_classes})"
    checks = [tf.debugging.assert_non_negative(labels, message=message),
              tf.debugging.assert_less(labels, num_classes, message=message)]
    with tf.control_dependencies(checks):
        return tf.identity(labels)


@keras.saving.register_keras_serializable(package="keras_gans")
class ClassOneHot(keras.layers.Layer):
    """One-hot encodes int class ids ``[N] -> [N, num_classes]``, refusing ids out of range.

    How a label enters a conditional generator or discriminator (Mirza &
    Osindero 2014, "Conditional Generative Adversarial Nets", section 4.1: y as
    a one-hot vector fed to both players). Unlike ``CategoryEncoding``, which
    silently encodes an out-of-range id as all zeros, an id outside
    ``[0, num_classes)`` fails with ``InvalidArgumentError`` naming
    ``num_classes`` and showing the ids, in eager, graph and exported
    (SavedModel) use alike.

    Args:
        num_classes: number of classes, >= 1.
        **kwargs: ``keras.layers.Layer`` arguments.
    """

    def __init__(self, num_classes, **kwargs):
        super().__init__(**kwargs)
        self.num_classes = checks.positive_int("num_classes", num_classes)

    def build(self, input_shape):
        if len(input_shape) != 1:
            raise ValueError(f"ClassOneHot takes a vector of class ids [N]; received "
                             f"input_shape={tuple(input_shape)}.")

    def call(self, labels):
        labels = checked_class_ids(labels, self.num_classes)
        return ops.one_hot(labels, self.num_classes, dtype=self.compute_dtype)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.num_classes)

    def get_config(self):
        config = super().get_config()
        config.update(num_classes=self.num_classes)
        return config
