"""InfoGAN (Chen et al. 2016, "InfoGAN: Interpretable Representation Learning by
Information Maximizing Generative Adversarial Nets").

G's input is split into noise z and latent codes c: one categorical code
(uniform over K values) and continuous codes (uniform on [-1, 1]). An
auxiliary network Q, sharing D's body, predicts c from G(z, c); the game adds
``-lambda L_I(G, Q)`` to the GAN value (eq. 6), where
``L_I = E[log Q(c | G(z, c))] + H(c)`` is the variational lower bound of the
mutual information I(c; G(z, c)) (eq. 5). Both G and Q (hence D's shared
body, whose update carries Q's head) minimize the code losses of
:func:`keras_gans.losses.infogan_categorical_loss` (weight
``categorical_weight``) and :func:`keras_gans.losses.infogan_continuous_loss`
(weight ``continuous_weight``). The paper sets lambda = 1 for discrete codes
and a smaller weight for continuous ones.

With ``code_augment`` Q reads the categorical code from a randomly warped or
restroked copy of G(z, c) (:mod:`keras_gans.style_augment`), in D's step and
in G's, so that a code splitting the data by slant or stroke width, which the
mutual-information term alone accepts, stops being recoverable and the class
becomes the split the code settles on. With ``clustering_weight`` D's step
also trains Q as a clusterer of the real images: Invariant Information
Clustering (Ji et al. 2019, :func:`keras_gans.losses.invariant_clustering_loss`)
between Q's reading of a real image and of its ``code_augment`` copy, which
asks for clusters that are confident, kept under the transforms and equally
used. G must then make each code value an image Q puts in that value's
cluster of real images, which works against two code values drawing one kind
of digit while another kind goes undrawn. ``code_warmup_steps`` raises both
code weights from 0 over the first generator steps, so that the codes settle
once Q's clusters of real images have formed.
"""

import math

import keras
from keras import ops

from keras_gans import checks, distribute, draws, losses, style_augment
from keras_gans.models.adversarial import class_ids_array, real_inputs
from keras_gans.models.conditional import CodeConditionedGAN, check_encoded_classes, input_names
from keras_gans.models.game import as_float32

CODE_INPUTS = ["z", "categorical_code", "continuous_code"]


