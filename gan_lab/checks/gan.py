"""Checks of lessons 03 to 05: the discriminator's step, the combined model, the training step."""

import math

from gan_lab.checks.base import Check, Exercise, failure

WINDOW = 5
D_STEP_LOSS_RATIO = 0.7
# The reference solution's ratios: at most 0.50 for the step (10 seeds), 0.33 for the run (12 seeds).
RUN_LOSS_RATIO = 0.8
LOSS_TOLERANCE = 1e-3
SHARED_OPTIMIZER_HINT = (
    "compile the combined model with its own optimizer, e.g. gan.compile(optimizer="
    "keras.optimizers.Adam(2e-4, beta_1=0.5), loss='binary_crossentropy'), never discriminator.optimizer."
)


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


def _step_error(step):
    error = step["error"]
    call = "discriminator.train_on_batch" if step["step"] == "discriminator" else "gan.train_on_batch"
    if "optimizer" in error.lower() and "variable" in error.lower():
        return failure(f"{call} to run", f"an error that points to a shared optimizer:\n{error}", SHARED_OPTIMIZER_HINT)
    return failure(f"{call} to run", f"an error:\n{error}", "run the step yourself in the notebook to see the whole traceback.")


def _each_step(data, kind):
    for order, info in data["orders"].items():
        if not info["is_model"]:
            yield order, None, failure("a keras.Model from make_gan", info["type"], "return the compiled combined model.")
            return
        for step in info["steps"]:
            if step["step"] == kind:
                yield order, step, None


def _first_problem(data, kind, judge):
    for order, step, problem in _each_step(data, kind):
        if problem is None:
            problem = _step_error(step) if step["error"] else judge(order, step)
        if problem:
            return problem
    return None


def _judge_discriminator_step(order, step):
    if step["total"] == 0:
        return failure(
            f"discriminator.train_on_batch to update the discriminator ({order.replace('_', ' ')})",
            "a discriminator with no trainable variables (discriminator.trainable is False): it never learns",
            "in Keras 3, `discriminator.trainable = False` set once before the first train_on_batch also "
            "freezes the discriminator's own train_on_batch, because Keras 3 reads the flag when it traces "
            "the training function. Freeze it only inside the combined model's step, e.g. a "
            "keras.Model subclass whose train_step updates generator.trainable_variables only.",
        )
    if step["changed"] == 0:
        return failure(
            f"discriminator.train_on_batch to update the discriminator ({order.replace('_', ' ')})",
            f"0 of its {step['total']} trainable variables changed: the discriminator never learns",
            "in Keras 3, `discriminator.trainable = False` set once before the first train_on_batch also "
            "freezes the discriminator's own train_on_batch, because Keras 3 reads the flag when it traces "
            "the training function. Freeze it only inside the combined model's step, e.g. a "
            "keras.Model subclass whose train_step updates generator.trainable_variables only.",
        )
    return None


def _judge_gan_step(order, step):
    if step["d_changed"]:
        return failure(
            f"gan.train_on_batch to leave every discriminator variable unchanged ({order.replace('_', ' ')})",
            f"{len(step['d_changed'])} discriminator variables changed (largest change {step['d_max_change']:.2e}), "
            f"e.g. {step['d_changed'][0]}",
            "the discriminator is not frozen in the generator's step: take gradients for "
            "generator.trainable_variables only and call the discriminator with training=False.",
        )
    if step["g_changed"] == 0:
        return failure(
            "gan.train_on_batch to update the generator",
            f"0 of {step['g_total']} generator variables changed",
            "the combined model must run the generator and apply the gradients to its weights.",
        )
    return None


def verify_discriminator_learns(data):
    return _first_problem(data, "discriminator", _judge_discriminator_step)


def verify_gan_step_frozen(data):
    return _first_problem(data, "gan", _judge_gan_step)


def verify_separate_optimizers(data):
    for info in data["orders"].values():
        if not info["is_model"] or not info["compiled"] or not info["has_optimizer"]:
            return failure(
                "a compiled combined model", f"{info['type']} without an optimizer",
                "call gan.compile(optimizer=..., loss=...) inside make_gan and return gan.",
            )
        if info["shares_optimizer"]:
            return failure(
                "an optimizer of its own for the combined model", "the discriminator's optimizer object",
                "Adam keeps per-weight state, so each network needs its own: " + SHARED_OPTIMIZER_HINT,
            )
    return None


def _binary_crossentropy(labels, values, from_logits):
    total = 0.0
    for label, value in zip(labels, values):
        if from_logits:
            total += max(value, 0.0) - value * label + math.log1p(math.exp(-abs(value)))
        else:
            total -= label * math.log(value) + (1 - label) * math.log(1 - value)
    return total / len(labels)


def verify_gan_loss(data):
    info = data["orders"]["discriminator_first"]
    if not info["is_model"]:
        return failure("a keras.Model from make_gan", info["type"], "return the compiled combined model.")
    loss = info["loss"]
    if loss["error"] or not isinstance(loss["value"], (int, float)):
        return failure(
            "a combined model compiled with a loss", f"no loss value:\n{loss['error'] or loss['value']}",
            "call gan.compile(optimizer=..., loss=keras.losses.BinaryCrossentropy()) inside make_gan.",
        )
    labels, scores, value = loss["labels"], loss["scores"], loss["value"]
    from_logits = loss["last_activation"] not in ("sigmoid",)
    expected = _binary_crossentropy(labels, scores, from_logits)
    if abs(value - expected) <= LOSS_TOLERANCE * max(1.0, expected):
        return None
    output = "logits (no sigmoid)" if from_logits else "sigmoid probabilities"
    wanted = f"BinaryCrossentropy(from_logits={from_logits})"
    found = f"loss {loss['loss']} gives {value:.4f} where {wanted} gives {expected:.4f}"
    if abs(value - _binary_crossentropy(labels, scores, not from_logits)) <= LOSS_TOLERANCE * max(1.0, expected):
        hint = (f"the discriminator outputs {output}, so the loss must use from_logits={from_logits}: "
                f"compile the combined model with keras.losses.{wanted}.")
    else:
        hint = (f"the generator's loss is binary cross-entropy on the discriminator's {output}: compile the "
                f"combined model with loss=keras.losses.{wanted}, not another loss such as 'mse'.")
    return failure(f"binary cross-entropy matching the discriminator's {output}", found, hint)


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

MAKE_GAN = Exercise(
    id="04_combined_gan.make_gan",
    probe_module="gan_lab.checks.probes.gan",
    checks=(
        Check("discriminator learns in its own step", 1, "probe_make_gan", verify_discriminator_learns,
              "discriminator.train_on_batch updates the discriminator, before and after a generator step."),
        Check("generator step freezes discriminator", 1, "probe_make_gan", verify_gan_step_frozen,
              "gan.train_on_batch updates the generator and leaves every discriminator variable unchanged."),
        Check("combined model has its own optimizer", 1, "probe_make_gan", verify_separate_optimizers,
              "The combined model is compiled with an optimizer of its own."),
        Check("combined model loss matches output", 1, "probe_make_gan", verify_gan_loss,
              "The combined model's loss is binary cross-entropy whose from_logits agrees with the discriminator."),
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
