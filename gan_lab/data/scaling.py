"""Conversions between uint8 pixels, the generator's value range and displayable floats."""

import numpy as np

from gan_lab.data.errors import DataError
from gan_lab.data.validation import check_value_range


def scale_images(uint8_images, value_range=(-1, 1)):
    """Map uint8 pixels in [0, 255] linearly to value_range.

    Args:
        uint8_images: uint8 array of any shape, usually (n, height, width, channels).
        value_range: (low, high) with low < high. (-1, 1) suits a tanh generator,
            (0, 1) a sigmoid generator.

    Returns:
        float32 array of the same shape, 0 mapped to low and 255 to high.
    """
    low, high = check_value_range(value_range)
    images = np.asarray(uint8_images)
    if images.dtype != np.uint8:
        raise DataError(
            f"scale_images expects uint8 pixels in [0, 255], got dtype {images.dtype}. "
            "Images that are already floats are scaled already: use them as they are, "
            "or convert them back with to_display."
        )
    # In place after one astype, because a float32 copy of CIFAR-10 is already 600 MB.
    scaled = images.astype(np.float32)
    scaled *= np.float32((high - low) / 255.0)
    scaled += np.float32(low)
    return scaled


def to_display(images, value_range=(-1, 1)):
    """Map images from value_range to float32 in [0, 1] for plotting.

    Accepts NumPy arrays and TensorFlow tensors of any shape. Values outside value_range,
    which an untrained generator can produce, are clipped. This inverts scale_images up
    to the uint8 rounding, so to_display(scale_images(x)) equals x / 255 within 1/255.

    Returns:
        float32 NumPy array of the same shape, in [0, 1].
    """
    low, high = check_value_range(value_range)
    values = np.asarray(images, dtype=np.float32)
    shifted = (values - np.float32(low)) / np.float32(high - low)
    return np.clip(shifted, 0.0, 1.0)
