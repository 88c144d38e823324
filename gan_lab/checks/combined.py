"""Checks of lesson 04_combined_gan: the combined model that trains the generator."""

import math

from gan_lab.checks.base import Check, Exercise, failure

# Relative tolerance of the combined loss value against binary cross-entropy computed here.
LOSS_TOLERANCE = 1e-3
SHARED_OPTIMIZER_HINT = (
    "compile the combined model with its own optimizer, e.g. gan.compile(optimizer="
    "keras.optimizers.Adam(2e-4, beta_1=0.5), loss='binary_crossentropy'), never discriminator.optimizer."
)


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
    # A discriminator frozen everywhere (trainable = False before its own first step) also
    # leaves the combined step unchanged, but only because it never learns: no freezing point.
    for order, step, problem in _each_step(data, "discriminator"):
        if problem is None and not step["error"] and (step["total"] == 0 or step["changed"] == 0):
            return failure(
                "the discriminator frozen in the combined model's step only, and trainable in its own step",
                f"a discriminator frozen everywhere: its own step ({order.replace('_', ' ')}) changed 0 of its "
                f"{step['total']} trainable variables too, so gan.train_on_batch leaves it unchanged only "
                "because it never learns",
                "do not set discriminator.trainable. Use gan_lab.CombinedGAN(generator, discriminator), whose "
                "train_step updates generator.trainable_variables only.",
            )
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
    from_logits = loss["last_activation"] != "sigmoid"
    expected = _binary_crossentropy(labels, scores, from_logits)
    if abs(value - expected) <= LOSS_TOLERANCE * max(1.0, expected):
        return None
    output = "logits (no sigmoid)" if from_logits else "sigmoid probabilities"
    reference_loss = f"BinaryCrossentropy(from_logits={from_logits})"
    found = f"loss {loss['loss']} gives {value:.4f} where {reference_loss} gives {expected:.4f}"
    if abs(value - _binary_crossentropy(labels, scores, not from_logits)) <= LOSS_TOLERANCE * max(1.0, expected):
        hint = (f"the discriminator outputs {output}, so the loss must use from_logits={from_logits}: "
                f"compile the combined model with keras.losses.{reference_loss}.")
    else:
        hint = (f"the generator's loss is binary cross-entropy on the discriminator's {output}: compile the "
                f"combined model with loss=keras.losses.{reference_loss}, not another loss such as 'mse'.")
    return failure(f"binary cross-entropy matching the discriminator's {output}", found, hint)




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
