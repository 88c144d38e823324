"""The container that load_dataset returns."""

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, eq=False)
class ImageSet:
    """Images with their class labels and a note on where they came from.

    Attributes:
        images: (n, height, width, channels) array. float32 in value_range, or uint8 in
            [0, 255] when value_range is None. channels is 3, or 1 for grayscale sets.
        labels: int64 (n,) indices into class_names.
        class_names: tuple of str. It lists every class of the source, even when only
            some classes were loaded, so labels keep the same meaning.
        source_description: a short statement of where the images came from, for
            example "CIFAR-10 from /data/cifar-10-python.tar.gz (train split, 50,000 images)".
        value_range: (low, high) of the images, or None for uint8 pixels.
        natural_sizes: int32 (n, 2), each image's (height, width) in its source before
            any resizing, or None for images generated at their size ("shapes").
    """

    images: np.ndarray
    labels: np.ndarray
    class_names: tuple
    source_description: str
    value_range: tuple | None = None
    natural_sizes: np.ndarray | None = None

    def __len__(self):
        return len(self.labels)
