"""A training callback that scores the generator every few epochs and adds the score to the history."""

import logging
import time

import numpy as np

from gan_lab.metrics.inception import inception_feature_fn
from gan_lab.metrics.scoring import METRICS, score_generator
from gan_lab.training import Callback

log = logging.getLogger(__name__)


class MetricCallback(Callback):
    """Scores ``n`` generated images against ``real_images`` every ``every`` epochs and after the last.

    The score goes into the history as column ``metric`` (e.g. "swd") at the last step of
    the epoch, NaN at every other step, so history.csv keeps one row per step. Put this
    callback before the ones that write or plot the history, so they see the new value.

    ``real_images``: ``(n, h, w, c)`` in the generator's value range; ``n`` of them are
    drawn at random (with ``seed``) once, so every evaluation compares against the same set.
    """

    def __init__(self, real_images, metric="swd", every=1, n=512, seed=0, value_range=(-1, 1), feature_fn=None):
        if metric not in METRICS:
            raise ValueError(f"Unknown metric {metric!r}; use one of {', '.join(METRICS)}.")
        if every < 1 or n < 2:
            raise ValueError(f"every must be at least 1 and n at least 2, got every={every} and n={n}.")
        rng = np.random.default_rng(seed)
        count = min(n, len(real_images))
        self.real_images = np.asarray(real_images)[np.sort(rng.choice(len(real_images), count, replace=False))]
        self.metric = metric
        self.every = every
        self.seed = seed
        self.value_range = value_range
        # FID and KID load InceptionV3 here, once, so missing weights fail before training starts.
        if feature_fn is None and metric != "swd":
            feature_fn = inception_feature_fn(value_range)
        self.feature_fn = feature_fn
        self.scores = []

    def on_epoch_end(self, state):
        if state.epoch % self.every != 0 and state.epoch != state.epochs:
            return
        started = time.perf_counter()
        result = score_generator(
            self.metric, state.generator, self.real_images, value_range=self.value_range,
            feature_fn=self.feature_fn, seed=self.seed,
        )
        state.history.set_last(self.metric, result.value)
        self.scores.append((state.epoch, result.value))
        log.info("epoch %d %s=%.6f (%d images, %.1fs)", state.epoch, self.metric, result.value,
                 len(self.real_images), time.perf_counter() - started)
