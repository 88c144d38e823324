"""Scoring by metric name: one entry point for the command line and the training callback."""

from dataclasses import dataclass, field

from gan_lab.metrics.inception import collect_features, frechet_distance, inception_feature_fn, kernel_distance
from gan_lab.metrics.sources import generated_batches
from gan_lab.metrics.swd import swd

METRICS = ("swd", "fid", "kid")


@dataclass
class Score:
    """A metric's value, lower is better, with its details (per-level SWD, KID's std)."""

    name: str
    value: float
    details: dict = field(default_factory=dict)


def fid(real_images, fake_images, feature_fn, batch_size=64):
    """Return the FID between two image sets, each an array or an iterable of batches."""
    return frechet_distance(
        collect_features(real_images, feature_fn, batch_size), collect_features(fake_images, feature_fn, batch_size)
    )


def kid(real_images, fake_images, feature_fn, batch_size=64, **subsets):
    """Return ``(mean, std)`` of the KID between two image sets; ``subsets`` go to ``kernel_distance``."""
    return kernel_distance(
        collect_features(real_images, feature_fn, batch_size), collect_features(fake_images, feature_fn, batch_size),
        **subsets,
    )


def score(name, real_images, fake_images, *, value_range=(-1, 1), feature_fn=None, seed=0):
    """Return a Score of metric ``name`` ("swd", "fid" or "kid") between two image sets.

    ``real_images`` and ``fake_images``: ``(n, h, w, c)`` arrays in ``value_range`` or
    iterables of such batches. ``feature_fn`` replaces InceptionV3 for FID and KID.
    """
    if name not in METRICS:
        raise ValueError(f"Unknown metric {name!r}; use one of {', '.join(METRICS)}.")
    if name == "swd":
        value, per_level = swd(real_images, fake_images, seed=seed)
        return Score(name, value, {f"swd_level_{level}": level_value for level, level_value in enumerate(per_level)})
    feature_fn = feature_fn or inception_feature_fn(value_range)
    if name == "fid":
        return Score(name, fid(real_images, fake_images, feature_fn))
    mean, std = kid(real_images, fake_images, feature_fn, seed=seed)
    return Score(name, mean, {"kid_std": std})


def score_generator(name, generator, real_images, *, n=None, value_range=(-1, 1), feature_fn=None, seed=0,
                    batch_size=256):
    """Score ``n`` images drawn from ``generator`` (in batches) against ``real_images``.

    ``n`` defaults to the number of real images; images are drawn ``batch_size`` at a time.
    """
    n = len(real_images) if n is None else n
    fake_images = generated_batches(generator, n, batch_size, seed)
    return score(name, real_images, fake_images, value_range=value_range, feature_fn=feature_fn, seed=seed)
