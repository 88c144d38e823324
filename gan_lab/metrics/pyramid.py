"""Laplacian pyramids and random image patches, the descriptors that the sliced Wasserstein distance compares.

A Laplacian pyramid splits an image into band-pass levels: level 0 is the finest
detail (the image minus a blurred, upsampled copy of its half-size version), each next
level the detail of the half-size image, and the last level the coarsest blurred image
itself. Adding the levels back up, coarsest first, rebuilds the image exactly.
"""

import numpy as np

# The 5-tap binomial filter approximates a Gaussian; it is applied along rows, then columns.
BINOMIAL_5 = np.array([1.0, 4.0, 6.0, 4.0, 1.0], dtype="float32") / 16.0


def _blur_axis(images, axis, weights):
    """Convolve ``images`` along ``axis`` with ``weights``, mirroring the edges."""
    radius = len(weights) // 2
    pad = [(0, 0)] * images.ndim
    pad[axis] = (radius, radius)
    padded = np.pad(images, pad, mode="reflect" if images.shape[axis] > radius else "edge")
    length = images.shape[axis]
    out = np.zeros_like(images)
    for offset, weight in enumerate(weights):
        out += weight * np.take(padded, np.arange(offset, offset + length), axis=axis)
    return out


def blur(images):
    """Blur float32 ``(n, height, width, channels)`` images with the 5x5 binomial filter."""
    return _blur_axis(_blur_axis(images, 1, BINOMIAL_5), 2, BINOMIAL_5)


def downsample(images):
    """Blur, then keep every second row and column: ``(n, h, w, c)`` -> ``(n, ceil(h/2), ceil(w/2), c)``."""
    return blur(images)[:, ::2, ::2, :]


def upsample(images, shape):
    """Spread ``images`` onto a grid of ``shape = (height, width)`` twice as fine, by zero insertion and blur.

    The blur's weights are doubled per axis so that a constant image stays constant.
    """
    n, _, _, channels = images.shape
    spread = np.zeros((n, shape[0], shape[1], channels), dtype=images.dtype)
    spread[:, ::2, ::2, :] = images
    return _blur_axis(_blur_axis(spread, 1, 2 * BINOMIAL_5), 2, 2 * BINOMIAL_5)


def pyramid_sizes(height, width, min_size=8):
    """Return the ``(height, width)`` of each level, halving while the smaller side stays >= ``min_size``."""
    sizes = [(height, width)]
    while min((sizes[-1][0] + 1) // 2, (sizes[-1][1] + 1) // 2) >= min_size:
        sizes.append(((sizes[-1][0] + 1) // 2, (sizes[-1][1] + 1) // 2))
    return sizes


def laplacian_pyramid(images, min_size=8):
    """Split float32 ``(n, h, w, c)`` images into a list of levels, finest first.

    Every level but the last is a band-pass image (the level's image minus the upsampled
    next level); the last is the coarsest low-pass image. ``min_size`` is the smallest
    side a level may have; a 32x32 image gives levels of 32, 16 and 8 pixels.
    """
    current = np.asarray(images, dtype="float32")
    levels = []
    for _ in pyramid_sizes(current.shape[1], current.shape[2], min_size)[1:]:
        smaller = downsample(current)
        levels.append(current - upsample(smaller, current.shape[1:3]))
        current = smaller
    levels.append(current)
    return levels


def reconstruct(levels):
    """Rebuild the images from ``laplacian_pyramid`` levels; the inverse of that function."""
    image = levels[-1]
    for band in reversed(levels[:-1]):
        image = band + upsample(image, band.shape[1:3])
    return image


def patch_positions(seed, level, first_index, count, patches_per_image, limits):
    """Return int ``(count, patches_per_image, 2)`` top-left corners of random patches.

    The corners of image ``first_index + i`` depend only on ``seed``, ``level`` and that
    index, so two image sets scored together have patches cut at the same places and an
    image set compared with itself gives identical descriptors.
    """
    corners = np.empty((count, patches_per_image, 2), dtype="int64")
    for i in range(count):
        rng = np.random.default_rng([seed, level, first_index + i])
        corners[i, :, 0] = rng.integers(0, limits[0] + 1, patches_per_image)
        corners[i, :, 1] = rng.integers(0, limits[1] + 1, patches_per_image)
    return corners


def extract_patches(level_images, corners, patch_size):
    """Cut patches: ``(n, h, w, c)`` images and ``(n, p, 2)`` corners -> ``(n * p, size, size, c)``."""
    offsets = np.arange(patch_size)
    rows = corners[:, :, 0, None] + offsets  # (n, p, size)
    cols = corners[:, :, 1, None] + offsets
    image_index = np.arange(len(level_images))[:, None, None, None]
    patches = level_images[image_index, rows[:, :, :, None], cols[:, :, None, :]]  # (n, p, size, size, c)
    return patches.reshape(-1, patch_size, patch_size, level_images.shape[-1])
