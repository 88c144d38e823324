"""Folders and archives of image files: layouts, bad files, conversion and resizing."""

import io
import logging
import tarfile
import zipfile

import numpy as np
import pytest
from data_helpers import (  # noqa: F401 (isolated_data_env is an autouse fixture)
    isolated_data_env,
    tar_folder,
    write_class_folder,
    write_image,
    zip_folder,
)

from gan_lab.data import DataError, load_dataset, load_images

SKIP_LOGGER = "gan_lab.data.image_folders"


def test_class_subfolders_become_labels(tmp_path):
    root = write_class_folder(tmp_path / "pets", classes=("cat", "dog"), per_class=3)

    image_set = load_dataset(root, value_range=None)

    assert image_set.images.shape == (6, 8, 8, 3)
    assert image_set.class_names == ("cat", "dog")
    assert np.bincount(image_set.labels).tolist() == [3, 3]
    # write_class_folder paints cat red and dog green.
    cat_pixels = image_set.images[image_set.labels == 0][:, 0, 0]
    dog_pixels = image_set.images[image_set.labels == 1][:, 0, 0]
    assert (cat_pixels == (220, 20, 20)).all()
    assert (dog_pixels == (20, 220, 20)).all()


def test_flat_folder_is_one_class(tmp_path):
    for index in range(4):
        write_image(tmp_path / "faces" / f"{index}.png")

    image_set = load_dataset(tmp_path / "faces")

    assert image_set.images.shape == (4, 8, 8, 3)
    assert image_set.class_names == ("faces",)
    assert image_set.labels.tolist() == [0, 0, 0, 0]


def test_jpeg_files_decode(tmp_path):
    for index in range(3):
        write_image(tmp_path / "jpegs" / f"{index}.jpg", size=(16, 16), colour=(10, 120, 240))

    images = load_images(tmp_path / "jpegs", value_range=None)

    assert images.shape == (3, 16, 16, 3)
    # JPEG is lossy, so a solid colour comes back only approximately.
    assert np.abs(images.astype(int) - (10, 120, 240)).max() <= 8


def test_corrupt_and_text_files_skipped_in_one_warning(tmp_path, caplog):
    root = write_class_folder(tmp_path / "mixed", per_class=2)
    (root / "cat" / "broken.jpg").write_bytes(b"\xff\xd8 not really a jpeg")
    (root / "dog" / "notes.txt").write_text("a note, not an image")

    with caplog.at_level(logging.WARNING, logger=SKIP_LOGGER):
        images = load_images(root, cache=False)

    warnings = [record for record in caplog.records if record.levelno == logging.WARNING]
    assert images.shape == (4, 8, 8, 3)
    assert len(warnings) == 1
    message = warnings[0].getMessage()
    assert "Skipped 2 files" in message
    assert "broken.jpg" in message
    assert "notes.txt" in message


def test_hidden_files_ignored_silently(tmp_path, caplog):
    root = write_class_folder(tmp_path / "tidy", per_class=2)
    (root / ".DS_Store").write_bytes(b"\x00\x01")

    with caplog.at_level(logging.WARNING, logger=SKIP_LOGGER):
        images = load_images(root)

    assert images.shape == (4, 8, 8, 3)
    assert caplog.records == []


def test_grayscale_and_rgba_converted_to_rgb(tmp_path):
    write_image(tmp_path / "mixed" / "gray.png", mode="L", colour=100)
    write_image(tmp_path / "mixed" / "rgba.png", mode="RGBA", colour=(0, 0, 255))
    write_image(tmp_path / "mixed" / "rgb.png", colour=(10, 20, 30))

    images = load_images(tmp_path / "mixed", value_range=None)
    corner_pixels = [tuple(int(value) for value in image[0, 0]) for image in images]

    assert images.shape == (3, 8, 8, 3)
    assert (100, 100, 100) in corner_pixels
    assert (10, 20, 30) in corner_pixels
    # Blue at alpha 128 over white: red and green become about 127, blue stays 255.
    assert any(abs(red - 127) <= 1 and abs(green - 127) <= 1 and blue == 255 for red, green, blue in corner_pixels)


def test_all_grayscale_keeps_one_channel(tmp_path):
    for index in range(3):
        write_image(tmp_path / "gray" / f"{index}.png", mode="L", colour=50 * index)

    images = load_images(tmp_path / "gray", value_range=None)

    assert images.shape == (3, 8, 8, 1)
    assert sorted(images[:, 0, 0, 0].tolist()) == [0, 50, 100]


def test_odd_sizes_resized_to_most_common(tmp_path):
    for index in range(3):
        write_image(tmp_path / "sizes" / f"common_{index}.png", size=(10, 12))
    write_image(tmp_path / "sizes" / "odd.png", size=(40, 7))

    images = load_images(tmp_path / "sizes")

    assert images.shape == (4, 10, 12, 3)


def test_image_size_overrides_natural_size(tmp_path):
    write_image(tmp_path / "sizes" / "a.png", size=(10, 12))
    write_image(tmp_path / "sizes" / "b.jpg", size=(64, 64))

    images = load_images(tmp_path / "sizes", image_size=(6, 5))

    assert images.shape == (2, 6, 5, 3)


def test_empty_folder_is_data_error_naming_it(tmp_path):
    empty = tmp_path / "nothing_here"
    empty.mkdir()
    (empty / "readme.txt").write_text("no images")

    with pytest.raises(DataError, match="No image files found") as raised:
        load_images(empty)

    assert "nothing_here" in str(raised.value)


