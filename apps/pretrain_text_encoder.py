"""Pre-trains the text encoder of apps/text2image.py: a joint embedding of captions and images (DS-SJE).

    python apps/pretrain_text_encoder.py --flagfile=apps/configs/pretrain_text_encoder_shapes.cfg
    python apps/text2image.py --flagfile=apps/configs/text2image_shapes.cfg \
        --text_encoder=runs/text_encoder_shapes.keras
    python apps/pretrain_text_encoder.py --flagfile=apps/configs/pretrain_text_encoder_cub.cfg \
        --dataset=captions:<folder>

Reed et al. (CVPR 2016) train a caption encoder and an image encoder into one
space with the symmetric structured joint embedding loss: each image must
score its own caption above captions of other classes, and each caption its
own image. The encoder (word embeddings, a GRU averaged over the words, a
linear map) tokenizes inside the model, so the .keras file takes raw
strings. The report (.json next to the output) gives the top-1 retrieval
accuracy within batches on the training and held-out splits. The run saves
itself every 100 steps and at Ctrl-C in <output name>_pretraining/; the same
command resumes it there, and the folder goes once the encoder is written.
"""

from keras_gans import cli  # first: it quiets TensorFlow's console before TensorFlow loads

import json  # noqa: E402

from keras_gans import text_pretraining  # noqa: E402

cli.define_flags(text_pretraining.PretrainingRun)


def main(argv):
    del argv
    report = text_pretraining.run(cli.config_from_flags(text_pretraining.PretrainingRun))
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    cli.run_app(main)
