"""Training steps and the loop: who learns when, matching methods, falling losses, resume, NaN."""

import keras
import numpy as np
import pytest
from conftest import changed, weights_of

from gan_lab.checkpoints import list_checkpoints, load_checkpoint
from gan_lab.gan import REAL_LABEL, build_gan
from gan_lab.models import build_discriminator, build_generator
from gan_lab.training import Callback, CompiledStep, TrainingDiverged, epoch_batches, step_noise, train


def _models(kind="dense", latent_dim=16, seed=0):
    keras.utils.set_random_seed(seed)
    generator = build_generator(kind, latent_dim)
    discriminator = build_discriminator(kind)
    return generator, discriminator, build_gan(generator, discriminator)


def _trainable(model):
    return [variable.numpy().copy() for variable in model.trainable_variables]


def _moved(before, model):
    return [not np.array_equal(old, new.numpy()) for old, new in zip(before, model.trainable_variables)]


@pytest.mark.parametrize("kind", ["dense", "dcgan"])
def test_compiled_discriminator_step_moves_discriminator_only(kind, random_images):
    generator, discriminator, gan = _models(kind)
    step = CompiledStep(generator, discriminator, discriminator.optimizer, gan.optimizer, seed=0)
    d_noise, _ = step_noise(0, 0, 16, 16)
    d_before, g_before = _trainable(discriminator), _trainable(generator)
    step.discriminator_step(random_images[:16], d_noise)
    assert all(_moved(d_before, discriminator))
    assert not any(_moved(g_before, generator))


@pytest.mark.parametrize("kind", ["dense", "dcgan"])
def test_compiled_generator_step_leaves_discriminator_unchanged(kind):
    generator, discriminator, gan = _models(kind)
    step = CompiledStep(generator, discriminator, discriminator.optimizer, gan.optimizer, seed=0)
    _, g_noise = step_noise(0, 0, 16, 16)
    d_before, g_before = weights_of(discriminator), _trainable(generator)
    step.generator_step(g_noise)
    assert not any(changed(d_before, discriminator))
    assert all(_moved(g_before, generator))


@pytest.mark.parametrize("kind", ["dense", "dcgan"])
def test_classic_and_compiled_give_same_losses(kind, random_images):
    histories = {}
    for method in ("classic", "compiled"):
        generator, discriminator, gan = _models(kind)
        histories[method] = train(generator, discriminator, random_images, epochs=2, batch_size=32,
                                  steps_per_epoch=3, method=method, gan=gan, progress=False)
    for name in ("d_loss", "g_loss", "real_accuracy", "fake_accuracy"):
        np.testing.assert_allclose(histories["classic"][name], histories["compiled"][name], rtol=1e-4, atol=1e-5)


def test_discriminator_loss_falls_against_fixed_generator(random_images):
    generator, discriminator, gan = _models("dense")
    step = CompiledStep(generator, discriminator, discriminator.optimizer, gan.optimizer, seed=0)
    losses = []
    for index in range(40):
        d_noise, _ = step_noise(0, index, 32, 16)
        batch = random_images[(index * 32) % 224:][:32]
        losses.append(float(step.discriminator_step(batch, d_noise)["d_loss"]))
    assert np.mean(losses[-5:]) < 0.5 * np.mean(losses[:5])


def test_generator_loss_falls_against_fixed_discriminator():
    generator, discriminator, gan = _models("dense")
    losses = []
    for index in range(40):
        _, g_noise = step_noise(0, index, 32, 16)
        losses.append(gan.train_on_batch(g_noise, np.full((32, 1), REAL_LABEL, "float32")))
    assert np.mean(losses[-5:]) < 0.5 * np.mean(losses[:5])


