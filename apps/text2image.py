"""Text to image (Reed et al. 2016): G(z, phi(t)) and a matching-aware D(x, phi(t)); GAN, GAN-CLS, GAN-INT, GAN-INT-CLS.

    python apps/text2image.py --flagfile=apps/configs/text2image_shapes.cfg   # embedded, CPU
    python apps/text2image.py --flagfile=apps/configs/text2image_cub.cfg --dataset=captions:~/data/cub
    python apps/generate.py --export_dir=saved_models/text2image --text="a large blue star in the center"

The paper's four configurations are two flags: --cls_weight=0.5 (GAN-CLS: D
also calls real images with a wrong caption fake; 0 = off) and
--interp_weight=1 (GAN-INT: G also learns from interpolated captions; 0 =
off); the default is GAN-INT-CLS. The text encoder is pre-trained on the
training captions first (or read from --text_encoder, see
apps/pretrain_text_encoder.py) and frozen. The sample grid shows held-out
captions above their images. On shapes/captions, results.json ends with the
shapes judge's reading of one image per caption, on held-out captions and on
attribute combinations never seen in training (benchmarks/text2image_shapes.py
compares the four configurations so); --keep_best also reads validation
captions after each epoch and exports the generator of the best epoch. The
export serves a caption string: signature serving_default takes `text` and `z`.
"""

from keras_gans import cli

if __name__ == "__main__":
    cli.main("text2image")
