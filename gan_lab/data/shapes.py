"""A generated data set of coloured shapes that needs no download.

Each image shows one filled shape (circle, square, triangle or cross) in one of four
saturated colours on a black background. Every shape has the same centre and size, so
the set contains 16 distinct images (4 shapes x 4 colours) drawn in random order. That is
what makes it learnable in minutes on a CPU: the default DCGAN draws all four shapes from
its third epoch of 156 steps, and mostly clean ones by the eighth. With the centre jittered
by about one pixel, its shapes blended into each other, and with a random centre and size,
8 epochs gave only blobs.

The colours use only 0 and 255 in each channel, like the black background, so a tanh
generator can reach every pixel value by saturating.
"""

import numpy as np

from gan_lab.data.image_set import ImageSet

SHAPE_NAMES = ("circle", "square", "triangle", "cross")
DEFAULT_COUNTS = {"train": 10_000, "test": 2_000}
DEFAULT_SIZE = (32, 32)

SHAPE_COLOURS = np.array(
    [
        (255, 0, 0),  # red
        (0, 255, 0),  # green
        (255, 255, 0),  # yellow
        (0, 255, 255),  # cyan
    ],
    dtype=np.uint8,
)
BACKGROUND_COLOUR = np.array((0, 0, 0), dtype=np.uint8)
# Half the shape's extent, as a share of the image's shorter side.
SHAPE_RADIUS = 0.3

# Seed offsets, so the train and test splits of one seed draw the images in different orders.
SPLIT_STREAMS = {"train": 0, "test": 1}


def generate_shapes(count, *, split="train", image_size=None, seed=0, class_indices=None):
    """Draw count images of shapes, identical for the same arguments.

    Args:
        count: number of images.
        split: "train" or "test", which pick different random streams.
        image_size: (height, width), or None for 32x32.
        seed: non-negative int.
        class_indices: indices into SHAPE_NAMES to draw from, or None for all shapes.

    Returns:
        ImageSet with uint8 images (count, height, width, 3) in [0, 255] and int64
        labels that index SHAPE_NAMES.
    """
    height, width = image_size or DEFAULT_SIZE
    rng = np.random.default_rng([seed, SPLIT_STREAMS[split]])
    allowed = np.arange(len(SHAPE_NAMES)) if class_indices is None else np.asarray(class_indices)

    labels = rng.choice(allowed, size=count).astype(np.int64)
    shape_colours = SHAPE_COLOURS[rng.integers(len(SHAPE_COLOURS), size=count)]

    # Every shape sits in the centre at one size relative to the shorter side, so any
    # image_size looks alike.
    centre_y = np.full(count, height / 2)
    centre_x = np.full(count, width / 2)
    radius = np.full(count, SHAPE_RADIUS * min(height, width))

    masks = np.zeros((count, height, width), dtype=bool)
    for label in np.unique(labels):
        chosen = np.flatnonzero(labels == label)
        masks[chosen] = _draw_masks(
            SHAPE_NAMES[label], height, width, centre_y[chosen], centre_x[chosen], radius[chosen]
        )

    images = np.where(masks[..., None], shape_colours[:, None, None, :], BACKGROUND_COLOUR)
    return ImageSet(
        images=images.astype(np.uint8),
        labels=labels,
        class_names=SHAPE_NAMES,
        source_description=f"Generated shapes with seed {seed}",
    )


def _draw_masks(shape_name, height, width, centre_y, centre_x, radius):
    """Return a bool array (n, height, width) that is True inside each shape."""
    # Pixel centres, with per-image parameters broadcast along the first axis.
    y = np.arange(height, dtype=np.float32)[None, :, None] + 0.5
    x = np.arange(width, dtype=np.float32)[None, None, :] + 0.5
    dy = y - centre_y[:, None, None].astype(np.float32)
    dx = x - centre_x[:, None, None].astype(np.float32)
    r = radius[:, None, None].astype(np.float32)

    if shape_name == "circle":
        return dx * dx + dy * dy <= r * r
    if shape_name == "square":
        # 0.85 keeps the square's area close to the circle's.
        half = 0.85 * r
        return (np.abs(dx) <= half) & (np.abs(dy) <= half)
    if shape_name == "triangle":
        # Apex at the top: the half-width grows from 0 at dy = -r to r at dy = +r.
        inside_rows = (dy >= -r) & (dy <= r)
        return inside_rows & (np.abs(dx) <= (dy + r) / 2)
    if shape_name == "cross":
        bar = r / 3
        horizontal = (np.abs(dx) <= r) & (np.abs(dy) <= bar)
        vertical = (np.abs(dx) <= bar) & (np.abs(dy) <= r)
        return horizontal | vertical
    raise ValueError(f"Unknown shape {shape_name!r}: expected one of {SHAPE_NAMES}.")
