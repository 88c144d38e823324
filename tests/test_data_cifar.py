"""The CIFAR-10 python batches: layout, labels, splits and the safe unpickler."""

import os
import pickle

import numpy as np
import pytest
from data_helpers import (  # noqa: F401 (isolated_data_env is an autouse fixture)
    CIFAR_CLASSES,
    isolated_data_env,
    read_cifar_reference,
    tar_folder,
    write_cifar_folder,
)

from gan_lab.data import DataError, default_data_source, load_dataset


@pytest.fixture
def cifar_folder(tmp_path):
    return write_cifar_folder(tmp_path / "extracted")


@pytest.fixture
def cifar_archive(tmp_path, cifar_folder):
    return tar_folder(cifar_folder, tmp_path / "cifar-10-python.tar.gz", arcname="cifar-10-batches-py")


@pytest.mark.parametrize("kind", ["folder", "archive"])
def test_cifar_train_split_matches_batches(kind, cifar_folder, cifar_archive):
    source = cifar_folder if kind == "folder" else cifar_archive
    expected_images, expected_labels = read_cifar_reference(cifar_folder, "train")

    image_set = load_dataset(source, value_range=None, seed=3)

    assert image_set.images.shape == (20, 32, 32, 3)
    assert image_set.images.dtype == np.uint8
    assert image_set.labels.dtype == np.int64
    assert image_set.class_names == CIFAR_CLASSES
    # The load is shuffled, so compare after sorting both sides by their bytes.
    order = np.lexsort(image_set.images.reshape(20, -1).T)
    expected_order = np.lexsort(expected_images.reshape(20, -1).T)
    np.testing.assert_array_equal(image_set.images[order], expected_images[expected_order])
    np.testing.assert_array_equal(image_set.labels[order], expected_labels[expected_order])
    assert "CIFAR-10" in image_set.source_description
    assert "train split" in image_set.source_description


@pytest.mark.parametrize("kind", ["folder", "archive"])
def test_cifar_test_split_and_value_range(kind, cifar_folder, cifar_archive):
    source = cifar_folder if kind == "folder" else cifar_archive
    _, expected_labels = read_cifar_reference(cifar_folder, "test")

    image_set = load_dataset(source, split="test")

    assert image_set.images.shape == (5, 32, 32, 3)
    assert image_set.images.dtype == np.float32
    assert image_set.images.min() >= -1.0
    assert image_set.images.max() <= 1.0
    assert sorted(image_set.labels.tolist()) == sorted(expected_labels.tolist())
    assert "test split" in image_set.source_description


def test_cifar_protocol_4_pickles_load(tmp_path):
    folder = write_cifar_folder(tmp_path / "p4", protocol=4)

    images = load_dataset(folder, split="test", value_range=None).images

    assert images.shape == (5, 32, 32, 3)


def test_cifar_image_size_resizes(cifar_folder):
    images = load_dataset(cifar_folder, split="test", image_size=16).images

    assert images.shape == (5, 16, 16, 3)


def test_cifar_missing_batch_is_data_error(cifar_folder):
    (cifar_folder / "data_batch_3").unlink()

    with pytest.raises(DataError, match="data_batch_3"):
        load_dataset(cifar_folder)


def test_cifar_unknown_class_lists_available(cifar_folder):
    with pytest.raises(DataError, match="airplane, automobile") as raised:
        load_dataset(cifar_folder, classes=["unicorn"])

    assert "unicorn" in str(raised.value)


class WriteMarker:
    """Unpickling this object would run os.system and create the marker file."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


class EvalMarker:
    """Unpickling this object would run builtins.exec and create the marker file."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (exec, (f"open({str(self.marker)!r}, 'w').close()",))


@pytest.mark.parametrize("payload", [WriteMarker, EvalMarker])
@pytest.mark.parametrize("target", ["batches.meta", "data_batch_1"])
def test_malicious_pickle_rejected(tmp_path, cifar_folder, payload, target):
    marker = tmp_path / "marker"
    content = {b"label_names": [payload(marker)], b"data": payload(marker), b"labels": []}
    with open(cifar_folder / target, "wb") as handle:
        pickle.dump(content, handle, protocol=2)

    with pytest.raises(DataError, match="Rejected pickle") as raised:
        load_dataset(cifar_folder, cache=False)

    assert target in str(raised.value)
    assert not marker.exists()


def test_malicious_pickle_in_archive_rejected(tmp_path, cifar_folder):
    marker = tmp_path / "marker"
    with open(cifar_folder / "test_batch", "wb") as handle:
        pickle.dump(WriteMarker(marker), handle)
    archive = tar_folder(cifar_folder, tmp_path / "evil.tar.gz", arcname="cifar-10-batches-py")

    with pytest.raises(DataError, match="posix.system|os.system"):
        load_dataset(archive, split="test")

    assert not marker.exists()


def test_truncated_pickle_is_data_error(cifar_folder):
    data = (cifar_folder / "test_batch").read_bytes()
    (cifar_folder / "test_batch").write_bytes(data[: len(data) // 2])

    with pytest.raises(DataError, match="not a valid CIFAR-10 batch"):
        load_dataset(cifar_folder, split="test")


def test_batch_with_wrong_data_shape_rejected(cifar_folder):
    batch = {b"labels": [0, 1], b"data": np.zeros((2, 100), dtype=np.uint8)}
    with open(cifar_folder / "test_batch", "wb") as handle:
        pickle.dump(batch, handle, protocol=2)

    with pytest.raises(DataError, match="3072"):
        load_dataset(cifar_folder, split="test")


def test_cifar10_name_reads_keras_cache(tmp_path, monkeypatch):
    keras_home = tmp_path / "keras_home"
    batches = write_cifar_folder(keras_home / "datasets" / "cifar-10-batches-py-target")
    monkeypatch.setenv("KERAS_HOME", str(keras_home))

    image_set = load_dataset("cifar10", split="test", value_range=None)

    assert image_set.images.shape == (5, 32, 32, 3)
    assert str(batches) in image_set.source_description


def test_default_source_prefers_keras_cache(tmp_path, monkeypatch):
    keras_home = tmp_path / "keras_home"
    batches = write_cifar_folder(keras_home / "datasets")
    monkeypatch.setenv("KERAS_HOME", str(keras_home))

    source, description = default_data_source()

    assert source == str(batches)
    assert "Keras cache" in description


def test_default_source_skips_incomplete_keras_cache(tmp_path, monkeypatch):
    keras_home = tmp_path / "keras_home"
    batches = write_cifar_folder(keras_home / "datasets")
    (batches / "test_batch").unlink()
    monkeypatch.setenv("KERAS_HOME", str(keras_home))

    source, _ = default_data_source()

    assert source == "shapes"
