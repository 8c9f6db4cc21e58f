"""The worker of benchmarks/progressive_shapes.py: one app's model trained for a number of seconds.

Its :class:`TimeLimit` also sets the CPU-time budget of the shapes benchmarks
(``_shapes_measures.budgeted``).

Builds the model exactly as ``python apps/<app>.py <flags>`` would (the
experiment registry, the same flags), trains it for ``--time_budget_s``
seconds of training (each traced step excluded: the first step of every fit
traces the step function) on ``--clock`` (``cpu``: the process's CPU seconds,
which a shared machine does not change; ``wall``: elapsed seconds), then writes what the parent measures into
``--output`` (an ``.npz``): samples from a fixed z, for StyleGAN2 also the
samples of every truncation psi and the image pairs of the perceptual path
length in Z and in W. ProGAN's growth is scheduled in time: stage i of n
gets a share ``i + 1`` of the budget (the last stage as much as all the
others together), and the first half of every later stage (0.3 of the last)
fades its block in, alpha rising with the images shown at the rate measured
in the stage's first steps.
"""

import json
import time

CLOCKS = {"cpu": time.process_time, "wall": time.perf_counter}

import keras
import numpy as np

from keras_gans import callbacks, cli, data, experiment, experiments, images

from _shapes_measures import generated, generator_itself  # benchmarks/ is on sys.path when run as a script

RATE_STEPS = 10  # steps of a stage that measure its images per second


class TimeLimit(keras.callbacks.Callback):
    """Stops a fit after ``seconds`` of training counted from the end of its first (tracing) step.

    ``on_rate(images_per_second, seconds_left)`` is called once, after
    :data:`RATE_STEPS` more steps, with the stage's measured throughput.
    """

    def __init__(self, seconds, batch_size, on_rate=None, clock=time.process_time):
        super().__init__()
        self.seconds, self.batch_size, self.on_rate, self.clock = seconds, batch_size, on_rate, clock
        self.started, self.steps, self.traced_s, self.fit_started = None, 0, 0.0, None

    def on_train_begin(self, logs=None):
        self.fit_started = self.clock()

    def elapsed(self):
        return 0.0 if self.started is None else self.clock() - self.started

    def exclude(self, seconds):
        """Leaves ``seconds`` just spent (e.g. sampling between steps) out of :meth:`elapsed`."""
        self.started += seconds

    def on_train_batch_end(self, batch, logs=None):
        self.steps += 1
        if self.started is None:
            self.started = self.clock()
            self.traced_s = self.started - self.fit_started
            return
        if self.on_rate is not None and self.steps == RATE_STEPS + 1:
            self.on_rate(RATE_STEPS * self.batch_size / self.elapsed(), self.seconds - self.elapsed())
            self.on_rate = None
        if self.elapsed() >= self.seconds:
            self.model.stop_training = True


def _fit(model, stream, limit):
    model.make_train_function(force=True)
    history = model.fit(stream, epochs=1, steps_per_epoch=10 ** 9, callbacks=[limit], verbose=0)
    return {"steps": limit.steps, "train_s": round(limit.elapsed(), 1), "trace_s": round(limit.traced_s, 1),
            "logs": {name: round(float(values[-1]), 4) for name, values in history.history.items()}}


def growth_shares(stages):
    """Each stage's share of the budget: ``1, 2, ..., n - 1`` and the last as much as all of them."""
    shares = list(range(1, stages))
    return [s / (2 * sum(shares)) for s in shares] + [0.5] if shares else [1.0]


