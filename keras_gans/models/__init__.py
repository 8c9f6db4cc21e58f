"""Training schemes: one subclassed ``keras.Model`` per scheme.

Models never build architectures; they take their networks as arguments.
"""

from keras_gans.models.acgan import ACGAN
from keras_gans.models.began import BEGAN
from keras_gans.models.cgan import CGAN
from keras_gans.models.cyclegan import CycleGAN
from keras_gans.models.discogan import DiscoGAN
from keras_gans.models.ebgan import EBGAN
from keras_gans.models.gan import GAN, AdversarialModel
from keras_gans.models.infogan import InfoGAN
from keras_gans.models.pix2pix import Pix2Pix
from keras_gans.models.sgan import SGAN
from keras_gans.models.srgan import SRGAN
from keras_gans.models.translation import PairedTranslator, TwoWayTranslator

__all__ = ["ACGAN", "AdversarialModel", "BEGAN", "EBGAN",
           "CGAN", "CycleGAN", "DiscoGAN", "GAN", "InfoGAN", "PairedTranslator", "Pix2Pix", "SGAN", "SRGAN",
           "TwoWayTranslator"]
