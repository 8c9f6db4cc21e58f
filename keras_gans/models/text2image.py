"""Text-to-image GAN: GAN, GAN-CLS, GAN-INT and GAN-INT-CLS (Reed et al. 2016).

"Generative Adversarial Text to Image Synthesis" (ICML 2016): x = G(z, phi(t))
and D(x, phi(t)), where phi is a text encoder pre-trained with a joint
embedding of images and captions and frozen while the GAN trains. Two
options of the same model give the paper's four configurations:

* GAN-CLS (Algorithm 1, the matching-aware discriminator): D also sees real
  images with a wrong text and must call them fake; ``cls_weight`` w weighs
  that term against the fake one, ``CE(s_r, 1) + w CE(s_w, 0) + (1 - w)
  CE(s_f, 0)`` (the paper's w = 0.5; w = 0 is the plain GAN). With
  ``wrong_swap``, a share of the wrong texts are the right caption with one
  attribute's words swapped (:class:`keras_gans.layers.CaptionSwap`), pairs
  that only that attribute tells apart; with several swaps, each its own
  share of the rows.
* GAN-INT (section 4.3, manifold interpolation): G is also trained to fool D
  with text embeddings interpolated between two captions, ``beta t1 + (1 -
  beta) t2`` (beta = 0.5), for which there is no real image; D never sees
  them. ``interp_weight`` weighs those rows in G's loss as the authors' code
  does (0 = off).

An R1 penalty on D (Mescheder et al. 2018), ``r1_weight``, is not in the
paper: it keeps D from growing steep around the real (image, right text)
pairs, the runaway after which G stops listening to z.
"""

import keras
import numpy as np
import tensorflow as tf
from keras import ops

from keras_gans import checks, distribute, draws, layers, losses, penalties
from keras_gans.models.adversarial import AdversarialModel
from keras_gans.models.conditional import input_names
from keras_gans.models.game import as_float32


def _check_encoder(text_encoder, embedding_dim):
    """Raises ValueError unless ``text_encoder`` maps one string input to ``[N, embedding_dim]``."""
    inputs = getattr(text_encoder, "inputs", None) or []
    if (not isinstance(text_encoder, keras.Model) or len(inputs) != 1 or inputs[0].dtype != "string"
            or len(inputs[0].shape) != 1):
        raise ValueError(f"`text_encoder` must be a functional keras.Model taking one string input of shape [N] "
                         f"(e.g. keras_gans.networks.text_encoder.text_encoder); received {text_encoder!r}.")
    output_dim = text_encoder.outputs[0].shape[-1]
    if output_dim != embedding_dim:
        raise ValueError(f"`text_encoder` {text_encoder.name!r} outputs embeddings of size {output_dim}, but the "
                         f"generator's `text_embedding` input has size {embedding_dim}.")


