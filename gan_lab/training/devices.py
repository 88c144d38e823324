"""Devices: a ``tf.distribute`` strategy over several local devices, and mixed precision.

Training on N devices::

    strategy = make_strategy(2)          # MirroredStrategy over 2 GPUs
    with strategy.scope():               # models and optimizers become mirrored variables
        generator = build_generator("dcgan")
        discriminator = compile_discriminator(build_discriminator("dcgan"))
        gan = build_gan(generator, discriminator)
    train(generator, discriminator, images, epochs=5, batch_size=128, gan=gan, strategy=strategy)

``batch_size`` is the global batch: each of the N replicas trains on ``batch_size / N``
images per step. The optimizers apply the sum of the replicas' gradients, which is the
update of one device on the whole batch up to the order of float sums. The exception is
BatchNormalization, which normalises each replica's slice on its own.
"""

import logging

import keras
import tensorflow as tf

log = logging.getLogger(__name__)


def split_cpu(count):
    """Split the CPU into ``count`` logical devices, for testing a strategy without GPUs.

    Must run before TensorFlow initialises its devices, which the first operation or
    model does; in a process that already did, it raises RuntimeError. The logical
    devices share the same cores, so this gives no speed-up.
    """
    cpu = tf.config.list_physical_devices("CPU")[0]
    try:
        tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * int(count))
    except RuntimeError as error:
        raise RuntimeError(
            f"Cannot split the CPU into {count} devices because TensorFlow has already initialised its "
            f"devices ({error}). Call split_cpu first thing in a fresh process."
        ) from error


def make_strategy(devices):
    """Return a ``MirroredStrategy`` over ``devices`` local devices, or None for one device.

    Uses the first ``devices`` GPUs; on a machine with fewer GPUs it uses logical CPU
    devices if ``split_cpu`` made enough of them. Raises ValueError otherwise.
    """
    devices = int(devices or 1)
    if devices < 1:
        raise ValueError(f"devices must be at least 1, got {devices}.")
    if devices == 1:
        return None
    gpus = tf.config.list_logical_devices("GPU")
    cpus = tf.config.list_logical_devices("CPU")
    chosen = gpus if len(gpus) >= devices else cpus
    if len(chosen) < devices:
        raise ValueError(
            f"Training on {devices} devices needs {devices} GPUs, but this machine has {len(gpus)} GPUs and "
            f"{len(cpus)} logical CPU devices. Use fewer devices, or call split_cpu({devices}) in a fresh "
            "process to test the strategy on the CPU."
        )
    names = [device.name for device in chosen[:devices]]
    log.info("Training on %d devices: %s", devices, ", ".join(names))
    return tf.distribute.MirroredStrategy(names)


def set_mixed_precision(enabled):
    """Set Keras's global dtype policy and return True if mixed precision is now on.

    With ``enabled`` and a GPU, the policy becomes "mixed_float16": layers compute in
    float16 and keep float32 weights. The discriminator's score layer is built with
    ``dtype="float32"``, so the scores and losses stay float32, and ``compile`` wraps
    each optimizer in a ``LossScaleOptimizer``. Without a GPU the request is ignored with
    a warning and the policy stays "float32", because float16 arithmetic on a CPU is
    slower than float32. Call it before building the models.

    NOTE: the mixed-precision path has not been run on a GPU here, only the CPU fallback.
    """
    if enabled and not tf.config.list_physical_devices("GPU"):
        log.warning("Mixed precision needs a GPU and this machine has none; training stays in float32.")
        enabled = False
    keras.mixed_precision.set_global_policy("mixed_float16" if enabled else "float32")
    return enabled
