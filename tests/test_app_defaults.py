"""Every app the way a newcomer runs it: its defaults train on an embedded set, and every flagfile is valid."""

import glob
import os
import re

import keras
import pytest

from keras_gans import cli, config, data, experiment, experiments, export, layers

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def configs_of(name, args):
    """``(config, run_config)`` as ``python apps/<name>.py <args>`` parses them (fresh flags, this process)."""
    return cli.configs_from_args(experiments.get(name), args)


@pytest.mark.parametrize("name", sorted(experiments.REGISTRY))
def test_every_app_trains_and_exports_with_its_defaults(name, tmp_path):
    config, run_config = configs_of(name, ["--epochs=1", "--steps_per_epoch=1", f"--model_dir={tmp_path / 'run'}",
                                           f"--export_dir={tmp_path / 'export'}"])
    registered = experiments.get(name)

    class Unmeasured(type(registered)):
        """The app's experiment without its measures after training (they have their own tests).

        Its one step runs eagerly: tracing a step costs more than the step itself, and every
        model's traced step has its own tests.
        """

        def compile(self, ctx, model):
            super().compile(ctx, model)
            model.run_eagerly = True

        def evaluate(self, ctx, model):
            return None

    results = experiment.run(config, run_config, experiment=Unmeasured())
    assert results["steps"] == 1 and results["dataset"] == registered.default_run().dataset
    assert export.list_versions(tmp_path / "export") == [1]
    assert os.path.isfile(tmp_path / "export" / "1" / "saved_model.pb")


def flagfiles():
    for path in sorted(glob.glob(os.path.join(ROOT, "apps", "configs", "*.cfg"))):
        name = os.path.basename(path)[:-4]
        app = next((a for a in sorted(experiments.REGISTRY, key=len, reverse=True)
                    if re.fullmatch(rf"{a}_[a-z0-9_]+", name)), None)
        if app is not None:
            yield app, path


def test_every_flagfile_of_every_app_parses_into_valid_configs():
    checked = set()
    for app, path in flagfiles():
        _, run_config = configs_of(app, [f"--flagfile={path}"])  # raises ConfigError if a value is bad
        experiments.get(app).check_dataset(run_config.dataset)  # a dataset of a kind the app trains on
        checked.add(app)
    assert checked == set(experiments.REGISTRY)  # every app has at least one flagfile


def built(name, args):
    """The model ``python apps/<name>.py <args>`` would train, built on digits (or ring8) and not trained."""
    config, run_config = configs_of(name, args)
    exp = experiments.get(name)
    return exp.build(experiment.Context(config=config, run=run_config, spec=experiment.data_spec(
        data.load(run_config.dataset, batch_size=8, image_size=run_config.image_size), run_config),
        model_dir="", steps_per_epoch=1))


def test_the_grid25_flagfile_is_the_measured_configuration(import_benchmark):
    """``gan_grid25.cfg`` is what ``benchmarks/mode_coverage.py`` measured as ``gan_r1_0.3`` with
    ``--batch_size=128`` (all 25 modes at >= 90% high quality on 10 seeds in 60 s): the same players,
    loss, R1 gamma, batch, Adam rate and betas, and a rate decayed to 0."""
    mode_coverage = import_benchmark("mode_coverage")
    measured = mode_coverage.CONFIGS["gan_r1_0.3"]
    defaults = mode_coverage.parse_args([])
    config, run_config = configs_of("gan", [f"--flagfile={os.path.join(ROOT, 'apps', 'configs', 'gan_grid25.cfg')}"])
    assert run_config.dataset == "grid25"
    assert config.loss == measured["gan"]["loss"] and config.r1_weight == measured["gan"]["r1_weight"]
    assert config.latent_dim == defaults.latent_dim
    assert list(config.hidden_units) == defaults.hidden_units
    assert run_config.batch_size == 128
    name, rate, beta_1, beta_2 = measured["optimizer"]
    assert (run_config.d_learning_rate, run_config.g_learning_rate) == (rate, rate)
    assert (run_config.beta_1, run_config.beta_2) == (beta_1, beta_2) and name == run_config.optimizer == "adam"
    assert run_config.lr_decay_to == 0.0


