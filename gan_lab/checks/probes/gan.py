"""Probes for lessons 03 to 05: the discriminator's step, the combined model, the training step."""

import keras
import numpy as np

from gan_lab.checks.probes.common import as_float, changes, describe_error, lookup, seeded, snapshot, square_images
from gan_lab.gan import FAKE_LABEL, REAL_LABEL, build_gan, gan_loss, make_optimizer
from gan_lab.models import build_discriminator, build_generator

LATENT_DIM = 8
IMAGE_SHAPE = (8, 8, 1)
BATCH = 16
D_STEPS = 30
RUN_STEPS = 40


def _networks(batch_norm_discriminator=False):
    generator = build_generator("dense", LATENT_DIM, IMAGE_SHAPE)
    if batch_norm_discriminator:
        # BatchNormalization makes non-trainable statistics that a frozen step must not move either.
        discriminator = keras.Sequential([
            keras.Input(IMAGE_SHAPE), keras.layers.Flatten(), keras.layers.Dense(32),
            keras.layers.BatchNormalization(), keras.layers.LeakyReLU(0.2),
            keras.layers.Dense(1, activation="sigmoid"),
        ], name="discriminator")
    else:
        discriminator = build_discriminator("dense", IMAGE_SHAPE)
    # Compiled with the loss only, as in plain Keras, so train_on_batch returns one float.
    discriminator.compile(optimizer=make_optimizer(), loss=gan_loss(from_logits=False))
    return generator, discriminator


def _noise(rng, n=BATCH):
    return rng.standard_normal((n, LATENT_DIM)).astype("float32")


def _mean_score(discriminator, images):
    return float(np.mean(np.asarray(discriminator(images, training=False))))


def _labelled_loss(discriminator, real_images, fake_images):
    """Return the binary cross-entropy of the discriminator's scores with real as 1 and fake as 0."""
    scores = np.asarray(discriminator(np.concatenate([real_images, fake_images]), training=False), "float64")
    scores = np.clip(scores.reshape(-1), 1e-7, 1 - 1e-7)
    n_real = len(real_images)
    return float(-(np.log(scores[:n_real]).sum() + np.log(1 - scores[n_real:]).sum()) / len(scores))


def probe_discriminator_step(namespace, seed=7):
    """Train a fresh discriminator for 30 steps against a fixed generator; report losses and scores."""
    discriminator_step = lookup(namespace, "discriminator_step")
    rng = seeded(seed)
    generator, discriminator = _networks()
    held_out_real = square_images(64, IMAGE_SHAPE, rng)
    held_out_fake = np.asarray(generator(_noise(rng, 64), training=False))
    losses = []
    before = snapshot(discriminator.trainable_variables)
    held_out_loss_before = _labelled_loss(discriminator, held_out_real, held_out_fake)
    for _ in range(D_STEPS):
        real_images = square_images(BATCH, IMAGE_SHAPE, rng)
        fake_images = np.asarray(generator(_noise(rng), training=False))
        losses.append(as_float(discriminator_step(discriminator, real_images, fake_images)))
    moved = changes(before, discriminator.trainable_variables)
    return {
        "losses": losses,
        "changed": sum(m > 0 for m in moved),
        "total": len(moved),
        "real_score": _mean_score(discriminator, held_out_real),
        "fake_score": _mean_score(discriminator, held_out_fake),
        "held_out_loss_before": held_out_loss_before,
        "held_out_loss_after": _labelled_loss(discriminator, held_out_real, held_out_fake),
    }


def _train_discriminator(generator, discriminator, gan, rng):
    real_images = square_images(BATCH, IMAGE_SHAPE, rng)
    fake_images = np.asarray(generator(_noise(rng), training=False))
    labels = np.concatenate([np.full((BATCH, 1), REAL_LABEL, "float32"), np.full((BATCH, 1), FAKE_LABEL, "float32")])
    before = snapshot(discriminator.trainable_variables)
    try:
        discriminator.train_on_batch(np.concatenate([real_images, fake_images]), labels)
        error = None
    except Exception as caught:  # noqa: BLE001 (an error here is what the check reports)
        error = describe_error(caught)
    moved = changes(before, discriminator.trainable_variables)
    return {"step": "discriminator", "error": error, "changed": sum(m > 0 for m in moved), "total": len(moved)}


