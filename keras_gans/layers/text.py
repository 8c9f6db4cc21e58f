"""Layers of the text side of text-to-image models (Reed et al. 2016).

- :class:`MaskedAverage`: the temporal average of a recurrent encoder's hidden
  states over the words of each caption, the text encoding of the word-level
  encoders of Reed et al. 2016 ("Learning Deep Representations of
  Fine-Grained Visual Descriptions", section 3.2).
- :class:`CaptionKey`: what a caption says, as an int64 key, so that a
  matching-aware discriminator (Reed et al. 2016, "Generative Adversarial Text
  to Image Synthesis", section 4.2) never takes a caption with the same
  content as the "wrong" text of an image.
- :class:`CaptionSwap`: a caption rewritten to name another value of one
  attribute ("a red star" to "a red heart"), a wrong text that differs from
  the right one in that attribute alone.
"""

import re

import keras
import tensorflow as tf
from keras import ops

# What keras.layers.TextVectorization's "lower_and_strip_punctuation" removes.
PUNCTUATION = r'[!"#$%&()\*\+,-\./:;<=>?@\[\\\]^_`{|}~\']'
_HASH_BUCKETS = 2**62


def standardize_text(texts):
    """Lower-cased texts without punctuation, as ``TextVectorization`` standardizes them."""
    return tf.strings.regex_replace(tf.strings.lower(texts), PUNCTUATION, "")


