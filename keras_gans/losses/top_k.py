"""Top-k training of the generator (Sinha et al. 2020, "Top-k Training of GANs:
Improving GAN Performance by Throwing Away Bad Samples").

G's update takes its loss over the k samples of the batch that D scores as
most realistic; the others contribute no gradient. k starts at the batch size
and is multiplied by ``decay`` (gamma) every ``decay_steps`` generator steps
(StudioGAN's implementation does it once an epoch), down to ``fraction``
(nu) of the batch.
"""

from keras import ops

from keras_gans import distribute


def top_k_share(step, *, fraction, decay, decay_steps):
    """The share of the batch G's loss keeps at generator step ``step``: ``max(nu, gamma ** (step // decay_steps))``.

    Args:
        step: generator steps taken so far (a tensor or a number).
        fraction: nu, the smallest share kept, in (0, 1].
        decay: gamma, the factor applied every ``decay_steps`` steps, in (0, 1].
        decay_steps: generator steps between two applications of ``decay``.

    Returns:
        A float32 scalar in [fraction, 1].
    """
    periods = ops.floor(ops.cast(step, "float32") / float(decay_steps))
    return ops.maximum(float(fraction), ops.power(float(decay), periods))


def top_k_generator_loss(g_loss_fn, fake_logits, share):
    """G's loss ``g_loss_fn`` over the ``k = ceil(share * n)`` highest of the ``n`` logits of the global batch.

    Every generator loss of :mod:`keras_gans.losses.adversarial` is the mean of
    one function f of each logit, so the sum of f over this replica's ``m``
    kept logits (of its ``n``) is ``n * g_loss_fn(kept or 0) - (n - m) * f(0)``, with the dropped logits
    replaced by the constant 0: their gradient is exactly zero, and the shapes
    stay static, which XLA needs (a top-k of a varying k does not compile
    well). Under ``tf.distribute`` the logits are ranked among every replica's,
    and each replica returns its share of the global mean (the replicas' mean
    of what this returns is the one-device loss), so a distributed run keeps
    the samples one device would. Exactly k are kept, ties broken by the sort.

    Args:
        g_loss_fn: a generator loss, ``logits -> mean of f(logit)``.
        fake_logits: D's outputs on this replica's generated batch, any shape (each element is a sample's
            score).
        share: the share of the global batch kept, in (0, 1] (a scalar tensor or number).

    Returns:
        Scalar: on one device, the mean of f over the kept logits.
    """
    scores = ops.reshape(ops.cast(fake_logits, "float32"), (-1,))
    rows = ops.size(scores)
    every_score = distribute.gather_replicas(ops.stop_gradient(scores))
    total = ops.cast(ops.size(every_score), "float32")
    k = ops.maximum(1.0, ops.ceil(ops.cast(share, "float32") * total))
    first = distribute.replica_id() * rows
    rank = ops.argsort(ops.argsort(-every_score))[first:first + rows]  # 0 for the highest score
    kept = ops.cast(rank, "float32") < k
    anchor = ops.zeros_like(scores)
    kept_sum = (ops.cast(rows, "float32") * g_loss_fn(ops.where(kept, scores, anchor))
                - ops.sum(ops.cast(~kept, "float32")) * g_loss_fn(anchor[:1]))
    return kept_sum * (total / ops.cast(rows, "float32")) / k
