"""Runners: drive a training step over batches of image indices, one or many steps per call.

A runner's ``run(batch_indices, first_step)`` takes int64 ``(steps, batch_size)`` indices
into the training images and the global step of the first row, and trains one step per
row. It returns float32 NumPy arrays ``(steps,)`` of ``d_loss``, ``g_loss``,
``real_accuracy`` and ``fake_accuracy``: one value per step, whatever the number of
steps per call, so the history stays exact.

Images may be float32 in the generator's range or uint8 in [0, 255]; uint8 images are
scaled to ``value_range`` one batch at a time, on the device for the compiled runner, with
the same float32 arithmetic as ``gan_lab.data.scale_images``.
"""

import numpy as np
import tensorflow as tf

from gan_lab.training.steps import METRIC_NAMES, ClassicStep, CompiledStep, step_noise


def check_images(images, value_range):
    """Raise ValueError unless ``images`` are float32 or uint8 and ``value_range`` is (low, high)."""
    if images.dtype not in (np.float32, np.uint8):
        raise ValueError(
            f"images must be float32 in the generator's range or uint8 in [0, 255], got dtype {images.dtype}; "
            "convert them with images.astype('float32') or load them with value_range=None for uint8."
        )
    low, high = (float(bound) for bound in value_range)
    if not low < high:
        raise ValueError(f"value_range must be (low, high) with low < high, got {tuple(value_range)!r}.")


def _scale_factors(value_range):
    low, high = (float(bound) for bound in value_range)
    return np.float32((high - low) / 255.0), np.float32(low)


def scale_batch(images, value_range):
    """Return float32 images: uint8 ``images`` mapped from [0, 255] to ``value_range``, floats unchanged."""
    if images.dtype != np.uint8:
        return images
    factor, low = _scale_factors(value_range)
    scaled = images.astype(np.float32)
    scaled *= factor
    scaled += low
    return scaled


class ClassicRunner:
    """Runner that calls ``ClassicStep`` once per row and gathers each batch in NumPy."""

    def __init__(self, step, images, value_range=(-1, 1)):
        self.step = step
        self.images = images
        self.value_range = value_range

    def run(self, batch_indices, first_step):
        rows = []
        for index, batch in enumerate(batch_indices):
            logs = self.step(scale_batch(self.images[batch], self.value_range), first_step + index)
            rows.append([float(logs[name]) for name in METRIC_NAMES])
        columns = np.asarray(rows, dtype="float32").T
        return dict(zip(METRIC_NAMES, columns))


class CompiledRunner:
    """Runner of many ``CompiledStep`` steps per ``tf.function`` call, on one device or several.

    The images stay in one tensor for the whole run and each step gathers its batch by
    index inside the function, so no batch is copied from Python. Under a
    ``tf.distribute`` strategy each replica takes an equal slice of the global batch and
    of the step's noise. Each replica's losses come divided by the number of replicas
    (see ``CompiledStep.train_step``) and so do its accuracies here, so the sum over the
    replicas is the mean over the global batch.
    """

    def __init__(self, step, images, value_range=(-1, 1), *, strategy=None, jit_compile=False):
        self.step = step
        self.strategy = strategy or tf.distribute.get_strategy()
        self.replicas = self.strategy.num_replicas_in_sync
        self.uint8 = images.dtype == np.uint8
        self.factor, self.low = _scale_factors(value_range)
        # NOTE: under a strategy with several GPUs the tensor lives on the default device,
        # so each replica copies its slice of every batch from there.
        self.images = tf.convert_to_tensor(images)
        # Any number of steps per call and any batch size share one trace.
        signature = [tf.TensorSpec([None, None], tf.int64), tf.TensorSpec([], tf.int64)]
        self._run_steps = tf.function(self._steps, input_signature=signature, jit_compile=jit_compile)

    def run(self, batch_indices, first_step):
        logs = self._run_steps(tf.convert_to_tensor(batch_indices, tf.int64), tf.constant(first_step, tf.int64))
        return {name: value.numpy() for name, value in logs.items()}

    def _steps(self, batch_indices, first_step):
        # A graph loop rather than a Python one, so that one trace serves any number of steps.
        count = tf.shape(batch_indices)[0]
        arrays = {name: tf.TensorArray(tf.float32, size=count) for name in METRIC_NAMES}
        for index in tf.range(count):
            logs = self._global_step(batch_indices[index], first_step + tf.cast(index, tf.int64))
            arrays = {name: arrays[name].write(index, logs[name]) for name in METRIC_NAMES}
        return {name: array.stack() for name, array in arrays.items()}

    def _global_step(self, indices, step):
        per_replica = self.strategy.run(self._replica_step, args=(indices, step))
        return {
            name: self.strategy.reduce(tf.distribute.ReduceOp.SUM, per_replica[name], axis=None)
            for name in METRIC_NAMES
        }

    def _replica_step(self, indices, step):
        replica = tf.distribute.get_replica_context().replica_id_in_sync_group
        global_batch = tf.shape(indices)[0]
        local_batch = global_batch // self.replicas
        start = replica * local_batch
        # The noise of the global batch depends on (seed, step) only; each replica takes its rows.
        d_noise, g_noise = step_noise(self.step.seed, step, global_batch, self.step.latent_dim)

        real_images = tf.gather(self.images, indices[start:start + local_batch])
        if self.uint8:
            real_images = tf.cast(real_images, tf.float32) * self.factor + self.low
        logs = self.step.train_step(
            real_images, d_noise[start:start + local_batch], g_noise[start:start + local_batch]
        )
        for name in ("real_accuracy", "fake_accuracy"):
            logs[name] = logs[name] / self.replicas
        return logs


def make_runner(method, generator, discriminator, gan, images, *, seed=0, value_range=(-1, 1),
                strategy=None, jit_compile=False):
    """Return the runner of ``method`` ("compiled" or "classic") for these models and images."""
    if method == "classic":
        return ClassicRunner(ClassicStep(generator, discriminator, gan, seed), images, value_range)
    step = CompiledStep(generator, discriminator, discriminator.optimizer, gan.optimizer, seed, jit_compile)
    _build_optimizers(step, strategy)
    return CompiledRunner(step, images, value_range, strategy=strategy, jit_compile=jit_compile)


def _build_optimizers(step, strategy):
    # The optimizers' slot variables must exist before the first traced step, and under a
    # strategy they must be created in its scope, as mirrored variables.
    strategy = strategy or tf.distribute.get_strategy()
    with strategy.scope():
        for optimizer, model in ((step.d_optimizer, step.discriminator), (step.g_optimizer, step.generator)):
            if not optimizer.built:
                optimizer.build(model.trainable_variables)
