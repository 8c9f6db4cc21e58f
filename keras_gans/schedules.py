"""Learning-rate schedules of the papers that the Keras built-ins do not cover."""

import keras
from keras import ops

from keras_gans import checks


@keras.saving.register_keras_serializable(package="keras_gans")
class ConstantThenLinearDecay(keras.optimizers.schedules.LearningRateSchedule):
    """Constant for ``constant_steps``, then linear to zero over ``decay_steps``.

    CycleGAN's schedule (Zhu et al. 2017, section 7.1 / appendix: "We keep
    the same learning rate for the first 100 epochs and linearly decay the rate
    to zero over the next 100 epochs"):

        lr(t) = initial_learning_rate * min(1, max(0, 1 - (t - constant_steps) / decay_steps))

    so ``lr = initial_learning_rate`` up to step ``constant_steps`` and 0 from
    step ``constant_steps + decay_steps`` on.

    Args:
        initial_learning_rate: the constant rate, > 0.
        constant_steps: optimizer steps at the constant rate, >= 0.
        decay_steps: optimizer steps of the linear decay, >= 1.
    """

    def __init__(self, initial_learning_rate, constant_steps, decay_steps):
        self.initial_learning_rate = checks.positive_number("initial_learning_rate", initial_learning_rate,
                                                            any_real=True)
        self.constant_steps = checks.positive_int("constant_steps", constant_steps, minimum=0)
        self.decay_steps = checks.positive_int("decay_steps", decay_steps)

    def __call__(self, step):
        step = ops.cast(step, "float32")
        remaining = 1.0 - (step - self.constant_steps) / self.decay_steps
        return self.initial_learning_rate * ops.clip(remaining, 0.0, 1.0)

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate, "constant_steps": self.constant_steps,
                "decay_steps": self.decay_steps}