def train_for(name, config, run, seconds, clock=time.process_time):
    """Builds the app's model and trains it for ``seconds`` of ``clock``; returns ``(model, record)``."""
    exp = experiments.get(name)
    keras.utils.set_random_seed(run.seed)
    phases = exp.phases(run.replace(epochs=10 ** 6), config)  # every stage: the clock, not --epochs, ends them
    load = dict(seed=run.seed, data_dir=run.data_dir, repeat=True)
    first = data.load(run.dataset, batch_size=phases[-1].batch_size, image_size=phases[-1].image_size,
                      seed=run.seed, data_dir=run.data_dir)
    ctx = experiment.Context(config=config, run=run, spec=experiment.data_spec(first, run), model_dir="",
                             steps_per_epoch=1)
    model = exp.build(ctx)
    exp.compile(ctx, model)
    stages = []
    if len(phases) == 1:
        stream = data.load(run.dataset, batch_size=run.batch_size, image_size=run.image_size, **load)
        stages.append(_fit(model, stream, TimeLimit(seconds, run.batch_size, clock=clock)))
    else:
        for index, (phase, share) in enumerate(zip(phases, growth_shares(len(phases)))):
            model.enter_phase(index, phase)
            fade = 0.0 if index == 0 else (0.3 if index == len(phases) - 1 else 0.5)
            stage_s = share * seconds
            model.fade_images.assign(10 ** 12 if fade else 0)  # alpha ~ 0 until the rate is known

            def on_rate(rate, left, fade=fade, stage_s=stage_s):
                if fade:  # images of the fade: the measured rate over its share of the stage
                    model.fade_images.assign(int(rate * fade * stage_s))

            stream = data.load(run.dataset, batch_size=phase.batch_size, image_size=run.image_size, **load)
            if phase.image_size < run.image_size:  # as the runner: the run's images, average-pooled
                stream = experiment.downscaled(stream, run.image_size // phase.image_size)
            stages.append({"resolution": phase.image_size, "batch_size": phase.batch_size,
                           **_fit(model, stream, TimeLimit(stage_s, phase.batch_size, on_rate, clock)),
                           "fade_images": int(model.fade_images.numpy()), "alpha": float(model.alpha())})
    record = {"app": name, "train_s": round(sum(s["train_s"] for s in stages), 1),
              "trace_s": round(sum(s["trace_s"] for s in stages), 1), "steps": sum(s["steps"] for s in stages),
              "stages": stages}
    return model, record


def samples(model, options):
    """What the parent measures: ``{"samples": ...}`` (clipped to [-1, 1], float16), for a class-conditional
    model also the ``labels`` they were drawn for (classes in turn), and for StyleGAN2 ``psi_<psi>`` samples
    of the same z, ``samples_itself`` of G itself (not its moving average) and the path length pairs
    ``ppl_<space>_start/end`` (float32)."""
    rng = np.random.default_rng(options.seed + 1)
    z = rng.standard_normal((options.num_samples, model.latent_dim)).astype(np.float32)
    if getattr(model, "num_classes", None):
        labels = (np.arange(options.num_samples) % model.num_classes).astype(np.int32)
        return {"samples": generated(model.generate, z, labels), "labels": labels}
    arrays = {"samples": generated(model.generate, z)}
    if not hasattr(model, "path_endpoints"):
        return arrays
    with generator_itself(model):
        arrays["samples_itself"] = generated(model.generate, z)
    for psi in options.psis:
        arrays[f"psi_{psi:g}"] = generated(lambda chunk, psi=psi: model.generate(chunk, truncation_psi=psi), z)
    for space in ("z", "w"):
        starts, ends = [], []
        for batch in range(0, options.ppl_samples, 100):
            rows = min(100, options.ppl_samples - batch)
            z0, z1 = (rng.standard_normal((rows, model.latent_dim)) for _ in range(2))
            t = rng.uniform(0.0, 1.0 - options.epsilon, rows)
            with model.fixed_noise(options.seed + batch):  # one noise draw per minibatch, both ends
                start, end = model.path_endpoints(z0, z1, t, space=space, epsilon=options.epsilon)
            starts.append(start)
            ends.append(end)
        arrays[f"ppl_{space}_start"], arrays[f"ppl_{space}_end"] = np.concatenate(starts), np.concatenate(ends)
    return arrays


def write_pictures(model, config, seed, folder):
    """StyleGAN2's style-mixing grid and truncation sweep, as the app writes them, into ``folder``."""
    rng = np.random.default_rng(seed)
    z_coarse, z_fine, z_sweep = (rng.standard_normal((n, model.latent_dim)).astype(np.float32) for n in (4, 6, 6))
    mixing = callbacks.style_mixing_picture(model, z_coarse, z_fine, config.mixing_cutoff,
                                            truncation_psi=config.truncation_psi, noise_seed=seed)
    sweep = callbacks.truncation_picture(model, z_sweep, (0.0, 0.25, 0.5, 0.75, 1.0), noise_seed=seed)
    return [images.save_png(mixing, f"{folder}/stylegan2_style_mixing.png"),
            images.save_png(sweep, f"{folder}/stylegan2_truncation.png")]


def main(options):
    config, run = cli.configs_from_args(experiments.get(options.worker), options.flags)
    model, record = train_for(options.worker, config, run, options.time_budget_s, CLOCKS[options.clock])
    np.savez(options.output, **samples(model, options))
    if options.pictures_dir and options.worker == "stylegan2":
        record["pictures"] = write_pictures(model, config, run.seed, options.pictures_dir)
    record.update(dataset=run.dataset, image_size=run.image_size, seed=run.seed, clock=options.clock)
    print(json.dumps(record), flush=True)
