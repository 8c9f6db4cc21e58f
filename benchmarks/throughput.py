"""Training throughput of a DCGAN step, three ways, on the same networks and data.

    python benchmarks/throughput.py                        # XLA off and on: about 15 minutes on 2 CPU cores
    python benchmarks/throughput.py --jit_compile=on --image_sizes=64 --batch_sizes=64 --players=dcgan
    python benchmarks/throughput.py --mixed_precision --jit_compile=off  # mixed_float16 (meant for GPUs)

The three ways train the same players (``keras_gans.networks.dcgan`` at each
image and batch size, and the TensorFlow DCGAN tutorial's at 28x28, batch 64,
with Keras's ``Dropout`` in D or, as ``tutorial_philox``, the library's;
identical initial weights) with the same Adam(2e-4, 0.5) optimizers:

- ``keras_gans``: ``model.fit`` on :class:`keras_gans.models.GAN` (D sees real
  and fake as separate batches when it has batch norm, as one batch
  otherwise; then one G step);
- ``guide``: a plain subclassed ``keras.Model`` whose ``train_step`` uses
  ``tf.GradientTape`` the way the Keras DCGAN guide writes it (real and fake
  concatenated into one D batch), also trained with ``model.fit``;
- ``train_on_batch``: the classic Keras pattern: a compiled discriminator, a
  combined ``z -> D(G(z))`` model compiled with D frozen, and
  ``train_on_batch`` in a Python loop over NumPy batches.

The ways are timed in interleaved rounds (A, B, C, A, B, C, ...) and the
median round is reported, so load on a shared machine hits them alike; ratios
hold where absolute times drift. Each measurement prints one JSON line with
images/second, the step time, the FLOPs of one step counted from the network
shapes (:func:`step_flops`) and the achieved GFLOP/s against this machine's
measured float32 matmul rate. ``keras_gans`` is also timed with data from
the real input pipeline (``keras_gans.data.load("digits", repeat=True)``)
against the same batch held in memory, and the pipeline alone (no training)
is timed per batch, to show whether tf.data keeps up.

Exits 1 when keras_gans' step is slower than the guide's ``train_step`` with
the same XLA setting on some network, or when the 64x64, batch-64 DCGAN step
in the faster of its measured XLA settings reaches less than ``--share_target`` of the matmul peak.
"""

import argparse
import json
import os
import platform
import statistics
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from _bare_steps import kernel_layers  # noqa: E402  (benchmarks/ is on sys.path when run as a script)
from keras_gans import data, execution, models, networks  # noqa: E402
from keras_gans import layers as kg_layers  # noqa: E402

LATENT_DIM = 100
WAYS = ("keras_gans", "guide", "train_on_batch")
TUTORIALS = {"tutorial": keras.layers.Dropout, "tutorial_philox": kg_layers.Dropout}  # players -> D's dropout


def machine():
    """What the figures were measured on."""
    return {"cpu_count": os.cpu_count(), "platform": platform.platform(),
            "tensorflow": tf.__version__, "keras": keras.__version__,
            "gpus": len(tf.config.list_physical_devices("GPU")), "avx512": execution.cpu_has_avx512()}


def matmul_gflops(size=1024, repeats=20):
    """This machine's float32 matmul rate in GFLOP/s (best of three timings)."""
    a = tf.random.normal((size, size))
    b = tf.random.normal((size, size))

    @tf.function
    def chain():
        out = a
        for _ in range(repeats):
            out = tf.matmul(out, b) * 1e-3  # keep values finite
        return tf.reduce_sum(out)

    chain().numpy()  # trace
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        chain().numpy()
        best = min(best, time.perf_counter() - start)
    return 2 * size ** 3 * repeats / best / 1e9


def forward_flops(network):
    """Multiply-add FLOPs (2 per MAC) of one sample through a network's convolutions and dense layers.

    Counted from the kernel shapes and the feature-map sizes: a ``Conv2D``
    costs ``2 * kh * kw * c_in * c_out`` per output position, a
    ``Conv2DTranspose`` the same per input position, a ``Dense`` ``2 * in *
    out``. Normalization, activations and biases are left out (a few percent).
    The blocks of ``keras_gans.layers`` hold one convolution each, whose input
    and output sizes are the block's.
    """
    total = 0
    for top, layer in kernel_layers(network):
        macs = int(np.prod(layer.kernel.shape))
        if isinstance(layer, keras.layers.Conv2DTranspose):
            macs *= int(np.prod(top.input.shape[1:3]))
        elif isinstance(layer, keras.layers.Conv2D):
            macs *= int(np.prod(top.output.shape[1:3]))
        total += 2 * macs
    return total


