"""What an experiment is: a config class, a build function and optional hooks.

An :class:`Experiment` names a paper's run: its config class (the model's
settings, a frozen dataclass of :mod:`keras_gans.config`), how to build the
model from the configs and the training data (:meth:`Experiment.build`), and
the hooks :func:`keras_gans.experiment.run` calls, each with a default:
compile, the per-epoch picture, extra callbacks, measures after training and
the phases of the schedule. Every hook receives a :class:`Context`: the two
configs, what the data looks like (:class:`DataSpec`) and the run's folder.
"""

import dataclasses

import keras

from keras_gans import callbacks, checks, config, data, diff_augment, execution, judges, step_cost

# What a dataset's batches hold, by kind, and a set of each kind to suggest.
DATA_KINDS = {"images": "images (digits, shapes, tfds:<name>, folder:<path>)",
              "points": "2-D points (ring8, grid25)",
              "paired": "paired images (blurred2digits, photos_x4, paired:folder:<path>, sr:folder:<path>)",
              "unpaired": "unpaired images (digits2bold, digits2rotated, unpaired:tfds:<name>, "
                          "unpaired:folder:<path>)",
              "captions": "captioned images (shapes/captions, captions:<path>, captions:tfds:<name>)"}


def data_kind(name):
    """``"points"``, ``"paired"``, ``"unpaired"``, ``"captions"`` or ``"images"``: what the batches of ``name`` hold."""
    if name in data.TOY_SETS:
        return "points"
    if data.has_captions(name):
        return "captions"
    return data.translation_kind(name) or "images"


@dataclasses.dataclass(frozen=True)
class DataSpec:
    """What a build function needs to know about the training data.

    Attributes:
        name: the dataset name.
        sample_shape: shape of one image (or of one 2-D point).
        num_classes: number of classes for labelled sets, else ``None``.
        toy_modes: ``(centers, std)`` for the 2-D toy sets, else ``None``.
    """

    name: str
    sample_shape: tuple
    num_classes: int | None = None
    toy_modes: tuple | None = None

    @property
    def is_toy(self):
        return self.toy_modes is not None


@dataclasses.dataclass(frozen=True)
class Phase:
    """One stretch of a run with its own batch and image size (progressive growing has several).

    Attributes:
        name: shown in the logs and ``results.json``.
        epochs: epochs of this phase.
        batch_size: global batch size of this phase.
        image_size: image size of this phase's data (None: the dataset's).
        steps_per_epoch: steps of this phase's epochs (None: ``--steps_per_epoch``,
            else one pass over its data); the runner fills it in before it
            calls ``model.enter_phase``.
    """

    name: str
    epochs: int
    batch_size: int
    image_size: int | None = None
    steps_per_epoch: int | None = None


@dataclasses.dataclass(frozen=True)
class Context:
    """What every hook of an experiment receives.

    Attributes:
        config: the experiment's own config (its model's settings).
        run: the :class:`keras_gans.config.RunConfig`.
        spec: the :class:`DataSpec` of the training data.
        model_dir: the run's folder.
        steps_per_epoch: training steps per epoch.
    """

    config: object
    run: config.RunConfig
    spec: DataSpec
    model_dir: str
    steps_per_epoch: int

    @property
    def total_steps(self):
        """Generator steps of the whole run."""
        return self.run.epochs * self.steps_per_epoch


def ema_decay_option():
    """The ``ema_decay`` setting of every experiment whose model keeps a moving average of G."""
    return config.fraction(0.0, "Moving average of G's weights for sampling and export (0 = off).")


def policy_option(help, policies):
    """A setting naming each of ``policies`` at most once (a comma-separated flag), empty by default."""
    return config.option((), help, check=lambda names: checks.names_each_once(names, policies),
                         requirement=checks.policy_requirement(policies))


def diff_augment_option():
    """The ``diff_augment`` setting of every experiment whose model can augment what D judges (DiffAugment)."""
    return policy_option(f"DiffAugment (Zhao et al. 2020): transforms of every image D judges in training, real "
                         f"or generated, from {','.join(diff_augment.POLICIES)} (empty = off).", diff_augment.POLICIES)


NO_GENERATED_IMAGES_AT_ONE = "at 1 D's loss holds no generated images"


def wrong_label_option():
    """The ``wrong_label_weight`` setting of the experiments whose D judges (image, label) pairs."""
    return config.fraction(0.0, "Weight in D's loss of real images paired with a wrong label, called fake (GAN-CLS's "
                                "matching-aware D, Reed et al. 2016, for class labels; the generated images keep "
                                "1 - this); 0 = off.", why_not_one=NO_GENERATED_IMAGES_AT_ONE)


def minibatch_discrimination_option(where):
    """The ``minibatch_discrimination`` setting (off) of a conditional experiment; ``where`` ends its help."""
    return config.option(False, f"Minibatch discrimination features (Salimans et al. 2016) {where}")


def make_optimizers(run, total_steps, d_steps_per_step=1, schedule=None):
    """The (discriminator, generator) optimizers a :class:`~keras_gans.config.RunConfig` describes.

    Args:
        run: the run config (``optimizer``, learning rates, betas, ``lr_decay_to``).
        total_steps: generator steps of the whole run, over which the learning
            rates decay when ``lr_decay_to`` < 1.
        d_steps_per_step: discriminator updates per generator update (n_critic).
        schedule: ``(learning_rate, steps) -> learning rate or schedule``,
            replacing the cosine decay of ``lr_decay_to`` (e.g. CycleGAN's
            constant-then-linear decay).
    """

    def make(learning_rate, steps):
        if schedule is not None:
            learning_rate = schedule(learning_rate, steps)
        elif run.lr_decay_to < 1.0:
            learning_rate = keras.optimizers.schedules.CosineDecay(
                learning_rate, decay_steps=max(1, steps), alpha=run.lr_decay_to)
        if run.optimizer == "rmsprop":
            return keras.optimizers.RMSprop(learning_rate)
        return keras.optimizers.Adam(learning_rate, beta_1=run.beta_1, beta_2=run.beta_2)

    return (make(run.d_learning_rate, total_steps * d_steps_per_step),
            make(run.g_learning_rate, total_steps))


