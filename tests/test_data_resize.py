"""Which loads resize their images, and how the description of a load reports it."""

import logging

import numpy as np
from data_helpers import (  # noqa: F401 (isolated_data_env is an autouse fixture)
    isolated_data_env,
    write_cifar_folder,
    write_class_folder,
    write_image,
)

from gan_lab.data import load_dataset

LOADING_LOGGER = "gan_lab.data.loading"


def test_natural_size_requested_not_reported(tmp_path):
    folder = write_class_folder(tmp_path / "pets", size=(32, 32))

    image_set = load_dataset(folder, image_size=32)

    assert image_set.images.shape == (6, 32, 32, 3)
    assert "resized" not in image_set.source_description


def test_shapes_not_reported_as_resized():
    image_set = load_dataset("shapes", limit=8, image_size=32)

    assert "resized" not in image_set.source_description


def test_cifar_batches_resize_only_when_needed(tmp_path):
    batches = write_cifar_folder(tmp_path / "cifar")

    assert "resized" not in load_dataset(batches, image_size=32).source_description
    assert "20 images, all resized from 32x32 to 16x16)" in load_dataset(batches, image_size=16).source_description


def test_requested_size_names_every_original_size(tmp_path):
    write_image(tmp_path / "sizes" / "a.png", size=(10, 12))
    write_image(tmp_path / "sizes" / "b.png", size=(64, 64))
    write_image(tmp_path / "sizes" / "c.png", size=(6, 5))

    image_set = load_dataset(tmp_path / "sizes", image_size=(6, 5))

    assert image_set.images.shape == (3, 6, 5, 3)
    assert "3 images, 2 of them resized from 10x12 and 64x64 to 6x5)" in image_set.source_description
    assert "most common" not in image_set.source_description


def test_mixed_folder_log_names_most_common_size(tmp_path, caplog):
    for index in range(3):
        write_image(tmp_path / "sizes" / f"common_{index}.png", size=(10, 12))
    write_image(tmp_path / "sizes" / "odd.png", size=(40, 7))

    with caplog.at_level(logging.INFO, logger=LOADING_LOGGER):
        image_set = load_dataset(tmp_path / "sizes")

    assert image_set.images.shape == (4, 10, 12, 3)
    message = "4 images, 1 of them resized from 40x7 to 10x12, the most common size"
    assert message in image_set.source_description
    assert any(message in record.getMessage() for record in caplog.records)


def test_natural_sizes_follow_chosen_images(tmp_path):
    for index in range(3):
        write_image(tmp_path / "sizes" / f"common_{index}.png", size=(10, 12))
    write_image(tmp_path / "sizes" / "odd.png", size=(40, 7))

    image_set = load_dataset(tmp_path / "sizes", seed=3)

    odd = image_set.natural_sizes.tolist().index([40, 7])
    assert image_set.natural_sizes.shape == (4, 2)
    assert sorted(image_set.natural_sizes.tolist()) == [[10, 12], [10, 12], [10, 12], [40, 7]]
    assert image_set.images[odd].shape == (10, 12, 3)


def test_resize_note_survives_cache(tmp_path):
    for index in range(3):
        write_image(tmp_path / "sizes" / f"common_{index}.png", size=(10, 12))
    write_image(tmp_path / "sizes" / "odd.png", size=(40, 7))

    first = load_dataset(tmp_path / "sizes")
    second = load_dataset(tmp_path / "sizes")

    assert second.source_description == first.source_description
    np.testing.assert_array_equal(second.natural_sizes, first.natural_sizes)


def test_large_jpeg_counts_as_resized(tmp_path):
    # JPEG decoding shrinks a 256x256 image to 32x32 on the way in, which is still a resize.
    write_image(tmp_path / "big" / "a.jpg", size=(256, 256))

    image_set = load_dataset(tmp_path / "big", image_size=32)

    assert "1 image, resized from 256x256 to 32x32)" in image_set.source_description


def test_size_tie_goes_to_first_file_name(tmp_path):
    for name in ("a_0.png", "a_1.png"):
        write_image(tmp_path / "tie" / name, size=(40, 7))
    for name in ("b_0.png", "b_1.png"):
        write_image(tmp_path / "tie" / name, size=(10, 12))

    image_set = load_dataset(tmp_path / "tie")

    assert image_set.images.shape == (4, 40, 7, 3)
    assert "2 of them resized from 10x12 to 40x7, the most common size" in image_set.source_description