def step_flops(generator, discriminator, batch_size):
    """FLOPs of one GAN training step (one D update, one G update) for a batch.

    With backward ~= 2x forward: the D update runs G forward (``Fg``) and D
    forward and backward on the real and the fake batch (``2 * 3 Fd``); the G
    update runs G forward and backward (``3 Fg``) and D forward plus the
    backward pass to its input only (``2 Fd``, no weight gradients). In all
    ``4 Fg + 8 Fd`` per sample.
    """
    return batch_size * (4 * forward_flops(generator) + 8 * forward_flops(discriminator))


def tutorial_networks(dropout=keras.layers.Dropout):
    """The players of the TensorFlow DCGAN tutorial (28x28 digits), layer for layer (``dropout``: D's dropout
    layer class; ``keras_gans.layers.Dropout`` draws its masks on Philox, fast under XLA).

    G: Dense 7x7x256 (no bias), batch norm, LeakyReLU, then 5x5 transposed
    convolutions to 128 (stride 1), 64 and 1 channels (stride 2), each but the
    last followed by batch norm and LeakyReLU, tanh out. D: two 5x5 stride-2
    convolutions (64, 128) with LeakyReLU and dropout 0.3, one logit.
    """
    layers = keras.layers
    z = keras.Input((LATENT_DIM,))
    x = layers.Dense(7 * 7 * 256, use_bias=False)(z)
    x = layers.LeakyReLU()(layers.BatchNormalization()(x))
    x = layers.Reshape((7, 7, 256))(x)
    for filters, strides in ((128, 1), (64, 2)):
        x = layers.Conv2DTranspose(filters, 5, strides=strides, padding="same", use_bias=False)(x)
        x = layers.LeakyReLU()(layers.BatchNormalization()(x))
    images = layers.Conv2DTranspose(1, 5, strides=2, padding="same", use_bias=False, activation="tanh")(x)
    generator = keras.Model(z, images, name="tutorial_generator")
    inputs = keras.Input((28, 28, 1))
    x = inputs
    for filters in (64, 128):
        x = dropout(0.3)(layers.LeakyReLU()(layers.Conv2D(filters, 5, strides=2, padding="same")(x)))
    discriminator = keras.Model(inputs, layers.Dense(1)(layers.Flatten()(x)), name="tutorial_discriminator")
    return generator, discriminator


def make_networks(players, image_size, base_filters, seed):
    """G and D (``players``: ``dcgan`` at ``image_size``, or one of :data:`TUTORIALS` at 28) with weights from
    ``seed``."""
    keras.utils.set_random_seed(seed)
    if players in TUTORIALS:
        return tutorial_networks(dropout=TUTORIALS[players])
    shape = (image_size, image_size, 1)
    return (networks.dcgan.generator(LATENT_DIM, shape, base_filters=base_filters),
            networks.dcgan.discriminator(shape, base_filters=base_filters))


def adam():
    return keras.optimizers.Adam(2e-4, beta_1=0.5)


