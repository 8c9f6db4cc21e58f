"""BEGAN: an autoencoder discriminator held at an equilibrium by proportional control.

Berthelot, Schumm & Metz 2017, "BEGAN: Boundary Equilibrium Generative
Adversarial Networks".
"""

import keras
import tensorflow as tf
from keras import ops

from keras_gans import losses
from keras_gans.models.ebgan import check_autoencoder, check_energy_power, energies
from keras_gans.models.gan import AdversarialModel, real_inputs, replica_mean, step_logs
from keras_gans.networks import _checks


def _check_fraction(name, value, low_open):
    ok = (not isinstance(value, bool) and isinstance(value, (int, float))
          and (0.0 < value <= 1.0 if low_open else 0.0 <= value <= 1.0))
    if not ok:
        interval = "(0, 1]" if low_open else "[0, 1]"
        raise ValueError(f"`{name}` must be a number in {interval}; received {name}={value!r}.")
    return float(value)


@keras.saving.register_keras_serializable(package="keras_gans")
class BEGAN(AdversarialModel):
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

    def __init__(self, generator, discriminator, latent_dim, *, gamma=0.5, lambda_k=0.001, initial_k=0.0,
                 energy_power=1, latent_distribution="normal", ema_decay=0.0, seed=None, **kwargs):
        gamma = _check_fraction("gamma", gamma, low_open=True)
        initial_k = _check_fraction("initial_k", initial_k, low_open=False)
        lambda_k = _checks.positive_number("lambda_k", lambda_k)
        check_autoencoder(discriminator)
        super().__init__(generator, discriminator, latent_dim, latent_distribution=latent_distribution,
                         ema_decay=ema_decay, seed=seed, **kwargs)
        self.gamma = gamma
        self.lambda_k = lambda_k
        self.initial_k = initial_k
        self.energy_power = check_energy_power(energy_power)
        # Every replica computes the same new value from the global means; the
        # first replica's write is the one kept.
        self.k_t = self.add_weight(name="k_t", shape=(), initializer=keras.initializers.Constant(initial_k),
                                   trainable=False, aggregation="only_first_replica")
        self.d_loss_tracker = keras.metrics.Mean(name="d_loss")
        self.g_loss_tracker = keras.metrics.Mean(name="g_loss")
        self.real_energy_tracker = keras.metrics.Mean(name="real_energy")
        self.fake_energy_tracker = keras.metrics.Mean(name="fake_energy")
        self.k_tracker = keras.metrics.Mean(name="k_t")
        self.convergence_tracker = keras.metrics.Mean(name="convergence")
        self.built = True

    @property
    def metrics(self):
        return [self.d_loss_tracker, self.g_loss_tracker, self.real_energy_tracker,
                self.fake_energy_tracker, self.k_tracker, self.convergence_tracker]

    def checkpoint_items(self):
        """G's moving average (when kept) and k_t, for :class:`keras_gans.callbacks.Checkpointer`."""
        return {**super().checkpoint_items(), "k_t": self.k_t}

    def train_step(self, data):
        real = real_inputs(data)
        batch_size = ops.shape(real)[0]
        d_vars = self.discriminator.trainable_variables
        g_vars = self.generator.trainable_variables
        z_d = self.sample_latent(batch_size)
        z_g = self.sample_latent(batch_size)
        k = ops.cast(self.k_t, "float32")

        with tf.GradientTape() as d_tape, tf.GradientTape() as g_tape:
            real_energy, _ = energies(self.discriminator, real, self.energy_power)
            fake_d_energy, _ = energies(self.discriminator, self.generator(z_d, training=True),
                                        self.energy_power)
            fake_g_energy, _ = energies(self.discriminator, self.generator(z_g, training=True),
                                        self.energy_power)
            d_loss = losses.began_discriminator_loss(real_energy, fake_d_energy, k=k)
            g_loss = losses.began_generator_loss(fake_g_energy)
            d_scaled = self._scaled(self.d_optimizer, d_loss)
            g_scaled = self._scaled(self.g_optimizer, g_loss)
        d_grads = d_tape.gradient(d_scaled, d_vars)
        g_grads = g_tape.gradient(g_scaled, g_vars)
        self.d_optimizer.apply(d_grads, d_vars)
        self.g_optimizer.apply(g_grads, g_vars)
        self._update_moving_average()

        real_loss = replica_mean(ops.mean(real_energy))
        fake_loss = replica_mean(ops.mean(fake_g_energy))
        new_k = losses.began_k_update(k, real_loss, fake_loss, gamma=self.gamma, lambda_k=self.lambda_k)
        self.k_t.assign(new_k)

        self.d_loss_tracker.update_state(d_loss)
        self.g_loss_tracker.update_state(g_loss)
        self.real_energy_tracker.update_state(real_loss)
        self.fake_energy_tracker.update_state(fake_loss)
        self.k_tracker.update_state(new_k)
        self.convergence_tracker.update_state(
            losses.began_convergence(real_loss, fake_loss, gamma=self.gamma))
        return step_logs(self.metrics)

    def get_config(self):
        config = super().get_config()
        config.update(gamma=self.gamma, lambda_k=self.lambda_k, initial_k=self.initial_k,
                      energy_power=self.energy_power)
        return config
