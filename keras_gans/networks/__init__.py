"""Architecture builders: functions that return functional ``keras.Model`` objects.

Networks never train; a model in ``keras_gans.models`` takes them as arguments.
"""

from keras_gans.networks import classifier, conditional, dcgan, infogan, mlp
from keras_gans.networks import autoencoder, biggan, players, resnet
from keras_gans.networks import attributes
from keras_gans.networks import discogan, patchgan, resnet_translator, srresnet, unet, vgg_features
from keras_gans.networks import progan, published_2d, stylegan2, text2image, text_encoder

__all__ = ["attributes", "autoencoder", "biggan", "classifier", "conditional", "dcgan", "discogan", "infogan", "mlp",
           "patchgan", "players", "progan", "published_2d", "resnet", "resnet_translator", "srresnet", "stylegan2",
           "text2image", "text_encoder", "unet", "vgg_features"]
