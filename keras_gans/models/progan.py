"""ProGAN: a WGAN-GP whose players grow from 4x4 to the image size.

Karras et al. 2018, "Progressive Growing of GANs for Improved Quality,
Stability, and Variation".
"""

import keras
from keras import ops

from keras_gans import checks, distribute, losses, penalties
from keras_gans.models.adversarial import AdversarialModel, real_inputs
from keras_gans.models.conditional import (batch_labels, check_encoded_classes, class_accuracy, input_names,
                                           sampling_labels)
from keras_gans.models.game import build_optimizer, reset_optimizer
from keras_gans.networks import progan as growing


def _nearest_double(images):
    return ops.repeat(ops.repeat(images, 2, axis=1), 2, axis=2)


@keras.saving.register_keras_serializable(package="keras_gans")
class ProGAN(AdversarialModel):
    """Progressive growing of G and D with WGAN-GP and the drift term (Karras et al. 2018).

    The players are the growing networks of :mod:`keras_gans.networks.progan`
    (every resolution's layers at once); the model trains one stage at a time.
    Each stage after 4x4 starts with a fade-in: alpha rises linearly from 0
    to 1 with the real images shown to D in the stage, over ``fade_images``
    of them, then stays at 1 (stabilization). While fading, G's image and D's
    input paths are blended (:func:`keras_gans.networks.progan.grown_generator`,
    Fig. 2) and the real images too: ``lerp(upsample(avgpool(x)), x, alpha)``,
    so reals and fakes stay comparable (Fig. 2's caption).

    Losses (the authors' ``D_wgangp_acgan``, appendix A.1): the critic
    minimizes ``E[D(G(z))] - E[D(x)] + lambda E[(||grad D(x_hat)|| - 1)^2] +
    epsilon_drift E[D(x)^2]`` (lambda = 10, epsilon_drift = 0.001); G
    minimizes ``-E[D(G(z))]``. One critic step per G step.

    The stage is training state: :meth:`enter_phase` (called by
    :func:`keras_gans.experiment.run` for each phase of the schedule) picks
    the stage's networks, and the phase index, the images shown in it, the
    fade length and the total images shown are model variables saved in
    checkpoints (:meth:`checkpoint_items`), so a run killed mid-fade resumes
    at the same image count and alpha. Entering a new phase resets both
    optimizers (moments and step counts), as the authors' code does at every
    new resolution (``reset_opt_for_new_lod``); unlike it, the optimizers are
    not reset again when the stabilization starts. A new model (and one
    rebuilt for sampling) is at the last stage with alpha = 1.

    Class-conditional (``num_classes`` K >= 2, the authors' ``label_size``
    with ``D_wgangp_acgan`` / ``G_wgan_acgan``, the AC-GAN form of Odena et
    al. 2017): G takes ``[z, labels]`` and D's last layer gives K class
    logits after the score. D's loss adds ``class_weight`` times the softmax
    cross-entropy of its class logits on the reals (their labels) and on the
    fakes (the labels they were drawn for); G's adds it on its fakes. The
    gradient penalty and the drift read the score alone. Fakes are drawn for
    uniformly random labels in both players' steps (the authors' D step
    reuses the reals' labels: the same distribution on a balanced set).

    Logged: ``d_loss``, ``g_loss``, ``d_real``, ``d_fake``,
    ``gradient_penalty``, ``drift`` (epoch means), with classes also
    ``d_class_loss``, ``g_class_loss`` and ``real_accuracy`` (the share of
    reals D's class logits read right), and the last step's ``phase``,
    ``resolution``, ``alpha`` and ``images_seen``.

    Args:
        generator: a growing generator (:func:`keras_gans.networks.progan.generator`).
        discriminator: a growing discriminator (:func:`keras_gans.networks.progan.discriminator`).
        latent_dim: size of z.
        gradient_penalty_weight: lambda (10).
        drift_weight: epsilon_drift (0.001).
        reset_optimizers: reset the optimizers when a new phase starts.
        ema_decay: decay of G's moving average (0.999 in the paper; see
            :class:`~keras_gans.models.AdversarialModel`). Sampling, the
            pictures and the export use it.
        num_classes: None, or the classes K of a conditional G and D (built
            with the same ``num_classes``).
        class_weight: the authors' ``cond_weight`` (1).
        fake_class_weight: weight of the fakes within D's class term (1 as
            the authors; 0 trains D's class logits on real images only, as
            :class:`~keras_gans.models.ACGAN` can).
        seed: seed of the model's ``keras.random.SeedGenerator``.
        **kwargs: passed to ``keras.Model``.
    """

    TRACKERS = ("d_loss", "g_loss", "d_real", "d_fake", "gradient_penalty", "drift")
    CLASS_TRACKERS = ("d_class_loss", "g_class_loss", "real_accuracy")
    SCHEDULE = ("phase", "resolution", "alpha", "images_seen")

    def __init__(self, generator, discriminator, latent_dim, *, gradient_penalty_weight=10.0, drift_weight=0.001,
                 reset_optimizers=True, ema_decay=0.999, num_classes=None, class_weight=1.0, fake_class_weight=1.0,
                 seed=None, **kwargs):
        self.gradient_penalty_weight = checks.weight("gradient_penalty_weight", gradient_penalty_weight)
        self.drift_weight = checks.weight("drift_weight", drift_weight)
        self.reset_optimizers = checks.boolean("reset_optimizers", reset_optimizers)
        self.num_classes = _check_players_classes(generator, discriminator, num_classes)
        self.class_weight = checks.weight("class_weight", class_weight, any_real=True)
        self.fake_class_weight = checks.weight("fake_class_weight", fake_class_weight, any_real=True)
        if self.num_classes:
            self.TRACKERS = self.TRACKERS + self.CLASS_TRACKERS
        super().__init__(generator, discriminator, latent_dim, ema_decay=ema_decay, seed=seed, **kwargs)
        self.track_latest(*self.SCHEDULE)
        self.resolutions = growing.stage_resolutions(generator)
        if growing.stage_resolutions(discriminator) != self.resolutions:
            raise ValueError(f"`discriminator` must grow through the generator's resolutions {self.resolutions}; "
                             f"received {discriminator.name!r}.")
        self.grown_generators = [growing.grown_generator(generator, r) for r in self.resolutions]
        self.grown_discriminators = [growing.grown_discriminator(discriminator, r) for r in self.resolutions]
        self.grown_samplers = ([growing.grown_generator(self.ema_generator, r) for r in self.resolutions]
                               if self.ema_generator is not None else self.grown_generators)
        self.level = len(self.resolutions) - 1
        state = dict(shape=(), dtype="int64", trainable=False, aggregation="only_first_replica")
        self.phase_index = self.add_weight(name="phase_index", initializer=keras.initializers.Constant(-1), **state)
        self.phase_images = self.add_weight(name="phase_images", initializer="zeros", **state)
        self.fade_images = self.add_weight(name="fade_images", initializer="zeros", **state)
        self.images_seen = self.add_weight(name="images_seen", initializer="zeros", **state)

    # ------------------------------------------------------------------ stage

    @property
    def resolution(self):
        """The current stage's image size."""
        return self.resolutions[self.level]

    def alpha(self):
        """The fade-in weight of the current stage: ``phase_images / fade_images`` clipped to [0, 1]."""
        if self.level == 0:
            return ops.convert_to_tensor(1.0)
        shown = ops.cast(self.phase_images, "float32")
        fade = ops.cast(self.fade_images, "float32")
        return ops.where(fade > 0, ops.clip(shown / ops.maximum(fade, 1.0), 0.0, 1.0), 1.0)

    def enter_phase(self, index, phase):
        """Trains at ``phase.image_size`` from now on; a phase entered for the first time starts its fade.

        ``phase`` may carry ``fade_epochs`` (a
        :class:`keras_gans.experiments.progressive.GrowthPhase`): the fade then
        lasts ``fade_epochs * steps_per_epoch * batch_size`` real images.
        Re-entering the phase recorded in the state (a resumed run) keeps its
        image count, fade length and optimizer state.
        """
        resolution = phase.image_size or self.resolutions[-1]
        if resolution not in self.resolutions:
            raise ValueError(f"Phase {index} ({phase.name}) trains at image_size={resolution}, which is not one of "
                             f"the networks' resolutions {self.resolutions}.")
        self.level = self.resolutions.index(resolution)
        if int(self.phase_index.numpy()) >= index:
            return
        fade_epochs = getattr(phase, "fade_epochs", 0) if self.level else 0
        self.phase_index.assign(index)
        self.phase_images.assign(0)
        self.fade_images.assign(fade_epochs * (phase.steps_per_epoch or 0) * phase.batch_size)
        if self.reset_optimizers and self.d_optimizer is not None:
            reset_optimizer(self.d_optimizer)
            reset_optimizer(self.g_optimizer)

    def checkpoint_items(self):
        """G's moving average and the stage: phase index, images shown in it and in all, fade length."""
        return {**super().checkpoint_items(), "phase_index": self.phase_index, "phase_images": self.phase_images,
                "fade_images": self.fade_images, "images_seen": self.images_seen}

    def compile(self, d_optimizer=None, g_optimizer=None, **kwargs):
        """Configures the optimizers (default the paper's Adam(0.001, beta_1=0, beta_2=0.99)).

        They are built on every stage's variables; a stage updates its subset.
        """
        d_optimizer = build_optimizer(d_optimizer or keras.optimizers.Adam(1e-3, beta_1=0.0, beta_2=0.99),
                                      self.discriminator.trainable_variables)
        g_optimizer = build_optimizer(g_optimizer or keras.optimizers.Adam(1e-3, beta_1=0.0, beta_2=0.99),
                                      self.generator.trainable_variables)
        super().compile(d_optimizer=d_optimizer, g_optimizer=g_optimizer, **kwargs)

    def discriminator_variables(self):
        return self.grown_discriminators[self.level].trainable_variables

    def generator_variables(self):
        return self.grown_generators[self.level].trainable_variables

    # --------------------------------------------------------------- sampling

    def generate(self, z_or_num, labels=None, training=False):
        """Images of the current stage (at its resolution and alpha) from G's moving average when kept.

        Args:
            z_or_num: a count (z drawn from the model's seed generator) or z ``[n, latent_dim]``.
            labels: a conditional model's int class ids ``[n]``; None draws them uniformly.
            training: run the generator in training mode.

        Raises:
            ValueError: naming ``labels`` when one is out of range, the count
                does not match z, or the model is not conditional.
        """
        z, rows = self.latent_array(z_or_num)
        inputs = [z]
        if self.num_classes:
            inputs.append(sampling_labels(self, labels, rows))
        elif labels is not None:
            raise ValueError(f"`labels` needs a class-conditional ProGAN (num_classes >= 2); this one has none; "
                             f"received labels={labels!r}.")
        return self.grown_samplers[self.level]([*inputs, self.alpha()], training=training)

    def call(self, z, training=False):
        return self.generate(z, training=training)

    def serving_endpoints(self):
        """``serving_default``: the final stage (``z`` (and ``labels``) ``-> images`` at full resolution)."""
        network = self.sampling_generator
        return {"serving_default": keras.Model(network.inputs, network.outputs[-1], name=f"{network.name}_final")}

    # --------------------------------------------------------------- training

    def prepare_batch(self, data):
        """``(reals faded like the fakes, alpha)`` (and the reals' labels when conditional): the batch every
        loss of the step takes."""
        real = real_inputs(data)
        alpha = self.alpha()
        if self.level:
            coarse = _nearest_double(ops.average_pool(real, 2, strides=2, padding="valid"))
            real = coarse + ops.cast(alpha, real.dtype) * (real - coarse)
        return (real, alpha, batch_labels(self, data)) if self.num_classes else (real, alpha)

    def make_fakes(self, batch, training):
        """G's images at the stage, or ``(images, labels drawn for them)`` when conditional."""
        real, alpha = batch[:2]
        rows = ops.shape(real)[0]
        inputs = [self.sample_latent(rows)]
        if self.num_classes:
            inputs.append(self.random_classes(rows, self.num_classes))
        fake = self.grown_generators[self.level]([*inputs, alpha], training=training)
        return (fake, inputs[1]) if self.num_classes else fake

    def _critic(self, alpha):
        """The stage's D as ``images -> (score [N, 1], class logits [N, K] or None)``, in float32."""
        network = self.grown_discriminators[self.level]

        def critic(images, training=True):
            outputs = ops.cast(network([images, alpha], training=training), "float32")
            return (outputs[:, :1], outputs[:, 1:]) if self.num_classes else (outputs, None)
        return critic

    def discriminator_loss(self, batch, fake, training):
        real, alpha = batch[:2]
        fake, fake_labels = fake if self.num_classes else (fake, None)
        critic = self._critic(alpha)
        real_logits, real_classes = critic(real, training=training)
        fake_logits, fake_classes = critic(fake, training=training)
        loss = losses.wasserstein_discriminator_loss(real_logits, fake_logits)
        logs = {"d_loss": loss, "d_real": ops.mean(real_logits), "d_fake": ops.mean(fake_logits),
                "phase": self.phase_index, "resolution": self.resolution, "alpha": alpha}
        if self.num_classes:
            logs["d_class_loss"] = losses.acgan_discriminator_loss(real_classes, batch[2], fake_classes, fake_labels,
                                                                   fake_weight=self.fake_class_weight)
            logs["real_accuracy"] = class_accuracy(real_classes, batch[2])
            loss = loss + self.class_weight * logs["d_class_loss"]
            logs["d_loss"] = loss
        if not training:
            return loss, logs
        logs["drift"] = losses.drift_penalty(real_logits)
        def score(images, training=True):
            return critic(images, training=training)[0]
        logs["gradient_penalty"] = penalties.gradient_penalty(score, real, fake, self.seed_generator)
        total = loss + self.gradient_penalty_weight * logs["gradient_penalty"] + self.drift_weight * logs["drift"]
        return total, logs

    def generator_loss(self, batch, fake, training):
        fake, labels = fake if self.num_classes else (fake, None)
        logits, classes = self._critic(batch[1])(fake, training=training)
        loss = losses.wasserstein_generator_loss(logits)
        if not self.num_classes:
            return loss, {"g_loss": loss}
        class_loss = losses.acgan_generator_loss(classes, labels)
        loss = loss + self.class_weight * class_loss
        return loss, {"g_loss": loss, "g_class_loss": class_loss}

    def train_step(self, data):
        """The game's step at the current stage, then the images shown move the fade on."""
        logs = super().train_step(data)
        shown = ops.cast(ops.shape(real_inputs(data))[0] * distribute.num_replicas(), "int64")
        self.phase_images.assign_add(shown)
        self.images_seen.assign_add(shown)
        return {**logs, **self.record({"images_seen": self.images_seen})}

    # ---------------------------------------------------------- serialization

    def get_config(self):
        config = super().get_config()
        config.update(gradient_penalty_weight=self.gradient_penalty_weight, drift_weight=self.drift_weight,
                      reset_optimizers=self.reset_optimizers, num_classes=self.num_classes,
                      class_weight=self.class_weight, fake_class_weight=self.fake_class_weight)
        return config


def _check_players_classes(generator, discriminator, num_classes):
    """``num_classes`` (None: unconditional) when G's inputs and D's score width agree with it, else a
    ValueError naming it."""
    num_classes = growing.check_num_classes(num_classes)
    expected_inputs, expected_width = (["z", "labels"], 1 + num_classes) if num_classes else (["z"], 1)
    width = discriminator.outputs[0].shape[-1]
    if input_names(generator) != expected_inputs or width != expected_width:
        raise ValueError(f"`num_classes`={num_classes} needs a generator with inputs {expected_inputs} and a "
                         f"discriminator scoring [N, {expected_width}]; {generator.name!r} takes "
                         f"{input_names(generator)} and {discriminator.name!r} scores [N, {width}] (build both "
                         f"with the same num_classes).")
    if num_classes:
        check_encoded_classes(generator, "generator", num_classes)
    return num_classes
