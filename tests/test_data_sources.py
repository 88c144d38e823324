"""Named sources, the default source and the real CIFAR-10 data set."""

import urllib.error

import numpy as np
import pytest
from data_helpers import CIFAR_CLASSES, REAL_CIFAR10_JPG, isolated_data_env  # noqa: F401 (autouse fixture)

from gan_lab.data import DataError, default_data_source, load_dataset


def offline_get_file(*args, **kwargs):
    """Fail the way keras.utils.get_file fails on a machine without network access."""
    reason = urllib.error.URLError(OSError(-3, "Temporary failure in name resolution"))
    raise Exception(f"URL fetch failure on {kwargs.get('origin')}: None -- {reason.reason}")


@pytest.fixture
def offline_keras(monkeypatch):
    """Replace the download function in keras.utils and in each dataset module."""
    import keras
    from keras.src.datasets import cifar10, fashion_mnist, mnist

    monkeypatch.setattr(keras.utils, "get_file", offline_get_file)
    for module in (cifar10, mnist, fashion_mnist):
        # Each dataset module imported get_file by name, so patch its own reference.
        monkeypatch.setattr(module, "get_file", offline_get_file)


@pytest.mark.parametrize("name", ["cifar10", "mnist", "fashion_mnist"])
def test_offline_download_is_data_error(offline_keras, name):
    with pytest.raises(DataError, match="failed") as raised:
        load_dataset(name)

    message = str(raised.value)
    assert "offline" in message
    assert "cifar-10-python.tar.gz" in message
    assert "GAN_LAB_DATA" in message
    assert '"shapes"' in message
    assert isinstance(raised.value.__cause__, Exception)


def test_default_source_honours_environment(tmp_path, monkeypatch):
    data = tmp_path / "my_images"
    data.mkdir()
    monkeypatch.setenv("GAN_LAB_DATA", str(data))

    source, description = default_data_source()

    assert source == str(data)
    assert "GAN_LAB_DATA" in description


def test_default_source_accepts_name_in_environment(monkeypatch):
    monkeypatch.setenv("GAN_LAB_DATA", "mnist")

    assert default_data_source()[0] == "mnist"


def test_default_source_missing_environment_path(tmp_path, monkeypatch):
    missing = tmp_path / "gone.tar.gz"
    monkeypatch.setenv("GAN_LAB_DATA", str(missing))

    with pytest.raises(DataError, match="GAN_LAB_DATA") as raised:
        default_data_source()

    assert str(missing) in str(raised.value)


def test_default_source_falls_back_to_shapes(tmp_path, monkeypatch):
    empty_keras_home = tmp_path / "empty_keras_home"
    empty_keras_home.mkdir()
    monkeypatch.setenv("KERAS_HOME", str(empty_keras_home))

    source, description = default_data_source()

    assert source == "shapes"
    assert "generated shapes" in description


def test_default_source_in_colab_is_cifar10(monkeypatch):
    monkeypatch.setenv("COLAB_RELEASE_TAG", "release-colab-test")

    source, _ = default_data_source()

    assert source == "cifar10"


needs_real_cifar10 = pytest.mark.skipif(
    not REAL_CIFAR10_JPG.is_file(), reason=f"real CIFAR-10 JPEG archive not found at {REAL_CIFAR10_JPG}"
)


@needs_real_cifar10
def test_real_cifar10_horses():
    image_set = load_dataset(REAL_CIFAR10_JPG, split="test", classes=["horse"], limit=200)

    assert image_set.class_names == CIFAR_CLASSES
    assert len(image_set.class_names) == 10
    assert image_set.images.shape == (200, 32, 32, 3)
    assert image_set.images.dtype == np.float32
    assert image_set.images.min() >= -1.0
    assert image_set.images.max() <= 1.0
    assert (image_set.labels == CIFAR_CLASSES.index("horse")).all()
    # Real photographs use most of the range, unlike a blank or constant image.
    assert image_set.images.std() > 0.2
    assert "200 of 1,000 images" in image_set.source_description