def test_nonexistent_path_is_data_error(tmp_path):
    missing = tmp_path / "missing" / "data.tar.gz"

    with pytest.raises(DataError, match="not found") as raised:
        load_images(missing)

    assert str(missing) in str(raised.value)


def test_unknown_name_lists_valid_names():
    with pytest.raises(DataError, match="Unknown data source 'cifar100'") as raised:
        load_images("cifar100")

    assert "shapes" in str(raised.value)
    assert "fashion_mnist" in str(raised.value)


def test_unknown_class_lists_available(tmp_path):
    root = write_class_folder(tmp_path / "pets")

    with pytest.raises(DataError, match="'horse' not found") as raised:
        load_images(root, classes=["horse"])

    assert "cat, dog" in str(raised.value)


def test_unknown_class_rejected_without_cache(tmp_path):
    root = write_class_folder(tmp_path / "pets")

    with pytest.raises(DataError, match="Available classes: cat, dog"):
        load_images(root, classes=["horse"], cache=False)


def test_file_that_is_not_an_archive_rejected(tmp_path):
    text = tmp_path / "data.csv"
    text.write_text("a,b\n1,2\n")

    with pytest.raises(DataError, match="neither a folder nor"):
        load_images(text)


@pytest.mark.parametrize(
    ("file_name", "packer"),
    [
        ("pets.tar", lambda folder, path: tar_folder(folder, path, mode="w")),
        ("pets.tar.gz", lambda folder, path: tar_folder(folder, path, mode="w:gz")),
        ("pets.tgz", lambda folder, path: tar_folder(folder, path, mode="w:gz", arcname="pets")),
        ("pets.zip", zip_folder),
        ("wrapped.zip", lambda folder, path: zip_folder(folder, path, arcname="pets")),
    ],
)
def test_archives_match_folder(tmp_path, file_name, packer):
    root = write_class_folder(tmp_path / "pets", classes=("cat", "dog", "fox"), per_class=2)
    archive = packer(root, tmp_path / file_name)
    from_folder = load_dataset(root, value_range=None, cache=False)

    from_archive = load_dataset(archive, value_range=None)

    assert from_archive.class_names == ("cat", "dog", "fox")
    np.testing.assert_array_equal(from_archive.images, from_folder.images)
    np.testing.assert_array_equal(from_archive.labels, from_folder.labels)


def test_split_folders_pick_train_or_test(tmp_path):
    write_class_folder(tmp_path / "data" / "train", classes=("cat", "dog"), per_class=3)
    write_class_folder(tmp_path / "data" / "test", classes=("cat", "dog"), per_class=1)
    archive = tar_folder(tmp_path / "data", tmp_path / "data.tar.gz")

    train = load_dataset(archive, split="train")
    test = load_dataset(archive, split="test")

    assert len(train) == 6
    assert len(test) == 2
    assert test.class_names == ("cat", "dog")


def test_test_split_of_plain_folder_rejected(tmp_path):
    root = write_class_folder(tmp_path / "pets")

    with pytest.raises(DataError, match='split="train"'):
        load_images(root, split="test")


def test_class_filter_before_decoding_skips_other_classes(tmp_path, caplog):
    root = write_class_folder(tmp_path / "pets", classes=("cat", "dog"), per_class=2)
    (root / "dog" / "broken.png").write_bytes(b"not a png")

    with caplog.at_level(logging.WARNING, logger=SKIP_LOGGER):
        image_set = load_dataset(root, classes=["cat"], cache=False)

    assert len(image_set) == 2
    assert image_set.class_names == ("cat", "dog")
    assert image_set.labels.tolist() == [0, 0]
    # The broken dog image is never decoded, so nothing is reported.
    assert caplog.records == []


def test_unsafe_member_names_skipped(tmp_path, caplog):
    archive = tmp_path / "tricky.tar"
    png = write_image(tmp_path / "source.png").read_bytes()
    with tarfile.open(archive, "w") as tar:
        for name in ("cat/ok.png", "../escape.png", "/absolute/abs.png"):
            info = tarfile.TarInfo(name)
            info.size = len(png)
            tar.addfile(info, io.BytesIO(png))

    with caplog.at_level(logging.WARNING, logger=SKIP_LOGGER):
        images = load_images(archive, cache=False)

    assert images.shape == (1, 8, 8, 3)
    assert not (tmp_path.parent / "escape.png").exists()
    assert "2 unsafe archive member name" in caplog.text


def test_zip_with_only_text_is_data_error(tmp_path):
    archive = tmp_path / "notes.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        handle.writestr("notes/readme.txt", "hello")

    with pytest.raises(DataError, match="No image files found in .*notes.zip"):
        load_images(archive)


@pytest.mark.parametrize("file_name", ["damaged.zip", "damaged.tar.gz"])
def test_damaged_archive_is_data_error(tmp_path, file_name):
    root = write_class_folder(tmp_path / "pets", per_class=20, size=(32, 32))
    packer = zip_folder if file_name.endswith(".zip") else tar_folder
    archive = packer(root, tmp_path / file_name)
    archive.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])

    with pytest.raises(DataError, match="damaged or incomplete") as raised:
        load_images(archive)

    assert file_name in str(raised.value)
