"""Training schemes: one subclassed ``keras.Model`` per scheme, on one backbone.

Every model is an :class:`AdversarialGame` (``game.py``: optimizers, trackers,
the training and test steps); models with a latent prior build on
:class:`AdversarialModel` (``adversarial.py``: z, seeds, the moving average of
G, sampling and export). Models never build architectures; they take their
networks as arguments. ``docs/design.md`` shows how to add a paper.
"""

from keras_gans.models.acgan import ACGAN
from keras_gans.models.adversarial import AdversarialModel
from keras_gans.models.began import BEGAN
from keras_gans.models.biggan import BigGAN
from keras_gans.models.cgan import CGAN
from keras_gans.models.cyclegan import CycleGAN
from keras_gans.models.discogan import DiscoGAN
from keras_gans.models.ebgan import EBGAN
from keras_gans.models.game import AdversarialGame
from keras_gans.models.gan import GAN
from keras_gans.models.infogan import InfoGAN
from keras_gans.models.pix2pix import Pix2Pix
from keras_gans.models.progan import ProGAN
from keras_gans.models.sgan import SGAN
from keras_gans.models.srgan import SRGAN
from keras_gans.models.stylegan2 import StyleGAN2
from keras_gans.models.text2image import TextToImageGAN
from keras_gans.models.translation import PairedTranslator, TwoWayTranslator

__all__ = ["ACGAN", "AdversarialGame", "AdversarialModel", "BEGAN", "BigGAN", "EBGAN", "CGAN", "CycleGAN",
           "DiscoGAN", "GAN", "InfoGAN", "PairedTranslator", "Pix2Pix", "ProGAN", "SGAN", "SRGAN", "StyleGAN2",
           "TextToImageGAN", "TwoWayTranslator"]
