"""ProGAN (Karras et al. 2018): players that grow from 4x4 to the image size, WGAN-GP with the drift term.

    python apps/progan.py --flagfile=apps/configs/progan_shapes.cfg        # embedded shapes, 64x64, CPU
    python apps/progan.py --flagfile=apps/configs/progan_shapes.cfg --conditional   # G draws the shape asked for
    python apps/progan.py --flagfile=apps/configs/progan_celeba_hq.cfg --data_dir=~/tensorflow_datasets

One phase per resolution: a fade-in of --fade_epochs (alpha 0 -> 1 with the
images shown, reals blended like the fakes) and --stabilize_epochs of
stabilization, at that resolution's batch size (--batch_sizes). The phase,
resolution and alpha are in the logs, TensorBoard and results.json; each
sample grid is written at its phase's resolution; a run killed mid-fade
resumes at the same image count and alpha. The final generator is exported
(z -> images at full resolution).

With --conditional both players read the dataset's class labels as in the
authors' code (G: the one-hot label beside z; D: class logits beside its
score, AC-GAN's cross-entropy weighted by --class_weight): a grid row per
class, results.json holds how often the judge reads the class asked for,
and the export serves z and labels.
"""

from keras_gans import cli

if __name__ == "__main__":
    cli.main("progan")