class GuideGAN(keras.Model):
    """A GAN written as the Keras DCGAN guide writes it, for comparison.

    One ``train_step``: generate a fake batch, concatenate it with the real
    batch and train D on the combined batch with binary cross-entropy, then
    train G through D with all-real labels.
    """

    def __init__(self, generator, discriminator, latent_dim):
        super().__init__()
        self.generator = generator
        self.discriminator = discriminator
        self.latent_dim = latent_dim
        self.seed_generator = keras.random.SeedGenerator(0)
        self.loss_fn = keras.losses.BinaryCrossentropy(from_logits=True)
        self.d_loss_tracker = keras.metrics.Mean(name="d_loss")
        self.g_loss_tracker = keras.metrics.Mean(name="g_loss")
        self.built = True

    def compile(self, d_optimizer, g_optimizer, **kwargs):
        super().compile(**kwargs)
        self.d_optimizer = d_optimizer
        self.g_optimizer = g_optimizer

    @property
    def metrics(self):
        return [self.d_loss_tracker, self.g_loss_tracker]

    def train_step(self, real_images):
        batch_size = tf.shape(real_images)[0]
        z = keras.random.normal((batch_size, self.latent_dim), seed=self.seed_generator)
        fake_images = self.generator(z, training=True)
        # Under --mixed_precision G emits float16; the guide's concat needs one dtype (the only change).
        real_images = tf.cast(real_images, fake_images.dtype)
        combined = tf.concat([fake_images, real_images], axis=0)           # [2N, H, W, C]
        labels = tf.concat([tf.zeros((batch_size, 1)), tf.ones((batch_size, 1))], axis=0)
        with tf.GradientTape() as tape:
            d_loss = self.loss_fn(labels, self.discriminator(combined, training=True))
        grads = tape.gradient(d_loss, self.discriminator.trainable_weights)
        self.d_optimizer.apply_gradients(zip(grads, self.discriminator.trainable_weights))

        z = keras.random.normal((batch_size, self.latent_dim), seed=self.seed_generator)
        with tf.GradientTape() as tape:
            fake_logits = self.discriminator(self.generator(z, training=True), training=True)
            g_loss = self.loss_fn(tf.ones((batch_size, 1)), fake_logits)
        grads = tape.gradient(g_loss, self.generator.trainable_weights)
        self.g_optimizer.apply_gradients(zip(grads, self.generator.trainable_weights))
        self.d_loss_tracker.update_state(d_loss)
        self.g_loss_tracker.update_state(g_loss)
        return {m.name: m.result() for m in self.metrics}


class _EpochTimer(keras.callbacks.Callback):
    """Seconds from the end of the first batch to the end of the epoch (the last log is synced)."""

    def on_train_batch_end(self, batch, logs=None):
        if batch == 0:
            self.start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        float(logs["d_loss"])  # the step's results are real numbers by now
        self.seconds = time.perf_counter() - self.start


class FitRunner:
    """Times ``steps`` steps of ``model.fit`` (the first step of each call is not counted)."""

    def __init__(self, model, dataset, jit_compile):
        model.compile(d_optimizer=adam(), g_optimizer=adam(), jit_compile=jit_compile)
        self.model = model
        self.dataset = dataset
        self.timer = _EpochTimer()
        self.run(3)  # trace and warm up

    def run(self, steps):
        self.model.fit(self.dataset, epochs=1, steps_per_epoch=steps + 1, verbose=0, callbacks=[self.timer])
        return self.timer.seconds / steps


class TrainOnBatchRunner:
    """The classic pattern: compiled D, combined model with D frozen, ``train_on_batch`` in Python."""

    def __init__(self, generator, discriminator, real_batch, jit_compile):
        bce = keras.losses.BinaryCrossentropy(from_logits=True)
        discriminator.compile(optimizer=adam(), loss=bce, jit_compile=jit_compile)
        discriminator.trainable = False
        z = keras.Input((LATENT_DIM,))
        self.combined = keras.Model(z, discriminator(generator(z)))
        self.combined.compile(optimizer=adam(), loss=bce, jit_compile=jit_compile)
        self.generator = generator
        self.discriminator = discriminator
        self.real = real_batch
        self.batch_size = real_batch.shape[0]
        self.ones = np.ones((self.batch_size, 1), "float32")
        self.zeros = np.zeros((self.batch_size, 1), "float32")
        self.rng = np.random.default_rng(0)
        self.run(3)

    def step(self):
        z = self.rng.normal(size=(self.batch_size, LATENT_DIM)).astype("float32")
        fake = self.generator.predict_on_batch(z)
        self.discriminator.trainable = True
        self.discriminator.train_on_batch(self.real, self.ones)
        self.discriminator.train_on_batch(fake, self.zeros)
        self.discriminator.trainable = False
        z = self.rng.normal(size=(self.batch_size, LATENT_DIM)).astype("float32")
        return self.combined.train_on_batch(z, self.ones)

    def run(self, steps):
        start = time.perf_counter()
        for _ in range(steps):
            loss = self.step()
        float(np.asarray(loss))
        return (time.perf_counter() - start) / steps


