"""Does WGAN's critic estimate fall as samples improve? (Arjovsky et al. 2017, section 4.2.)

    nice -n 10 python benchmarks/wgan_critic_vs_quality.py                 # grid25, seeds 0,1
    nice -n 10 python benchmarks/wgan_critic_vs_quality.py --dataset=ring8 --seeds=0,1,2

Trains the WGAN configuration (weight clipping c = 0.01, n_critic = 5,
RMSProp) on a 2-D mixture and, every ``--eval_every`` generator steps (the
"checkpoints"), measures

- the critic's estimate of the Wasserstein distance,
  ``E[f(x)] - E[f(G(z))]`` on 8,192 held-out real points and 8,192 samples of a
  fixed z. The estimate is only meaningful for a critic trained close to its
  optimum (the paper trains it 100 steps at a time for its curves), so a copy
  of the training critic first takes ``--critic_steps`` more clipped RMSProp
  steps against the frozen G; training itself is not touched;
- the sample quality of :func:`keras_gans.evaluation.mode_coverage` on 2,500
  samples: reverse KL to the uniform mode histogram, modes, high quality.

It prints one JSON line per measurement and, per seed, the Pearson and
Spearman correlations between the estimate and the reverse KL (points with
no high-quality sample, where the reverse KL is undefined, are left out) and
between the estimate and the share of high-quality samples. The paper's
claim holds when the first is clearly positive and the second negative.
"""

import argparse
import json
import math
import os
import sys

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)


def pearson(x, y):
    x, y = np.asarray(x, float), np.asarray(y, float)
    if len(x) < 3 or x.std() == 0 or y.std() == 0:
        return float("nan")
    return float(np.corrcoef(x, y)[0, 1])


def spearman(x, y):
    ranks = lambda v: np.argsort(np.argsort(np.asarray(v, float)))  # noqa: E731 (no ties in practice)
    return pearson(ranks(x), ranks(y))


def refined_estimate(critic, gan, dataset_iterator, held_out, z, args):
    """E[f(x)] - E[f(G(z))] of a copy of ``critic`` trained ``args.critic_steps`` more steps on frozen G."""
    import keras
    import tensorflow as tf

    copy = keras.models.clone_model(critic)
    copy.set_weights(critic.get_weights())
    optimizer = keras.optimizers.RMSprop(args.learning_rate)

    @tf.function
    def step(real):
        fake = gan.generator(gan.sample_latent(tf.shape(real)[0]), training=False)
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(copy(fake, training=True)) - tf.reduce_mean(copy(real, training=True))
        optimizer.apply(tape.gradient(loss, copy.trainable_variables), copy.trainable_variables)
        for variable in copy.trainable_variables:
            variable.assign(tf.clip_by_value(variable, -args.clip_value, args.clip_value))

    for _ in range(args.critic_steps):
        step(next(dataset_iterator))
    return float(np.mean(copy(held_out)) - np.mean(copy(gan.generator(z, training=False))))


def run(args, seed):
    import keras

    from keras_gans import callbacks, data, evaluation, models, networks

    keras.utils.set_random_seed(seed)
    centers, std = data.toy_modes(args.dataset)
    generator, critic = networks.players.build("mlp", args.latent_dim, (2,),
                                               hidden_units=args.hidden_units.split(","))
    gan = models.GAN(generator, critic, args.latent_dim, loss="wasserstein", clip_value=args.clip_value,
                     n_critic=5, seed=seed)
    gan.compile(d_optimizer=keras.optimizers.RMSprop(args.learning_rate),
                g_optimizer=keras.optimizers.RMSprop(args.learning_rate))
    held_out = next(iter(data.load(args.dataset, split="test", batch_size=8192, shuffle=False)))
    z_critic = callbacks.fixed_latent(seed + 1, 8192, args.latent_dim)
    z_quality = callbacks.fixed_latent(seed, 2500, args.latent_dim)
    dataset = data.load(args.dataset, batch_size=args.batch_size, seed=seed, repeat=True)

    probe_batches = iter(data.load(args.dataset, batch_size=args.batch_size, seed=seed + 1, repeat=True))
    points = []
    for step in range(args.eval_every, args.steps + 1, args.eval_every):
        gan.fit(dataset, epochs=1, steps_per_epoch=args.eval_every, verbose=0)
        estimate = refined_estimate(critic, gan, probe_batches, held_out, z_critic, args)
        coverage = evaluation.mode_coverage(gan.generate(z_quality).numpy(), centers, std)
        point = {"seed": seed, "step": step, "critic_estimate": estimate, "modes": coverage["modes"],
                 "high_quality": coverage["high_quality"], "reverse_kl": coverage["reverse_kl"]}
        points.append(point)
        print(json.dumps(point), flush=True)
    finite = [p for p in points if math.isfinite(p["reverse_kl"])]
    summary = {
        "seed": seed, "dataset": args.dataset, "checkpoints": len(points), "with_finite_kl": len(finite),
        "pearson_estimate_vs_reverse_kl": pearson([p["critic_estimate"] for p in finite],
                                                  [p["reverse_kl"] for p in finite]),
        "spearman_estimate_vs_reverse_kl": spearman([p["critic_estimate"] for p in finite],
                                                    [p["reverse_kl"] for p in finite]),
        "spearman_estimate_vs_high_quality": spearman([p["critic_estimate"] for p in points],
                                                      [p["high_quality"] for p in points]),
        "first_estimate": points[0]["critic_estimate"], "last_estimate": points[-1]["critic_estimate"],
        "last_modes": points[-1]["modes"], "last_reverse_kl": points[-1]["reverse_kl"],
    }
    print(json.dumps(summary), flush=True)
    return summary


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", default="grid25", choices=("ring8", "grid25"))
    parser.add_argument("--seeds", default="0,1")
    parser.add_argument("--steps", type=int, default=3000, help="generator steps")
    parser.add_argument("--eval_every", type=int, default=150)
    parser.add_argument("--batch_size", type=int, default=256)
    parser.add_argument("--hidden_units", default="128,128,128")
    parser.add_argument("--latent_dim", type=int, default=2)
    parser.add_argument("--clip_value", type=float, default=0.01)
    parser.add_argument("--critic_steps", type=int, default=100,
                        help="extra steps of the measuring copy of the critic at each checkpoint")
    parser.add_argument("--learning_rate", type=float, default=5e-4,
                        help="RMSProp rate of both players (the paper's 5e-5 needs ~10x the steps)")
    args = parser.parse_args()
    if args.steps < 3 * args.eval_every:
        parser.error("--steps must allow at least 3 measurements (3 x --eval_every)")
    summaries = [run(args, int(seed)) for seed in args.seeds.split(",")]
    print(json.dumps({"mean_spearman_estimate_vs_reverse_kl": float(np.nanmean(
        [s["spearman_estimate_vs_reverse_kl"] for s in summaries])),
        "mean_spearman_estimate_vs_high_quality": float(np.nanmean(
            [s["spearman_estimate_vs_high_quality"] for s in summaries]))}))


if __name__ == "__main__":
    main()