class Experiment:
    """A paper's run: subclass it, set :attr:`name` and :attr:`Config`, write :meth:`build`.

    Attributes:
        name: the experiment's name (the app's file name, ``runs/<name>``).
        Config: its config class (a frozen dataclass with :func:`keras_gans.config.option` fields).
        paper: the paper, for the docs and ``--help``.
        data_kinds: the kinds of dataset it trains on (keys of :data:`DATA_KINDS`).
        run_defaults: the common settings whose defaults it changes (e.g. a
            dataset it can train on, a batch that fits its critic steps), so
            that ``python apps/<name>.py`` runs with no flags at all.
    """

    name = None
    Config = None
    paper = ""
    data_kinds = ("images",)
    run_defaults = {}
    # Whether XLA makes the step faster at the app's defaults on a CPU (benchmarks/xla_by_experiment.py);
    # --jit_compile left unset follows it on images.
    xla_faster = False

    def default_run(self, **settings):
        """The :class:`~keras_gans.config.RunConfig` of this experiment's defaults, with ``settings``."""
        return config.RunConfig(**{**self.run_defaults, **settings})

    def check_dataset(self, name):
        """Raises ConfigError naming ``dataset`` unless its batches are of a kind this experiment trains on."""
        kind = data_kind(name)
        if kind not in self.data_kinds:
            wanted = " or ".join(DATA_KINDS[k] for k in self.data_kinds)
            raise config.ConfigError("dataset", name, f"holds {kind} data; {self.name} trains on {wanted}")

    def build(self, ctx):
        """The uncompiled model (called inside the strategy scope)."""
        raise NotImplementedError

    def compile(self, ctx, model):
        """Compiles the model with the run's optimizers (called inside the strategy scope)."""
        d_optimizer, g_optimizer = make_optimizers(ctx.run, ctx.total_steps, model.n_critic)
        model.compile(d_optimizer=d_optimizer, g_optimizer=g_optimizer,
                      jit_compile=self.jit_compile(ctx, model))

    def jit_compile(self, ctx, model):
        """Whether the step is XLA-compiled: ``--jit_compile``, else where it was measured faster (the 2-D
        sets' MLP steps, run 50 to a call, are: ``benchmarks/mode_coverage.py --jit_compile=on|off``; on an
        AVX-512 CPU, an image step is while its players' arithmetic is small:
        :func:`keras_gans.execution.jit_compile`)."""
        if ctx.spec.is_toy:
            return execution.jit_compile(ctx.run.jit_compile, model)
        return execution.jit_compile(ctx.run.jit_compile, model, faster=self.xla_faster,
                                     count_gflop=lambda: step_cost.players_forward_gflop(model, ctx.run.batch_size))

    def small_step(self, ctx, model):
        """Whether an image step is small enough to run several to a call from Python
        (:func:`keras_gans.execution.steps_per_execution`): its players' arithmetic at the run's batch."""
        return execution.is_small_step(step_cost.players_forward_gflop(model, ctx.run.batch_size))

    def sample_callback(self, ctx, model):
        """The chief's per-epoch picture: a scatter over the modes for toy sets, else a sample grid."""
        del model
        if ctx.spec.is_toy:
            centers, std = ctx.spec.toy_modes
            return callbacks.ToyScatter(ctx.model_dir, centers, std, seed=ctx.run.seed, every=ctx.run.sample_every)
        return callbacks.SampleGrid(ctx.model_dir, seed=ctx.run.seed, every=ctx.run.sample_every)

    def callbacks(self, ctx, model):
        """Callbacks added to fit on every worker (e.g. an evaluation)."""
        del ctx, model
        return []

    def evaluate(self, ctx, model):
        """JSON-serializable measures computed by the chief after training, or None."""
        del ctx, model

    def phases(self, run, config=None):
        """The run's phases (``run`` and the experiment's ``config``); one by default, the whole run at the
        run's batch and image size."""
        del config
        return [Phase("train", run.epochs, run.batch_size, run.image_size)]


def judge_cache(ctx):
    """Where the run keeps the shapes judges it trains: :func:`keras_gans.judges.judge_cache_dir`, or None
    with ``--nojudge_cache``."""
    return judges.judge_cache_dir() if ctx.run.judge_cache else None


def class_count(spec, requested=None):
    """The number of classes a label-driven experiment (CGAN, ACGAN, SGAN) trains with.

    Args:
        spec: the :class:`DataSpec` of the training data.
        requested: the config's ``num_classes``, or None to take the dataset's.

    Returns:
        ``spec.num_classes`` (which ``requested`` must equal when given).

    Raises:
        ConfigError: the dataset is unlabelled, or ``requested`` disagrees with it.
    """
    if spec.num_classes is None:
        raise config.ConfigError("dataset", spec.name, "has no labels, and this experiment trains on labelled "
                                                       "data: use a labelled dataset (e.g. digits, tfds:mnist)")
    if requested is not None and requested != spec.num_classes:
        raise config.ConfigError("num_classes", requested,
                                 f"disagrees with --dataset={spec.name}, which has {spec.num_classes} classes")
    return spec.num_classes