@keras.saving.register_keras_serializable(package="keras_gans")
class TextToImageGAN(AdversarialModel):
    """G(z, phi(t)) and a (matching-aware) D(x, phi(t)), with a frozen text encoder phi.

    Batches are ``(images, captions)`` (string captions ``[N]``) or
    ``(images, captions, labels)``. A caption's "wrong" text (GAN-CLS) is the
    caption of another row of the global batch, drawn uniformly among the
    rows with other content: another content key (:class:`keras_gans.layers.CaptionKey`,
    by default the caption's text; for captions built from attributes, the
    attributes they name) and, when labels are given, another class (as the
    authors' code pairs classes). A row with no such partner has no wrong
    term. GAN-INT interpolates row ``k`` of the global batch with row ``k +
    N/2``, for the first half, as the authors' code does. Both pairings are
    made on the global batch, so a distributed step equals one device's.

    Each step: D on (real, right), (real, wrong) and (fake, right), three
    separate passes (each with its own batch statistics, as in the authors'
    code); then G on fresh fakes and, for GAN-INT, on ``N/2`` fakes of
    interpolated embeddings. Logged: ``d_loss``, ``g_loss`` and D's mean
    logits ``d_real``, ``d_fake`` and ``d_wrong`` (GAN-CLS).

    Args:
        generator: ``keras.Model`` with inputs ``[z, text_embedding]`` (e.g.
            :func:`keras_gans.networks.text2image.generator`).
        discriminator: ``keras.Model`` with inputs ``[images, text_embedding]``
            and a raw logit.
        text_encoder: ``keras.Model`` from a string ``[N]`` to
            ``[N, embedding_dim]`` (:func:`keras_gans.networks.text_encoder.text_encoder`);
            frozen.
        latent_dim: size of z.
        cls_weight: w of the wrong pairs in D's loss, in [0, 1], the generated ones keeping
            1 - w (so at 1 G has no adversary; the app refuses it); 0 = no wrong pairs.
        interp_weight: weight of the interpolated rows in G's loss, >= 0; 0 = off.
        interp_beta: beta of the interpolation, in [0, 1].
        r1_weight: R1 gamma: D's loss adds ``gamma / 2`` times the mean
            squared norm of D's gradient with respect to the real images of
            (real image, right text), in training; 0 = off.
        content_key: a layer from captions to int64 keys; default
            ``CaptionKey()`` (equal standardized text, equal content).
        wrong_swap: None, a :class:`~keras_gans.layers.CaptionSwap`, or a
            list of them (each its own swap of an attribute): the wrong text of
            a row is then, with probability ``swap_share``, its own caption
            with that attribute swapped (rows naming no value of it keep the
            other row's caption). Unused when ``cls_weight`` is 0.
        swap_share: the probability above, in [0, 1]; for a list of swaps, a
            list of one probability per swap, summing to at most 1 (a row
            is swapped by at most one of them).
        **kwargs: ``latent_distribution``, ``ema_decay``, ``seed``, ``name``
            (see :class:`~keras_gans.models.adversarial.AdversarialModel`).
    """

    TRACKERS = ("d_loss", "g_loss", "d_real", "d_fake")
    xla_unsupported = "its text encoder reads the captions' strings, which XLA cannot compile"

    def __init__(self, generator, discriminator, text_encoder, latent_dim, *, cls_weight=0.5, interp_weight=0.0,
                 interp_beta=0.5, r1_weight=0.0, content_key=None, wrong_swap=None, swap_share=0.5,
                 **kwargs):
        if input_names(generator) != ["z", "text_embedding"]:
            raise ValueError(f"The generator must take inputs [z, text_embedding]; {generator.name!r} takes "
                             f"{input_names(generator)}.")
        if input_names(discriminator) != ["images", "text_embedding"]:
            raise ValueError(f"The discriminator must take inputs [images, text_embedding]; {discriminator.name!r} "
                             f"takes {input_names(discriminator)}.")
        _check_encoder(text_encoder, generator.inputs[1].shape[-1])
        if kwargs.get("split_real_batch"):
            raise ValueError("`split_real_batch`=True is not supported: a caption is paired with the whole batch.")
        self.cls_weight = checks.unit_weight("cls_weight", cls_weight)
        self.interp_weight = checks.weight("interp_weight", interp_weight)
        self.interp_beta = checks.unit_weight("interp_beta", interp_beta)
        self.r1_weight = checks.weight("r1_weight", r1_weight)
        if content_key is not None and not isinstance(content_key, keras.layers.Layer):
            raise ValueError(f"`content_key` must be a keras Layer mapping captions to int keys (e.g. "
                             f"keras_gans.layers.CaptionKey); received content_key={content_key!r}.")
        swaps, shares = _checked_swaps(wrong_swap, swap_share)
        self.swap_share = shares if isinstance(swap_share, (list, tuple)) else shares[0]
        super().__init__(generator, discriminator, latent_dim, **kwargs)
        self.wrong_swap = wrong_swap
        self._swaps = list(zip(swaps, shares))
        text_encoder.trainable = False
        self.text_encoder = text_encoder
        self.content_key = content_key if content_key is not None else layers.CaptionKey(name="content_key")
        self.content_key.build((None,))  # the model is built when made (docs/design.md, "Distribution")
        if self.cls_weight:
            self.track("d_wrong")
        if self.r1_weight:
            self.track("r1_penalty")

    # ------------------------------------------------------------------ text

    def encode(self, captions):
        """phi(t) of captions (a list of str or a string tensor ``[N]``): ``[N, embedding_dim]``."""
        return self.text_encoder(_caption_tensor(captions), training=False)

    def _pairs(self, embeddings, keys):
        """(wrong embeddings, their 0/1 mask, interpolated embeddings) of this replica's rows."""
        wrong = mask = interpolated = None
        everyone = distribute.gather_replicas(embeddings)
        if self.cls_weight:
            rows = ops.shape(embeddings)[0]
            all_keys = [distribute.gather_replicas(key) for key in keys]
            total = ops.shape(everyone)[0]
            scores = distribute.replica_slice(
                lambda n: draws.uniform((n, total), seed=self.seed_generator), rows)  # [rows, total]
            allowed = None
            for key, everyone_key in zip(keys, all_keys):
                differs = ops.not_equal(ops.expand_dims(key, 1), ops.expand_dims(everyone_key, 0))
                allowed = differs if allowed is None else ops.logical_and(allowed, differs)
            partner = ops.argmax(ops.where(allowed, scores, -1.0), axis=1)
            wrong = ops.take(everyone, partner, axis=0)
            mask = ops.cast(ops.any(allowed, axis=1), "float32")
        if self.interp_weight:
            beta = self.interp_beta
            interpolated = distribute.replica_slice(
                lambda n: beta * everyone[:n] + (1.0 - beta) * everyone[n:2 * n], ops.shape(embeddings)[0] // 2)
        return wrong, mask, interpolated

    # ------------------------------------------------------------- the step

    def prepare_batch(self, data):
        if not isinstance(data, (tuple, list)) or len(data) < 2 or data[1].dtype != tf.string:
            raise ValueError("TextToImageGAN trains on captioned batches (images, captions[, labels]) with string "
                             "captions; use a captioned dataset (e.g. shapes/captions, captions:<folder>).")
        images, captions = data[0], data[1]
        if len(captions.shape) != 1:
            raise ValueError(f"TextToImageGAN needs captions of shape [batch]; received shape {tuple(captions.shape)}.")
        embeddings = self.text_encoder(captions, training=False)
        keys = [ops.cast(self.content_key(captions), "int64")]
        if len(data) > 2:
            keys.append(ops.cast(data[2], "int64"))
        wrong, mask, interpolated = self._pairs(embeddings, keys)
        if self.cls_weight and self._swaps:
            wrong, mask = self._swapped_wrong_texts(captions, wrong, mask)
        return images, embeddings, wrong, mask, interpolated

    def _swapped_wrong_texts(self, captions, wrong, mask):
        """The wrong texts and mask with each swap's share of the rows' texts replaced by their swapped captions
        (one draw per row picks the swap, another the value it swaps to); the chosen texts are encoded at once."""
        draw = distribute.replica_slice(lambda n: draws.uniform((n, 2), seed=self.seed_generator),
                                        ops.shape(captions)[0])
        texts, swapped_rows, below = captions, ops.zeros_like(draw[:, 1], dtype="bool"), 0.0
        for swap, share in self._swaps:
            swapped, named = swap(captions, draw[:, 0])
            use = ops.logical_and(named, ops.logical_and(draw[:, 1] >= below, draw[:, 1] < below + share))
            texts = tf.where(use, swapped, texts)
            swapped_rows = ops.logical_or(swapped_rows, use)
            below += share
        wrong = ops.where(ops.expand_dims(swapped_rows, 1), self.text_encoder(texts, training=False), wrong)
        return wrong, ops.maximum(mask, ops.cast(swapped_rows, mask.dtype))

    def make_fakes(self, batch, training):
        images, embeddings, _, _, interpolated = batch
        z = self.sample_latent(ops.shape(images)[0])
        fakes = {"images": self.generator([z, embeddings], training=training)}
        if interpolated is not None:  # G makes these in its own loss, for its step only
            fakes["interpolated_z"] = self.sample_latent(ops.shape(interpolated)[0])
        return fakes

    def discriminator_loss(self, batch, fakes, training):
        images, embeddings, wrong, mask, _ = batch
        real_logits = as_float32(self.discriminator([images, embeddings], training=training))
        fake_logits = as_float32(self.discriminator([fakes["images"], embeddings], training=training))
        logs = {"d_real": ops.mean(real_logits), "d_fake": ops.mean(fake_logits)}
        wrong_logits = None
        if self.cls_weight:
            wrong_logits = as_float32(self.discriminator([images, wrong], training=training))
            logs["d_wrong"] = ops.mean(wrong_logits)
        loss = losses.matching_aware_discriminator_loss(real_logits, wrong_logits, fake_logits,
                                                        wrong_weight=self.cls_weight, wrong_mask=mask)
        logs["d_loss"] = loss
        if self.r1_weight and training:
            logs["r1_penalty"] = penalties.r1_penalty(
                lambda x, training: self.discriminator([x, embeddings], training=training), images)
            loss = loss + 0.5 * self.r1_weight * logs["r1_penalty"]
        return loss, logs

    def generator_loss(self, batch, fakes, training):
        _, embeddings, _, _, interpolated = batch
        fake_logits = as_float32(self.discriminator([fakes["images"], embeddings], training=training))
        interpolated_logits = None
        if interpolated is not None:
            made = self.generator([fakes["interpolated_z"], interpolated], training=training)
            interpolated_logits = as_float32(self.discriminator([made, interpolated], training=training))
        loss = losses.interpolation_generator_loss(fake_logits, interpolated_logits,
                                                   interpolation_weight=self.interp_weight)
        return loss, {"g_loss": loss}

    # --------------------------------------------------------------- sampling

    def generate(self, z_or_num, text=None, training=False):
        """Images for captions.

        Args:
            z_or_num: a count (z drawn from the model's seed generator) or z ``[n, latent_dim]``.
            text: one caption for every sample, or ``n`` captions.
            training: run the generator in training mode.

        Returns:
            Images ``[n, H, W, C]``.

        Raises:
            ValueError: naming ``text`` when it is missing or its count does not match z.
        """
        z, rows = self.latent_array(z_or_num)
        captions = _caption_list(text)
        if len(captions) == 1:
            captions = captions * rows
        if len(captions) != rows:
            raise ValueError(f"`text` must be one caption or {rows} captions (one per sample); received "
                             f"{len(captions)}.")
        return self.generate_from_embeddings(z, self.encode(captions), training=training)

    def generate_from_embeddings(self, z, text_embeddings, training=False):
        """Images for precomputed phi(t) ``[n, embedding_dim]`` (interpolations, averages)."""
        return self.sampling_generator([ops.convert_to_tensor(z, "float32"),
                                        ops.convert_to_tensor(text_embeddings, "float32")], training=training)

    def call(self, inputs, training=False):
        """``[z, text_embedding] -> images`` with the sampling generator."""
        return self.sampling_generator(inputs, training=training)

    def serving_endpoints(self):
        """``serving_default``: text (string ``[N]``) and z to images; ``text_embedding_to_image``:
        z and a precomputed ``text_embedding`` to images; ``encode_text``: text to ``text_embedding``."""
        text, z = keras.Input((), dtype="string", name="text"), keras.Input((self.latent_dim,), name="z")
        images = self.sampling_generator([z, self.text_encoder(text)])
        caption = keras.Input((), dtype="string", name="text")
        return {"serving_default": keras.Model([text, z], images, name="text_to_image"),
                "text_embedding_to_image": self.sampling_generator,
                "encode_text": keras.Model(caption, {"text_embedding": self.text_encoder(caption)},
                                           name="encode_text")}

    def checkpoint_items(self):
        """The text encoder (and G's moving average, when kept)."""
        return {**super().checkpoint_items(), "text_encoder": self.text_encoder}

    # ---------------------------------------------------------- serialization

    def get_config(self):
        config = super().get_config()
        config.update(text_encoder=keras.saving.serialize_keras_object(self.text_encoder),
                      content_key=keras.saving.serialize_keras_object(self.content_key),
                      wrong_swap=keras.saving.serialize_keras_object(self.wrong_swap), swap_share=self.swap_share,
                      cls_weight=self.cls_weight, interp_weight=self.interp_weight, interp_beta=self.interp_beta,
                      r1_weight=self.r1_weight)
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for name in ("text_encoder", "content_key"):
            config[name] = keras.saving.deserialize_keras_object(config[name])
        # A model saved before wrong_swap existed has none in its config; a list of swaps comes back a list.
        config["wrong_swap"] = keras.saving.deserialize_keras_object(config.get("wrong_swap"))
        return super().from_config(config)


def _checked_swaps(wrong_swap, swap_share):
    """``(swaps, shares)``: ``wrong_swap`` and ``swap_share`` as two lists of the same length, checked."""
    swaps = [] if wrong_swap is None else list(wrong_swap) if isinstance(wrong_swap, (list, tuple)) else [wrong_swap]
    if (wrong_swap is not None and not swaps) or not all(isinstance(swap, layers.CaptionSwap) for swap in swaps):
        raise ValueError(f"`wrong_swap` must be None, a keras_gans.layers.CaptionSwap or a non-empty list of them; "
                         f"received wrong_swap={wrong_swap!r}.")
    several = isinstance(swap_share, (list, tuple))
    shares = list(swap_share) if several else [swap_share]
    if several and len(shares) != len(swaps):
        raise ValueError(f"`swap_share` must give one share per swap of `wrong_swap` ({len(swaps)}); received "
                         f"swap_share={swap_share!r}.")
    if len(swaps) > 1 and not several:
        raise ValueError(f"`swap_share` must be a list of one share per swap ({len(swaps)}); received "
                         f"swap_share={swap_share!r}.")
    shares = [checks.unit_weight(f"swap_share[{index}]" if several else "swap_share", share)
              for index, share in enumerate(shares)]
    if sum(shares) > 1.0 + 1e-9:
        raise ValueError(f"`swap_share` must sum to at most 1 (a row is swapped once at most); received "
                         f"swap_share={swap_share!r}.")
    return swaps, shares


def _caption_list(text):
    """Captions as a list of str, from one caption or a list, array or string tensor of them."""
    if text is None:
        raise ValueError("`text` is required: the captions to draw (one, or one per sample).")
    if isinstance(text, (str, bytes)):
        text = [text]
    elif tf.is_tensor(text) or isinstance(text, np.ndarray):
        text = np.asarray(text.numpy() if tf.is_tensor(text) else text).reshape(-1).tolist()
    captions = [t.decode() if isinstance(t, bytes) else t for t in text]
    if not captions or not all(isinstance(t, str) for t in captions):
        raise ValueError(f"`text` must be a caption or a non-empty list of captions; received text={text!r}.")
    return captions


def _caption_tensor(captions):
    return captions if tf.is_tensor(captions) else tf.constant(_caption_list(captions), tf.string)
