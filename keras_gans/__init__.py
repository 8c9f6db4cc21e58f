"""keras-gans: a Keras 3 / TensorFlow model zoo of Generative Adversarial Networks.

Every model is a subclassed ``keras.Model`` whose ``train_step`` alternates the
discriminator and generator updates with ``tf.GradientTape``, so any of them
trains with ``model.fit(dataset)``.
"""

__version__ = "0.1.0"
