"""Cache of decoded images, so a data set on disk is decoded once and then loaded quickly.

Each cache file is an uncompressed .npz holding every image of one split of one source
as uint8, with labels, class names, each image's size before resizing and the key it
was built for. The key contains the
resolved path, the file size and modification time in nanoseconds (for a folder, those
of every file in it), the split and the image size, so changing the source makes a new
key. Old entries are not deleted: remove the cache folder to reclaim the space.
"""

import hashlib
import json
import logging
import os
import re
import tempfile
import zipfile
from pathlib import Path

import numpy as np

from gan_lab.data.image_set import ImageSet

logger = logging.getLogger(__name__)

CACHE_ENV_VAR = "GAN_LAB_CACHE"
DEFAULT_CACHE_DIR = Path("~/.cache/gan_lab")
# Increase when the stored arrays change meaning, so old cache files stop matching.
# Format 2 added natural_sizes.
CACHE_FORMAT = 2
CACHE_READ_ERRORS = (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile)


def cache_dir():
    """Return the cache folder: $GAN_LAB_CACHE if set, else ~/.cache/gan_lab."""
    return Path(os.environ.get(CACHE_ENV_VAR) or DEFAULT_CACHE_DIR).expanduser()


def source_key(path, split, image_size):
    """Return a JSON-serialisable dict that changes whenever the source's files change."""
    path = Path(path).resolve()
    key = {"format": CACHE_FORMAT, "path": str(path), "split": split}
    key["image_size"] = None if image_size is None else list(image_size)
    if path.is_dir():
        key["listing"] = _folder_fingerprint(path)
    else:
        stat = path.stat()
        key["size"] = stat.st_size
        key["mtime_ns"] = stat.st_mtime_ns
    return key


def _folder_fingerprint(root):
    """Hash the relative path, size and mtime_ns of every file below root."""
    digest = hashlib.sha256()
    for folder, _, files in sorted(os.walk(root)):
        for file in sorted(files):
            path = Path(folder) / file
            try:
                stat = path.stat()
            except OSError:
                continue
            digest.update(f"{path.relative_to(root).as_posix()}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def cache_path(key):
    """Return the cache file for key: <source name>-<split>-<hash of the key>.npz."""
    digest = hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()[:20]
    readable = re.sub(r"[^A-Za-z0-9_.-]+", "_", Path(key["path"]).name)[:40]
    return cache_dir() / f"{readable}-{key['split']}-{digest}.npz"


def read_cache(key):
    """Return the cached ImageSet (uint8 images) for key, or None when there is none.

    A cache file that cannot be read, or that was built for another key, is reported
    in a warning and treated as missing, so the caller rebuilds and overwrites it.
    """
    path = cache_path(key)
    if not path.is_file():
        return None
    try:
        with np.load(path, allow_pickle=False) as stored:
            stored_key = json.loads(str(stored["key"]))
            image_set = ImageSet(
                images=stored["images"],
                labels=stored["labels"],
                class_names=tuple(str(name) for name in stored["class_names"]),
                source_description=str(stored["source_description"]),
                natural_sizes=stored["natural_sizes"],
            )
    except CACHE_READ_ERRORS as error:
        logger.warning("Ignoring unreadable cache file %s (%s). Decoding the source again.", path, error)
        return None
    if stored_key != key or not _is_consistent(image_set):
        logger.warning(
            "Ignoring cache file %s because it does not match its source. Decoding the source again.", path
        )
        return None
    logger.info("Loaded %d images from cache file %s", len(image_set), path)
    return image_set


def _is_consistent(image_set):
    images, labels = image_set.images, image_set.labels
    return (
        images.dtype == np.uint8
        and images.ndim == 4
        and labels.shape == (len(images),)
        and image_set.natural_sizes.shape == (len(images), 2)
        and (labels.size == 0 or 0 <= labels.min() <= labels.max() < len(image_set.class_names))
    )


def write_cache(key, image_set):
    """Store image_set (uint8 images) for key, atomically.

    The arrays go to a temporary file in the cache folder that then replaces the cache
    file in one os.replace call, so a crash leaves either the old file or the new one.
    A cache folder that cannot be written is reported in a warning and not an error.
    """
    path = cache_path(key)
    temporary = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}-", suffix=".tmp")
        with os.fdopen(handle, "wb") as file:
            np.savez(
                file,
                images=image_set.images,
                labels=image_set.labels,
                class_names=np.asarray(image_set.class_names, dtype=str),
                source_description=np.asarray(image_set.source_description),
                natural_sizes=image_set.natural_sizes,
                key=np.asarray(json.dumps(key, sort_keys=True)),
            )
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
        temporary = None
        logger.info("Wrote %d images to cache file %s", len(image_set), path)
    except OSError as error:
        logger.warning("Cannot write cache file %s (%s). The next load decodes the source again.", path, error)
    finally:
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)
