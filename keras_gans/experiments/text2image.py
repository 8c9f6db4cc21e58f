"""Text to image: GAN, GAN-CLS, GAN-INT and GAN-INT-CLS (Reed et al. 2016) on DCGAN players.

The text encoder phi is pre-trained first (:mod:`keras_gans.text_pretraining`)
on the training split of the captioned dataset, saved as
``model_dir/text_encoder.keras`` (a resumed or rebuilt run loads it), or
read from ``--text_encoder``; it stays frozen while the GAN trains. The
sample grid shows held-out captions above their images. On
``shapes/captions`` the run's ``results.json`` holds how the shapes judge
reads one image generated per caption against what the caption names, on
held-out captions and on captions of the shape-colour pairs never seen in
training (:meth:`TextToImageExperiment.evaluate`);
``benchmarks/text2image_shapes.py`` compares the four configurations so.
"""

import dataclasses
import functools
import json
import os
import shutil

import keras

from keras_gans import callbacks, data, execution, judges, layers, models, networks, text_pretraining
from keras_gans.config import ConfigError, amount, count, fraction, option, unit
from keras_gans.data import shapes_captions
from keras_gans.experiments.base import NO_GENERATED_IMAGES_AT_ONE, Experiment, ema_decay_option, judge_cache

ENCODER_FILE = "text_encoder.keras"
SAMPLE_CAPTIONS = 8  # rows of the sample grid
JUDGED_CAPTIONS = 1000  # per split, as benchmarks/text2image_shapes.py reads them
JUDGED_SPLITS = ("test", "test_unseen")


@dataclasses.dataclass(frozen=True)
class TextToImageConfig(text_pretraining.TextEncoderSettings):
    """Reed et al. 2016: G(z, phi(t)) and a matching-aware D(x, phi(t)); phi pre-trained and frozen."""

    latent_dim: int = count(100, "Size of z (100 in the paper).")
    projection_dim: int = count(128, "Size of phi(t) projected in each player (128 in the paper).")
    base_filters: int = count(64, "Filters of D's first block (64 in the paper).")
    generator_filters: int | None = option(None, "Filters of G's last block (128 in the paper); default "
                                                 "--base_filters.",
                                           check=lambda v: v > 0, requirement="must be a positive integer")
    cls_weight: float = fraction(0.5, "GAN-CLS: weight of (real image, wrong text) in D's loss, the fake term "
                                      "getting the rest (0.5 in the paper; 0 = no matching-aware D).",
                                 why_not_one=NO_GENERATED_IMAGES_AT_ONE)
    wrong_shape_share: float = unit(0.0, "GAN-CLS on shapes/captions: share of the wrong texts that are the right "
                                         "caption with its shape word swapped for another shape's, pairs only the "
                                         "shape tells apart (0 = no shape swaps: with no other share either, "
                                         "every wrong text is another row's caption).")
    wrong_size_share: float = unit(0.0, "GAN-CLS on shapes/captions: share of the wrong texts that are the right "
                                        "caption with its size word swapped for another size's, beside "
                                        "--wrong_shape_share's (the shares sum to at most 1).")
    wrong_lookalike_share: float = unit(0.0, "GAN-CLS on shapes/captions: share of the wrong texts that are the "
                                             "right caption with its shape word swapped for a lookalike's (square "
                                             "and heart, star and cross, star and triangle, triangle and "
                                             "square), beside the other two shares (the three sum to at most 1).")
    interp_weight: float = amount(1.0, "GAN-INT: weight of G's rows of interpolated captions (1 in the paper's "
                                       "code; 0 = no interpolation).")
    interp_beta: float = unit(0.5, "beta of the interpolation beta t1 + (1 - beta) t2 (0.5 in the paper).")
    r1_weight: float = amount(0.0, "R1 gamma (Mescheder et al. 2018; not in the paper): D's loss adds gamma/2 times "
                                   "its squared gradient norm on the real images with their captions (0 = off).")
    weight_init: str = option("glorot_uniform", "Initial kernels: Keras's default, or the authors' N(0, 0.02).",
                              choices=networks.dcgan.WEIGHT_INITS)
    d_trunk: str = option("dcgan", "D's image features: the paper's stride-2 DCGAN blocks, or 'pooled' 3x3 "
                                   "convolutions and max pools, which tell small outlines apart sooner.",
                          choices=tuple(networks.text2image.TRUNKS))
    text_encoder: str | None = option(None, "A pre-trained text encoder (.keras, from apps/pretrain_text_encoder.py); "
                                            "default: pre-train one on --dataset, kept in --model_dir.")
    ema_decay: float = ema_decay_option()
    keep_best: bool = option(False, "On shapes/captions: after each epoch the shapes judge reads one image per "
                                    "validation caption (held-out captions 1,001-2,000); the run measures and "
                                    "exports the generator of the epoch read best on all four attributes.")


