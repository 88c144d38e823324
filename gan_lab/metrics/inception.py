"""The Fréchet and Kernel Inception Distances, on features from any feature function.

The maths takes feature arrays, so it can be checked with any features. The usual
features are InceptionV3's 2048 pooled activations. ``inception_feature_fn`` builds that
extractor only from a weights file already in the Keras cache, and never downloads it.
"""

import logging
import os
from pathlib import Path

import numpy as np

from gan_lab.metrics.sources import image_batches

log = logging.getLogger(__name__)

INCEPTION_WEIGHTS = "inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5"
INCEPTION_SIZE = 299


class MissingWeightsError(FileNotFoundError):
    """Raised when InceptionV3's weights are not in the Keras cache; nothing is downloaded."""


def frechet_distance(features_a, features_b):
    """Return the Fréchet distance between Gaussians fitted to two ``(n, dim)`` feature sets.

    FID = ||mu_a - mu_b||^2 + Tr(S_a + S_b - 2 (S_a S_b)^(1/2)), with the sample means and
    covariances. Tr((S_a S_b)^(1/2)) is the sum of the square roots of the eigenvalues of
    S_a^(1/2) S_b S_a^(1/2), a symmetric matrix, so no general matrix square root is needed.
    """
    a, b = _check_features(features_a, features_b, minimum=2)
    mean_a, mean_b = a.mean(axis=0), b.mean(axis=0)
    cov_a = np.atleast_2d(np.cov(a, rowvar=False))
    cov_b = np.atleast_2d(np.cov(b, rowvar=False))

    values, vectors = np.linalg.eigh(cov_a)
    root_a = (vectors * np.sqrt(np.clip(values, 0, None))) @ vectors.T
    middle = np.linalg.eigvalsh(root_a @ cov_b @ root_a)
    trace_root = np.sum(np.sqrt(np.clip(middle, 0, None)))

    distance = np.sum((mean_a - mean_b) ** 2) + np.trace(cov_a) + np.trace(cov_b) - 2 * trace_root
    # Rounding can leave a tiny negative value for identical sets; the distance itself is >= 0.
    return float(max(distance, 0.0))


def polynomial_kernel(x, y):
    """Return ``(x . y / dim + 1) ** 3`` for all pairs of rows: ``(n, dim)``, ``(m, dim)`` -> ``(n, m)``."""
    return (x @ y.T / x.shape[1] + 1.0) ** 3


def unbiased_mmd2(x, y):
    """Return the unbiased estimate of MMD^2 between ``(m, dim)`` samples with the cubic polynomial kernel.

    The within-set means leave out the diagonal (a point compared with itself), so the
    estimate is unbiased and can be slightly negative for sets from one distribution.
    """
    m = len(x)
    k_xx = polynomial_kernel(x, x)
    k_yy = polynomial_kernel(y, y)
    k_xy = polynomial_kernel(x, y)
    within_x = (k_xx.sum() - np.trace(k_xx)) / (m * (m - 1))
    within_y = (k_yy.sum() - np.trace(k_yy)) / (m * (m - 1))
    return float(within_x + within_y - 2 * k_xy.mean())


def kernel_distance(features_a, features_b, *, n_subsets=100, subset_size=1000, seed=0):
    """Return ``(mean, std)`` of the unbiased MMD^2 over ``n_subsets`` random subsets (the KID).

    Each subset draws ``subset_size`` rows without replacement from each set (fewer when a
    set is smaller). When the sets have the same size, both use the same row indices, so
    swapping the arguments gives the same value.
    """
    a, b = _check_features(features_a, features_b, minimum=2)
    size = min(subset_size, len(a), len(b))
    rng = np.random.default_rng(seed)
    values = []
    for _ in range(n_subsets):
        rows_a = rng.choice(len(a), size, replace=False)
        rows_b = rows_a if len(a) == len(b) else rng.choice(len(b), size, replace=False)
        values.append(unbiased_mmd2(a[rows_a], b[rows_b]))
    return float(np.mean(values)), float(np.std(values))


def _check_features(features_a, features_b, minimum):
    a = np.asarray(features_a, dtype="float64")
    b = np.asarray(features_b, dtype="float64")
    for name, features in (("first", a), ("second", b)):
        if features.ndim != 2 or len(features) < minimum:
            raise ValueError(
                f"The {name} feature set must be (n, dim) with n >= {minimum}, got shape {features.shape}."
            )
    if a.shape[1] != b.shape[1]:
        raise ValueError(f"Feature sets differ in dimension: {a.shape[1]} against {b.shape[1]}.")
    return a, b


def collect_features(source, feature_fn, batch_size=64):
    """Return float32 ``(n, dim)``: ``feature_fn`` applied to ``source`` a batch at a time."""
    features = [np.asarray(feature_fn(batch), dtype="float32") for batch in image_batches(source, batch_size)]
    if not features:
        raise ValueError("The image set is empty; the metric needs at least two images per set.")
    return np.concatenate(features)


def inception_weights_path():
    """Return the path where Keras caches InceptionV3's weights without the top layers."""
    keras_home = os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")
    return Path(keras_home) / "models" / INCEPTION_WEIGHTS


def require_inception_weights():
    """Return the cached weights path, or raise MissingWeightsError saying how to provide it."""
    path = inception_weights_path()
    if not path.is_file():
        raise MissingWeightsError(
            f"FID and KID need InceptionV3's ImageNet weights, and {path} was not found. "
            f"Copy {INCEPTION_WEIGHTS} into {path.parent} (a machine with internet access gets it "
            "with keras.applications.InceptionV3(include_top=False, weights='imagenet')), "
            "or use --metric swd, which needs no download."
        )
    return path


def inception_feature_fn(value_range=(-1, 1)):
    """Return a function: images ``(batch, h, w, 1 or 3)`` in ``value_range`` -> float32 ``(batch, 2048)``.

    The function is InceptionV3 with its cached ImageNet weights, see ``pooled_features``.
    Raises MissingWeightsError when the weights are not cached; it never downloads them.
    """
    # NOTE: the tests run offline without the weights, so they cover the error, the pipeline
    # with random weights and the FID/KID maths, but not the ImageNet weights themselves.
    import keras

    weights = require_inception_weights()
    model = keras.applications.InceptionV3(include_top=False, pooling="avg", weights=str(weights))
    log.info("Loaded InceptionV3 weights from %s", weights)
    return pooled_features(model, value_range)


def pooled_features(model, value_range=(-1, 1)):
    """Return a function that feeds images in ``value_range`` to an InceptionV3 ``model`` with average pooling.

    Images are mapped to [0, 255], grayscale repeated to RGB, resized to 299x299 and
    scaled as InceptionV3's ``preprocess_input`` expects.
    """
    import keras
    import tensorflow as tf

    low, high = value_range

    def features(images):
        pixels = (tf.convert_to_tensor(images, tf.float32) - low) / (high - low) * 255.0
        if pixels.shape[-1] == 1:
            pixels = tf.image.grayscale_to_rgb(pixels)
        pixels = tf.image.resize(pixels, (INCEPTION_SIZE, INCEPTION_SIZE), method="bilinear")
        inputs = keras.applications.inception_v3.preprocess_input(pixels)
        return model(inputs, training=False).numpy()

    return features
