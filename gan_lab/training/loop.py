"""The training loop: epochs of steps, history, fixed-noise samples, checkpoints and resume."""

import logging
import math
from dataclasses import dataclass, field

import numpy as np
import tensorflow as tf
from tqdm import tqdm

from gan_lab.checkpoints import latest_checkpoint, load_checkpoint, save_checkpoint
from gan_lab.gan import build_gan
from gan_lab.training.history import History
from gan_lab.training.runners import check_images, make_runner
from gan_lab.training.steps import METRIC_NAMES

log = logging.getLogger(__name__)

METHODS = ("compiled", "classic")


class TrainingDiverged(FloatingPointError):
    """Raised when a loss turns NaN or infinite; the last good checkpoint is kept."""


class Callback:
    """Hooks that ``train`` calls; subclass and override the ones you need."""

    def on_train_begin(self, state):
        pass

    def on_epoch_end(self, state):
        pass

    def on_train_end(self, state):
        pass


@dataclass
class TrainingState:
    """Training state passed to callbacks: the models, the history so far and the epoch just finished (from 1)."""

    generator: object
    discriminator: object
    gan: object
    fixed_noise: np.ndarray
    history: History
    epochs: int
    epoch: int = 0
    last_checkpoint: object = None
    extras: dict = field(default_factory=dict)

    def samples(self):
        """Return the generator's images for ``fixed_noise``, float32 in its output range."""
        return self.generator(self.fixed_noise, training=False).numpy()


def epoch_batches(n_images, batch_size, steps, seed, epoch):
    """Return int64 ``(steps, batch_size)`` image indices for one epoch.

    Each pass over the data is a fresh permutation that depends on ``seed`` and ``epoch``
    only, so a resumed run gets the same batches as an unbroken one. Steps beyond one pass
    start another permutation; the incomplete batch at the end of a pass is dropped.
    """
    per_pass = n_images // batch_size
    passes = math.ceil(steps / per_pass)
    rng = np.random.default_rng([seed, epoch])
    order = np.concatenate([rng.permutation(n_images)[: per_pass * batch_size] for _ in range(passes)])
    return order[: steps * batch_size].reshape(steps, batch_size)


def _check_arguments(images, epochs, batch_size, steps_per_epoch, method):
    if method not in METHODS:
        raise ValueError(f"Unknown training method {method!r}; use one of {', '.join(METHODS)}.")
    if images.ndim != 4:
        raise ValueError(f"images must be (n, height, width, channels), got shape {images.shape}.")
    if int(epochs) < 1:
        raise ValueError(f"epochs must be at least 1, got {epochs}.")
    if int(batch_size) < 1 or int(batch_size) > len(images):
        raise ValueError(
            f"batch_size must be between 1 and the number of images ({len(images)}), got {batch_size}; "
            "load more images or pick a smaller batch."
        )
    if steps_per_epoch is not None and int(steps_per_epoch) < 1:
        raise ValueError(f"steps_per_epoch must be at least 1 or None, got {steps_per_epoch}.")


def _check_speed_options(method, batch_size, steps_per_call, strategy):
    if int(steps_per_call) < 1:
        raise ValueError(f"steps_per_call must be at least 1, got {steps_per_call}.")
    if strategy is None:
        return
    if method != "compiled":
        raise ValueError(f"A tf.distribute strategy needs method='compiled', got method={method!r}.")
    replicas = strategy.num_replicas_in_sync
    if int(batch_size) % replicas:
        raise ValueError(
            f"batch_size {batch_size} does not split evenly over {replicas} replicas; "
            f"use a multiple of {replicas}, such as {replicas * max(1, int(batch_size) // replicas)}."
        )


def _check_created_in_scope(strategy, models):
    for model in models:
        # A Keras variable wraps the TensorFlow variable that the strategy created, in .value.
        if not all(strategy.extended.variable_created_in_scope(v.value) for v in model.variables):
            raise ValueError(
                f"The {model.name} was not created under the strategy's scope. Build and compile the "
                "generator, the discriminator and the combined model inside `with strategy.scope():`."
            )


def _restore(checkpoint_dir, generator, discriminator, gan):
    path = latest_checkpoint(checkpoint_dir) if checkpoint_dir else None
    if path is None:
        return None
    restored = load_checkpoint(
        path, generator=generator, discriminator=discriminator,
        g_optimizer=gan.optimizer, d_optimizer=discriminator.optimizer,
    )
    log.info("Resuming from %s (epoch %d)", path, restored.epoch)
    return restored


def _raise_if_diverged(logs, epoch, step, last_checkpoint):
    bad = [name for name in ("d_loss", "g_loss") if not math.isfinite(logs[name])]
    if bad:
        kept = f"The last good checkpoint is {last_checkpoint}." if last_checkpoint else "No checkpoint was written yet."
        raise TrainingDiverged(
            f"{' and '.join(bad)} became {logs[bad[0]]} at epoch {epoch}, step {step}. {kept} "
            "Try a lower learning rate, or check that the images are scaled to the generator's range."
        )


