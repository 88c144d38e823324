"""Load image data sets for GAN training as arrays in the generator's value range.

Sources: the generated "shapes" set, "cifar10", "mnist" and "fashion_mnist" through
keras.datasets, the CIFAR-10 python archive, and folders or archives of image files.
See load_dataset for the options and default_data_source for the fallback order.

Example:
    images = load_images("shapes", limit=1000)  # float32 (1000, 32, 32, 3) in [-1, 1]
    plt.imshow(to_display(images[0]))
"""

from gan_lab.data.defaults import default_data_source
from gan_lab.data.errors import DataError
from gan_lab.data.image_set import ImageSet
from gan_lab.data.loading import SOURCE_NAMES, load_dataset, load_images
from gan_lab.data.scaling import scale_images, to_display

__all__ = [
    "DataError",
    "ImageSet",
    "SOURCE_NAMES",
    "default_data_source",
    "load_dataset",
    "load_images",
    "scale_images",
    "to_display",
]
