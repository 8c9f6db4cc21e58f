"""The losses of text-to-image synthesis (Reed et al. 2016) and of its text encoder's pre-training.

- :func:`matching_aware_discriminator_loss`: GAN-CLS ("Generative Adversarial
  Text to Image Synthesis", Algorithm 1): D scores (real image, right text) as
  real and both (real image, wrong text) and (fake image, right text) as fake.
- :func:`interpolation_generator_loss`: G's non-saturating loss on its fakes
  and, for GAN-INT (section 4.3), on fakes made from interpolated text
  embeddings, as the authors' code weighs them.
- :func:`joint_embedding_loss`: the symmetric structured joint embedding
  (DS-SJE) of "Learning Deep Representations of Fine-Grained Visual
  Descriptions" (Reed et al., CVPR 2016), which pre-trains the text encoder.

Logits are raw; cross-entropy is written with softplus as in
:mod:`keras_gans.losses.adversarial`.
"""

from keras import ops

from keras_gans import checks


def _cross_entropy(logits, target):
    """Elementwise BCE of ``sigmoid(logits)`` against a constant target 0 or 1."""
    return ops.softplus(-logits) if target else ops.softplus(logits)


def matching_aware_discriminator_loss(real_logits, wrong_logits, fake_logits, *, wrong_weight=0.5,
                                      wrong_mask=None):
    """The GAN-CLS discriminator loss (Reed et al. 2016, Algorithm 1, line 8).

    ``L_D = CE(s_r, 1) + w * CE(s_w, 0) + (1 - w) * CE(s_f, 0)``, each term the
    mean over its rows: the paper's ``log(s_r) + (log(1 - s_w) + log(1 -
    s_f)) / 2`` negated, for the default ``w = 0.5`` (the authors'
    ``cls_weight``). With ``w = 0`` it is the plain GAN loss ``CE(s_r, 1) +
    CE(s_f, 0)`` and ``wrong_logits`` are not used.

    Args:
        real_logits: D on (real image, right text), ``[N, ...]``.
        wrong_logits: D on (real image, wrong text), ``[N, ...]`` (None when ``w = 0``).
        fake_logits: D on (fake image, right text), ``[N, ...]``.
        wrong_weight: w in [0, 1].
        wrong_mask: optional ``[N]`` 0/1 weights of the wrong rows (0 where a
            row has no caption of other content to pair with); the wrong
            term is then ``mean(mask * CE)``.

    Returns:
        Scalar loss.
    """
    wrong_weight = checks.unit_weight("wrong_weight", wrong_weight)
    real = ops.mean(_cross_entropy(ops.convert_to_tensor(real_logits), 1))
    fake = ops.mean(_cross_entropy(ops.convert_to_tensor(fake_logits), 0))
    if wrong_weight == 0.0:
        return real + fake
    wrong = _cross_entropy(ops.convert_to_tensor(wrong_logits), 0)
    if wrong_mask is not None:
        mask = ops.cast(wrong_mask, wrong.dtype)
        wrong = wrong * ops.reshape(mask, (-1,) + (1,) * (len(wrong.shape) - 1))
    return real + wrong_weight * ops.mean(wrong) + (1.0 - wrong_weight) * fake


def interpolation_generator_loss(fake_logits, interpolated_logits=None, *, interpolation_weight=1.0):
    """G's non-saturating loss on its fakes and, for GAN-INT, on interpolated-text fakes.

    Reed et al. 2016, section 4.3: G also minimizes ``-log D(G(z, beta t1 +
    (1 - beta) t2))``. The authors' code (``main_cls_int.lua``) runs G's step
    on the batch's rows plus the interpolated rows, weighted 1 and
    ``interp_weight``, and averages over all of them::

        L_G = (sum_f CE(s_f, 1) + w * sum_i CE(s_i, 1)) / (n_f + n_i)

    Without interpolated rows it is ``mean(CE(s_f, 1))``.

    Args:
        fake_logits: D on (G(z, h), h), ``[n_f, ...]``.
        interpolated_logits: D on (G(z', h_int), h_int), ``[n_i, ...]``, or None.
        interpolation_weight: w >= 0.

    Returns:
        Scalar loss.
    """
    interpolation_weight = checks.weight("interpolation_weight", interpolation_weight)
    fake = _cross_entropy(ops.convert_to_tensor(fake_logits), 1)
    if interpolated_logits is None:
        return ops.mean(fake)
    interpolated = _cross_entropy(ops.convert_to_tensor(interpolated_logits), 1)
    count = ops.cast(ops.size(fake) + ops.size(interpolated), fake.dtype)
    return (ops.sum(fake) + interpolation_weight * ops.sum(interpolated)) / count


def joint_embedding_loss(image_embeddings, text_embeddings, classes=None, *, margin=1.0):
    """The symmetric structured joint embedding loss (DS-SJE; Reed et al., CVPR 2016, section 3).

    With compatibility ``s_ij = <theta(v_i), phi(t_j)>`` of image ``i`` and
    text ``j`` on a batch of ``B`` matching pairs, each image must score its
    own text above every text of another class by ``margin``, and each text
    its own image above every image of another class::

        L = 1/B^2 sum_i sum_{j: c_j != c_i} [max(0, m + s_ij - s_ii) + max(0, m + s_ji - s_ii)]

    the summed hinge of the authors' ``JointEmbeddingLoss`` (their batches
    hold one pair per class; here pairs of the same class are not compared).

    Args:
        image_embeddings: ``[B, D]``.
        text_embeddings: ``[B, D]``, row ``i`` describing image ``i``.
        classes: optional int ``[B]``: rows of equal class are not negatives of
            each other. Default: every other row is a negative.
        margin: the margin m > 0 (Delta = 1 of the 0-1 loss).

    Returns:
        Scalar loss.
    """
    margin = checks.positive_number("margin", margin)
    images = ops.cast(image_embeddings, "float32")
    texts = ops.cast(text_embeddings, "float32")
    scores = ops.matmul(images, ops.transpose(texts))  # [B, B]: s_ij
    matching = ops.expand_dims(ops.diagonal(scores), 1)  # [B, 1]: s_ii
    rows = ops.shape(scores)[0]
    if classes is None:
        negatives = 1.0 - ops.eye(rows, dtype="float32")
    else:
        classes = ops.convert_to_tensor(classes)
        negatives = ops.cast(ops.not_equal(ops.expand_dims(classes, 1), ops.expand_dims(classes, 0)), "float32")
    image_side = ops.relu(margin + scores - matching)  # image i against text j
    text_side = ops.relu(margin + ops.transpose(scores) - matching)  # text i against image j
    total = ops.sum(negatives * (image_side + text_side))
    return total / ops.cast(rows * rows, "float32")
