"""Probes for lessons 02_generator and 03_discriminator: the network builders."""

import re

import numpy as np

from gan_lab.checks.probes.common import is_keras_model, lookup, seeded

BATCH = 8
ERROR_LINES = 3
ANSI_CODES = re.compile(r"\x1b\[[0-9;]*m")  # Keras colours parts of its error messages
NOISE_SCALE = 3.0  # wide noise pushes a tanh or sigmoid output towards its bounds


def _generator_outputs(make_generator, latent_dim, image_shape, rng):
    """Build one generator and run it on noise; an error while calling it is recorded, not raised."""
    generator = make_generator(latent_dim, image_shape)
    data = {"latent_dim": latent_dim, "image_shape": list(image_shape), "type": type(generator).__name__,
            "is_model": is_keras_model(generator), "error": None}
    noise = (NOISE_SCALE * rng.standard_normal((BATCH, latent_dim))).astype("float32")
    try:
        images = np.asarray(generator(noise, training=False))
    except Exception as error:  # noqa: BLE001 (the verify step turns the error into a hint)
        # Keras appends the call arguments to its messages; the first lines name the cause.
        lines = [line for line in ANSI_CODES.sub("", str(error)).splitlines() if line.strip()]
        summary = "\n".join(lines[:ERROR_LINES])
        data["error"] = f"{type(error).__name__}: {summary}"
        return data
    data.update(output_shape=list(images.shape), min=float(images.min()), max=float(images.max()),
                finite=bool(np.all(np.isfinite(images))))
    return data


# (latent_dim, image_shape) pairs: the visible check tries two shapes, so a hard-coded
# image shape fails in the notebook already, and the hidden check tries a third pair.
GENERATOR_CASES = ((16, (32, 32, 3)), (100, (28, 28, 1)))
HIDDEN_GENERATOR_CASES = ((64, (16, 16, 3)),)


def probe_make_generator(namespace):
    """Build generators for (16, 32x32x3) and (100, 28x28x1) and report their outputs."""
    make_generator = lookup(namespace, "make_generator")
    rng = seeded(3)
    return {"cases": [_generator_outputs(make_generator, *case, rng) for case in GENERATOR_CASES]}


def probe_make_generator_other_size(namespace):
    """Build a generator for latent_dim 64 with (16, 16, 3) images and report its outputs."""
    make_generator = lookup(namespace, "make_generator")
    rng = seeded(4)
    return {"cases": [_generator_outputs(make_generator, *case, rng) for case in HIDDEN_GENERATOR_CASES]}


def _activation_name(layer):
    activation = getattr(layer, "activation", None)
    return getattr(activation, "__name__", None) if activation is not None else None


def _loss_description(model):
    """Return the compiled loss's name and its ``from_logits`` setting (None when unknown)."""
    loss = getattr(model, "loss", None)
    if loss is None:
        return None, None
    if isinstance(loss, str):
        return loss, False if "crossentropy" in loss else None
    name = getattr(loss, "name", None) or getattr(loss, "__name__", None) or type(loss).__name__
    return str(name), getattr(loss, "from_logits", False if callable(loss) else None)


def _discriminator_outputs(make_discriminator, image_shape, rng):
    discriminator = make_discriminator(image_shape)
    data = {"image_shape": list(image_shape), "type": type(discriminator).__name__,
            "is_model": is_keras_model(discriminator)}
    if not data["is_model"]:
        return data
    images = rng.uniform(-1, 1, (BATCH, *image_shape)).astype("float32")
    scores = np.asarray(discriminator(images, training=False))
    loss_name, from_logits = _loss_description(discriminator)
    optimizer = getattr(discriminator, "optimizer", None)
    data.update(
        output_shape=list(scores.shape), min=float(scores.min()), max=float(scores.max()),
        last_activation=_activation_name(discriminator.layers[-1]) if discriminator.layers else None,
        compiled=bool(getattr(discriminator, "compiled", False)),
        optimizer=type(optimizer).__name__ if optimizer is not None else None,
        loss=loss_name, from_logits=from_logits,
        trainable_variables=len(discriminator.trainable_variables),
    )
    return data


def probe_make_discriminator(namespace):
    """Build a discriminator for (32, 32, 3) images and report its outputs and compiled loss."""
    make_discriminator = lookup(namespace, "make_discriminator")
    return _discriminator_outputs(make_discriminator, (32, 32, 3), seeded(5))


def probe_make_discriminator_grayscale(namespace):
    """Build a discriminator for (28, 28, 1) images and report its outputs and compiled loss."""
    make_discriminator = lookup(namespace, "make_discriminator")
    return _discriminator_outputs(make_discriminator, (28, 28, 1), seeded(6))
