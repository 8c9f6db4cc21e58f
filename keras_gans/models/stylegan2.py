"""StyleGAN2: a style-based generator with lazy R1, path length regularization and style mixing.

Karras et al. 2020, "Analyzing and Improving the Image Quality of StyleGAN".
"""

import contextlib

import keras
import numpy as np
import tensorflow as tf
from keras import ops

from keras_gans import checks, distribute, draws, latent, losses, penalties
from keras_gans.diff_augment import augment, check_policy
from keras_gans.export import Endpoint
from keras_gans.layers.style import NoiseInjection
from keras_gans.models.adversarial import AdversarialModel, real_inputs
from keras_gans.networks import stylegan2 as style_networks


def _unit_interval(name, value, closed_top):
    ok = (not isinstance(value, bool) and isinstance(value, (int, float))
          and (0.0 <= value <= 1.0 if closed_top else 0.0 <= value < 1.0))
    if not ok:
        raise ValueError(f"`{name}` must be a number in [0, 1{']' if closed_top else ')'}; received {name}={value!r}.")
    return float(value)


@keras.saving.register_keras_serializable(package="keras_gans")
class StyleGAN2(AdversarialModel):
    """StyleGAN2 training (Karras et al. 2020, config E/F).

    The generator is ``z -> mapping -> truncation -> synthesis``
    (:func:`keras_gans.networks.stylegan2.generator`); D is any ``images ->
    logit`` network (the residual one of the paper). Each step:

    - D minimizes the non-saturating logistic loss ``softplus(D(G(z))) +
      softplus(-D(x))``; on every ``r1_interval``-th step (the D optimizer's
      ``iterations`` % 16 == 0, from the first) it adds R1 on the reals,
      ``gamma / 2 * E||grad D(x)||^2``, times the interval (lazy
      regularization, section 3.1).
    - G minimizes ``softplus(-D(G(z)))``; on every ``path_length_interval``-th
      step (4) it adds ``w_pl * interval * E[(||J_w^T y|| - a)^2]`` on a fresh
      batch of ``batch / 2`` (section 3.2), after moving the running mean
      ``a <- a + 0.01 (E||J_w^T y|| - a)`` (a model variable, in checkpoints).
    - Every training-mode generator call mixes styles with probability 0.9:
      a second z's w replaces the first's from a cutoff layer drawn uniformly
      in [1, num_ws - 1], one cutoff per minibatch (StyleGAN, section 3.1),
      and moves ``w_avg <- 0.995 w_avg + 0.005 mean(w)`` (for truncation).

    As in the paper the regularizer is evaluated only on its steps and scaled
    by the interval; unlike the authors' code, which takes it as a separate
    optimizer step and therefore lowers Adam's learning rate and betas by
    ``k / (k + 1)``, it is added to that step's main loss, so every minibatch
    is one optimizer step and the optimizers keep the run's settings (a
    ``tf.distribute`` step cannot run an optimizer update inside a condition).

    Sampling (:meth:`generate`, the pictures and the export) uses G's moving
    average when kept, with the truncation trick ``w' = w_avg + psi (w -
    w_avg)`` (psi = 1: none); :meth:`mix` draws with coarse styles from one z
    and fine styles from another.

    Args:
        generator: the StyleGAN2 generator.
        discriminator: ``images -> logits``.
        latent_dim: size of z.
        r1_gamma: R1 gamma (10 for FFHQ at 1024; lower for small images).
        r1_interval: D steps between R1 evaluations (16).
        path_length_weight: w_pl (2).
        path_length_interval: G steps between path length evaluations (4).
        path_length_decay: decay of the running mean (0.01).
        path_length_batch_shrink: the path length batch is ``batch // shrink`` (2).
        style_mixing: probability of mixing a minibatch (0.9).
        w_avg_decay: decay of the tracked average w (0.995).
        ema_decay: decay of G's moving average (0.5 ** (batch / 10,000) in the paper).
        diff_augment: DiffAugment's policy (Zhao et al. 2020; names from
            :data:`keras_gans.diff_augment.POLICIES`): every image D judges in
            training, real or generated, is transformed, and R1 is taken on the
            transformed real images (the authors' StyleGAN2 loss
            ``ns_r1_DiffAugment``). Empty = off.
        seed: seed of the model's ``keras.random.SeedGenerator``.
        **kwargs: passed to ``keras.Model``.
    """

    TRACKERS = ("d_loss", "g_loss", "d_real", "d_fake", "r1_penalty", "path_length")

    def __init__(self, generator, discriminator, latent_dim, *, r1_gamma=10.0, r1_interval=16, path_length_weight=2.0,
                 path_length_interval=4, path_length_decay=0.01, path_length_batch_shrink=2, style_mixing=0.9,
                 w_avg_decay=0.995, ema_decay=0.0, diff_augment=(), seed=None, **kwargs):
        self.r1_gamma = checks.weight("r1_gamma", r1_gamma)
        self.r1_interval = checks.positive_int("r1_interval", r1_interval)
        self.path_length_weight = checks.weight("path_length_weight", path_length_weight)
        self.path_length_interval = checks.positive_int("path_length_interval", path_length_interval)
        self.path_length_decay = _unit_interval("path_length_decay", path_length_decay, closed_top=True)
        self.path_length_batch_shrink = checks.positive_int("path_length_batch_shrink", path_length_batch_shrink)
        self.style_mixing = _unit_interval("style_mixing", style_mixing, closed_top=True)
        self.w_avg_decay = _unit_interval("w_avg_decay", w_avg_decay, closed_top=False)
        self.diff_augment = check_policy(diff_augment)
        names = {layer.name for layer in getattr(generator, "layers", [])}
        if not {"mapping", "truncation", "synthesis"} <= names:
            raise ValueError("`generator` must have layers 'mapping', 'truncation' and 'synthesis' "
                             f"(keras_gans.networks.stylegan2.generator); received {generator.name!r}.")
        super().__init__(generator, discriminator, latent_dim, ema_decay=ema_decay, seed=seed, **kwargs)
        self.track_latest("path_length_mean")
        self.mapping = generator.get_layer("mapping")
        self.synthesis = generator.get_layer("synthesis")
        self.truncation = generator.get_layer("truncation")
        self.num_ws = int(self.mapping.outputs[0].shape[1])
        sampler = self.sampling_generator
        self.truncated_generator = style_networks.truncated_generator(sampler)
        self.truncated_mapping = style_networks.truncated_mapping(sampler)
        self.path_length_mean = self.add_weight(name="path_length_mean", shape=(), initializer="zeros",
                                                trainable=False, aggregation="only_first_replica")

    def checkpoint_items(self):
        """G's moving average (when kept) and the path length running mean."""
        return {**super().checkpoint_items(), "path_length_mean": self.path_length_mean}

    # --------------------------------------------------------------- sampling

    def map(self, z, truncation_psi=1.0):
        """The (truncated) w's ``[N, num_ws, w_dim]`` of z, from the sampling generator."""
        return self.truncated_mapping([ops.convert_to_tensor(z, "float32"), ops.convert_to_tensor(
            truncation_psi, "float32")])["w"]

    def synthesize(self, ws):
        """Images of the w's ``[N, num_ws, w_dim]`` with the sampling generator's synthesis."""
        return self.sampling_generator.get_layer("synthesis")(ops.convert_to_tensor(ws, "float32"))

    def generate(self, z_or_num, truncation_psi=None, training=False):
        """Samples; ``truncation_psi`` (None or 1: no truncation) pulls w towards ``w_avg``."""
        z, _ = self.latent_array(z_or_num)
        if truncation_psi is None:
            return self.sampling_generator(z, training=training)
        return self.truncated_generator([z, ops.convert_to_tensor(truncation_psi, "float32")], training=training)

    def mix(self, z_coarse, z_fine, cutoff, truncation_psi=1.0):
        """Images with the w's of ``z_coarse`` before layer ``cutoff`` and those of ``z_fine`` from it on."""
        cutoff = checks.integer("cutoff", cutoff, minimum=0)
        if cutoff > self.num_ws:
            raise ValueError(f"`cutoff` must be in [0, num_ws={self.num_ws}]; received cutoff={cutoff}.")
        coarse, fine = self.map(z_coarse, truncation_psi), self.map(z_fine, truncation_psi)
        return self.synthesize(ops.concatenate([coarse[:, :cutoff], fine[:, cutoff:]], axis=1))

    def path_endpoints(self, z_start, z_end, t, *, space="w", epsilon=1e-4):
        """Images at ``t`` and ``t + epsilon`` along latent paths: the pairs of perceptual path length.

        StyleGAN (Karras et al. 2019, section 4.2): in Z the path is the slerp
        of the normalized z's (the mapping normalizes z anyway), in W the lerp
        of their w's. Untruncated, from the sampling generator; hold the noise
        with :meth:`fixed_noise` so that both ends see the same maps.

        Args:
            z_start: ``[n, latent_dim]`` path starts.
            z_end: ``[n, latent_dim]`` path ends.
            t: ``[n]`` points on the paths, in [0, 1 - epsilon].
            space: ``"z"`` or ``"w"``.
            epsilon: the step (1e-4).

        Returns:
            ``(images at t, images at t + epsilon)``, float32 NumPy arrays.
        """
        checks.one_of("space", space, ("z", "w"))
        z_start, z_end = np.asarray(z_start, np.float64), np.asarray(z_end, np.float64)
        t = np.asarray(t, np.float64)
        if space == "z":
            unit_start = z_start / np.linalg.norm(z_start, axis=1, keepdims=True)
            unit_end = z_end / np.linalg.norm(z_end, axis=1, keepdims=True)
            ends = [np.stack([latent.slerp(a, b, s) for a, b, s in zip(unit_start, unit_end, t + step)])
                    for step in (0.0, epsilon)]
            return tuple(np.asarray(ops.convert_to_numpy(self.synthesize(self.map(e.astype(np.float32)))))
                         for e in ends)
        ws_start = ops.convert_to_numpy(self.map(z_start.astype(np.float32))).astype(np.float64)
        ws_end = ops.convert_to_numpy(self.map(z_end.astype(np.float32))).astype(np.float64)
        return tuple(np.asarray(ops.convert_to_numpy(self.synthesize(
            (ws_start + (t + step)[:, None, None] * (ws_end - ws_start)).astype(np.float32))))
            for step in (0.0, epsilon))

    @contextlib.contextmanager
    def fixed_noise(self, seed):
        """Within it, the sampling synthesis uses one noise map per layer for every sample (drawn from ``seed``).

        The authors' ``randomize_noise=False`` with freshly drawn buffers, as
        their perceptual path length does for each minibatch. Call the
        networks eagerly inside it (a traced function keeps the noise it was
        traced with); the buffers and settings are restored on exit.
        """
        rng = np.random.default_rng(seed)
        noise_layers = [layer for layer in self.sampling_generator.get_layer("synthesis").layers
                        if isinstance(layer, NoiseInjection)]
        saved = [(layer.randomize, keras.ops.convert_to_numpy(layer.noise_const)) for layer in noise_layers]
        try:
            for layer in noise_layers:
                layer.randomize = False
                layer.noise_const.assign(rng.standard_normal(tuple(layer.noise_const.shape)).astype(np.float32))
            yield
        finally:
            for layer, (randomize, buffer) in zip(noise_layers, saved):
                layer.randomize = randomize
                layer.noise_const.assign(buffer)

    def serving_endpoints(self):
        """``serving_default`` (``z``, optional ``truncation_psi`` = 1 -> ``images``), ``mapping``
        (``z``, optional ``truncation_psi`` -> ``w``) and ``synthesis`` (``w`` -> ``images``)."""
        defaults = {style_networks.PSI_INPUT: 1.0}
        return {"serving_default": Endpoint(self.truncated_generator, defaults),
                "mapping": Endpoint(self.truncated_mapping, defaults),
                "synthesis": self.sampling_generator.get_layer("synthesis")}

    # --------------------------------------------------------------- training

    def prepare_batch(self, data):
        return real_inputs(data)

    def _mixed_ws(self, rows, training, update_average):
        """W's of fresh z's, style-mixed when training; optionally moves ``w_avg`` (global batch mean)."""
        mixing = training and self.style_mixing
        z = self.sample_latent(rows)
        if mixing:  # the second z's through the same mapping call
            z = ops.concatenate([z, self.sample_latent(rows)], axis=0)
        ws = self.mapping(z, training=training)
        if mixing:
            ws, other = ws[:rows], ws[rows:]
        if update_average:
            w_mean = distribute.replica_mean(ops.mean(ops.cast(ws[:, 0], "float32"), axis=0))
            self.truncation.update_average(w_mean, self.w_avg_decay)
        if not mixing:
            return ws
        mixed = draws.uniform((), seed=self.seed_generator) < self.style_mixing
        drawn = draws.randint((), 1, self.num_ws, seed=self.seed_generator)
        cutoff = ops.where(mixed, drawn, self.num_ws)
        layer = ops.arange(self.num_ws)[None, :, None]
        return ops.where(layer < cutoff, ws, other)

    def make_fakes(self, batch, training):
        ws = self._mixed_ws(ops.shape(batch)[0], training, update_average=training)
        return self.synthesis(ws, training=training)

    def _as_judged(self, images, training):
        """What D sees of images: DiffAugment's transforms in training."""
        return augment(images, self.diff_augment, self.seed_generator) if training else images

    def discriminator_loss(self, real, fake, training):
        real, fake = self._as_judged(real, training), self._as_judged(fake, training)
        real_logits = ops.cast(self.discriminator(real, training=training), "float32")
        fake_logits = ops.cast(self.discriminator(fake, training=training), "float32")
        loss = losses.non_saturating_discriminator_loss(real_logits, fake_logits)
        logs = {"d_loss": loss, "d_real": ops.mean(real_logits), "d_fake": ops.mean(fake_logits)}
        if not training or not self.r1_gamma:
            return loss, logs
        step = self.d_optimizer.iterations
        due = ops.equal(step % self.r1_interval, 0)
        r1 = tf.cond(due, lambda: penalties.r1_penalty(self.discriminator, real),
                     lambda: tf.constant(0.0))
        logs["r1_penalty"] = (r1, ops.cast(due, "float32"))
        return loss + losses.lazy_weight(step, self.r1_interval, 0.5 * self.r1_gamma) * r1, logs

    def _path_lengths(self, rows):
        ws = self._mixed_ws(rows, training=True, update_average=False)
        return penalties.path_lengths(self.synthesis, ws, self.seed_generator)

    def generator_loss(self, real, fake, training):
        fake_logits = self.discriminator(self._as_judged(fake, training), training=training)
        loss = losses.non_saturating_generator_loss(ops.cast(fake_logits, "float32"))
        logs = {"g_loss": loss}
        if not training or not self.path_length_weight:
            return loss, logs
        step = self.g_optimizer.iterations
        due = ops.equal(step % self.path_length_interval, 0)
        rows = ops.maximum(ops.shape(fake)[0] // self.path_length_batch_shrink, 1)
        # Only the Jacobian pass is conditional: the replicas' all-reduce of the mean must run on every step.
        lengths = tf.cond(due, lambda: self._path_lengths(rows), lambda: tf.zeros((rows,)))
        mean = losses.update_path_length_mean(self.path_length_mean, distribute.replica_mean(ops.mean(lengths)),
                                              self.path_length_decay)
        penalty = losses.path_length_penalty(lengths, mean)
        self.path_length_mean.assign(ops.where(due, ops.stop_gradient(mean), self.path_length_mean))
        logs.update(path_length=(ops.mean(lengths), ops.cast(due, "float32")), path_length_mean=self.path_length_mean)
        return loss + losses.lazy_weight(step, self.path_length_interval, self.path_length_weight) * penalty, logs

    # ---------------------------------------------------------- serialization

    def get_config(self):
        config = super().get_config()
        config.update(r1_gamma=self.r1_gamma, r1_interval=self.r1_interval,
                      path_length_weight=self.path_length_weight, path_length_interval=self.path_length_interval,
                      path_length_decay=self.path_length_decay, path_length_batch_shrink=self.path_length_batch_shrink,
                      style_mixing=self.style_mixing, w_avg_decay=self.w_avg_decay,
                      diff_augment=list(self.diff_augment))
        return config
