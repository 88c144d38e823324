"""Warnings while training: the discriminator winning outright, collapsing samples, non-finite losses.

Each check is a function that takes a History or sample images and returns a warning
message (what was seen, with numbers, and what to try) or None. ``Diagnostics`` runs the
checks after every epoch and logs each warning once when its condition starts, through
``logging.warning`` on the ``gan_lab.diagnostics`` logger, which the command line prints.
"""

import logging

import numpy as np

from gan_lab.training import Callback

log = logging.getLogger(__name__)


def check_discriminator_wins(history, window=200, max_d_loss=0.05, min_accuracy=0.98):
    """Return a warning if, over the last ``window`` steps, the discriminator classifies every image correctly.

    Fires when the mean ``d_loss`` is below ``max_d_loss`` and both mean ``real_accuracy``
    and ``fake_accuracy`` reach ``min_accuracy``. A history shorter than ``window`` never fires.
    """
    if len(history) < window:
        return None
    d_loss = float(np.mean(history["d_loss"][-window:]))
    real_accuracy = float(np.mean(history["real_accuracy"][-window:]))
    fake_accuracy = float(np.mean(history["fake_accuracy"][-window:]))
    if d_loss >= max_d_loss or real_accuracy < min_accuracy or fake_accuracy < min_accuracy:
        return None
    return (
        f"The discriminator wins outright: over the last {window} steps d_loss averaged {d_loss:.4f}, "
        f"real_accuracy {real_accuracy:.3f} and fake_accuracy {fake_accuracy:.3f}, so the generator gets "
        "almost no gradient to learn from. Try a lower discriminator learning rate, one-sided label "
        "smoothing (real labels of 0.9), dropout in the discriminator, or a wider generator."
    )


def sample_diversity(images):
    """Return the mean pairwise root-mean-square difference between ``(n, h, w, c)`` images, n >= 2.

    It is 0 when all images are identical. For images in [-1, 1] it is at most 2.
    """
    flat = np.asarray(images, dtype="float64").reshape(len(images), -1)
    if len(flat) < 2:
        raise ValueError(f"sample_diversity needs at least 2 images, got {len(flat)}.")
    squared = np.sum(flat**2, axis=1)
    distances = np.clip(squared[:, None] + squared[None, :] - 2 * flat @ flat.T, 0, None) / flat.shape[1]
    upper = np.triu_indices(len(flat), k=1)
    return float(np.mean(np.sqrt(distances[upper])))


def check_collapse(samples, reference_diversity, min_ratio=0.25, reference_name="the real images"):
    """Return a warning if the samples' diversity fell below ``min_ratio`` times ``reference_diversity``."""
    diversity = sample_diversity(samples)
    if reference_diversity <= 0 or diversity >= min_ratio * reference_diversity:
        return None
    return (
        f"The samples are collapsing towards one image: their mean pairwise distance is {diversity:.4f}, "
        f"{diversity / reference_diversity:.0%} of the {reference_diversity:.4f} of {reference_name} "
        f"(warning below {min_ratio:.0%}). Try a lower learning rate, a smaller batch for the discriminator, "
        "or restart from an earlier checkpoint with another seed."
    )


def check_finite(history):
    """Return a warning naming the first NaN or infinite d_loss or g_loss in the history, else None.

    The wording matches the TrainingDiverged error that ``train`` raises on the same event.
    """
    for name in ("d_loss", "g_loss"):
        values = history[name]
        bad = np.flatnonzero(~np.isfinite(values))
        if len(bad):
            index = bad[0]
            return (
                f"{name} became {values[index]} at epoch {int(history['epoch'][index])}, "
                f"step {int(history['step'][index])}. Try a lower learning rate, or check that the images "
                "are scaled to the generator's range."
            )
    return None


class Diagnostics(Callback):
    """Runs the checks after every epoch and logs each warning once when its condition starts.

    ``real_images``: optional ``(n, h, w, c)`` in the generator's range. With them, sample
    diversity is compared with the diversity of as many real images as there are fixed-noise
    samples. Without them, it is compared with the samples' diversity after the first epoch.
    The collapse warning needs a fall as well: the diversity must also be below half of the
    highest diversity of any earlier epoch. An untrained generator draws near-identical images,
    and that is not a collapse. ``warnings`` keeps every message logged, in order.
    """

    def __init__(self, real_images=None, window=200, collapse_ratio=0.25, seed=0):
        self.window = window
        self.collapse_ratio = collapse_ratio
        self.real_images = None if real_images is None else np.asarray(real_images)
        self.seed = seed
        self.reference = None
        self.peak_diversity = 0.0
        self.active = set()
        self.warnings = []

    def on_train_begin(self, state):
        if self.real_images is None:
            return
        count = min(len(state.fixed_noise), len(self.real_images))
        rng = np.random.default_rng(self.seed)
        chosen = self.real_images[rng.choice(len(self.real_images), count, replace=False)]
        self.reference = (sample_diversity(chosen), "the real images")

    def on_epoch_end(self, state):
        samples = state.samples()
        if self.reference is None:
            self.reference = (sample_diversity(samples), f"the samples after epoch {state.epoch}")
        reference_diversity, reference_name = self.reference
        self._report("finite", check_finite(state.history))
        self._report("discriminator", check_discriminator_wins(state.history, self.window))
        diversity = sample_diversity(samples)
        fell = diversity < 0.5 * self.peak_diversity
        self.peak_diversity = max(self.peak_diversity, diversity)
        collapse = check_collapse(samples, reference_diversity, self.collapse_ratio, reference_name)
        self._report("collapse", collapse if fell else None)

    def _report(self, name, message):
        if message is None:
            if name in self.active:
                log.info("The %s warning no longer applies.", name)
            self.active.discard(name)
            return
        if name not in self.active:
            self.active.add(name)
            self.warnings.append(message)
            log.warning(message)


__all__ = [
    "Diagnostics", "check_collapse", "check_discriminator_wins", "check_finite", "sample_diversity",
]