def _train_gan(generator, discriminator, gan, rng):
    d_before = snapshot(discriminator.variables)
    g_before = snapshot(generator.trainable_variables)
    try:
        gan.train_on_batch(_noise(rng), np.full((BATCH, 1), REAL_LABEL, "float32"))
        error = None
    except Exception as caught:  # noqa: BLE001
        error = describe_error(caught)
    d_moved = changes(d_before, discriminator.variables)
    g_moved = changes(g_before, generator.trainable_variables)
    return {
        "step": "gan", "error": error,
        "g_changed": sum(m > 0 for m in g_moved), "g_total": len(g_moved),
        "d_changed": [variable.path for variable, m in zip(discriminator.variables, d_moved) if m > 0],
        "d_max_change": max(d_moved, default=0.0),
    }


# Labels and discriminator outputs on which the verify step compares the combined model's
# loss value with binary cross-entropy computed by hand.
LOSS_LABELS = (1.0, 0.0, 1.0, 0.0)
LOSS_SCORES = (0.9, 0.2, 0.6, 0.3)


def _loss_value(gan, discriminator):
    """Return the combined model's compiled loss on ``LOSS_LABELS`` and ``LOSS_SCORES``.

    ``compute_loss`` works alike for keras.Model subclasses, Sequential and functional models.
    """
    last = discriminator.layers[-1] if discriminator.layers else None
    activation = getattr(getattr(last, "activation", None), "__name__", None)
    loss = getattr(gan, "loss", None)
    data = {"loss": getattr(loss, "name", None) or getattr(loss, "__name__", None) or repr(loss),
            "last_activation": activation, "labels": list(LOSS_LABELS), "scores": list(LOSS_SCORES)}
    y_true = np.array(LOSS_LABELS, "float32").reshape(-1, 1)
    y_pred = np.array(LOSS_SCORES, "float32").reshape(-1, 1)
    try:
        data["value"] = as_float(gan.compute_loss(x=None, y=y_true, y_pred=y_pred))
        data["error"] = None
    except Exception as caught:  # noqa: BLE001 (an error here is what the check reports)
        data["value"], data["error"] = None, describe_error(caught)
    return data


def probe_make_gan(namespace):
    """Build the combined model with ``make_gan`` and train both steps in both orders."""
    make_gan = lookup(namespace, "make_gan")
    rng = seeded(8)
    orders = {}
    for order in ("discriminator_first", "gan_first"):
        generator, discriminator = _networks(batch_norm_discriminator=True)
        gan = make_gan(generator, discriminator)
        info = {
            "type": type(gan).__name__,
            "is_model": isinstance(gan, keras.Model),
            "compiled": bool(getattr(gan, "compiled", False)),
            "has_optimizer": getattr(gan, "optimizer", None) is not None,
            "shares_optimizer": getattr(gan, "optimizer", None) is discriminator.optimizer,
        }
        if info["is_model"] and order == "discriminator_first":
            info["loss"] = _loss_value(gan, discriminator)
        steps = (_train_discriminator, _train_gan) if order == "discriminator_first" else (_train_gan, _train_discriminator)
        info["steps"] = [step(generator, discriminator, gan, rng) for step in steps] if info["is_model"] else []
        orders[order] = info
    return {"orders": orders}


def _recording(method, calls, real_images):
    """Wrap a model's ``train_on_batch`` so each call's inputs and labels are recorded."""
    real_rows = {row.tobytes() for row in np.asarray(real_images, "float32")}

    def train_on_batch(x, y=None, *args, **kwargs):
        inputs = np.asarray(x, "float32")
        labels = np.asarray(y, "float32").reshape(len(inputs), -1)[:, 0] if y is not None else np.array([])
        is_real = np.array([row.tobytes() in real_rows for row in inputs], bool)
        calls.append({
            "rows": len(inputs),
            "input_shape": list(inputs.shape),
            "real_rows": int(is_real.sum()),
            "real_labels": sorted(set(labels[is_real].tolist())) if len(labels) else [],
            "other_labels": sorted(set(labels[~is_real].tolist())) if len(labels) else [],
        })
        result = method(x, y, *args, **kwargs)
        calls[-1]["loss"] = _first_loss(result)
        return result

    return train_on_batch