@keras.saving.register_keras_serializable(package="keras_gans")
class MaskedAverage(keras.layers.Layer):
    """The mean over time of ``[N, T, D]`` states, counting only unmasked steps.

    A step is unmasked where the incoming Keras mask (e.g. of
    ``Embedding(mask_zero=True)``) is True. A sequence with no unmasked step
    (an empty caption) averages to zeros rather than NaN.

    Args:
        **kwargs: ``keras.layers.Layer`` arguments.
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def build(self, input_shape):
        if len(input_shape) != 3:
            raise ValueError(f"MaskedAverage takes sequences [N, T, D]; received input_shape={tuple(input_shape)}.")

    def call(self, inputs, mask=None):
        if mask is None:
            return ops.mean(inputs, axis=1)
        weights = ops.expand_dims(ops.cast(mask, inputs.dtype), -1)  # [N, T, 1]
        return ops.sum(inputs * weights, axis=1) / ops.maximum(ops.sum(weights, axis=1), 1.0)

    def compute_mask(self, inputs, mask=None):
        return None

    def compute_output_shape(self, input_shape):
        return (input_shape[0], input_shape[2])


def _check_groups(groups):
    """``groups`` as a tuple of tuples of tuples of non-empty strings, or ValueError naming it."""
    try:
        checked = tuple(tuple(tuple(phrases) for phrases in values) for values in groups)
    except TypeError:
        checked = None
    valid = (checked is not None and checked and all(values for values in checked)
             and all(phrases and all(isinstance(p, str) and p.strip() for p in phrases)
                     for values in checked for phrases in values)
             and all(not isinstance(phrases, str) for values in groups for phrases in values))
    if not valid:
        raise ValueError("`groups` must be a non-empty list of attributes, each a non-empty list of values, each a "
                         f"non-empty list of phrases naming it; received groups={groups!r}.")
    return checked


@keras.saving.register_keras_serializable(package="keras_gans")
class CaptionKey(keras.layers.Layer):
    """Maps captions ``[N]`` (strings) to int64 keys: equal keys, same content.

    Without ``groups`` the key is a hash of the standardized caption (lower
    case, no punctuation, single spaces), so captions that differ only in
    case or punctuation share a key. With ``groups``, a caption's key is the
    combination of the attribute values it names: for each attribute, the
    first value one of whose phrases occurs in the caption as whole words
    (case-insensitive), or "unnamed". Two captions worded differently ("a
    small red star at the top", "top: a little red star") then share a key.

    Args:
        groups: None, or one entry per attribute: a list of its values, each
            a list of the phrases that name it, e.g. ``[[["red"], ["blue"]],
            [["star"], ["circle", "disk"]]]``.
        **kwargs: ``keras.layers.Layer`` arguments.
    """

    def __init__(self, groups=None, **kwargs):
        super().__init__(**kwargs)
        self.groups = None if groups is None else _check_groups(groups)

    def build(self, input_shape):
        if len(input_shape) != 1:
            raise ValueError(f"CaptionKey takes a vector of captions [N]; received input_shape={tuple(input_shape)}.")

    def call(self, captions):
        if self.groups is None:
            text = tf.strings.strip(tf.strings.regex_replace(standardize_text(captions), r"\s+", " "))
            return tf.strings.to_hash_bucket_fast(text, _HASH_BUCKETS)
        lowered = tf.strings.lower(captions)
        key = tf.zeros_like(captions, dtype=tf.int64)
        for values in self.groups:
            key = key * (len(values) + 1) + _value_named(lowered, values)
        return key

    def compute_output_shape(self, input_shape):
        return (input_shape[0],)

    def compute_output_spec(self, captions):
        return keras.KerasTensor(captions.shape, dtype="int64")

    def get_config(self):
        config = super().get_config()
        config.update(groups=None if self.groups is None else [[list(p) for p in values] for values in self.groups])
        return config


@keras.saving.register_keras_serializable(package="keras_gans")
class CaptionSwap(keras.layers.Layer):
    """Rewrites captions ``[N]`` to name another value of one attribute.

    The value a caption names is found as :class:`CaptionKey` finds it (the
    first value one of whose phrases occurs as whole words, case-insensitive);
    every phrase of the attribute in the caption is then replaced by the first
    phrase of another value, drawn uniformly by ``choice`` among the others or,
    with ``partners``, among the named value's partners.
    ``"a small red star"`` may become ``"a small red heart"``: for a
    matching-aware discriminator (Reed et al. 2016, section 4.2), a wrong text
    that only the swapped attribute tells apart from the right one.

    Call with ``(captions, choice)``, ``choice`` a float ``[N]`` in [0, 1) (the
    caller's draws, so that the model's seed and replicas decide them);
    returns ``(swapped, named)``: the rewritten captions (unchanged where no
    value is named) and a bool ``[N]``, True where a value was named.

    Args:
        values: the attribute's values, at least two, each a list of the
            phrases that name it, e.g. ``[["circle", "disk"], ["square"], ["star"]]``.
        partners: None (every other value), or one list per value of the
            indices into ``values`` it may become, e.g. ``[[1, 2], [2], [1]]``:
            a wrong text naming the value most like the right one.
        **kwargs: ``keras.layers.Layer`` arguments.
    """

    def __init__(self, values, partners=None, **kwargs):
        super().__init__(**kwargs)
        checked = _check_groups([values])[0]
        if len(checked) < 2:
            raise ValueError(f"`values` must name at least two values to swap between; received values={values!r}.")
        self.values = checked
        self.partners = None if partners is None else _check_partners(partners, len(checked))
        # Row v: the values v may become (every other one without partners), padded with its first to one width.
        rows = self.partners or [[i for i in range(len(checked)) if i != v] for v in range(len(checked))]
        self._counts = [len(row) for row in rows]
        self._targets = [list(row) + [row[0]] * (max(self._counts) - len(row)) for row in rows]

    def build(self, captions_shape, choice_shape=None):
        if len(captions_shape) != 1:
            raise ValueError(f"CaptionSwap takes a vector of captions [N]; received shape {tuple(captions_shape)}.")

    def call(self, captions, choice):
        named = tf.cast(_value_named(tf.strings.lower(captions), self.values), tf.int32) - 1  # -1: none
        phrases = sorted({p for phrases in self.values for p in phrases}, key=len, reverse=True)
        anywhere = "(?i)" + _whole_words(phrases)
        candidates = tf.stack([tf.strings.regex_replace(captions, anywhere, _literal(phrases[0]))
                               for phrases in self.values], axis=1)  # [N, values]
        row = tf.maximum(named, 0)  # a caption naming no value keeps its text below
        count = tf.gather(tf.constant(self._counts, tf.int32), row)
        pick = tf.minimum(tf.cast(tf.convert_to_tensor(choice, tf.float32) * tf.cast(count, tf.float32), tf.int32),
                          count - 1)
        target = tf.gather_nd(tf.constant(self._targets, tf.int32), tf.stack([row, pick], axis=1))
        swapped = tf.gather(candidates, target, axis=1, batch_dims=1)
        found = named >= 0
        return tf.where(found, swapped, captions), found

    def compute_output_spec(self, captions, choice):
        return keras.KerasTensor(captions.shape, dtype="string"), keras.KerasTensor(captions.shape, dtype="bool")

    def get_config(self):
        config = super().get_config()
        config.update(values=[list(phrases) for phrases in self.values])
        if self.partners is not None:  # absent otherwise, as before partners existed
            config.update(partners=[list(p) for p in self.partners])
        return config


def _check_partners(partners, count):
    """``partners`` as a tuple of tuples of indices, one non-empty tuple per value, or ValueError naming it."""
    try:
        checked = tuple(tuple(int(index) for index in indices) for indices in partners)
    except (TypeError, ValueError):
        checked = None
    valid = (checked is not None and len(checked) == count
             and all(indices and all(0 <= index < count and index != value for index in indices)
                     for value, indices in enumerate(checked)))
    if not valid:
        raise ValueError(f"`partners` must give each of the {count} values a non-empty list of the indices of other "
                         f"values; received partners={partners!r}.")
    return checked


def _value_named(lowered, values):
    """For lower-cased captions ``[N]``, 1 + the index of the first of ``values`` one of whose phrases occurs
    as whole words, or 0 where none does (int64 ``[N]``)."""
    found = tf.zeros_like(lowered, dtype=tf.int64)
    for index in reversed(range(len(values))):  # the first value named wins
        pattern = r"(?s).*" + _whole_words(values[index]) + ".*"
        found = tf.where(tf.strings.regex_full_match(lowered, pattern), tf.constant(index + 1, tf.int64), found)
    return found


def _whole_words(phrases):
    """A regular expression matching any of ``phrases`` (lower case) as whole words."""
    return r"\b(?:" + "|".join(re.escape(p.lower()) for p in phrases) + r")\b"


def _literal(text):
    """``text`` as a regex_replace rewrite (backslashes escaped)."""
    return text.replace("\\", "\\\\")
