"""Data sets that keras.datasets downloads, and the Keras download cache.

keras.datasets stores downloads under $KERAS_HOME/datasets, or ~/.keras/datasets when
KERAS_HOME is not set. CIFAR-10 is unpacked there to cifar-10-batches-py/ by Keras 2,
and to cifar-10-batches-py-target/cifar-10-batches-py/ by Keras 3.
"""

import logging
import os
from pathlib import Path

import numpy as np

from gan_lab.data.cifar_batches import META_FILE, SPLIT_FILES
from gan_lab.data.errors import DataError
from gan_lab.data.image_decoding import resize_images
from gan_lab.data.image_set import ImageSet

logger = logging.getLogger(__name__)

CLASS_NAMES = {
    "cifar10": (
        "airplane", "automobile", "bird", "cat", "deer",
        "dog", "frog", "horse", "ship", "truck",
    ),
    "mnist": tuple(str(digit) for digit in range(10)),
    "fashion_mnist": (
        "t-shirt/top", "trouser", "pullover", "dress", "coat",
        "sandal", "shirt", "sneaker", "bag", "ankle boot",
    ),
}  # fmt: skip
TITLES = {"cifar10": "CIFAR-10", "mnist": "MNIST", "fashion_mnist": "Fashion-MNIST"}
CIFAR10_CACHE_FOLDERS = (
    Path("cifar-10-batches-py"),
    Path("cifar-10-batches-py-target") / "cifar-10-batches-py",
)


def keras_datasets_dir():
    """Return the folder where keras.datasets keeps its downloads."""
    keras_home = os.environ.get("KERAS_HOME")
    base = Path(keras_home) if keras_home else Path("~/.keras").expanduser()
    return base / "datasets"


def find_cached_cifar10():
    """Return the Keras cache folder with every CIFAR-10 batch file, or None."""
    needed = (META_FILE, *SPLIT_FILES["train"], *SPLIT_FILES["test"])
    for relative in CIFAR10_CACHE_FOLDERS:
        folder = keras_datasets_dir() / relative
        if all((folder / name).is_file() for name in needed):
            return folder
    return None


def load_keras_dataset(name, *, split, image_size):
    """Load one split through keras.datasets, which downloads it on first use.

    Returns:
        ImageSet of uint8 images: (n, 32, 32, 3) for cifar10 and (n, 28, 28, 1) for
        mnist and fashion_mnist, or image_size if given.

    Raises:
        DataError: when the download fails, for example on a machine without internet.
    """
    # Imported here because importing Keras starts TensorFlow, which takes seconds.
    import keras

    module = getattr(keras.datasets, name)
    try:
        train, test = module.load_data()
    except Exception as error:
        # Keras 3 wraps the URLError or HTTPError of a failed download in a plain
        # Exception, so no narrower class catches it.
        raise DataError(_download_failed_message(name, error)) from error

    images, labels = train if split == "train" else test
    images = np.asarray(images, dtype=np.uint8)
    if images.ndim == 3:
        images = images[..., None]
    elif images.shape[1] in (1, 3) and images.shape[-1] not in (1, 3):
        # keras.datasets.cifar10 returns channels first when Keras is set to channels_first.
        images = images.transpose(0, 2, 3, 1)
    return ImageSet(
        images=resize_images(np.ascontiguousarray(images), image_size),
        labels=np.asarray(labels, dtype=np.int64).reshape(-1),
        class_names=CLASS_NAMES[name],
        source_description=f"{TITLES[name]} from keras.datasets",
        natural_sizes=np.tile(np.asarray(images.shape[1:3], dtype=np.int32), (len(images), 1)),
    )


def _download_failed_message(name, error):
    return (
        f"Downloading {TITLES[name]} through keras.datasets.{name} failed ({error}). "
        "This machine may be offline. Pass a local copy instead: "
        'load_images("path/to/cifar-10-python.tar.gz"), a folder or a .zip, .tar or '
        ".tar.gz archive of image files, `gan-lab train --data PATH` on the command line, "
        "or the environment variable GAN_LAB_DATA=PATH. "
        'Or use the generated set that needs no download: load_images("shapes").'
    )
