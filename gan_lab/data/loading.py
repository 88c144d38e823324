"""load_dataset and load_images: one entry point for every kind of data source."""

import logging
import os
from pathlib import Path

import numpy as np

from gan_lab.data import cache as image_cache
from gan_lab.data.archives import open_files, source_stem
from gan_lab.data.cifar_batches import find_batch_files, read_cifar_batches
from gan_lab.data.errors import DataError
from gan_lab.data.image_folders import read_image_files
from gan_lab.data.image_set import ImageSet
from gan_lab.data.keras_datasets import CLASS_NAMES, find_cached_cifar10, load_keras_dataset
from gan_lab.data.scaling import scale_images
from gan_lab.data.shapes import DEFAULT_COUNTS, SHAPE_NAMES, generate_shapes
from gan_lab.data.validation import (
    check_limit,
    check_seed,
    check_split,
    check_value_range,
    parse_image_size,
    select_class_indices,
)

logger = logging.getLogger(__name__)

SOURCE_NAMES = ("shapes", *CLASS_NAMES)


def load_dataset(
    source,
    *,
    split="train",
    classes=None,
    limit=None,
    value_range=(-1, 1),
    seed=0,
    image_size=None,
    cache=True,
):
    """Load images with their labels from a named data set, a folder or an archive.

    Args:
        source: a name, "shapes" (generated, no download), "cifar10", "mnist" or
            "fashion_mnist" (keras.datasets, downloaded on first use), or a path to a
            folder of images, a .zip/.tar/.tar.gz/.tgz archive of one, the CIFAR-10
            python archive cifar-10-python.tar.gz or its cifar-10-batches-py folder.
            A path given as a str that equals a name is read as the name: write
            "./shapes" for a folder called shapes.
        split: "train" or "test".
        classes: class names to keep, such as ["horse"], or None for all.
        limit: keep at most this many images, a random subset drawn with seed.
        value_range: (low, high) for the float32 pixels: (-1, 1) for a tanh generator,
            (0, 1) for a sigmoid generator. None returns uint8 pixels in [0, 255],
            for training code that keeps uint8 in memory and scales each batch with
            scale_images.
        seed: non-negative int. The images come in an order shuffled with it, so the
            same seed gives the same images in the same order.
        image_size: int or (height, width) to resize every image to, or None to keep
            the natural size. A folder of mixed sizes is resized to its most common
            size, and the description names how many images were resized and to what.
        cache: for path sources, store the decoded split in $GAN_LAB_CACHE (default
            ~/.cache/gan_lab) and reuse it while the source is unchanged.

    Returns:
        ImageSet with images float32 (n, height, width, channels) in value_range, or
        uint8 when value_range is None. channels is 3, or 1 for MNIST, Fashion-MNIST
        and folders whose images are all grayscale. In a folder that mixes them,
        grayscale images are copied into three channels, and transparent images are
        composited onto white. labels is int64 (n,).

    Raises:
        DataError: for an unknown name, a missing path, a source without images,
            unknown classes, invalid options, or a failed download.
    """
    check_split(split)
    check_limit(limit)
    check_seed(seed)
    size = parse_image_size(image_size)
    if value_range is not None:
        value_range = check_value_range(value_range)

    full_set = _load_split(
        source, split=split, classes=classes, limit=limit, seed=seed, image_size=size, cache=cache
    )
    chosen, available = _choose(full_set, classes, limit, seed)
    images = full_set.images[chosen]
    natural_sizes = None if full_set.natural_sizes is None else full_set.natural_sizes[chosen]
    resize_note = _resize_note(natural_sizes, images.shape[1:3], size)
    if value_range is not None:
        images = scale_images(images, value_range)

    description = _describe(full_set.source_description, split, classes, resize_note, len(chosen), available)
    logger.info("Loaded %s", description)
    return ImageSet(
        images=images,
        labels=full_set.labels[chosen],
        class_names=full_set.class_names,
        source_description=description,
        value_range=value_range,
        natural_sizes=natural_sizes,
    )


def load_images(
    source,
    *,
    split="train",
    classes=None,
    limit=None,
    value_range=(-1, 1),
    seed=0,
    image_size=None,
    cache=True,
):
    """Load images only: the same as load_dataset(...).images.

    Returns:
        float32 (n, height, width, channels) in value_range, or uint8 in [0, 255]
        when value_range is None. See load_dataset for the arguments.
    """
    return load_dataset(
        source,
        split=split,
        classes=classes,
        limit=limit,
        value_range=value_range,
        seed=seed,
        image_size=image_size,
        cache=cache,
    ).images


