"""Timing of training steps and of a plain matrix product, for ``gan-lab bench``.

Three methods train the same networks on the same batches:

- "baseline": the original notebook's loop. Per step it calls ``generator.predict``, the
  discriminator's ``train_on_batch`` on the real batch and again on the fake batch, then
  the combined model's ``train_on_batch``: four Python calls into Keras, and NumPy noise.
- "classic": ``gan_lab.training``'s ``train_on_batch`` method (one mixed discriminator batch).
- "compiled": ``gan_lab.training``'s compiled method, several steps per ``tf.function`` call.

Rates are images per second: real images consumed per second of training.
"""

import logging
import time

import keras
import numpy as np
import tensorflow as tf

from gan_lab.gan import FAKE_LABEL, REAL_LABEL, build_gan
from gan_lab.models import build_discriminator, build_generator
from gan_lab.training import epoch_batches
from gan_lab.training.runners import make_runner, scale_batch

log = logging.getLogger(__name__)

BENCH_METHODS = ("baseline", "classic", "compiled")


class BaselineRunner:
    """The original notebook's step, one Python call per network update.

    Takes the same ``run(batch_indices, first_step)`` arguments as the training runners
    and returns nothing: the notebook kept no per-step history.
    """

    def __init__(self, generator, discriminator, gan, images, value_range=(-1, 1), seed=0):
        self.generator, self.discriminator, self.gan = generator, discriminator, gan
        # The notebook scaled the whole data set to float32 once, before training.
        self.images = scale_batch(images, value_range)
        self.latent_dim = generator.input_shape[-1]
        self.rng = np.random.default_rng(seed)

    def run(self, batch_indices, first_step):
        batch_size = batch_indices.shape[1]
        valid = np.full((batch_size, 1), REAL_LABEL, "float32")
        fake = np.full((batch_size, 1), FAKE_LABEL, "float32")
        for batch in batch_indices:
            real_images = self.images[batch]
            noise = self.rng.normal(0, 1, (batch_size, self.latent_dim))
            fake_images = self.generator.predict(noise, verbose=0)
            self.discriminator.train_on_batch(real_images, valid)
            self.discriminator.train_on_batch(fake_images, fake)

            noise = self.rng.normal(0, 1, (batch_size, self.latent_dim))
            self.gan.train_on_batch(noise, valid)


def build_models(kind, image_shape, latent_dim=100, seed=0):
    """Return a fresh ``(generator, discriminator, gan)`` of ``kind``, with weights drawn from ``seed``."""
    keras.utils.set_random_seed(seed)
    generator = build_generator(kind, latent_dim, image_shape)
    discriminator = build_discriminator(kind, image_shape)
    return generator, discriminator, build_gan(generator, discriminator)


def make_bench_runner(method, models, images, *, seed=0, jit_compile=False):
    """Return the runner of one of ``BENCH_METHODS`` for ``models = (generator, discriminator, gan)``."""
    if method == "baseline":
        return BaselineRunner(*models, images, seed=seed)
    return make_runner(method, *models, images, seed=seed, jit_compile=jit_compile)


def _chunks(n_images, batch_size, steps_per_call, calls, seed):
    batches = epoch_batches(n_images, batch_size, calls * steps_per_call, seed, 1)
    return batches.reshape(calls, steps_per_call, batch_size)


def time_runners(runners, n_images, *, batch_size, steps, warmup, repeats=3, seed=0):
    """Return the median seconds per step of each runner: ``{name: seconds}``.

    ``runners`` maps a name to ``(runner, steps_per_call)``. Every runner first runs
    ``warmup`` steps that are not timed (they include the tracing of compiled functions).
    Then the runners take turns, ``repeats`` rounds of ``steps`` steps each, so that a
    change in the machine's load during the run affects every runner alike. ``steps`` and
    ``warmup`` are rounded up to whole calls, so every call has the same shape.
    """
    plans = {}
    for name, (runner, steps_per_call) in runners.items():
        steps_per_call = max(1, int(steps_per_call))
        calls = max(1, -(-int(steps) // steps_per_call))
        warmup_calls = max(1, -(-int(warmup) // steps_per_call))
        chunks = _chunks(n_images, batch_size, steps_per_call, warmup_calls + calls * repeats, seed)
        for call in range(warmup_calls):
            runner.run(chunks[call], call * steps_per_call)
        plans[name] = (runner, steps_per_call, calls, warmup_calls, chunks)

    timings = {name: [] for name in runners}
    for repeat in range(repeats):
        for name, (runner, steps_per_call, calls, warmup_calls, chunks) in plans.items():
            first = warmup_calls + repeat * calls
            started = time.perf_counter()
            for call in range(first, first + calls):
                runner.run(chunks[call], call * steps_per_call)
            timings[name].append((time.perf_counter() - started) / (calls * steps_per_call))
            log.debug("%s, round %d: %.2f ms per step", name, repeat, 1000 * timings[name][-1])
    return {name: float(np.median(values)) for name, values in timings.items()}


def matmul_gflops(size=1024, seconds=1.0, repeats=3):
    """Return the float32 rate of ``size x size`` matrix products, in GFLOP/s (median of ``repeats``).

    One product costs ``2 * size**3`` floating-point operations. Each timing runs products
    in a ``tf.function`` loop for about ``seconds`` seconds.
    """
    a = tf.random.stateless_normal((size, size), seed=(1, 2))
    b = tf.random.stateless_normal((size, size), seed=(3, 4))

    @tf.function
    def products(count):
        result = tf.zeros((size, size))
        for _ in tf.range(count):
            result = tf.matmul(a, b + result * 1e-9)
        return result

    products(tf.constant(2)).numpy()
    started = time.perf_counter()
    products(tf.constant(4)).numpy()
    count = max(4, int(4 * seconds / max(time.perf_counter() - started, 1e-6)))
    rates = []
    for _ in range(repeats):
        started = time.perf_counter()
        products(tf.constant(count)).numpy()
        rates.append(2 * size**3 * count / (time.perf_counter() - started) / 1e9)
    return float(np.median(rates))


def layer_flops(layer):
    """Return the multiply-add FLOPs of one image through a Dense or convolution layer, else 0."""
    if isinstance(layer, keras.layers.Dense):
        return 2 * int(np.prod(layer.kernel.shape))
    if isinstance(layer, keras.layers.Conv2DTranspose):
        height, width = layer.input.shape[1:3]
        return 2 * int(np.prod(layer.kernel.shape)) * height * width
    if isinstance(layer, keras.layers.Conv2D):
        height, width = layer.output.shape[1:3]
        return 2 * int(np.prod(layer.kernel.shape)) * height * width
    return 0


def step_flops_per_image(generator, discriminator):
    """Return an estimate of one training step's FLOPs per real image.

    Counts the products of the Dense and convolution layers only, and a backward pass as
    two forward passes. Per real image a step runs the generator forward once to draw the
    discriminator's fake image and the discriminator forward and backward on two images.
    The generator's update then runs both networks forward and backward once. In all
    that is ``5 * generator + 9 * discriminator`` forward passes. NOTE: an estimate; the
    generator's update needs no weight gradients of the discriminator, so it overcounts.
    """
    forward_g = sum(layer_flops(layer) for layer in generator.layers)
    forward_d = sum(layer_flops(layer) for layer in discriminator.layers)
    return 5 * forward_g + 9 * forward_d