# Cells of the shapes captions, the first named winning: "at the top left" is the top left cell, not the top one.
SHAPES_CELLS = (("top left",), ("top right",), ("bottom left",), ("bottom right",), ("top",), ("bottom",), ("left",),
                ("right",), ("center", "centre", "middle"))


# The shapes the shapes judge reads in each other's place on real 32-px images, either way (README, "Wrong texts
# naming a lookalike"); the circle, never misread, may become any other shape.
SHAPE_LOOKALIKES = {"square": ("heart", "triangle"), "heart": ("square",), "star": ("triangle", "cross"),
                    "triangle": ("star", "square"), "cross": ("star",)}


def content_key(dataset):
    """The layer telling when two captions of ``dataset`` say the same thing (None: when their texts are equal).

    On ``shapes/captions`` two captions say the same thing when they name the
    same size bin, colour, shape and position cell, however worded; such a
    caption is never a wrong text of the other.
    """
    if dataset != "shapes/captions":
        return None
    groups = [shapes_captions.SIZE_WORDS, shapes_captions.COLOR_WORDS, shapes_captions.SHAPE_WORDS, SHAPES_CELLS]
    return layers.CaptionKey([[list(words) for words in group] for group in groups], name="content_key")


def wrong_swap(dataset, share):
    """The shape-word swap of ``--wrong_shape_share`` (None when the share is 0).

    Raises:
        ConfigError: naming ``wrong_shape_share`` when it is asked for a dataset other than ``shapes/captions``.
    """
    return _word_swap(dataset, "wrong_shape_share", share, "shape", shapes_captions.SHAPE_WORDS, "wrong_swap")


def wrong_swaps(dataset, shape_share, size_share=0.0, lookalike_share=0.0):
    """``(wrong_swap, swap_share)`` of the model for ``--wrong_shape_share``, ``--wrong_size_share`` and
    ``--wrong_lookalike_share``: the shape swap alone as before when the other shares are 0, else a list of the
    swaps asked for and their shares.

    Raises:
        ConfigError: naming the share asked for a dataset other than ``shapes/captions``, or the share that
            takes the sum over 1 (shape, then size, then lookalike).
    """
    if shape_share + size_share + lookalike_share > 1.0 + 1e-9:
        if shape_share + size_share <= 1.0 + 1e-9:
            raise ConfigError("wrong_lookalike_share", lookalike_share,
                              f"with --wrong_shape_share={shape_share:g} and --wrong_size_share={size_share:g} "
                              "shares the wrong texts: the three must sum to at most 1")
        raise ConfigError("wrong_size_share", size_share, f"and --wrong_shape_share={shape_share:g} share the wrong "
                                                          "texts: they must sum to at most 1")
    shape = wrong_swap(dataset, shape_share)
    if not size_share and not lookalike_share:
        return shape, shape_share
    size = _word_swap(dataset, "wrong_size_share", size_share, "size", shapes_captions.SIZE_WORDS, "wrong_size_swap")
    lookalike = _word_swap(dataset, "wrong_lookalike_share", lookalike_share, "shape", shapes_captions.SHAPE_WORDS,
                           "wrong_lookalike_swap", partners=lookalike_partners())
    chosen = [(swap, share) for swap, share in ((shape, shape_share), (size, size_share), (lookalike, lookalike_share))
              if swap is not None]
    return [swap for swap, _ in chosen], [share for _, share in chosen]


