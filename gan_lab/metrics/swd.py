"""The sliced Wasserstein distance (SWD) between two image sets, over multi-scale patches.

The method follows the description in Karras et al., "Progressive Growing of GANs for
Improved Quality, Stability, and Variation" (ICLR 2018):

1. Each image is split into Laplacian pyramid levels (for 32x32 images: 32, 16 and 8 pixels).
2. From each level, ``patches_per_image`` random 7x7 patches are cut from every image.
3. The patches of one level are normalised per colour channel. Here the mean and standard
   deviation are those of both sets pooled, so a colour cast counts as a difference and
   the distance is symmetric in its two arguments.
4. The patches are flattened into vectors and projected onto random unit directions. In
   one dimension the Wasserstein-1 distance between two equal-sized samples is the mean
   absolute difference of their sorted values. The level's distance is the mean of that
   over the directions.
5. The SWD is the mean over the levels; the per-level values are returned too.

No download is needed, so the metric works offline and in tests. The values are in units
of normalised patch intensity. The paper's tables show them multiplied by 1000; these are not.
"""

import numpy as np

from gan_lab.metrics.pyramid import extract_patches, laplacian_pyramid, patch_positions
from gan_lab.metrics.sources import image_batches

PATCH_SIZE = 7
DIRECTION_CHUNK = 128


def sliced_wasserstein(descriptors_a, descriptors_b, directions):
    """Return the mean over ``directions`` of the 1-D Wasserstein-1 distance between projections.

    ``descriptors_a`` and ``descriptors_b``: float ``(n, dim)`` with the same ``n``.
    ``directions``: float ``(dim, k)``, each column a unit vector. The sets are projected
    onto each column, sorted, and compared by mean absolute difference.
    """
    a = np.asarray(descriptors_a, dtype="float32")
    b = np.asarray(descriptors_b, dtype="float32")
    if a.shape != b.shape:
        raise ValueError(f"Descriptor sets must have the same shape, got {a.shape} and {b.shape}.")
    distances = []
    for start in range(0, directions.shape[1], DIRECTION_CHUNK):
        chunk = np.asarray(directions[:, start : start + DIRECTION_CHUNK], dtype="float32")
        projected_a = np.sort(a @ chunk, axis=0)
        projected_b = np.sort(b @ chunk, axis=0)
        distances.append(np.mean(np.abs(projected_a - projected_b), axis=0, dtype="float64"))
    return float(np.mean(np.concatenate(distances)))


def random_directions(dim, count, seed):
    """Return float32 ``(dim, count)``: ``count`` random unit vectors, uniform on the sphere."""
    directions = np.random.default_rng([seed, dim]).standard_normal((dim, count))
    return (directions / np.linalg.norm(directions, axis=0, keepdims=True)).astype("float32")


def level_patches(source, *, patches_per_image, seed, min_size, batch_size=256):
    """Return a list, one float32 ``(n * patches_per_image, 7, 7, channels)`` array per pyramid level.

    ``source``: an ``(n, h, w, c)`` array or an iterable of such batches. Images are taken a
    batch at a time, so memory grows with the patches kept, not with the images.
    """
    per_level = None
    first_index = 0
    for batch in image_batches(source, batch_size):
        levels = laplacian_pyramid(batch, min_size)
        if per_level is None:
            per_level = [[] for _ in levels]
        for level, level_images in enumerate(levels):
            limits = (level_images.shape[1] - PATCH_SIZE, level_images.shape[2] - PATCH_SIZE)
            corners = patch_positions(seed, level, first_index, len(batch), patches_per_image, limits)
            per_level[level].append(extract_patches(level_images, corners, PATCH_SIZE))
        first_index += len(batch)
    if per_level is None:
        raise ValueError("The image set is empty; the SWD needs at least one image per set.")
    return [np.concatenate(chunks) for chunks in per_level]


def _normalise_pair(patches_a, patches_b):
    pooled = np.concatenate([patches_a, patches_b])
    mean = pooled.mean(axis=(0, 1, 2), dtype="float64")
    std = pooled.std(axis=(0, 1, 2), dtype="float64")
    std = np.where(std > 0, std, 1.0)

    def flat(patches):
        return ((patches - mean) / std).astype("float32").reshape(len(patches), -1)

    return flat(patches_a), flat(patches_b)


def _same_count(descriptors_a, descriptors_b, seed):
    count = min(len(descriptors_a), len(descriptors_b))
    rng = np.random.default_rng([seed, count])
    if len(descriptors_a) > count:
        descriptors_a = descriptors_a[np.sort(rng.choice(len(descriptors_a), count, replace=False))]
    if len(descriptors_b) > count:
        descriptors_b = descriptors_b[np.sort(rng.choice(len(descriptors_b), count, replace=False))]
    return descriptors_a, descriptors_b


def swd(real_images, fake_images, *, patches_per_image=32, n_directions=512, seed=0, min_size=8, batch_size=256):
    """Return ``(swd, per_level)``: the sliced Wasserstein distance and its value per pyramid level.

    ``real_images``, ``fake_images``: ``(n, h, w, c)`` arrays in one value range, or iterables
    of such batches, with equal image sizes. ``per_level`` lists the finest level first.
    Identical sets score exactly 0. Memory use is ``n * patches_per_image`` patches of 7x7xc
    floats per level and set (38 MB per level for 2048 RGB images at the defaults). Sets of
    different sizes are compared on a random equal-sized subset of their patches.
    """
    if min_size < PATCH_SIZE:
        raise ValueError(f"min_size must be at least the patch size {PATCH_SIZE}, got {min_size}.")
    if patches_per_image < 1 or n_directions < 1:
        raise ValueError(
            f"patches_per_image and n_directions must be at least 1, got {patches_per_image} and {n_directions}."
        )
    options = {"patches_per_image": patches_per_image, "seed": seed, "min_size": min_size, "batch_size": batch_size}
    levels_a = level_patches(real_images, **options)
    levels_b = level_patches(fake_images, **options)
    if [level.shape[1:] for level in levels_a] != [level.shape[1:] for level in levels_b]:
        raise ValueError(
            f"The two image sets have different image sizes or channel counts ({levels_a[0].shape[1:]} patches "
            f"against {levels_b[0].shape[1:]}); resize one set to match the other."
        )

    per_level = []
    for level, (patches_a, patches_b) in enumerate(zip(levels_a, levels_b)):
        descriptors_a, descriptors_b = _same_count(*_normalise_pair(patches_a, patches_b), seed)
        directions = random_directions(descriptors_a.shape[1], n_directions, seed + level)
        per_level.append(sliced_wasserstein(descriptors_a, descriptors_b, directions))
    return float(np.mean(per_level)), per_level
