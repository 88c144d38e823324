"""Checks for the options shared by the data loading functions."""

import numbers

from gan_lab.data.errors import DataError

SPLITS = ("train", "test")


def check_split(split):
    """Raise DataError unless split is "train" or "test"."""
    if split not in SPLITS:
        raise DataError(f'Invalid split {split!r}: use "train" or "test".')


def check_limit(limit):
    """Raise DataError unless limit is None or a positive int."""
    if limit is None:
        return
    if isinstance(limit, bool) or not isinstance(limit, numbers.Integral):
        raise DataError(
            f"Invalid limit {limit!r}: pass a positive whole number of images, or None for all."
        )
    if limit <= 0:
        raise DataError(
            f"Invalid limit {limit}: it must be at least 1. Pass None to keep every image."
        )


def check_seed(seed):
    """Raise DataError unless seed is a non-negative int, as NumPy's generators require."""
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise DataError(f"Invalid seed {seed!r}: pass a whole number of 0 or more.")


def parse_image_size(image_size):
    """Return image_size as a (height, width) tuple of ints, or None when it is None.

    An int n means (n, n). Raises DataError for anything else, or for sizes below 1.
    """
    if image_size is None:
        return None
    if isinstance(image_size, numbers.Integral) and not isinstance(image_size, bool):
        size = (int(image_size), int(image_size))
    elif (
        isinstance(image_size, (tuple, list))
        and len(image_size) == 2
        and all(isinstance(side, numbers.Integral) and not isinstance(side, bool) for side in image_size)
    ):
        size = (int(image_size[0]), int(image_size[1]))
    else:
        raise DataError(
            f"Invalid image_size {image_size!r}: pass an int such as 32, "
            "a (height, width) pair such as (32, 48), or None to keep the natural size."
        )
    if min(size) < 1:
        raise DataError(f"Invalid image_size {image_size!r}: both sides must be at least 1 pixel.")
    return size


def check_value_range(value_range):
    """Return value_range as a (low, high) tuple of floats with low < high.

    Raises DataError for anything else, for example (1, -1) or (0, 0).
    """
    try:
        if isinstance(value_range, (str, bytes)):
            raise TypeError("a string is not a pair of numbers")
        low, high = (float(bound) for bound in value_range)
    except (TypeError, ValueError):
        raise DataError(
            f"Invalid value_range {value_range!r}: pass a (low, high) pair such as (-1, 1) "
            "for a tanh generator or (0, 1) for a sigmoid generator."
        ) from None
    if not low < high:
        raise DataError(
            f"Invalid value_range {value_range!r}: low must be below high, as in (-1, 1) or (0, 1)."
        )
    return low, high


def select_class_indices(classes, class_names, source_description):
    """Return the indices in class_names of the requested classes.

    Raises DataError naming the unknown classes and listing the available ones.
    """
    if isinstance(classes, str):
        classes = [classes]
    requested = list(classes)
    if not requested:
        raise DataError("classes is empty: pass at least one class name, or None for all classes.")
    unknown = [name for name in requested if name not in class_names]
    if unknown:
        available = ", ".join(class_names)
        raise DataError(
            f"Class {', '.join(map(repr, unknown))} not found in {source_description}. "
            f"Available classes: {available}."
        )
    return sorted({class_names.index(name) for name in requested})