def _load_split(source, *, split, classes, limit, seed, image_size, cache):
    """Return the uint8 images of the split: all of them, or with cache=False only those of classes."""
    if isinstance(source, str) and source.strip().lower() in SOURCE_NAMES:
        name = source.strip().lower()
        if name == "shapes":
            return _generate_shapes(split=split, classes=classes, limit=limit, seed=seed, image_size=image_size)
        cached_cifar10 = find_cached_cifar10() if name == "cifar10" else None
        if cached_cifar10 is not None:
            logger.info("Reading CIFAR-10 from the Keras cache at %s", cached_cifar10)
            return _load_path(cached_cifar10, split=split, classes=classes, image_size=image_size, cache=cache)
        return load_keras_dataset(name, split=split, image_size=image_size)

    if not isinstance(source, (str, os.PathLike)):
        raise DataError(
            f"Invalid source {source!r}: pass a data set name or a path. Names: {', '.join(SOURCE_NAMES)}."
        )
    path = Path(source).expanduser()
    if not path.exists():
        raise DataError(_missing_source_message(source))
    return _load_path(path, split=split, classes=classes, image_size=image_size, cache=cache)


def _missing_source_message(source):
    text = str(source)
    looks_like_name = "/" not in text and os.sep not in text and "." not in text
    if looks_like_name:
        return (
            f"Unknown data source {text!r}: it is neither a data set name nor an existing path. "
            f"Valid names: {', '.join(SOURCE_NAMES)}."
        )
    return (
        f"Data source not found: {text} does not exist. Check the path, or use a data set name "
        "(--dataset on the command line): "
        f"{', '.join(SOURCE_NAMES)}."
    )


def _generate_shapes(*, split, classes, limit, seed, image_size):
    class_indices = None
    if classes is not None:
        class_indices = select_class_indices(classes, SHAPE_NAMES, "the shapes data set")
    count = limit or DEFAULT_COUNTS[split]
    return generate_shapes(count, split=split, image_size=image_size, seed=seed, class_indices=class_indices)


def _load_path(path, *, split, classes, image_size, cache):
    """Read a folder or archive, through the cache unless cache is False."""
    if not cache:
        return _read_path(path, split=split, image_size=image_size, classes=classes)

    key = image_cache.source_key(path, split, image_size)
    cached = image_cache.read_cache(key)
    if cached is not None:
        return cached
    # The cache stores the whole split, so classes are applied only after this.
    image_set = _read_path(path, split=split, image_size=image_size, classes=None)
    image_cache.write_cache(key, image_set)
    return image_set


def _read_path(path, *, split, image_size, classes):
    path = path.resolve()
    with open_files(path) as files:
        names = files.list_files()
        batch_files = find_batch_files(names)
        if batch_files:
            return read_cifar_batches(files, batch_files, source=path, split=split, image_size=image_size)
        return read_image_files(
            files,
            names,
            source=path,
            source_name=source_stem(path),
            split=split,
            image_size=image_size,
            classes=classes,
        )


def _choose(image_set, classes, limit, seed):
    """Return (indices of the kept images, number available before the limit).

    The indices are shuffled with seed, so a small limit still mixes the classes.
    """
    keep = np.arange(len(image_set))
    if classes is not None:
        class_indices = select_class_indices(classes, image_set.class_names, image_set.source_description)
        keep = keep[np.isin(image_set.labels, class_indices)]
        if keep.size == 0:
            raise DataError(
                f"No readable images of class {classes!r} in {image_set.source_description}. "
                "Check the files of that class, or choose other classes."
            )
    keep = np.random.default_rng(seed).permutation(keep)
    return (keep if limit is None else keep[:limit]), len(keep)


def _resize_note(natural_sizes, image_size, requested_size):
    """Return a note such as "3 of them resized from 64x64 to 32x32", or None when none was resized.

    natural_sizes: int (n, 2) sizes before resizing, or None for generated images.
    image_size: the (height, width) of the loaded images. requested_size is None when
    the reader picked that size itself, as the most common size of a folder's images.
    """
    if natural_sizes is None or len(natural_sizes) == 0:
        return None
    resized = np.any(natural_sizes != np.asarray(image_size), axis=1)
    count, total = int(resized.sum()), len(natural_sizes)
    if count == 0:
        return None
    sizes = sorted({(int(height), int(width)) for height, width in natural_sizes[resized]})
    size_names = [f"{height}x{width}" for height, width in sizes]
    if len(size_names) > 3:
        size_names = size_names[:3] + [f"{len(sizes) - 3} other sizes"]
    sources = size_names[0] if len(size_names) == 1 else f"{', '.join(size_names[:-1])} and {size_names[-1]}"
    if total == 1:
        amount = ""
    elif count == total:
        amount = "all "
    else:
        amount = f"{count:,} of them "
    note = f"{amount}resized from {sources} to {image_size[0]}x{image_size[1]}"
    return note if requested_size is not None else f"{note}, the most common size"


def _describe(source_description, split, classes, resize_note, count, available):
    details = [f"{split} split"]
    if classes is not None:
        names = [classes] if isinstance(classes, str) else list(classes)
        details.append(f"classes {', '.join(names)}")
    noun = "image" if available == 1 else "images"
    details.append(f"{count:,} {noun}" if count == available else f"{count:,} of {available:,} {noun}")
    if resize_note is not None:
        details.append(resize_note)
    return f"{source_description} ({', '.join(details)})"