def _progress_text(logs):
    # Fixed key order and precision, so successive lines line up.
    return (f"d_loss={logs['d_loss']:.3f} g_loss={logs['g_loss']:.3f} "
            f"real_accuracy={logs['real_accuracy']:.2f} fake_accuracy={logs['fake_accuracy']:.2f}")


def _chunks(batches, steps_per_call):
    for start in range(0, len(batches), steps_per_call):
        yield start, batches[start:start + steps_per_call]


def _run_epoch(runner, state, batches, steps_per_call, progress):
    steps = len(batches)
    epoch = state.epoch + 1
    bar = tqdm(total=steps, desc=f"epoch {epoch}/{state.epochs}", disable=not progress, leave=True)
    for start, chunk in _chunks(batches, steps_per_call):
        first_step = state.epoch * steps + start
        columns = runner.run(chunk, first_step)
        for offset in range(len(chunk)):
            logs = {name: float(columns[name][offset]) for name in METRIC_NAMES}
            _raise_if_diverged(logs, epoch, first_step + offset, state.last_checkpoint)
            state.history.append(epoch, first_step + offset, logs)
        bar.set_postfix_str(_progress_text(logs), refresh=False)
        bar.update(len(chunk))
    bar.close()


def train(generator, discriminator, images, *, epochs, batch_size, steps_per_epoch=None,
          method="compiled", gan=None, seed=0, n_samples=64, checkpoint_dir=None, resume=False,
          keep_checkpoints=3, callbacks=(), progress=True, jit_compile=False, steps_per_call=1,
          value_range=(-1, 1), strategy=None):
    """Train the generator and discriminator in place and return the History.

    ``images``: float32 ``(n, height, width, channels)`` in the generator's output range,
    or uint8 in [0, 255], which each batch maps to ``value_range`` as it is drawn (a
    quarter of the memory of float32, and the scaling runs inside the compiled step).
    Each epoch runs ``steps_per_epoch`` steps (one pass over the data by default) of
    ``batch_size`` real images. ``method`` is "compiled" (one ``tf.function`` step, the
    fast default) or "classic" (the original ``train_on_batch`` loop); both minimise the
    same losses. ``gan`` is the combined model; one is built when it is None.

    Speed options of the compiled method: ``steps_per_call`` steps run in one
    ``tf.function`` call (the history still has one row per step), ``jit_compile``
    compiles the step with XLA, and ``strategy`` (a ``tf.distribute`` strategy such as
    ``MirroredStrategy``) splits each global batch of ``batch_size`` images evenly over
    its replicas. With a strategy, the models and the combined model must be built and
    compiled under ``strategy.scope()``.

    ``fixed_noise`` of ``n_samples`` latent vectors is drawn from ``seed`` once per run and
    kept in the checkpoints. With ``checkpoint_dir`` a checkpoint is written after every
    epoch; with ``resume`` training continues from the newest one there, up to ``epochs``
    in all. The noise of each step depends on (``seed``, global step) and the batches on
    (``seed``, epoch), so a resumed run repeats an unbroken one. A NaN or infinite loss
    raises TrainingDiverged.
    """
    images = np.asarray(images)
    _check_arguments(images, epochs, batch_size, steps_per_epoch, method)
    check_images(images, value_range)
    _check_speed_options(method, batch_size, steps_per_call, strategy)
    if strategy is not None:
        _check_created_in_scope(strategy, (generator, discriminator) + ((gan,) if gan is not None else ()))
    if gan is None:
        with (strategy or tf.distribute.get_strategy()).scope():
            gan = build_gan(generator, discriminator)
    steps = int(steps_per_epoch or len(images) // batch_size)
    latent_dim = generator.input_shape[-1]

    state = TrainingState(generator, discriminator, gan, None, History(), int(epochs))
    restored = _restore(checkpoint_dir, generator, discriminator, gan) if resume else None
    if restored is not None:
        state.fixed_noise, state.epoch, state.last_checkpoint = restored.fixed_noise, restored.epoch, restored.path
        state.history = History.from_arrays(restored.history, restored.history_names)
    else:
        state.fixed_noise = tf.random.stateless_normal((n_samples, latent_dim), seed=(seed, -1)).numpy()

    runner = make_runner(method, generator, discriminator, gan, images, seed=seed, value_range=value_range,
                         strategy=strategy, jit_compile=jit_compile)
    for callback in callbacks:
        callback.on_train_begin(state)

    for epoch in range(state.epoch + 1, state.epochs + 1):
        batches = epoch_batches(len(images), batch_size, steps, seed, epoch)
        _run_epoch(runner, state, batches, int(steps_per_call), progress)

        state.epoch = epoch
        if checkpoint_dir:
            state.last_checkpoint = save_checkpoint(
                checkpoint_dir, epoch, generator=generator, discriminator=discriminator,
                g_optimizer=gan.optimizer, d_optimizer=discriminator.optimizer,
                fixed_noise=state.fixed_noise, history=state.history, keep=keep_checkpoints,
            )
        for callback in callbacks:
            callback.on_epoch_end(state)

    for callback in callbacks:
        callback.on_train_end(state)
    return state.history
