"""InfoGAN (Chen et al. 2016): latent codes that G must keep recoverable by Q, DCGAN players.

    python apps/infogan.py --flagfile=apps/configs/infogan_digits.cfg   # embedded, minutes on CPU
    python apps/infogan.py --flagfile=apps/configs/infogan_mnist.cfg --data_dir=~/tensorflow_datasets

G takes z, one categorical code and continuous codes. The sample grid has one
row per categorical code value, the continuous codes swept from -2 to 2 across
the columns (the paper's figure 2). ``results.json`` holds, under
"evaluation", how well the categorical code matches the digit a classifier
trained on real data sees (agreement under the best code-to-class matching),
plus the classes produced and the KL of their histogram to uniform.
``--categorical_weight=0 --continuous_weight=0 --clustering_weight=0`` trains
the same networks as a plain GAN, the paper's "regular GAN" contrast.
``--code_augment=warp,stroke`` (the digits flagfile) has Q read the categorical
code from a randomly warped, restroked copy of each sample, so that slant and
stroke width cannot carry the code; ``--clustering_weight`` also trains Q to
cluster the real images (Invariant Information Clustering between an image and
its copy), and ``--code_warmup_steps`` lets those clusters form before the
code weights are in force, so that the code values land on them.
"""

from keras_gans import cli

if __name__ == "__main__":
    cli.main("infogan")
