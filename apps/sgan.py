"""Semi-supervised GAN (Salimans et al. 2016, section 5): a K-class D learns from few labels.

    python apps/sgan.py --flagfile=apps/configs/sgan_digits.cfg   # embedded, minutes on CPU
    python apps/sgan.py --flagfile=apps/configs/sgan_mnist.cfg --data_dir=~/tensorflow_datasets

``--num_labelled`` training examples (the same number per class, chosen with
``--labelled_seed``) keep their labels; the whole training split is the
unlabelled data. G (DCGAN) is trained by feature matching. D is the small CNN
of ``networks.classifier`` with input noise and dropout, and is the
classifier: ``results.json`` holds its accuracy on the held-out test split
under "evaluation". ``--unsupervised_weight=0`` trains the same D on the
labelled examples alone, the supervised baseline.
"""

from keras_gans import cli

if __name__ == "__main__":
    cli.main("sgan")
