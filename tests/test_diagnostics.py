"""Training warnings: each fires on a history or samples built to trigger it, and not on healthy ones."""

import logging

import keras
import numpy as np
import pytest

from gan_lab.diagnostics import (
    Diagnostics,
    check_collapse,
    check_discriminator_wins,
    check_finite,
    sample_diversity,
)
from gan_lab.gan import build_gan
from gan_lab.models import build_discriminator, build_generator
from gan_lab.training import History, TrainingState, train


def make_history(d_loss, real_accuracy, fake_accuracy, steps_per_epoch=100, g_loss=None):
    history = History()
    g_loss = np.full(len(d_loss), 2.0) if g_loss is None else g_loss
    for step in range(len(d_loss)):
        history.append(step // steps_per_epoch + 1, step, {
            "d_loss": float(d_loss[step]), "g_loss": float(g_loss[step]),
            "real_accuracy": float(real_accuracy[step]), "fake_accuracy": float(fake_accuracy[step]),
        })
    return history


@pytest.fixture
def rng():
    return np.random.default_rng(0)


@pytest.fixture
def winning_history(rng):
    # 300 steps of a discriminator that is right about every image with near-zero loss.
    return make_history(rng.uniform(0.001, 0.02, 300), np.ones(300), np.ones(300))


@pytest.fixture
def healthy_history(rng):
    return make_history(rng.uniform(0.5, 0.8, 300), rng.uniform(0.5, 0.8, 300), rng.uniform(0.5, 0.8, 300))


# The discriminator winning outright


def test_winning_discriminator_warns(winning_history):
    message = check_discriminator_wins(winning_history, window=200)
    assert message is not None
    assert "wins outright" in message
    assert "real_accuracy 1.000" in message
    assert "learning rate" in message


def test_healthy_discriminator_does_not_warn(healthy_history):
    assert check_discriminator_wins(healthy_history, window=200) is None


def test_brief_win_does_not_warn(rng):
    # 50 winning steps after 250 healthy ones: too few to call it.
    d_loss = np.concatenate([rng.uniform(0.5, 0.8, 250), np.full(50, 0.005)])
    accuracy = np.concatenate([np.full(250, 0.7), np.ones(50)])
    assert check_discriminator_wins(make_history(d_loss, accuracy, accuracy), window=200) is None


def test_short_history_does_not_warn(winning_history):
    assert check_discriminator_wins(winning_history, window=1000) is None


def test_low_loss_with_fooled_discriminator_does_not_warn(rng):
    # fake_accuracy far from 1 means the generator still fools it on some images.
    history = make_history(np.full(300, 0.01), np.ones(300), np.full(300, 0.6))
    assert check_discriminator_wins(history, window=200) is None


# Collapsing samples


def test_diversity_of_identical_images_is_zero():
    assert sample_diversity(np.zeros((8, 4, 4, 3))) == 0.0


def test_diversity_worked_by_hand():
    # Two images differing by 2 in every pixel: RMS difference 2.
    images = np.stack([np.full((4, 4, 1), -1.0), np.full((4, 4, 1), 1.0)])
    assert sample_diversity(images) == pytest.approx(2.0)


def test_collapsed_samples_warn(rng):
    real_images = rng.uniform(-1, 1, (64, 8, 8, 3))
    one_image = rng.uniform(-1, 1, (1, 8, 8, 3))
    collapsed = one_image + rng.normal(0, 0.01, (64, 8, 8, 3))
    message = check_collapse(collapsed, sample_diversity(real_images))
    assert message is not None
    assert "collapsing" in message
    assert "of the real images" in message


def test_varied_samples_do_not_warn(rng):
    real_images = rng.uniform(-1, 1, (64, 8, 8, 3))
    samples = rng.uniform(-0.8, 0.8, (64, 8, 8, 3))
    assert check_collapse(samples, sample_diversity(real_images)) is None


# Non-finite losses


def test_nan_loss_warns_with_its_step(rng):
    g_loss = np.full(300, 2.0)
    g_loss[257] = np.nan
    history = make_history(rng.uniform(0.5, 0.8, 300), np.full(300, 0.7), np.full(300, 0.7), g_loss=g_loss)
    message = check_finite(history)
    assert message == (
        "g_loss became nan at epoch 3, step 257. Try a lower learning rate, or check that the images are "
        "scaled to the generator's range."
    )


def test_finite_losses_do_not_warn(healthy_history):
    assert check_finite(healthy_history) is None


# The callback


def constant_generator(latent_dim=8, image_shape=(8, 8, 3)):
    """A real Keras generator whose zero kernel maps every noise vector to the same image."""
    return keras.Sequential([
        keras.Input((latent_dim,)),
        keras.layers.Dense(int(np.prod(image_shape)), kernel_initializer="zeros", bias_initializer="random_uniform"),
        keras.layers.Reshape(image_shape),
    ])


def diverse_generator(latent_dim=8, image_shape=(8, 8, 3)):
    """A real Keras generator whose random kernel draws a different image for each noise vector."""
    return keras.Sequential([
        keras.Input((latent_dim,)),
        keras.layers.Dense(int(np.prod(image_shape)), activation="tanh", kernel_initializer="random_normal"),
        keras.layers.Reshape(image_shape),
    ])


def test_callback_warns_once_on_collapse(caplog, winning_history, rng):
    noise = rng.standard_normal((16, 8)).astype("float32")
    state = TrainingState(diverse_generator(), None, None, noise, winning_history, epochs=4)
    diagnostics = Diagnostics(real_images=rng.uniform(-1, 1, (100, 8, 8, 3)).astype("float32"))
    diagnostics.on_train_begin(state)
    with caplog.at_level(logging.WARNING, logger="gan_lab.diagnostics"):
        for epoch in (1, 2, 3, 4):
            # The samples are diverse after the first epoch and collapse from the second on.
            state.generator = diverse_generator() if epoch == 1 else constant_generator()
            state.epoch = epoch
            diagnostics.on_epoch_end(state)
    messages = [record.getMessage() for record in caplog.records]
    assert len(messages) == 2
    assert any("collapsing" in message for message in messages)
    assert any("wins outright" in message for message in messages)
    assert diagnostics.warnings == messages


def test_callback_ignores_untrained_sameness(healthy_history, rng):
    noise = rng.standard_normal((16, 8)).astype("float32")
    state = TrainingState(constant_generator(), None, None, noise, healthy_history, epochs=2)
    diagnostics = Diagnostics(real_images=rng.uniform(-1, 1, (100, 8, 8, 3)).astype("float32"))
    diagnostics.on_train_begin(state)
    for epoch in (1, 2):
        state.epoch = epoch
        diagnostics.on_epoch_end(state)
    assert diagnostics.warnings == []


def test_callback_silent_in_healthy_training(caplog, seeded):
    rng = np.random.default_rng(1)
    real_images = rng.uniform(-1, 1, (256, 32, 32, 3)).astype("float32")
    generator, discriminator = build_generator("dense", 16), build_discriminator("dense")
    diagnostics = Diagnostics(real_images=real_images, window=20)
    with caplog.at_level(logging.WARNING, logger="gan_lab.diagnostics"):
        train(generator, discriminator, real_images, epochs=2, batch_size=32, steps_per_epoch=10,
              gan=build_gan(generator, discriminator), callbacks=[diagnostics], progress=False)
    assert diagnostics.warnings == []
    assert caplog.records == []
