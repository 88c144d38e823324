"""Sample-quality metrics: is the generator getting closer to the data?

- ``swd``: the sliced Wasserstein distance over multi-scale image patches. It needs no
  download, so it works offline; lower is better and identical sets score 0.
- ``fid``: the Fréchet Inception Distance on InceptionV3 pool features; lower is better.
- ``kid``: the Kernel Inception Distance, the unbiased MMD^2 with the cubic polynomial
  kernel on the same features, averaged over subsets; lower is better.

FID and KID need InceptionV3's ImageNet weights in the Keras cache. Without them they
raise MissingWeightsError, whose message names the file and the folder it belongs in.
``score`` picks a metric by name, ``MetricCallback`` scores during training, and the
functions of each module take arrays or features directly.
"""

from gan_lab.metrics.callback import MetricCallback
from gan_lab.metrics.inception import (
    MissingWeightsError,
    collect_features,
    frechet_distance,
    inception_feature_fn,
    inception_weights_path,
    kernel_distance,
    unbiased_mmd2,
)
from gan_lab.metrics.scoring import METRICS, Score, fid, kid, score, score_generator
from gan_lab.metrics.sources import generated_batches, image_batches
from gan_lab.metrics.swd import sliced_wasserstein, swd

__all__ = [
    "METRICS", "MetricCallback", "MissingWeightsError", "Score", "collect_features", "fid", "frechet_distance",
    "generated_batches", "image_batches", "inception_feature_fn", "inception_weights_path", "kernel_distance",
    "kid", "score", "score_generator", "sliced_wasserstein", "swd", "unbiased_mmd2",
]
