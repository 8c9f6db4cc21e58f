"""SRGAN (Ledig et al. 2017): x4 super-resolution with a content and an adversarial loss.

    python apps/srgan.py --flagfile=apps/configs/srgan_photos.cfg     # embedded, minutes on CPU
    python apps/srgan.py --flagfile=apps/configs/srgan_imagenet.cfg --vgg_weights=/path/vgg19_notop.h5

Trains SRResNet against the SRGAN discriminator on (low-resolution,
high-resolution) pairs (``photos_x4``, ``sr:folder:<path>``). The content
loss is the pixel MSE, or with ``--content=vgg`` the MSE of VGG19 features
read from the local ``--vgg_weights`` file (nothing is downloaded). The first
``--pretrain_epochs`` train G on the content loss alone (SRResNet), as the paper
initializes SRGAN. ``results.json`` holds PSNR and sharpness on held-out
patches next to bicubic upsampling's.
"""

from keras_gans import cli

if __name__ == "__main__":
    cli.main("srgan")
