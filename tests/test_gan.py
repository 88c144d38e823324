"""The combined model under Keras 3: who learns in which step, and what stays frozen."""

import warnings

import keras
import numpy as np
import pytest
import tensorflow as tf
from conftest import changed, weights_of

from gan_lab.gan import (
    FAKE_LABEL,
    REAL_LABEL,
    LabelAccuracy,
    build_gan,
    compile_discriminator,
    make_optimizer,
)
from gan_lab.models import build_discriminator, build_generator
from gan_lab.training.steps import discriminator_targets


def _networks(kind="dense", **discriminator_options):
    generator = build_generator(kind, 16)
    discriminator = build_discriminator(kind, **discriminator_options)
    return generator, discriminator


def _discriminator_batch(generator, random_images, batch_size=16):
    noise = np.random.default_rng(1).normal(size=(batch_size, 16)).astype("float32")
    fake_images = generator(noise, training=False)
    return tf.concat([random_images[:batch_size], fake_images], axis=0), discriminator_targets(batch_size)


@pytest.mark.parametrize("kind", ["dense", "dcgan"])
@pytest.mark.parametrize("order", ["discriminator_first", "generator_first"])
def test_discriminator_learns_in_own_step(kind, order, random_images, seeded):
    generator, discriminator = _networks(kind)
    gan = build_gan(generator, discriminator)
    noise = np.zeros((8, 16), "float32")
    if order == "generator_first":
        gan.train_on_batch(noise, np.ones((8, 1), "float32"))

    before = weights_of(discriminator)
    images, labels = _discriminator_batch(generator, random_images)
    discriminator.train_on_batch(images, labels)
    assert all(changed(before, discriminator))


@pytest.mark.parametrize("kind", ["dense", "dcgan"])
@pytest.mark.parametrize("order", ["discriminator_first", "generator_first"])
def test_generator_step_leaves_discriminator_unchanged(kind, order, random_images, seeded):
    generator, discriminator = _networks(kind, batch_norm=(kind == "dcgan"))
    gan = build_gan(generator, discriminator)
    if order == "discriminator_first":
        discriminator.train_on_batch(*_discriminator_batch(generator, random_images))

    d_before, g_before = weights_of(discriminator), [w.numpy().copy() for w in generator.trainable_weights]
    noise = np.random.default_rng(2).normal(size=(16, 16)).astype("float32")
    gan.train_on_batch(noise, np.full((16, 1), REAL_LABEL, "float32"))
    assert not any(changed(d_before, discriminator))
    assert all(not np.array_equal(old, new.numpy()) for old, new in zip(g_before, generator.trainable_weights))


def test_keras2_recipe_freezes_discriminator_everywhere(random_images, seeded):
    """Pins the Keras 3 behaviour that CombinedGAN avoids: a flag set once freezes both steps."""
    generator, discriminator = _networks()
    discriminator.compile(make_optimizer(), "binary_crossentropy")
    discriminator.trainable = False
    combined = keras.Sequential([generator, discriminator])
    combined.compile(make_optimizer(), "binary_crossentropy")

    before = weights_of(discriminator)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        discriminator.train_on_batch(*_discriminator_batch(generator, random_images))
    assert not any(changed(before, discriminator))
    assert any("trainable weights" in str(warning.message) for warning in caught)


def test_frozen_batch_norm_uses_moving_statistics(random_images, seeded):
    generator, discriminator = _networks("dcgan", batch_norm=True)
    gan = build_gan(generator, discriminator)
    discriminator.train_on_batch(*_discriminator_batch(generator, random_images))

    noise = np.random.default_rng(3).normal(size=(16, 16)).astype("float32")
    fake_images = generator(noise, training=False)
    inference_scores = discriminator(fake_images, training=False).numpy()
    training_scores = discriminator(fake_images, training=True).numpy()
    combined_scores = gan(noise, training=False).numpy()
    np.testing.assert_allclose(combined_scores, inference_scores, atol=1e-5)
    assert np.max(np.abs(training_scores - inference_scores)) > 1e-3


def test_each_network_has_its_own_optimizer(seeded):
    generator, discriminator = _networks()
    gan = build_gan(generator, discriminator)
    assert gan.optimizer is not discriminator.optimizer


def test_shared_optimizer_is_rejected(seeded):
    generator, discriminator = _networks()
    shared = make_optimizer()
    compile_discriminator(discriminator, shared)
    with pytest.raises(ValueError, match="share one optimizer"):
        build_gan(generator, discriminator, shared)


@pytest.mark.parametrize("from_logits", [False, True])
def test_loss_must_match_discriminator_output(from_logits, seeded):
    generator = build_generator("dense", 16)
    discriminator = build_discriminator("dense", from_logits=from_logits)
    discriminator.compile(make_optimizer(), keras.losses.BinaryCrossentropy(from_logits=not from_logits))
    with pytest.raises(ValueError, match="from_logits"):
        build_gan(generator, discriminator)


def test_compile_discriminator_matches_logits(seeded):
    discriminator = compile_discriminator(build_discriminator("dense", from_logits=True))
    assert discriminator.loss.from_logits is True


def test_label_accuracy_counts_each_label_separately():
    labels = np.array([[REAL_LABEL]] * 4 + [[FAKE_LABEL]] * 4, "float32")
    scores = np.array([[0.9], [0.8], [0.2], [0.7], [0.1], [0.6], [0.3], [0.4]], "float32")
    real, fake = LabelAccuracy(REAL_LABEL), LabelAccuracy(FAKE_LABEL)
    real.update_state(labels, scores)
    fake.update_state(labels, scores)
    assert real.name == "real_accuracy"
    assert float(real.result()) == pytest.approx(0.75)
    assert float(fake.result()) == pytest.approx(0.75)


def test_label_accuracy_with_logits_thresholds_at_zero():
    labels = np.array([[REAL_LABEL], [REAL_LABEL], [FAKE_LABEL]], "float32")
    logits = np.array([[0.3], [-0.2], [-1.0]], "float32")
    real = LabelAccuracy(REAL_LABEL, from_logits=True)
    real.update_state(labels, logits)
    assert float(real.result()) == pytest.approx(0.5)
