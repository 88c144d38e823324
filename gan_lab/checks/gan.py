"""Checks of lessons 03 and 05: the discriminator's step and the training step.

The combined model's checks (lesson 04) are in ``gan_lab.checks.combined``.
"""

import math

from gan_lab.checks.base import Check, Exercise, failure

WINDOW = 5
D_STEP_LOSS_RATIO = 0.7
# The reference solution's ratios: at most 0.50 for the step (10 seeds), 0.33 for the run (12 seeds).
RUN_LOSS_RATIO = 0.8


def _numbers(values):
    return [value for value in values if isinstance(value, (int, float)) and math.isfinite(value)]


def _window_means(values):
    return sum(values[:WINDOW]) / WINDOW, sum(values[-WINDOW:]) / WINDOW


def verify_discriminator_loss_falls(data):
    losses = data["losses"]
    numbers = _numbers(losses)
    if len(numbers) != len(losses):
        bad = next(value for value in losses if value not in numbers)
        return failure(
            "d_loss returned as a finite float from every call", f"{bad!r}",
            "return the loss as a float: float(logs['loss']) when you call train_on_batch(..., return_dict=True), "
            "or the first element of the list that train_on_batch returns otherwise.",
        )
    not_updated = _not_updated(data)
    if not_updated:
        return not_updated
    first, last = _window_means(numbers)
    if last >= D_STEP_LOSS_RATIO * first:
        return failure(
            f"the mean d_loss of the last {WINDOW} of {len(numbers)} steps below {D_STEP_LOSS_RATIO} x the first {WINDOW}",
            f"first {WINDOW}: {first:.4f}, last {WINDOW}: {last:.4f}",
            "call discriminator.train_on_batch once per call on the real and fake images with their labels.",
        )
    before, after = data["held_out_loss_before"], data["held_out_loss_after"]
    if not after < before:
        return failure(
            "the loss on held-out images, with real labelled 1 and fake 0, to fall as d_loss falls",
            f"{before:.4f} before training, {after:.4f} after: the discriminator learned to tell the images "
            "apart the wrong way round",
            "label real images REAL_LABEL (1) and fake images FAKE_LABEL (0).",
        )
    return None


def _not_updated(data):
    if data["changed"] > 0:
        return None
    return failure(
        f"discriminator_step to update the discriminator's {data['total']} trainable variables",
        f"none of them changed over {len(data['losses'])} calls: the step did not update the discriminator",
        "use discriminator.train_on_batch(images, labels), which trains; evaluate and predict only compute "
        "the loss or the scores.",
    )


def verify_real_scored_higher(data):
    not_updated = _not_updated(data)
    if not_updated:
        return not_updated
    real, fake = data["real_score"], data["fake_score"]
    if real <= fake:
        return failure(
            "after training, higher scores for real images than for fake ones",
            f"mean score {real:.3f} for real images, {fake:.3f} for fake images",
            "label real images REAL_LABEL (1) and fake images FAKE_LABEL (0); swapped labels teach the opposite.",
        )
    return None


def verify_train_step_result(data):
    values = data["values"]
    if len(values) != 2 or len(_numbers(values)) != 2:
        return failure(
            "(d_loss, g_loss): two finite floats", f"{data['result_type']} {values!r}",
            "end with `return d_loss, g_loss`, each a float.",
        )
    if data["order"] == "swapped":
        return failure(
            "(d_loss, g_loss) in that order", f"({values[0]:.4f}, {values[1]:.4f}): the first value is the loss "
            "that gan.train_on_batch returned, the second the loss of discriminator.train_on_batch",
            "return (d_loss, g_loss) in that order: the discriminator's loss first, the generator's second.",
        )
    return None


def verify_train_step_updates(data):
    if data["d_changed"] == 0 or data["g_changed"] == 0:
        return failure(
            "both networks updated by one call",
            f"discriminator: {data['d_changed']} of {data['d_total']} variables changed, "
            f"generator: {data['g_changed']} of {data['g_total']}",
            "call discriminator.train_on_batch(...) and then gan.train_on_batch(...) in every step.",
        )
    return None