def digits_batches(image_size, batch_size):
    """(one fixed batch as NumPy, the repeating tf.data pipeline of the same digits).

    A size that is not a power of two (the tutorial's 28) is resized from the next power of two.
    """
    loaded = 1 << (image_size - 1).bit_length()
    pipeline = data.load("digits", batch_size=batch_size, image_size=loaded, repeat=True, seed=0)
    pipeline = pipeline.map(lambda images, labels: images if loaded == image_size
                            else tf.image.resize(images, (image_size, image_size)))
    batch = next(iter(pipeline)).numpy()
    return batch, pipeline


def pipeline_ms_per_batch(pipeline, batches):
    """Milliseconds per batch the input pipeline delivers on its own (no training), after a warm-up."""
    iterator = iter(pipeline)
    next(iterator)
    start = time.perf_counter()
    for _ in range(batches):
        next(iterator)
    return (time.perf_counter() - start) / batches * 1e3


def time_in_rounds(runners, rounds, steps):
    """``{name: [seconds per step in each round]}`` of ``runners`` (each with ``run(steps)``), timed in
    interleaved rounds (A, B, C, A, B, C, ...) so that load on a shared machine hits them alike."""
    times = {name: [] for name in runners}
    for _ in range(rounds):
        for name, runner in runners.items():
            times[name].append(runner.run(steps))
    return times


def rate_fields(seconds, flops, peak):
    """A record's timing fields from the rounds' ``seconds`` per step: the median step, the rounds, and the rate
    of ``flops`` a step against the matmul ``peak`` (GFLOP/s)."""
    step = statistics.median(seconds)
    return {"step_ms": round(step * 1e3, 2), "step_ms_rounds": [round(s * 1e3, 2) for s in seconds],
            "gflop_per_step": round(flops / 1e9, 3), "achieved_gflops": round(flops / step / 1e9, 2),
            "matmul_gflops": round(peak, 1), "share_of_peak": round(flops / step / 1e9 / peak, 3)}


def measure(players, image_size, batch_size, args, jit_compile, peak):
    """Builds the runners for one setting, times them in rounds and prints one JSON line each."""
    real, pipeline = digits_batches(image_size, batch_size)
    in_memory = tf.data.Dataset.from_tensors(real).repeat()
    runners = {}
    for way in args.ways:
        generator, discriminator = make_networks(players, image_size, args.base_filters, seed=0)
        if way == "keras_gans":
            runners[way] = FitRunner(models.GAN(generator, discriminator, LATENT_DIM, seed=0), in_memory,
                                     jit_compile)
            if args.pipeline:
                generator, discriminator = make_networks(players, image_size, args.base_filters, seed=0)
                runners["keras_gans/pipeline"] = FitRunner(
                    models.GAN(generator, discriminator, LATENT_DIM, seed=0), pipeline, jit_compile)
        elif way == "guide":
            runners[way] = FitRunner(GuideGAN(generator, discriminator, LATENT_DIM), in_memory, jit_compile)
        else:
            runners[way] = TrainOnBatchRunner(generator, discriminator, real, jit_compile)
    times = time_in_rounds(runners, args.rounds, args.steps)
    flops = step_flops(*make_networks(players, image_size, args.base_filters, seed=0), batch_size)
    # The pipeline keeps up if it alone delivers a batch far faster than a step consumes one.
    pipeline_alone = pipeline_ms_per_batch(pipeline, 200) if "keras_gans/pipeline" in runners else None
    records = []
    for name, seconds in times.items():
        way, _, source = name.partition("/")
        records.append({
            "benchmark": "throughput", "players": players, "way": way, "data": source or "memory",
            "image_size": image_size, "batch_size": batch_size, "base_filters": args.base_filters,
            "jit_compile": jit_compile, "mixed_precision": args.mixed_precision,
            **rate_fields(seconds, flops, peak), "images_per_s": round(batch_size / statistics.median(seconds), 1),
            **({"pipeline_alone_ms_per_batch": round(pipeline_alone, 3)} if source == "pipeline" else {}),
            "machine": machine()})
        print(json.dumps(records[-1]), flush=True)
    return records