def lookalike_partners():
    """:data:`SHAPE_LOOKALIKES` as ``CaptionSwap`` partners: per shape of ``SHAPE_WORDS``, the indices it may
    become (every other shape where it has no lookalike)."""
    names = [words[0] for words in shapes_captions.SHAPE_WORDS]
    return [[names.index(other) for other in SHAPE_LOOKALIKES[name]] if name in SHAPE_LOOKALIKES
            else [index for index in range(len(names)) if index != value] for value, name in enumerate(names)]


def _word_swap(dataset, option_name, share, attribute, words, name, partners=None):
    if not share:
        return None
    if dataset != "shapes/captions":
        raise ConfigError(option_name, share, f"swaps the {attribute} words of shapes/captions captions; "
                                              f"--dataset={dataset} has none (use 0)")
    return layers.CaptionSwap([list(group) for group in words], partners=partners, name=name)


def _read_encoder(path, option_name):
    try:
        return keras.saving.load_model(path, compile=False)
    except (OSError, ValueError) as error:
        raise ConfigError(option_name, path, f"is not a readable .keras text encoder: {error}") from error


class TextToImageExperiment(Experiment):
    name, Config = "text2image", TextToImageConfig
    paper = "Reed et al. 2016, Generative Adversarial Text to Image Synthesis"
    data_kinds = ("captions",)
    run_defaults = {"dataset": "shapes/captions", "image_size": 32}

    def text_encoder(self, ctx):
        """phi: ``--text_encoder``, the run's saved one, or one pre-trained now (and saved in the run)."""
        c, run = ctx.config, ctx.run
        if c.text_encoder:
            return _read_encoder(c.text_encoder, "text_encoder")
        path = os.path.join(ctx.model_dir, ENCODER_FILE) if ctx.model_dir else None
        if path and os.path.isfile(path):
            return _read_encoder(path, "model_dir")
        steps = c.pretrain_steps or min(text_pretraining.DEFAULT_PRETRAIN_STEPS, ctx.total_steps)
        checkpoints = text_pretraining.Checkpoints(text_pretraining.checkpoint_dir_for(path), "model_dir",
                                                   ctx.model_dir, resume=run.resume) if path else None
        print(f"Pre-training the text encoder phi: {steps} steps of the joint embedding.", flush=True)
        encoder, report = text_pretraining.pretrain(c.replace(pretrain_steps=steps), run.dataset,
                                                    data_dir=run.data_dir, image_size=run.image_size,
                                                    seed=run.seed, content_key=content_key(run.dataset),
                                                    checkpoints=checkpoints,
                                                    verbose=execution.fit_verbosity(),
                                                    judge_cache_dir=judge_cache(ctx))
        if path:
            os.makedirs(ctx.model_dir, exist_ok=True)
            encoder.save(path)
            with open(os.path.join(ctx.model_dir, "text_encoder.json"), "w") as file:
                json.dump(report, file, indent=2)
            shutil.rmtree(checkpoints.directory, ignore_errors=True)
        return encoder

    def build(self, ctx):
        c, spec = ctx.config, ctx.spec
        # Checked before the encoder's minutes of pre-training.
        swap, swap_share = wrong_swaps(ctx.run.dataset, c.wrong_shape_share, c.wrong_size_share,
                                       c.wrong_lookalike_share)
        if c.keep_best and ctx.run.dataset != "shapes/captions":
            raise ConfigError("keep_best", True, "needs the shapes judge, which reads shapes/captions only; "
                                                 f"--dataset={ctx.run.dataset} (use --nokeep_best)")
        encoder = self.text_encoder(ctx)
        embedding_dim = int(encoder.outputs[0].shape[-1])
        generator = networks.text2image.generator(c.latent_dim, embedding_dim, spec.sample_shape,
                                                  projection_dim=c.projection_dim,
                                                  base_filters=c.generator_filters or c.base_filters,
                                                  weight_init=c.weight_init)
        discriminator = networks.text2image.discriminator(spec.sample_shape, embedding_dim,
                                                          projection_dim=c.projection_dim,
                                                          base_filters=c.base_filters, weight_init=c.weight_init,
                                                          trunk=c.d_trunk)
        return models.TextToImageGAN(generator, discriminator, encoder, c.latent_dim, cls_weight=c.cls_weight,
                                     interp_weight=c.interp_weight, interp_beta=c.interp_beta,
                                     r1_weight=c.r1_weight, content_key=content_key(ctx.run.dataset),
                                     wrong_swap=swap, swap_share=swap_share, ema_decay=c.ema_decay,
                                     seed=ctx.run.seed)

    def callbacks(self, ctx, model):
        """With ``--keep_best``: the judge's reading of :func:`validation_captions` after each epoch (logged as
        ``caption_agreement``) and the generator of the best epoch kept (:class:`~keras_gans.callbacks.KeepBest`)."""
        if not ctx.config.keep_best:
            return []
        judge = functools.partial(judges.train_shapes_judge, cache_dir=judge_cache(ctx))
        return [callbacks.CaptionAgreement(ctx.model_dir, validation_captions(), judge, seed=ctx.run.seed + 1),
                callbacks.KeepBest(ctx.model_dir, "caption_agreement", mode="max")]

    def evaluate(self, ctx, model):
        """On ``shapes/captions``: ``{split: judges.text_conditional_scores}`` of the first
        :data:`JUDGED_CAPTIONS` captions of the held-out split (``test``) and of the unseen shape-colour pairs
        (``test_unseen``), read by the shapes judge (trained first, about a minute, unless the judge cache holds
        it); elsewhere None."""
        if ctx.run.dataset != "shapes/captions":
            return None
        judge = judges.train_shapes_judge(cache_dir=judge_cache(ctx))
        return {split: judges.text_conditional_scores(
                    model, judge, data.load_captions(ctx.run.dataset, split=split, num_examples=JUDGED_CAPTIONS),
                    seed=ctx.run.seed)
                for split in JUDGED_SPLITS}

    def sample_callback(self, ctx, model):
        return callbacks.CaptionGrid(ctx.model_dir, sample_captions(ctx.run.dataset, ctx.run.data_dir),
                                     seed=ctx.run.seed, every=ctx.run.sample_every)


@functools.cache
def validation_captions():
    """The held-out shapes captions after those :meth:`TextToImageExperiment.evaluate` reads (1,001 to 2,000 of
    ``test``, a tuple): what ``--keep_best`` chooses the epoch on, so the reported ones stay unseen by the choice."""
    return tuple(data.load_captions("shapes/captions", split="test",
                                    num_examples=2 * JUDGED_CAPTIONS)[JUDGED_CAPTIONS:])


def sample_captions(dataset, data_dir=None, count=SAMPLE_CAPTIONS):
    """The first ``count`` distinct captions of the held-out split (``test``), else of the training split."""
    try:
        texts = data.load_captions(dataset, split="test", data_dir=data_dir, num_examples=4 * count)
    except (ValueError, FileNotFoundError):
        texts = []
    if not texts:  # no test split, or (a caption folder) one without records
        texts = data.load_captions(dataset, split="train", data_dir=data_dir, num_examples=4 * count)
    return list(dict.fromkeys(texts))[:count]


EXPERIMENTS = (TextToImageExperiment(),)