def verify_train_step_labels(data):
    d_calls, gan_calls = data["d_calls"], data["gan_calls"]
    real_labels = sorted({label for call in d_calls for label in call["real_labels"]})
    fake_labels = sorted({label for call in d_calls for label in call["other_labels"]})
    gan_labels = sorted({label for call in gan_calls for label in call["other_labels"] + call["real_labels"]})
    if not d_calls or not gan_calls:
        return failure(
            "discriminator.train_on_batch and gan.train_on_batch called",
            f"{len(d_calls)} discriminator calls, {len(gan_calls)} gan calls",
            "train both networks with train_on_batch in every step.",
        )
    if real_labels != [1.0] or fake_labels != [0.0]:
        return failure(
            "real images labelled REAL_LABEL (1.0) and fake images FAKE_LABEL (0.0) in the discriminator's step",
            f"real images labelled {real_labels}, fake images labelled {fake_labels}",
            "build the labels with np.ones((batch, 1)) for real_images and np.zeros((batch, 1)) for fake_images.",
        )
    if gan_labels != [1.0]:
        return failure(
            "the generator's step to label its fake images REAL_LABEL (1.0)", f"labels {gan_labels}",
            "the generator learns to fool the discriminator, so gan.train_on_batch gets np.ones((batch, 1)).",
        )
    noise_shape = gan_calls[0]["input_shape"]
    if noise_shape != [data["batch"], data["latent_dim"]]:
        return failure(
            f"noise of shape ({data['batch']}, {data['latent_dim']}) for gan.train_on_batch",
            f"{tuple(noise_shape)}", "draw np.random.normal(size=(len(real_images), latent_dim)).",
        )
    return None


def verify_training_run(data):
    d_losses, g_losses = data["d_losses"], data["g_losses"]
    if len(_numbers(d_losses + g_losses)) != len(d_losses + g_losses):
        return failure("finite losses at every step", "NaN, infinite or non-numeric losses",
                       "return float losses and keep the learning rates at 2e-4.")
    if data["swapped_steps"]:
        return failure(
            "(d_loss, g_loss) returned by every step", f"(g_loss, d_loss) in {data['swapped_steps']} of {len(d_losses)} steps",
            "return (d_loss, g_loss) in that order; with the order swapped the check reads g_loss as d_loss.",
        )
    first, last = _window_means(d_losses)
    before, after = data["real_accuracy_before"], data["real_accuracy_after"]
    if last >= RUN_LOSS_RATIO * first:
        return failure(
            f"d_loss to fall over {len(d_losses)} steps: mean of the last {WINDOW} below {RUN_LOSS_RATIO} x the first {WINDOW}",
            f"first {WINDOW}: {first:.4f}, last {WINDOW}: {last:.4f}",
            "update the discriminator in every step with real images labelled 1 and fake images labelled 0.",
        )
    if after < 0.5:
        return failure(
            "the discriminator to classify at least half of the real images as real after the run",
            f"real_accuracy {before:.2f} before and {after:.2f} after",
            "real images must be labelled REAL_LABEL (1) in the discriminator's step.",
        )
    return None


DISCRIMINATOR_STEP = Exercise(
    id="03_discriminator.discriminator_step",
    probe_module="gan_lab.checks.probes.gan",
    checks=(
        Check("discriminator_step lowers d_loss", 2, "probe_discriminator_step", verify_discriminator_loss_falls,
              "d_loss falls over 30 steps against a fixed generator."),
        Check("discriminator_step labels real as 1", 1, "probe_discriminator_step", verify_real_scored_higher,
              "After training, real images score higher than fake ones."),
    ),
)

TRAIN_STEP = Exercise(
    id="05_training.train_step",
    probe_module="gan_lab.checks.probes.gan",
    checks=(
        Check("train_step returns (d_loss, g_loss)", 1, "probe_train_step_once", verify_train_step_result,
              "train_step returns two finite floats."),
        Check("train_step updates both networks", 1, "probe_train_step_once", verify_train_step_updates,
              "One call updates the discriminator and the generator."),
        Check("train_step uses the right labels", 1, "probe_train_step_once", verify_train_step_labels,
              "Real images get 1, fake images 0, and the generator's step labels its images 1."),
        Check("short training run: discriminator learns", 2, "probe_train_step_run", verify_training_run,
              "Over a short run d_loss falls and the discriminator recognises real images."),
    ),
)
