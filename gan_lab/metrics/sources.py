"""Image sources for the metrics: arrays, iterables of batches, and a generator drawn in batches."""

import numpy as np
import tensorflow as tf


def image_batches(source, batch_size):
    """Yield float32 ``(batch, h, w, c)`` arrays from an ``(n, h, w, c)`` array or an iterable of batches."""
    if isinstance(source, (np.ndarray, tf.Tensor)):
        images = np.asarray(source)
        if images.ndim != 4:
            raise ValueError(f"images must be (n, height, width, channels), got shape {images.shape}.")
        for start in range(0, len(images), batch_size):
            yield np.asarray(images[start : start + batch_size], dtype="float32")
        return
    for batch in source:
        batch = np.asarray(batch, dtype="float32")
        if batch.ndim != 4:
            raise ValueError(f"Each batch must be (batch, height, width, channels), got shape {batch.shape}.")
        yield batch


def generated_batches(generator, n, batch_size=256, seed=0):
    """Yield ``n`` images from ``generator`` in float32 batches of at most ``batch_size``.

    The noise is drawn from ``seed`` per batch, so the same call yields the same images
    and only one batch of images is in memory at a time.
    """
    if n < 1:
        raise ValueError(f"The number of generated images must be at least 1, got {n}.")
    latent_dim = generator.input_shape[-1]
    for index, start in enumerate(range(0, n, batch_size)):
        count = min(batch_size, n - start)
        noise = tf.random.stateless_normal((count, latent_dim), seed=(seed, index))
        yield generator(noise, training=False).numpy().astype("float32")
