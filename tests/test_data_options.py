"""Options shared by every source: classes, limit, seed, value_range and scaling."""

import numpy as np
import pytest
from data_helpers import isolated_data_env, write_image  # noqa: F401 (autouse fixture)

from gan_lab.data import DataError, ImageSet, load_dataset, load_images, scale_images, to_display


@pytest.fixture
def pets(tmp_path):
    """Three classes of 20 images, each image a different shade, so order is visible."""
    root = tmp_path / "pets"
    for class_index, name in enumerate(("cat", "dog", "fox")):
        for index in range(20):
            shade = 10 * index + class_index
            write_image(root / name / f"{index:02d}.png", colour=(shade, shade, shade))
    return root


def test_classes_keep_only_those_classes(pets):
    image_set = load_dataset(pets, classes=["dog", "fox"])

    assert len(image_set) == 40
    assert set(image_set.labels.tolist()) == {1, 2}
    assert image_set.class_names == ("cat", "dog", "fox")
    assert "classes dog, fox" in image_set.source_description


def test_limit_draws_mixed_random_subset(pets):
    image_set = load_dataset(pets, limit=12, seed=0)

    assert len(image_set) == 12
    assert len(set(image_set.labels.tolist())) > 1
    assert "12 of 60 images" in image_set.source_description


def test_limit_larger_than_set_keeps_all(pets):
    assert len(load_dataset(pets, limit=1000)) == 60


def test_same_seed_same_result(pets):
    first = load_dataset(pets, limit=10, seed=7)
    second = load_dataset(pets, limit=10, seed=7)

    np.testing.assert_array_equal(first.images, second.images)
    np.testing.assert_array_equal(first.labels, second.labels)


def test_different_seed_different_order(pets):
    first = load_images(pets, seed=1)
    second = load_images(pets, seed=2)

    assert not np.array_equal(first, second)
    # The same images in another order: both contain every image once.
    np.testing.assert_array_equal(np.sort(first[:, 0, 0, 0]), np.sort(second[:, 0, 0, 0]))


@pytest.mark.parametrize("limit", [0, -5, 2.5, True, "10"])
def test_invalid_limit_rejected(pets, limit):
    with pytest.raises(DataError, match="Invalid limit"):
        load_images(pets, limit=limit)


@pytest.mark.parametrize("split", ["valid", "Train", None])
def test_invalid_split_rejected(split):
    with pytest.raises(DataError, match="Invalid split"):
        load_images("shapes", split=split)


@pytest.mark.parametrize("seed", [-1, 1.5, "0"])
def test_invalid_seed_rejected(seed):
    with pytest.raises(DataError, match="Invalid seed"):
        load_images("shapes", seed=seed)


@pytest.mark.parametrize("image_size", [0, (32,), (0, 32), "32", 3.0])
def test_invalid_image_size_rejected(image_size):
    with pytest.raises(DataError, match="Invalid image_size"):
        load_images("shapes", image_size=image_size)


@pytest.mark.parametrize("value_range", [(1, -1), (0, 0), (0,), "01", (0, float("nan"))])
def test_invalid_value_range_rejected(value_range):
    with pytest.raises(DataError, match="Invalid value_range"):
        load_images("shapes", limit=4, value_range=value_range)


def test_empty_classes_rejected():
    with pytest.raises(DataError, match="classes is empty"):
        load_images("shapes", classes=[])


@pytest.mark.parametrize("value_range", [(-1, 1), (0, 1)])
def test_value_range_bounds(pets, value_range):
    low, high = value_range
    images = load_images(pets, value_range=value_range)

    assert images.dtype == np.float32
    assert images.min() >= low
    assert images.max() <= high
    # The darkest cat is 0, so the lower bound is reached exactly.
    assert images.min() == low


def test_value_range_none_returns_uint8(pets):
    image_set = load_dataset(pets, value_range=None)

    assert image_set.images.dtype == np.uint8
    assert image_set.value_range is None
    assert isinstance(image_set, ImageSet)


def test_load_images_equals_load_dataset_images(pets):
    np.testing.assert_array_equal(load_images(pets, seed=4, limit=9), load_dataset(pets, seed=4, limit=9).images)


def test_scale_images_maps_ends():
    pixels = np.array([0, 255], dtype=np.uint8)

    np.testing.assert_array_equal(scale_images(pixels), np.array([-1.0, 1.0], dtype=np.float32))
    np.testing.assert_array_equal(scale_images(pixels, (0, 1)), np.array([0.0, 1.0], dtype=np.float32))
    assert scale_images(pixels).dtype == np.float32


def test_scale_images_rejects_floats():
    with pytest.raises(DataError, match="expects uint8"):
        scale_images(np.zeros(3, dtype=np.float32))


@pytest.mark.parametrize("value_range", [(-1, 1), (0, 1), (-3, 5)])
def test_to_display_inverts_scale_images(value_range):
    pixels = np.arange(256, dtype=np.uint8).reshape(1, 16, 16, 1)

    display_values = to_display(scale_images(pixels, value_range), value_range)

    assert display_values.dtype == np.float32
    assert np.abs(display_values - pixels / 255.0).max() <= 1 / 255


def test_to_display_clips_out_of_range():
    display_values = to_display(np.array([-3.0, 0.0, 2.0]))

    np.testing.assert_allclose(display_values, [0.0, 0.5, 1.0])


def test_to_display_accepts_tensorflow_tensor():
    import tensorflow as tf

    display_values = to_display(tf.constant([[-1.0, 1.0]]))

    assert isinstance(display_values, np.ndarray)
    np.testing.assert_allclose(display_values, [[0.0, 1.0]])
