"""Probes for lesson 01_data: ``scale_images(images)``."""

import numpy as np

from gan_lab.checks.probes.common import lookup

# Pixel values whose scaled values the verify step compares one by one.
LANDMARKS = (0, 1, 64, 127, 128, 191, 254, 255)


def _images(shape, seed):
    """Return uint8 images of ``shape`` that contain every landmark value, plus the rest random."""
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 256, size=shape, dtype=np.uint8)
    images.reshape(-1)[: len(LANDMARKS)] = LANDMARKS
    return images


def _scaled(namespace, shape, seed):
    scale_images = lookup(namespace, "scale_images")
    images = _images(shape, seed)
    original = images.copy()
    result = scale_images(images)
    output = np.asarray(result)
    data = {
        "input_shape": list(shape),
        "output_type": f"{type(result).__module__.split('.')[0]}.{type(result).__name__}",
        "is_numpy": isinstance(result, np.ndarray),
        "output_shape": list(output.shape),
        "output_dtype": str(output.dtype),
        "input_changed": not np.array_equal(images, original),
    }
    if output.shape == images.shape and np.issubdtype(output.dtype, np.number):
        values = output.astype("float64")
        expected = original.astype("float64") / 127.5 - 1.0
        data["min"] = float(values.min())
        data["max"] = float(values.max())
        data["max_error"] = float(np.max(np.abs(values - expected)))
        data["landmarks"] = {str(value): float(values.reshape(-1)[i]) for i, value in enumerate(LANDMARKS)}
    return data


def probe_scale_images(namespace):
    """Scale CIFAR-sized uint8 images (4, 32, 32, 3) and report shape, dtype and values."""
    return _scaled(namespace, (4, 32, 32, 3), seed=1)


def probe_scale_images_grayscale(namespace):
    """Scale MNIST-sized uint8 images (3, 28, 28, 1) and report shape, dtype and values."""
    return _scaled(namespace, (3, 28, 28, 1), seed=2)
