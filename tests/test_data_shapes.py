"""The generated shapes set."""

import time

import numpy as np
import pytest
from data_helpers import isolated_data_env  # noqa: F401 (autouse fixture)

from gan_lab.data import DataError, load_dataset, load_images

SHAPE_NAMES = ("circle", "square", "triangle", "cross")


def test_shapes_default_size_and_count():
    image_set = load_dataset("shapes")

    assert image_set.images.shape == (10_000, 32, 32, 3)
    assert image_set.images.dtype == np.float32
    assert image_set.class_names == SHAPE_NAMES
    assert image_set.images.min() >= -1.0
    assert image_set.images.max() <= 1.0


def test_shapes_test_split_differs_from_train():
    train = load_dataset("shapes", limit=50)
    test = load_dataset("shapes", split="test", limit=50)

    assert len(load_images("shapes", split="test", value_range=None)) == 2_000
    assert not np.array_equal(train.labels, test.labels)


def test_shapes_same_seed_identical():
    first = load_dataset("shapes", limit=200, seed=5)
    second = load_dataset("shapes", limit=200, seed=5)

    np.testing.assert_array_equal(first.images, second.images)
    np.testing.assert_array_equal(first.labels, second.labels)


def test_shapes_different_seed_differs():
    first = load_dataset("shapes", limit=200, seed=5)
    second = load_dataset("shapes", limit=200, seed=6)

    assert not np.array_equal(first.labels, second.labels)
    assert not np.array_equal(first.images, second.images)


def test_shapes_sixteen_distinct_images():
    image_set = load_dataset("shapes", limit=1000, value_range=None)
    distinct = {image.tobytes(): label for image, label in zip(image_set.images, image_set.labels)}

    assert len(distinct) == 16
    # Each shape comes in four colours: four distinct images per label.
    assert sorted(np.bincount(list(distinct.values())).tolist()) == [4, 4, 4, 4]


def test_shapes_drawn_in_centre():
    images = load_images("shapes", limit=100, value_range=None)
    background = images[0, 0, 0]
    inside = np.any(images != background, axis=-1)

    assert np.all(inside[:, 16, 16])
    assert not np.any(inside[:, [0, -1], :])
    assert not np.any(inside[:, :, [0, -1]])


def test_shapes_every_class_drawn():
    labels = load_dataset("shapes", limit=400).labels

    assert set(labels.tolist()) == {0, 1, 2, 3}


def test_shapes_have_shape_and_background():
    # Each image has exactly two colours: the shape and the background.
    images = load_images("shapes", limit=20, value_range=None)

    for image in images:
        colours = np.unique(image.reshape(-1, 3), axis=0)
        assert len(colours) == 2


def test_shapes_classes_filter():
    image_set = load_dataset("shapes", classes=["circle", "cross"], limit=300)

    assert len(image_set) == 300
    assert set(image_set.labels.tolist()) == {0, 3}


def test_shapes_unknown_class_lists_shapes():
    with pytest.raises(DataError, match="circle, square, triangle, cross"):
        load_images("shapes", classes=["hexagon"])


def test_shapes_image_size():
    assert load_images("shapes", limit=8, image_size=(48, 40)).shape == (8, 48, 40, 3)


def test_shapes_name_is_case_insensitive():
    assert load_images("Shapes", limit=3).shape == (3, 32, 32, 3)


def test_shapes_generation_is_quick():
    load_images("shapes", limit=10, value_range=None)
    start = time.perf_counter()

    load_images("shapes", limit=5_000)

    assert time.perf_counter() - start < 2.0
