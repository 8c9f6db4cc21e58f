"""Speed of the feature extractors and memory of streaming FID statistics on CPU.

    python benchmarks/feature_extractors.py [--images=256] [--rows=50000]

Prints one JSON line per measurement:

* images per second through InceptionV3 pool3 (random weights: the speed does
  not depend on them; nothing downloads), through the digit judge's features,
  and through pixels, for 32x32 grayscale inputs, after a warm-up batch;
* streaming :class:`keras_gans.evaluation.FeatureStatistics` over ``--rows``
  random 2048-d rows in batches of 500: wall time, the peak resident memory it
  added, and the size the rows would take all at once in float32.
"""

import argparse
import json
import resource
import time

import numpy as np

from keras_gans import evaluation, features


def throughput(name, extractor, images):
    extractor(images[:32])  # warm-up: builds and traces the forward pass
    started = time.time()
    extractor(images)
    seconds = time.time() - started
    print(json.dumps({"measurement": "throughput", "extractor": name, "images": len(images),
                      "images_per_s": round(len(images) / seconds, 1)}), flush=True)


def peak_rss_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def streaming(rows, dim=2048, batch=500):
    rng = np.random.default_rng(0)
    before = peak_rss_mib()
    started = time.time()
    statistics = evaluation.FeatureStatistics()
    for start in range(0, rows, batch):
        statistics.update(rng.standard_normal((min(batch, rows - start), dim), dtype=np.float32))
    statistics.covariance
    print(json.dumps({"measurement": "streaming_statistics", "rows": rows, "dim": dim, "batch": batch,
                      "seconds": round(time.time() - started, 1),
                      "peak_rss_added_mib": round(peak_rss_mib() - before, 1),
                      "all_rows_float32_mib": round(rows * dim * 4 / 2**20, 1)}), flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=256)
    parser.add_argument("--rows", type=int, default=50000)
    options = parser.parse_args()
    streaming(options.rows)  # first, so the peak memory is not the networks'
    images = np.random.default_rng(1).uniform(-1, 1, size=(options.images, 32, 32, 1)).astype(np.float32)
    throughput("pixels", features.PixelFeatures(), images)
    throughput("digit_classifier/features", features.digit_classifier_features(image_size=32), images)
    throughput("inception_v3/pool3", features.inception_v3_features(None, batch_size=32), images)


if __name__ == "__main__":
    main()
