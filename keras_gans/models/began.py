"""BEGAN: an autoencoder discriminator held at an equilibrium by proportional control.

Berthelot, Schumm & Metz 2017, "BEGAN: Boundary Equilibrium Generative
Adversarial Networks".
"""

import keras
import tensorflow as tf
from keras import ops

from keras_gans import checks, distribute, losses
from keras_gans.models.energy import EnergyGame


def _check_fraction(name, value, low_open):
    ok = (not isinstance(value, bool) and isinstance(value, (int, float))
          and (0.0 < value <= 1.0 if low_open else 0.0 <= value <= 1.0))
    if not ok:
        interval = "(0, 1]" if low_open else "[0, 1]"
        raise ValueError(f"`{name}` must be a number in {interval}; received {name}={value!r}.")
    return float(value)


@keras.saving.register_keras_serializable(package="keras_gans")
class BEGAN(EnergyGame):
    """Boundary equilibrium GAN (Berthelot et al. 2017).

    With ``L(v) = mean |v - D(v)|^eta`` the autoencoder loss of a batch
    (``eta = energy_power``, 1 in the paper), each ``train_step`` draws z_D
    and z_G, computes with the same D

        L_D = L(x) - k_t L(G(z_D))       (for D's weights)
        L_G = L(G(z_G))                  (for G's weights)

    applies both updates, then moves the control variable
    ``k_{t+1} = clip(k_t + lambda_k (gamma L(x) - L(G(z_G))), 0, 1)`` (eq. 4).
    The convergence measure ``M_global = L(x) + |gamma L(x) - L(G(z_G))|``
    (section 3.4.1) is logged as ``convergence``. Under a ``tf.distribute``
    strategy k_t moves with the global-batch means, so every replica holds the
    same value.

    k_t is a model variable: it is saved in checkpoints
    (:meth:`checkpoint_items`) and ``.keras`` files, so a resumed run continues
    the control from where it stopped.

    Logged metrics: ``d_loss``, ``g_loss``, ``real_energy`` (L(x)),
    ``fake_energy`` (L(G(z_G))), ``k_t`` (after the update) and ``convergence``.

    Args:
        generator: ``keras.Model`` mapping z to samples.
        discriminator: autoencoder ``keras.Model`` returning ``[reconstruction,
            embedding]`` (:mod:`keras_gans.networks.autoencoder`).
        latent_dim: size of z.
        gamma: the diversity ratio ``E[L(G(z))] / E[L(x)]`` in (0, 1] (0.5 is
            the paper's usual choice; lower gives sharper, less diverse samples).
        lambda_k: the proportional gain of k (0.001 in the paper).
        initial_k: k_0 in [0, 1] (0 in the paper).
        energy_power: eta, 1 (the paper's L1) or 2.
        latent_distribution: ``"normal"`` or ``"uniform"`` (the paper's z is uniform).
        ema_decay: moving average of G's weights, see :class:`AdversarialModel`.
        seed: seed of the model's ``keras.random.SeedGenerator``.
        **kwargs: passed to ``keras.Model``.
    """

    TRACKERS = ("d_loss", "g_loss", "real_energy", "fake_energy", "k_t", "convergence")

    def __init__(self, generator, discriminator, latent_dim, *, gamma=0.5, lambda_k=0.001, initial_k=0.0,
                 energy_power=1, latent_distribution="normal", ema_decay=0.0, seed=None, **kwargs):
        gamma = _check_fraction("gamma", gamma, low_open=True)
        initial_k = _check_fraction("initial_k", initial_k, low_open=False)
        lambda_k = checks.positive_number("lambda_k", lambda_k)
        super().__init__(generator, discriminator, latent_dim, energy_power=energy_power,
                         latent_distribution=latent_distribution, ema_decay=ema_decay, seed=seed, **kwargs)
        self.gamma = gamma
        self.lambda_k = lambda_k
        self.initial_k = initial_k
        # Every replica computes the same new value from the global means; the
        # first replica's write is the one kept.
        self.k_t = self.add_weight(name="k_t", shape=(), initializer=keras.initializers.Constant(initial_k),
                                   trainable=False, aggregation="only_first_replica")

    def checkpoint_items(self):
        """G's moving average (when kept) and k_t."""
        return {**super().checkpoint_items(), "k_t": self.k_t}

    def discriminator_loss(self, real, fake, training):
        real_energy, _ = self.energies(real, training)
        fake_energy, _ = self.energies(fake, training)
        loss = losses.began_discriminator_loss(real_energy, fake_energy, k=ops.cast(self.k_t, "float32"))
        return loss, {"d_loss": loss, "real_energy": distribute.replica_mean(ops.mean(real_energy))}

    def generator_loss(self, real, fake, training):
        fake_energy, _ = self.energies(fake, training)
        loss = losses.began_generator_loss(fake_energy)
        return loss, {"g_loss": loss, "fake_energy": distribute.replica_mean(ops.mean(fake_energy))}

    def train_step(self, data):
        """Both players' losses with the same D, both updates, then the k_t control step (eq. 4)."""
        real = self.prepare_batch(data)
        d_vars, g_vars = self.discriminator_variables(), self.generator_variables()
        z_d = self.sample_latent(ops.shape(real)[0])
        z_g = self.sample_latent(ops.shape(real)[0])
        with tf.GradientTape() as d_tape, tf.GradientTape() as g_tape:
            d_loss, d_logs = self.discriminator_loss(real, self.generator(z_d, training=True), training=True)
            g_loss, g_logs = self.generator_loss(real, self.generator(z_g, training=True), training=True)
            d_scaled = self.scaled_loss(self.d_optimizer, d_loss)
            g_scaled = self.scaled_loss(self.g_optimizer, g_loss)
        d_grads = d_tape.gradient(d_scaled, d_vars)
        g_grads = g_tape.gradient(g_scaled, g_vars)
        self.d_optimizer.apply(d_grads, d_vars)
        self.g_optimizer.apply(g_grads, g_vars)
        self.after_generator_update()

        real_loss, fake_loss = d_logs["real_energy"], g_logs["fake_energy"]
        new_k = losses.began_k_update(ops.cast(self.k_t, "float32"), real_loss, fake_loss, gamma=self.gamma,
                                      lambda_k=self.lambda_k)
        self.k_t.assign(new_k)
        return self.record({**d_logs, **g_logs, "k_t": new_k,
                            "convergence": losses.began_convergence(real_loss, fake_loss, gamma=self.gamma)})

    def get_config(self):
        config = super().get_config()
        config.update(gamma=self.gamma, lambda_k=self.lambda_k, initial_k=self.initial_k)
        return config