def _first_loss(result):
    """Return the loss from a ``train_on_batch`` result: a float, a list of floats or a dict."""
    if isinstance(result, dict):
        result = result.get("loss")
    elif isinstance(result, (list, tuple)):
        result = result[0] if result else None
    return as_float(result) if result is not None else None


def _order(values, d_calls, gan_calls):
    """Return "swapped" when ``values`` are (g_loss, d_loss) as the last calls returned them, else "ok"."""
    if len(values) != 2 or not d_calls or not gan_calls:
        return "ok"
    d_loss, g_loss = d_calls[-1].get("loss"), gan_calls[-1].get("loss")
    if not all(isinstance(value, float) for value in (*values, d_loss, g_loss)) or abs(d_loss - g_loss) < 1e-6:
        return "ok"
    if abs(values[0] - g_loss) < 1e-6 and abs(values[1] - d_loss) < 1e-6:
        return "swapped"
    return "ok"


def probe_train_step_once(namespace):
    """Run ``train_step`` once on fresh networks and record its result, labels and updates."""
    train_step = lookup(namespace, "train_step")
    rng = seeded(9)
    generator, discriminator = _networks()
    gan = build_gan(generator, discriminator)
    real_images = square_images(BATCH, IMAGE_SHAPE, rng)
    d_calls, gan_calls = [], []
    discriminator.train_on_batch = _recording(discriminator.train_on_batch, d_calls, real_images)
    gan.train_on_batch = _recording(gan.train_on_batch, gan_calls, real_images)

    d_before, g_before = snapshot(discriminator.trainable_variables), snapshot(generator.trainable_variables)
    result = train_step(generator, discriminator, gan, real_images, LATENT_DIM)
    values = [as_float(value) for value in (list(result) if isinstance(result, (tuple, list)) else [result])]
    return {
        "result_type": type(result).__name__,
        "values": values,
        "order": _order(values, d_calls, gan_calls),
        "d_changed": sum(m > 0 for m in changes(d_before, discriminator.trainable_variables)),
        "d_total": len(d_before),
        "g_changed": sum(m > 0 for m in changes(g_before, generator.trainable_variables)),
        "g_total": len(g_before),
        "d_calls": d_calls,
        "gan_calls": gan_calls,
        "batch": BATCH,
        "latent_dim": LATENT_DIM,
    }


def _real_accuracy(discriminator, images):
    return float(np.mean(np.asarray(discriminator(images, training=False)) > 0.5))


def probe_train_step_run(namespace, seed=10, steps=RUN_STEPS):
    """Train fresh networks with ``train_step`` for a short run; report losses and real accuracy."""
    train_step = lookup(namespace, "train_step")
    rng = seeded(seed)
    generator, discriminator = _networks()
    gan = build_gan(generator, discriminator)
    held_out = square_images(64, IMAGE_SHAPE, rng)
    accuracy_before = _real_accuracy(discriminator, held_out)
    d_losses, g_losses, swapped = [], [], 0
    for _ in range(steps):
        real_images = square_images(BATCH, IMAGE_SHAPE, rng)
        d_calls, gan_calls = [], []
        discriminator.train_on_batch = _recording(type(discriminator).train_on_batch.__get__(discriminator), d_calls, real_images)
        gan.train_on_batch = _recording(type(gan).train_on_batch.__get__(gan), gan_calls, real_images)
        d_loss, g_loss = train_step(generator, discriminator, gan, real_images, LATENT_DIM)
        d_losses.append(as_float(d_loss))
        g_losses.append(as_float(g_loss))
        swapped += _order([d_losses[-1], g_losses[-1]], d_calls, gan_calls) == "swapped"
    return {
        "swapped_steps": swapped,
        "d_losses": d_losses,
        "g_losses": g_losses,
        "real_accuracy_before": accuracy_before,
        "real_accuracy_after": _real_accuracy(discriminator, held_out),
    }
