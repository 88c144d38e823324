"""Probes for lessons 02_generator and 03_discriminator: the network builders."""

import numpy as np

from gan_lab.checks.probes.common import is_keras_model, lookup, seeded

BATCH = 8
NOISE_SCALE = 3.0  # wide noise pushes a tanh or sigmoid output towards its bounds


def _generator_outputs(make_generator, latent_dim, image_shape, rng):
    generator = make_generator(latent_dim, image_shape)
    data = {"latent_dim": latent_dim, "image_shape": list(image_shape), "type": type(generator).__name__,
            "is_model": is_keras_model(generator)}
    noise = (NOISE_SCALE * rng.standard_normal((BATCH, latent_dim))).astype("float32")
    images = np.asarray(generator(noise, training=False))
    data.update(output_shape=list(images.shape), min=float(images.min()), max=float(images.max()),
                finite=bool(np.all(np.isfinite(images))))
    return data


def probe_make_generator(namespace):
    """Build generators for latent_dim 16 and 100 with (32, 32, 3) images and report their outputs."""
    make_generator = lookup(namespace, "make_generator")
    rng = seeded(3)
    return {"cases": [_generator_outputs(make_generator, latent_dim, (32, 32, 3), rng) for latent_dim in (16, 100)]}


def probe_make_generator_grayscale(namespace):
    """Build a generator for latent_dim 16 with (28, 28, 1) images and report its outputs."""
    make_generator = lookup(namespace, "make_generator")
    rng = seeded(4)
    return {"cases": [_generator_outputs(make_generator, 16, (28, 28, 1), rng)]}


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