def test_short_run_on_shapes_learns():
    from gan_lab.data import load_images

    images = load_images("shapes", limit=1024, seed=0)
    generator, discriminator, gan = _models("dcgan", latent_dim=32)
    history = train(generator, discriminator, images, epochs=2, batch_size=64, gan=gan, progress=False)
    assert len(history) == 2 * (1024 // 64)
    assert np.all(np.isfinite(history["d_loss"]))
    # The discriminator learns to tell shapes from noise quickly: its accuracy on real images rises.
    assert np.mean(history["real_accuracy"][-8:]) > np.mean(history["real_accuracy"][:3])


def test_epoch_batches_are_seeded_permutations():
    first = epoch_batches(100, 10, 10, seed=0, epoch=1)
    assert first.shape == (10, 10)
    assert sorted(first.ravel().tolist()) == list(range(100))
    np.testing.assert_array_equal(first, epoch_batches(100, 10, 10, seed=0, epoch=1))
    assert not np.array_equal(first, epoch_batches(100, 10, 10, seed=0, epoch=2))
    assert epoch_batches(100, 30, 7, seed=0, epoch=1).shape == (7, 30)


@pytest.mark.parametrize("method", ["compiled", "classic"])
def test_resume_matches_unbroken_run(method, random_images, tmp_path):
    options = dict(batch_size=32, steps_per_epoch=3, method=method, progress=False, seed=5)
    generator, discriminator, gan = _models("dense")
    unbroken = train(generator, discriminator, random_images, epochs=3, gan=gan, **options)
    expected = [weights_of(generator), weights_of(discriminator)]

    generator, discriminator, gan = _models("dense")
    train(generator, discriminator, random_images, epochs=1, gan=gan, checkpoint_dir=tmp_path, **options)
    generator, discriminator, gan = _models("dense", seed=99)
    resumed = train(generator, discriminator, random_images, epochs=3, gan=gan, checkpoint_dir=tmp_path,
                    resume=True, **options)

    np.testing.assert_allclose(resumed["d_loss"], unbroken["d_loss"], rtol=1e-5, atol=1e-6)
    for before, model in zip(expected, (generator, discriminator)):
        for old, new in zip(before, model.variables):
            np.testing.assert_allclose(new.numpy(), old, rtol=1e-4, atol=1e-5)
    assert [epoch for epoch, _ in list_checkpoints(tmp_path)] == [1, 2, 3]


class _PoisonAfterFirstEpoch(Callback):
    def on_epoch_end(self, state):
        if state.epoch == 1:
            kernel = state.discriminator.layers[-1].kernel
            kernel.assign(np.full(kernel.shape, np.nan, "float32"))


def test_nan_loss_stops_and_keeps_last_checkpoint(random_images, tmp_path):
    generator, discriminator, gan = _models("dense")
    with pytest.raises(TrainingDiverged, match=r"d_loss.*epoch 2.*epoch-0001\.npz"):
        train(generator, discriminator, random_images, epochs=3, batch_size=32, steps_per_epoch=2, gan=gan,
              checkpoint_dir=tmp_path, callbacks=[_PoisonAfterFirstEpoch()], progress=False)
    assert [epoch for epoch, _ in list_checkpoints(tmp_path)] == [1]

    fresh_generator, fresh_discriminator, fresh_gan = _models("dense", seed=3)
    restored = load_checkpoint(list_checkpoints(tmp_path)[0][1], generator=fresh_generator,
                               discriminator=fresh_discriminator, g_optimizer=fresh_gan.optimizer,
                               d_optimizer=fresh_discriminator.optimizer)
    assert restored.epoch == 1
    assert all(np.all(np.isfinite(variable.numpy())) for variable in fresh_discriminator.variables)


def test_bad_arguments_name_the_problem(random_images):
    generator, discriminator, gan = _models("dense")
    with pytest.raises(ValueError, match="Unknown training method 'fast'"):
        train(generator, discriminator, random_images, epochs=1, batch_size=8, method="fast", gan=gan)
    with pytest.raises(ValueError, match="batch_size must be between 1 and the number of images"):
        train(generator, discriminator, random_images, epochs=1, batch_size=1000, gan=gan)
    with pytest.raises(ValueError, match=r"images must be \(n, height, width, channels\)"):
        train(generator, discriminator, random_images[0], epochs=1, batch_size=8, gan=gan)
