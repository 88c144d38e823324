"""The cache of decoded images in $GAN_LAB_CACHE."""

import logging
import os

import numpy as np
import pytest
from data_helpers import (  # noqa: F401 (isolated_data_env is an autouse fixture)
    isolated_data_env,
    tar_folder,
    write_cifar_folder,
    write_class_folder,
    write_image,
)

from gan_lab.data import load_dataset

CACHE_LOGGER = "gan_lab.data.cache"


@pytest.fixture
def cache_folder(tmp_path):
    return tmp_path / "gan_lab_cache"


@pytest.fixture
def archive(tmp_path):
    root = write_class_folder(tmp_path / "pets", classes=("cat", "dog"), per_class=3)
    return tar_folder(root, tmp_path / "pets.tar.gz")


def cache_files(folder):
    return sorted(path.name for path in folder.iterdir()) if folder.exists() else []


def test_second_load_equals_first(archive, cache_folder, caplog):
    first = load_dataset(archive, value_range=None)

    with caplog.at_level(logging.INFO, logger=CACHE_LOGGER):
        second = load_dataset(archive, value_range=None)

    np.testing.assert_array_equal(second.images, first.images)
    np.testing.assert_array_equal(second.labels, first.labels)
    assert second.class_names == first.class_names
    assert second.source_description == first.source_description
    assert "Loaded 6 images from cache file" in caplog.text


def test_cache_file_appears_without_temp_files(archive, cache_folder):
    load_dataset(archive)

    names = cache_files(cache_folder)
    assert [name for name in names if name.endswith(".tmp")] == []
    assert len(names) == 1
    assert names[0].startswith("pets.tar.gz-train-")
    assert names[0].endswith(".npz")


def test_cache_keeps_whole_split(archive, cache_folder):
    load_dataset(archive, classes=["cat"], limit=2)

    with np.load(cache_folder / cache_files(cache_folder)[0]) as stored:
        assert stored["images"].shape == (6, 8, 8, 3)
        assert stored["images"].dtype == np.uint8


def test_cache_false_writes_nothing(archive, cache_folder):
    load_dataset(archive, cache=False)

    assert cache_files(cache_folder) == []


def test_splits_and_sizes_get_own_files(tmp_path, cache_folder):
    batches = write_cifar_folder(tmp_path / "cifar")

    load_dataset(batches, split="train")
    load_dataset(batches, split="test")
    load_dataset(batches, split="test", image_size=16)

    assert len(cache_files(cache_folder)) == 3


def test_changed_archive_invalidates_cache(tmp_path, archive, cache_folder):
    load_dataset(archive)
    root = tmp_path / "pets"
    write_image(root / "cat" / "new.png")
    tar_folder(root, archive)
    stat = archive.stat()
    os.utime(archive, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))

    reloaded = load_dataset(archive)

    assert len(reloaded) == 7
    assert len(cache_files(cache_folder)) == 2


def test_touched_archive_invalidates_cache(archive, cache_folder, caplog):
    load_dataset(archive)
    stat = archive.stat()
    os.utime(archive, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))

    with caplog.at_level(logging.INFO, logger=CACHE_LOGGER):
        load_dataset(archive)

    assert "from cache file" not in caplog.text
    assert len(cache_files(cache_folder)) == 2


def test_changed_folder_file_invalidates_cache(tmp_path, cache_folder):
    root = write_class_folder(tmp_path / "pets", classes=("cat", "dog"), per_class=2)
    load_dataset(root, value_range=None)
    # Rewriting a file in a class folder changes that file's mtime, not the top folder's.
    write_image(root / "dog" / "001.png", colour=(1, 2, 3))
    stat = (root / "dog" / "001.png").stat()
    os.utime(root / "dog" / "001.png", ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))

    reloaded = load_dataset(root, value_range=None)

    corner_pixels = {tuple(int(value) for value in image[0, 0]) for image in reloaded.images}
    assert (1, 2, 3) in corner_pixels


def test_corrupt_cache_file_rebuilt_with_warning(archive, cache_folder, caplog):
    first = load_dataset(archive, value_range=None)
    cache_file = cache_folder / cache_files(cache_folder)[0]
    cache_file.write_bytes(b"this is not an npz file")

    with caplog.at_level(logging.WARNING, logger=CACHE_LOGGER):
        second = load_dataset(archive, value_range=None)

    warnings = [record for record in caplog.records if record.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "Ignoring unreadable cache file" in warnings[0].getMessage()
    np.testing.assert_array_equal(second.images, first.images)
    assert cache_file.stat().st_size > 1000
    assert cache_files(cache_folder) == [cache_file.name]


def test_truncated_cache_file_rebuilt(archive, cache_folder, caplog):
    load_dataset(archive)
    cache_file = cache_folder / cache_files(cache_folder)[0]
    cache_file.write_bytes(cache_file.read_bytes()[:500])

    with caplog.at_level(logging.WARNING, logger=CACHE_LOGGER):
        reloaded = load_dataset(archive)

    assert len(reloaded) == 6
    assert "Ignoring" in caplog.text


def test_unwritable_cache_folder_only_warns(archive, tmp_path, monkeypatch, caplog):
    blocker = tmp_path / "a_file"
    blocker.write_text("a file where the cache folder should be")
    monkeypatch.setenv("GAN_LAB_CACHE", str(blocker / "cache"))

    with caplog.at_level(logging.WARNING, logger=CACHE_LOGGER):
        image_set = load_dataset(archive)

    assert len(image_set) == 6
    assert "Cannot write cache file" in caplog.text
