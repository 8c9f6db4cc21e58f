"""The text encoder phi(t) of text-to-image GANs, and the image encoder it is pre-trained against.

Reed et al. 2016 ("Generative Adversarial Text to Image Synthesis", section
3.2) condition G and D on phi(t), a caption encoder pre-trained with the deep
symmetric structured joint embedding of Reed et al., CVPR 2016 ("Learning
Deep Representations of Fine-Grained Visual Descriptions"). Of that paper's
encoders this is the word-level recurrent one: word embeddings, a GRU, the
average of its hidden states over the caption's words (section 3.2), and a
linear map to the embedding. Tokenization happens inside the model
(``keras.layers.TextVectorization`` with a fixed vocabulary, kept in its
config), so the model, a ``.keras`` file of it and a SavedModel serving it
all take raw strings. Words outside the vocabulary become the OOV token; an
empty caption encodes to the output layer's bias.

:func:`image_encoder` is the image side theta(v) of the joint embedding: a
small convolutional network, trained with the text encoder;
:func:`frozen_features_encoder` is a linear map on the features of a
network trained beforehand and kept fixed, as the paper keeps GoogLeNet's.
"""

import collections

import keras
import numpy as np
import tensorflow as tf

from keras_gans import checks, layers
from keras_gans.networks import text2image

OOV_TOKEN = "[UNK]"  # index 1; 0 is padding


def tokenize(texts):
    """The words of each text as the encoder sees them: a list of lists of str.

    Lower case, punctuation removed, split on whitespace, exactly as the
    ``TextVectorization`` layer of :func:`text_encoder` standardizes.
    """
    texts = [t.decode() if isinstance(t, bytes) else str(t) for t in texts]
    if not texts:
        return []
    tokens = tf.strings.split(layers.standardize_text(tf.constant(texts, tf.string))).to_list()
    return [[word.decode() for word in row] for row in tokens]


def build_vocabulary(texts, *, max_words=None, min_count=1):
    """The vocabulary of a caption set: its words, most frequent first (ties in alphabetical order).

    Args:
        texts: an iterable of captions (str or bytes).
        max_words: keep at most this many words (None: all).
        min_count: keep words seen at least this many times.

    Returns:
        A list of distinct words, deterministic for the same texts in any order.

    Raises:
        ValueError: when no word is kept (the message names the arguments).
    """
    if max_words is not None:
        max_words = checks.positive_int("max_words", max_words)
    min_count = checks.positive_int("min_count", min_count)
    counts = collections.Counter(word for words in tokenize(list(texts)) for word in words)
    words = sorted((word for word, count in counts.items() if count >= min_count), key=lambda w: (-counts[w], w))
    words = words[:max_words]
    if not words:
        raise ValueError(f"No word of `texts` is seen at least min_count={min_count} times "
                         f"(received {sum(counts.values())} words).")
    return words


def text_encoder(vocabulary, *, embedding_dim=128, word_dim=64, units=128, max_length=32, name="text_encoder"):
    """Builds ``text (string [N]) -> text_embedding [N, embedding_dim]``.

    Args:
        vocabulary: the words (e.g. :func:`build_vocabulary`); ids 0 and 1
            are padding and the OOV token.
        embedding_dim: size of phi(t) (1024 in the paper).
        word_dim: size of the word embeddings.
        units: GRU units.
        max_length: captions are cut to this many words.
        name: model name.

    Returns:
        A functional ``keras.Model`` with the string input ``text`` (shape
        ``[N]``) and the output ``[N, embedding_dim]`` (layer ``text_embedding``).
    """
    vocabulary = [str(word) for word in vocabulary]
    if not vocabulary or len(set(vocabulary)) != len(vocabulary) or "" in vocabulary or OOV_TOKEN in vocabulary:
        raise ValueError(f"`vocabulary` must be a non-empty list of distinct, non-empty words other than "
                         f"{OOV_TOKEN!r}; received a vocabulary of {len(vocabulary)} words starting "
                         f"{vocabulary[:5]!r}.")
    embedding_dim = checks.positive_int("embedding_dim", embedding_dim)
    word_dim = checks.positive_int("word_dim", word_dim)
    units = checks.positive_int("units", units)
    max_length = checks.positive_int("max_length", max_length)
    text = keras.Input((), dtype="string", name="text")
    tokens = keras.layers.TextVectorization(vocabulary=vocabulary, output_sequence_length=max_length,
                                            standardize="lower_and_strip_punctuation", name="tokens")(text)
    words = keras.layers.Embedding(len(vocabulary) + 2, word_dim, mask_zero=True, name="word_embeddings")(tokens)
    states = keras.layers.GRU(units, return_sequences=True, name="gru")(words)
    average = layers.MaskedAverage(name="average_states")(states)
    embedding = keras.layers.Dense(embedding_dim, name="text_embedding")(average)
    return keras.Model(text, embedding, name=name)


def vocabulary_of(encoder):
    """The vocabulary of a :func:`text_encoder` (without padding and OOV token)."""
    return list(encoder.get_layer("tokens").get_vocabulary()[2:])


def image_encoder(image_shape, embedding_dim, *, base_filters=32, name="image_encoder"):
    """Builds the image side of the joint embedding: ``images -> [N, embedding_dim]``.

    Strided convolutions halve the image to 4x4 (DCGAN's discriminator trunk,
    batch-normalized), then global average pooling and a linear map.

    Args:
        image_shape: ``(size, size, channels)``, size a power of two in [8, 256].
        embedding_dim: size of the shared embedding.
        base_filters: channels of the first convolution, doubled at each step.
        name: model name.

    Returns:
        A functional ``keras.Model`` with input ``images``.
    """
    embedding_dim = checks.positive_int("embedding_dim", embedding_dim)
    image_trunk = text2image.dcgan_trunk(image_shape, base_filters=base_filters, name=f"{name}_trunk")
    pooled = keras.layers.GlobalAveragePooling2D(name="pool")(image_trunk.outputs[0])
    embedding = keras.layers.Dense(embedding_dim, name="image_embedding")(pooled)
    return keras.Model(image_trunk.inputs, embedding, name=name)


def frozen_features_encoder(features, embedding_dim, *, name="image_encoder"):
    """Builds an image side on fixed features: ``images -> features (frozen) -> linear -> [N, embedding_dim]``.

    Args:
        features: a ``keras.Model`` from images to ``[N, F]``, already
            trained; it is frozen and called in inference mode.
        embedding_dim: size of the shared embedding.
        name: model name.

    Returns:
        A functional ``keras.Model`` whose only trainable weights are the linear map's.
    """
    if not isinstance(features, keras.Model) or len(features.outputs[0].shape) != 2:
        raise ValueError(f"`features` must be a keras.Model with [N, F] outputs; received features={features!r}.")
    features.trainable = False
    images = keras.Input(tuple(features.inputs[0].shape[1:]), name="images")
    fixed = features(images, training=False)
    embedding = keras.layers.Dense(checks.positive_int("embedding_dim", embedding_dim), name="image_embedding")(fixed)
    return keras.Model(images, embedding, name=name)


def encode(encoder, texts, batch_size=1024):
    """phi(t) of a list of captions as a float32 NumPy array ``[n, embedding_dim]``."""
    texts = [t.decode() if isinstance(t, bytes) else str(t) for t in texts]
    outputs = [keras.ops.convert_to_numpy(encoder(tf.constant(texts[start:start + batch_size]), training=False))
               for start in range(0, len(texts), batch_size)]
    return np.concatenate(outputs).astype(np.float32)