def test_the_gan_hacks_are_flags_that_reach_the_model():
    model = built("dcgan", ["--label_smoothing=0.1", "--instance_noise_std=0.2", "--instance_noise_decay_steps=50",
                            "--latent_distribution=uniform", "--feature_matching", "--ema_decay=0.9",
                            "--minibatch_discrimination", "--g_dropout=0.3", "--diff_augment=color,cutout",
                            "--r1_weight=0.5", "--image_size=16"])
    assert (model.label_smoothing, model.instance_noise_std, model.instance_noise_decay_steps) == (0.1, 0.2, 50)
    assert model.latent_distribution == "uniform" and model.feature_matching and model.ema_generator is not None
    assert any(isinstance(layer, layers.MinibatchDiscrimination) for layer in model.discriminator.layers)
    assert [layer.rate for layer in model.generator.layers if isinstance(layer, keras.layers.Dropout)] == [0.3]
    assert model.diff_augment == ("color", "cutout") and model.r1_weight == 0.5
    noisy = built("gan", ["--dataset=ring8", "--label_noise=0.25", "--pack=4", "--unrolled_steps=2",
                          "--top_k_fraction=0.5", "--top_k_decay=0.9", "--top_k_decay_steps=20"])
    assert noisy.label_noise == 0.25 and (noisy.pack, noisy.unrolled_steps) == (4, 2)
    assert (noisy.top_k_fraction, noisy.top_k_decay, noisy.top_k_decay_steps) == (0.5, 0.9, 20)
    assert noisy.discriminator.inputs[0].shape == (None, 8)  # four 2-D points side by side
    packed_critic = built("wgan_gp", ["--pack=2", "--image_size=8", "--filters=8"])
    assert packed_critic.discriminator.inputs[0].shape == (None, 8, 8, 2)


def test_diff_augment_is_a_flag_of_every_app_whose_model_has_it():
    for name in ("dcgan", "wgan_gp", "cgan", "biggan", "stylegan2"):
        model = built(name, ["--diff_augment=translation,cutout", "--image_size=16"])
        assert model.diff_augment == ("translation", "cutout"), name


def test_infogans_clustering_and_warmup_reach_the_model_with_its_augmentation():
    model = built("infogan", ["--code_augment=warp,stroke", "--clustering_weight=0.5", "--code_warmup_steps=30",
                              "--image_size=16"])
    assert model.code_augment == ("warp", "stroke") and model.clustering_weight == 0.5
    assert model.code_warmup_steps == 30


@pytest.mark.parametrize("name,args,message", [
    ("dcgan", ["--loss=hinge", "--label_noise=0.1"], "--label_noise=0.1 applies to the cross-entropy losses"),
    ("wgan", ["--label_smoothing=0.1"], "--label_smoothing=0.1 applies to the cross-entropy losses"),
    ("wgan_gp", ["--minibatch_discrimination"], "--minibatch_discrimination=True applies to the mlp and dcgan"),
    ("gan", ["--dataset=ring8", "--diff_augment=translation"],
     "--diff_augment=translation transforms images; --dataset=ring8 holds 2-D points"),
    ("lsgan", ["--dataset=ring8", "--top_k_fraction=0.5", "--feature_matching"],
     "--top_k_fraction=0.5 keeps the samples D scores highest in G's adversarial loss, which --feature_matching"),
    ("dcgan", ["--diff_augment=zoom"], "--diff_augment=zoom must name each of color, translation, cutout at most once"),
    ("infogan", ["--clustering_weight=1"], "--clustering_weight=1.0 needs --code_augment"),
    ("infogan", ["--code_warmup_steps=-5"], "--code_warmup_steps=-5 must be >= 0"),
])
def test_a_hack_the_model_cannot_use_is_refused_naming_the_flag(name, args, message):
    with pytest.raises(config.ConfigError) as error:
        built(name, args)
    assert error.value.as_flag().startswith(message)


def test_dcgan_paper_initialization_draws_kernels_from_n_0_002():
    model = built("dcgan", ["--weight_init=dcgan", "--image_size=32", "--base_filters=32"])
    kernels = [w.numpy().ravel() for w in model.generator.weights + model.discriminator.weights
               if w.name == "kernel" and w.numpy().size > 1000]
    assert kernels and all(abs(k.std() - 0.02) < 0.002 and abs(k.mean()) < 0.002 for k in kernels)
    default = built("dcgan", ["--image_size=32", "--base_filters=32"])
    assert max(w.numpy().std() for w in default.generator.weights if w.name == "kernel") > 0.03
