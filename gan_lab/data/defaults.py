"""default_data_source: the data that lessons and the command line use when given none."""

import importlib.util
import logging
import os
from pathlib import Path

from gan_lab.data.errors import DataError
from gan_lab.data.keras_datasets import find_cached_cifar10
from gan_lab.data.loading import SOURCE_NAMES

logger = logging.getLogger(__name__)

DATA_ENV_VAR = "GAN_LAB_DATA"


def default_data_source():
    """Pick a data source without downloading anything outside Google Colab.

    In order of preference:

    1. the environment variable GAN_LAB_DATA, a path or a data set name;
    2. CIFAR-10 in the Keras download cache ($KERAS_HOME/datasets or
       ~/.keras/datasets), read with the safe CIFAR-10 reader;
    3. in Google Colab, "cifar10", which keras.datasets downloads on first use;
    4. "shapes", the generated set.

    Returns:
        (source, description): source is a str to pass to load_dataset, and
        description names the rule that picked it.

    Raises:
        DataError: when GAN_LAB_DATA names a path that does not exist.
    """
    configured = os.environ.get(DATA_ENV_VAR, "").strip()
    if configured:
        if configured.lower() in SOURCE_NAMES:
            return _chosen(configured.lower(), f"{configured.lower()}, set by {DATA_ENV_VAR}")
        path = Path(configured).expanduser()
        if not path.exists():
            raise DataError(
                f"{DATA_ENV_VAR} is set to {configured}, but no file or folder exists there. "
                f"Point {DATA_ENV_VAR} at a data set folder or archive, set it to a name "
                f"({', '.join(SOURCE_NAMES)}), or unset it."
            )
        return _chosen(str(path), f"{path}, set by {DATA_ENV_VAR}")

    cached = find_cached_cifar10()
    if cached is not None:
        return _chosen(str(cached), f"CIFAR-10 from the Keras cache at {cached}")
    if running_in_colab():
        return _chosen("cifar10", "CIFAR-10 through keras.datasets, downloaded on first use in Colab")
    return _chosen("shapes", "generated shapes, because no other data was found (set GAN_LAB_DATA to use yours)")


def _chosen(source, description):
    logger.info("Default data source: %s", description)
    return source, description


def running_in_colab():
    """Return True inside Google Colab, detected by COLAB_RELEASE_TAG or google.colab."""
    if os.environ.get("COLAB_RELEASE_TAG"):
        return True
    try:
        return importlib.util.find_spec("google.colab") is not None
    except (ImportError, ValueError):
        return False