def misses(records, share_target):
    """What the speed goals say of ``records``: keras_gans at least as fast as the guide's ``train_step`` in
    every setting, and at least ``share_target`` of the matmul peak on the 64x64, batch-64 DCGAN step in the
    faster of its measured XLA settings (the library's default is meant to be that one: with XLA on an
    earlier machine, without it on an AVX-512 CPU, :func:`keras_gans.execution.jit_compile`)."""
    found = []
    ours = {(r["players"], r["jit_compile"], r["image_size"], r["batch_size"]): r for r in records
            if r["way"] == "keras_gans" and r["data"] == "memory"}
    for r in records:
        key = (r["players"], r["jit_compile"], r["image_size"], r["batch_size"])
        if r["way"] == "guide" and key in ours and r["step_ms"] < ours[key]["step_ms"]:
            found.append(f"{key}: the guide's step takes {r['step_ms']} ms, keras_gans {ours[key]['step_ms']}")
    measured = [r for key, r in ours.items() if key[0] == "dcgan" and key[2:] == (64, 64)]
    best = max(measured, key=lambda r: r["share_of_peak"], default=None)
    if best is not None and best["share_of_peak"] < share_target:
        found.append(f"('dcgan', 64, 64): {100 * best['share_of_peak']:.0f}% of the matmul peak at best (XLA "
                     f"{'on' if best['jit_compile'] else 'off'}), below {100 * share_target:.0f}%")
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--image_sizes", default="32,64", help="comma-separated powers of two")
    parser.add_argument("--batch_sizes", default="16,64", help="comma-separated batch sizes")
    parser.add_argument("--base_filters", type=int, default=32, help="DCGAN width (see networks.dcgan)")
    parser.add_argument("--steps", type=int, default=8, help="steps per timed round")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds; the median is reported")
    parser.add_argument("--ways", default=",".join(WAYS), help=f"comma-separated subset of {WAYS}")
    parser.add_argument("--jit_compile", choices=("off", "on", "both"), default="both",
                        help="XLA-compile the train steps")
    parser.add_argument("--mixed_precision", action="store_true", help="mixed_float16 policy")
    parser.add_argument("--share_target", type=float, default=0.75,
                        help="share of the matmul peak the 64x64, batch-64 DCGAN step with XLA should reach")
    parser.add_argument("--players", default="dcgan,tutorial,tutorial_philox",
                        help="comma-separated: dcgan (keras_gans.networks.dcgan at --image_sizes and "
                             "--batch_sizes), tutorial (the TensorFlow DCGAN tutorial's, 28x28, batch 64), "
                             "tutorial_philox (the same with keras_gans.layers.Dropout in D)")
    parser.add_argument("--no_pipeline", dest="pipeline", action="store_false",
                        help="skip the keras_gans run fed by the tf.data pipeline")
    args = parser.parse_args()
    args.ways = args.ways.split(",")
    args.players = args.players.split(",")
    if not args.players or set(args.players) - {"dcgan", *TUTORIALS}:
        parser.error(f"--players: choose from dcgan, {', '.join(TUTORIALS)}; received {','.join(args.players)}")
    unknown = sorted(set(args.ways) - set(WAYS))
    if unknown:
        parser.error(f"--ways: unknown {unknown}; choose from {WAYS}")
    if args.mixed_precision:
        keras.mixed_precision.set_global_policy("mixed_float16")
    peak = matmul_gflops()
    jit_settings = {"off": [False], "on": [True], "both": [False, True]}[args.jit_compile]
    records = []
    for jit_compile in jit_settings:
        if "dcgan" in args.players:
            for image_size in [int(s) for s in args.image_sizes.split(",")]:
                for batch_size in [int(b) for b in args.batch_sizes.split(",")]:
                    records += measure("dcgan", image_size, batch_size, args, jit_compile, peak)
        for players in TUTORIALS:
            if players in args.players:
                records += measure(players, 28, 64, args, jit_compile, peak)
    missed = misses(records, args.share_target)
    if missed:
        sys.exit("missed: " + "; ".join(missed))


if __name__ == "__main__":
    main()
