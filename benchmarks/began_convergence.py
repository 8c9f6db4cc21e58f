"""BEGAN's convergence measure falls over training and k_t stays in [0, 1] (Berthelot et al. 2017).

    nice -n 10 python benchmarks/began_convergence.py                  # digits at 16x16, 12 epochs, ~2 min
    nice -n 10 python benchmarks/began_convergence.py --image_size=32 --epochs=30

Trains :class:`keras_gans.models.BEGAN` with the players of
``apps/began.py`` (autoencoder D, decoder-shaped G) on the embedded digits
and prints one JSON line per epoch: the epoch means of
``M_global = L(x) + |gamma L(x) - L(G(z))|`` (section 3.4.1), L(x) and
L(G(z)), and the smallest and largest k_t seen at any step. The summary line
gives the Spearman correlation of M_global with the epoch (negative when it
falls), the first and last M_global, and the k_t range over the whole run.
"""

import argparse
import json
import os
import sys
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--image_size", type=int, default=16)
    parser.add_argument("--epochs", type=int, default=12)
    parser.add_argument("--batch_size", type=int, default=16, help="16 in the paper")
    parser.add_argument("--filters", type=int, default=16)
    parser.add_argument("--latent_dim", type=int, default=32, help="also the embedding size h")
    parser.add_argument("--gamma", type=float, default=0.5)
    parser.add_argument("--lambda_k", type=float, default=0.001)
    parser.add_argument("--learning_rate", type=float, default=4e-4,
                        help="Adam rate of both players (apps/configs/began_digits.cfg; the paper's 1e-4 is slower)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    import keras

    from keras_gans import data, models, networks

    keras.utils.set_random_seed(args.seed)
    shape = (args.image_size, args.image_size, 1)
    generator = networks.autoencoder.generator(args.latent_dim, shape, filters=args.filters)
    discriminator = networks.autoencoder.discriminator(shape, filters=args.filters, embedding_dim=args.latent_dim)
    began = models.BEGAN(generator, discriminator, args.latent_dim, gamma=args.gamma, lambda_k=args.lambda_k,
                         latent_distribution="uniform", seed=args.seed)
    began.compile(d_optimizer=keras.optimizers.Adam(args.learning_rate, beta_1=0.5),
                  g_optimizer=keras.optimizers.Adam(args.learning_rate, beta_1=0.5))
    dataset = data.load("digits", batch_size=args.batch_size, seed=args.seed, image_size=args.image_size)

    k_values = []
    record_k = keras.callbacks.LambdaCallback(
        on_train_batch_end=lambda batch, logs=None: k_values.append(float(began.k_t.numpy())))
    epochs = []
    started = time.time()
    for epoch in range(1, args.epochs + 1):
        k_values.clear()
        logs = began.fit(dataset, initial_epoch=epoch - 1, epochs=epoch, verbose=0,
                         callbacks=[record_k]).history
        record = {"epoch": epoch, "convergence": logs["convergence"][-1], "real_energy": logs["real_energy"][-1],
                  "fake_energy": logs["fake_energy"][-1], "k_min": min(k_values), "k_max": max(k_values),
                  "steps": int(began.g_optimizer.iterations.numpy()), "seconds": round(time.time() - started, 1)}
        epochs.append(record)
        print(json.dumps(record), flush=True)
    measure = [e["convergence"] for e in epochs]
    ranks = np.argsort(np.argsort(measure))
    spearman = float(np.corrcoef(np.arange(len(measure)), ranks)[0, 1])
    print(json.dumps({"image_size": args.image_size, "epochs": args.epochs, "spearman_convergence_vs_epoch": spearman,
                      "first_convergence": measure[0], "last_convergence": measure[-1],
                      "k_min": min(e["k_min"] for e in epochs), "k_max": max(e["k_max"] for e in epochs)}))


if __name__ == "__main__":
    main()