@keras.saving.register_keras_serializable(package="keras_gans")
class InfoGAN(CodeConditionedGAN):
    """GAN with a categorical and continuous latent codes and a mutual-information term.

    Logged: ``d_loss`` and ``g_loss`` (the adversarial terms), the code losses
    of G's step ``categorical_loss`` and ``continuous_loss``, and
    ``mutual_information``: the lower bound ``log K - categorical_loss`` of
    I(c_categorical; G(z, c)) in nats, which approaches ``H(c) = log K`` as
    Q recovers the code (the paper's figure 1).

    Args:
        generator: ``keras.Model`` ``[z, categorical_code, continuous_code] -> images``
            (e.g. :func:`keras_gans.networks.infogan.generator`).
        discriminator: ``keras.Model`` ``images -> [logit [N, 1], categorical_logits
            [N, K], continuous_mean [N, d]]`` (e.g. :func:`keras_gans.networks.infogan.discriminator`).
        latent_dim: size of the noise z.
        num_categories: values K of the categorical code, >= 2.
        num_continuous: number d of continuous codes, >= 1.
        loss: adversarial loss variant.
        categorical_weight: lambda of the categorical code term (1 in the paper).
        continuous_weight: lambda of the continuous code term.
        code_augment: transforms of :data:`keras_gans.style_augment.POLICIES`
            (``"warp"``, ``"stroke"``) applied to the images Q reads the
            categorical code from, in training; empty = Q reads G(z, c) as is
            (the paper). Costs one more pass of D per step.
        clustering_weight: weight of the clustering term on real images (0 =
            off, the paper); needs ``code_augment``. Logged as
            ``clustering_information``, the mutual information of the two
            readings in nats (at most ``log K``). Costs one more pass of D in
            D's step.
        code_warmup_steps: generator steps over which both code weights rise
            linearly from 0 to their values (0 = in force from the start, the
            paper).
        **kwargs: ``latent_distribution``, ``ema_decay``, ``seed``, ``name``.
    """

    TRACKERS = ("d_loss", "g_loss", "categorical_loss", "continuous_loss", "mutual_information")

    def __init__(self, generator, discriminator, latent_dim, num_categories, num_continuous, *,
                 loss="non_saturating", categorical_weight=1.0, continuous_weight=1.0, code_augment=(),
                 clustering_weight=0.0, code_warmup_steps=0, **kwargs):
        self.num_categories = checks.positive_int("num_categories", num_categories, minimum=2)
        self.num_continuous = checks.positive_int("num_continuous", num_continuous)
        self.categorical_weight = checks.weight("categorical_weight", categorical_weight, any_real=True)
        self.continuous_weight = checks.weight("continuous_weight", continuous_weight, any_real=True)
        self.code_augment = style_augment.check_policy(code_augment)
        self.xla_unsupported = style_augment.xla_unsupported(self.code_augment)
        self.clustering_weight = checks.weight("clustering_weight", clustering_weight)
        if self.clustering_weight and not self.code_augment:
            raise ValueError(f"`clustering_weight` needs `code_augment` (the transforms of the second view); "
                             f"received clustering_weight={clustering_weight!r} with code_augment=().")
        self.code_warmup_steps = checks.integer("code_warmup_steps", code_warmup_steps, minimum=0)
        if input_names(generator) != CODE_INPUTS:
            raise ValueError(f"The InfoGAN generator must take inputs {CODE_INPUTS}; {generator.name!r} "
                             f"takes {input_names(generator)}.")
        check_encoded_classes(generator, "generator", self.num_categories, "num_categories")
        shapes = [tuple(output.shape[1:]) for output in discriminator.outputs]
        if shapes != [(1,), (self.num_categories,), (self.num_continuous,)]:
            raise ValueError(f"The InfoGAN discriminator must output [logit [N, 1], categorical_logits "
                             f"[N, num_categories={self.num_categories}], continuous_mean [N, "
                             f"num_continuous={self.num_continuous}]]; {discriminator.name!r} outputs "
                             f"per-example shapes {shapes}.")
        super().__init__(generator, discriminator, latent_dim, loss=loss, **kwargs)
        if self.clustering_weight:
            self.track("clustering_information")

    # --------------------------------------------------------------- sampling

    def _draw_continuous(self, rows):
        return draws.uniform((rows, self.num_continuous), minval=-1.0, maxval=1.0,
                                    seed=self.seed_generator)

    def generator_inputs(self, batch_size):
        return [self.sample_latent(batch_size), self.random_classes(batch_size, self.num_categories),
                distribute.replica_slice(self._draw_continuous, batch_size)]

    def generate(self, z_or_num, categorical_code=None, continuous_code=None, training=False):
        """Generates samples for given (or freshly drawn) codes.

        Args:
            z_or_num: a count (z drawn from the model's seed generator) or z ``[n, latent_dim]``.
            categorical_code: int ``[n]`` values in ``[0, num_categories)``; None draws them.
            continuous_code: float ``[n, num_continuous]``; None draws them from U[-1, 1].
                Values outside [-1, 1] extrapolate (the paper sweeps [-2, 2]).
            training: run the generator in training mode.

        Returns:
            Images ``[n, H, W, C]``.
        """
        z, rows = self.latent_array(z_or_num)
        if categorical_code is None:
            categorical_code = ops.cast(draws.randint((rows,), 0, self.num_categories,
                                                             seed=self.seed_generator), "int32")
        else:
            categorical_code = ops.convert_to_tensor(
                class_ids_array("categorical_code", categorical_code, rows, self.num_categories))
        if continuous_code is None:
            continuous_code = self._draw_continuous(rows)
        else:
            continuous_code = ops.convert_to_tensor(continuous_code, dtype="float32")
            if tuple(continuous_code.shape) != (rows, self.num_continuous):
                raise ValueError(f"`continuous_code` must have shape [{rows}, {self.num_continuous}]; "
                                 f"received shape {tuple(continuous_code.shape)}.")
        return self.sampling_generator([z, categorical_code, continuous_code], training=training)

    # --------------------------------------------------------------- training

    def _judge_fakes(self, fakes, training):
        """D's ``(logit, categorical_logits, continuous_mean)`` for the fakes, the categorical ones read from
        their augmented copy when ``code_augment`` is set and in training."""
        logit, categorical_logits, continuous_mean = as_float32(self.discriminator(fakes["images"], training=training))
        if self.code_augment and training:
            augmented = style_augment.augment(fakes["images"], self.code_augment, self.seed_generator)
            categorical_logits = as_float32(self.discriminator(augmented, training=training))[1]
        return logit, categorical_logits, continuous_mean

    def code_weight_scale(self):
        """The share of the code weights in force: ``min(1, t / code_warmup_steps)`` at generator step t."""
        if not self.code_warmup_steps:
            return 1.0
        step = ops.cast(self.g_optimizer.iterations, "float32")
        return ops.minimum(1.0, step / float(self.code_warmup_steps))

    def _code_losses(self, inputs, categorical_logits, continuous_mean):
        categorical = losses.infogan_categorical_loss(categorical_logits, inputs[1])
        continuous = losses.infogan_continuous_loss(inputs[2], continuous_mean)
        weighted = self.categorical_weight * categorical + self.continuous_weight * continuous
        return self.code_weight_scale() * weighted, categorical, continuous

    def discriminator_loss(self, batch, fakes, training):
        images = real_inputs(batch)
        real_logit, real_categorical_logits, _ = as_float32(self.discriminator(images, training=training))
        fake_logit, categorical_logits, continuous_mean = self._judge_fakes(fakes, training)
        weighted, _, _ = self._code_losses(fakes["inputs"], categorical_logits, continuous_mean)
        adversarial = self.d_loss_fn(real_logit, fake_logit)
        logs = {"d_loss": adversarial}
        if self.clustering_weight and training:
            augmented = style_augment.augment(images, self.code_augment, self.seed_generator)
            augmented_logits = as_float32(self.discriminator(augmented, training=training))[1]
            clustering = losses.invariant_clustering_loss(real_categorical_logits, augmented_logits)
            weighted += self.clustering_weight * clustering
            logs["clustering_information"] = -clustering
        return adversarial + weighted, logs

    def generator_loss(self, batch, fakes, training):
        fake_logit, categorical_logits, continuous_mean = self._judge_fakes(fakes, training)
        weighted, categorical, continuous = self._code_losses(fakes["inputs"], categorical_logits,
                                                              continuous_mean)
        adversarial = self.g_loss_fn(fake_logit)
        return adversarial + weighted, {
            "g_loss": adversarial, "categorical_loss": categorical, "continuous_loss": continuous,
            "mutual_information": math.log(self.num_categories) - categorical}

    def get_config(self):
        config = super().get_config()
        config.update(num_categories=self.num_categories, num_continuous=self.num_continuous,
                      categorical_weight=self.categorical_weight, continuous_weight=self.continuous_weight,
                      code_augment=list(self.code_augment), clustering_weight=self.clustering_weight,
                      code_warmup_steps=self.code_warmup_steps)
        return config
