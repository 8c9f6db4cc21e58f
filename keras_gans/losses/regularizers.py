"""The regularization terms of ProGAN and StyleGAN2 that are pure functions of tensors.

- :func:`drift_penalty`: ProGAN's fourth critic term (Karras et al. 2018,
  appendix A.1), ``E_x[D(x)^2]``, keeping the real scores near 0.
- :func:`lazy_weight`: StyleGAN2's lazy regularization (Karras et al. 2020,
  section 3.1): the term's weight times its interval on every
  ``interval``-th minibatch, 0 on the others.
- :func:`update_path_length_mean` and :func:`path_length_penalty`: the parts
  of StyleGAN2's path length regularization (section 3.2) after the Jacobian
  norms (``keras_gans.penalties.path_lengths``).
"""

from keras import ops


def drift_penalty(real_logits):
    """``E[D(x)^2]`` over the real scores, to be weighted by epsilon_drift (0.001 in the paper).

    Karras et al. 2018, appendix A.1: "an additional term to the
    discriminator loss ... to keep the discriminator output from drifting too
    far away from zero". Only the real scores enter, as in the authors'
    ``D_wgangp_acgan``.
    """
    return ops.mean(ops.square(ops.convert_to_tensor(real_logits)))


def lazy_weight(step, interval, weight):
    """The weight of a lazily computed regularizer at ``step``: ``weight * interval`` when due, else 0.

    Karras et al. 2020, section 3.1: the regularizer is evaluated once every
    ``interval`` minibatches (R1 every 16, path length every 4), starting with
    the first (step 0), and scaled by the interval so its average strength is
    unchanged.

    Args:
        step: the 0-based minibatch count (an optimizer's ``iterations``).
        interval: the regularization interval, >= 1.
        weight: the regularizer's weight when applied every minibatch.

    Returns:
        A float32 scalar tensor.
    """
    due = ops.equal(ops.mod(ops.cast(step, "int64"), interval), 0)
    return ops.where(due, float(weight) * interval, 0.0)


def update_path_length_mean(mean, lengths, decay=0.01):
    """The new running mean ``a + decay * (mean(lengths) - a)`` (StyleGAN2's pl_decay 0.01).

    Karras et al. 2020, section 3.2: the target ``a`` of the path length
    penalty is "set dynamically ... as the long-running exponential moving
    average of the lengths"; the authors' code starts it at 0 and updates it
    before the penalty is computed.
    """
    lengths = ops.convert_to_tensor(lengths)
    mean = ops.cast(mean, lengths.dtype)
    return mean + decay * (ops.mean(lengths) - mean)


def path_length_penalty(lengths, mean):
    """``E[(||J_w^T y||_2 - a)^2]`` over the per-sample lengths, with ``a`` the (updated) running mean."""
    lengths = ops.convert_to_tensor(lengths)
    return ops.mean(ops.square(lengths - ops.cast(mean, lengths.dtype)))
