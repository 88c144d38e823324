"""Read a folder, or an archive of a folder, of image files into uint8 arrays.

Layouts, after dropping a single top folder that wraps everything (as when a folder is
zipped with its own name):

- flat: every image sits in one folder, and the class is that folder's name;
- per class: one subfolder per class, and the class is the subfolder name. Images
  deeper down count for their top subfolder, and images beside the class subfolders
  are skipped;
- split: train/ and test/ subfolders, each flat or per class. split picks one.

Hidden files and folders (names starting with ".") and __MACOSX folders are ignored.
"""

import logging

import numpy as np

from gan_lab.data.errors import DataError
from gan_lab.data.image_decoding import IMAGE_SUFFIXES, decode_image, stack_images
from gan_lab.data.image_set import ImageSet
from gan_lab.data.validation import SPLITS, select_class_indices

logger = logging.getLogger(__name__)

EXAMPLE_NAME_COUNT = 3


def read_image_files(files, names, *, source, source_name, split, image_size, classes=None):
    """Decode the images of one split from an object returned by archives.open_files.

    Args:
        files: FolderFiles, TarFiles or ZipFiles, already open.
        names: files.list_files(), the POSIX paths of all files in it.
        source: the folder or archive path, for messages.
        source_name: class name for a flat layout without a wrapping folder.
        split: "train" or "test".
        image_size: (height, width) to resize to, or None for the most common size.
        classes: class names to decode, or None for all. Skipping the other classes
            before decoding is what makes a filtered load of a large archive quick.

    Returns:
        ImageSet of uint8 (n, height, width, channels), with labels indexing all
        class names of the split and the images in sorted file name order.
    """
    visible = [name for name in names if not _is_hidden(name)]
    image_names = [name for name in visible if _suffix(name) in IMAGE_SUFFIXES]
    image_name_set = set(image_names)
    skipped = {"not an image file": [name for name in visible if name not in image_name_set]}
    skipped["unsafe archive member name"] = list(files.unsafe_names)
    if not image_names:
        raise DataError(
            f"No image files found in {source}. Expected files ending in "
            f"{', '.join(sorted(IMAGE_SUFFIXES))}, flat or in one subfolder per class."
        )

    entries, skipped["outside the class folders"] = _resolve_layout(image_names, source, source_name, split)
    class_names = tuple(sorted({class_name for _, class_name in entries}))
    if classes is not None:
        kept_classes = {class_names[index] for index in select_class_indices(classes, class_names, str(source))}
        entries = [(name, class_name) for name, class_name in entries if class_name in kept_classes]

    arrays, labels, natural_sizes, unreadable = _decode_entries(files, entries, class_names, image_size)
    skipped["unreadable image"] = unreadable
    _warn_about_skipped(source, skipped)
    if not arrays:
        raise DataError(
            f"None of the {len(entries)} image files in {source} ({split} split) could be read. "
            "Check that they are valid JPEG or PNG files."
        )
    return ImageSet(
        images=stack_images(arrays, image_size),
        labels=np.asarray(labels, dtype=np.int64),
        class_names=class_names,
        source_description=f"Images from {source}",
        natural_sizes=np.asarray(natural_sizes, dtype=np.int32).reshape(-1, 2),
    )


# Names from list_files are clean relative POSIX paths, so plain string splitting is
# safe here, and much faster than PurePosixPath for tens of thousands of names.
def _is_hidden(name):
    return any(part.startswith(".") or part == "__MACOSX" for part in name.split("/"))


def _suffix(name):
    file_name = name.rpartition("/")[2]
    stem, dot, extension = file_name.rpartition(".")
    return f".{extension.lower()}" if dot and stem else ""


def _resolve_layout(image_names, source, source_name, split):
    """Return ([(name, class_name)] for the split, [names outside the class folders])."""
    parts = [tuple(name.split("/")) for name in image_names]

    # A folder zipped under its own name wraps everything in one top folder: drop it.
    depth = 0
    while all(len(p) > depth + 1 for p in parts) and len({p[depth] for p in parts}) == 1:
        if parts[0][depth].lower() in SPLITS:
            break
        source_name = parts[0][depth]
        depth += 1

    tops = {p[depth].lower() for p in parts if len(p) > depth + 1}
    if tops & set(SPLITS):
        chosen = [
            (name, p) for name, p in zip(image_names, parts) if len(p) > depth + 1 and p[depth].lower() == split
        ]
        if not chosen:
            raise DataError(
                f"{source} has no images in a {split}/ folder. "
                f"Found splits: {', '.join(sorted(tops & set(SPLITS)))}. Pass one of them as split."
            )
        depth += 1
    elif split != "train":
        raise DataError(
            f"{source} has no train/ and test/ folders, so all of its images form the train split. "
            'Pass split="train", or put the test images in a test/ folder beside a train/ folder.'
        )
    else:
        chosen = list(zip(image_names, parts))
    return _assign_classes(chosen, depth, source_name)


def _assign_classes(chosen, depth, source_name):
    if all(len(p) == depth + 1 for _, p in chosen):
        return [(name, source_name) for name, _ in chosen], []
    entries = [(name, p[depth]) for name, p in chosen if len(p) > depth + 1]
    loose = [name for name, p in chosen if len(p) == depth + 1]
    return entries, loose


def _decode_entries(files, entries, class_names, image_size):
    class_of = dict(entries)
    label_of_class = {class_name: index for index, class_name in enumerate(class_names)}
    arrays, labels, natural_sizes, unreadable = {}, {}, {}, []
    # NOTE: decoding runs in one thread. For 32x32 JPEGs a pool of two threads was
    # slower on a 2-core machine, because Pillow's per-file Python work holds the GIL.
    for name, data in files.read([name for name, _ in entries]):
        decoded = None if data is None else decode_image(data, image_size)
        if decoded is None:
            unreadable.append(name)
            continue
        arrays[name], natural_sizes[name] = decoded
        labels[name] = label_of_class[class_of[name]]
    # Archives are read in member order, so sort to give folders and archives one order.
    order = sorted(arrays)
    return (
        [arrays[name] for name in order],
        [labels[name] for name in order],
        [natural_sizes[name] for name in order],
        unreadable,
    )


def _warn_about_skipped(source, skipped):
    """Log one warning that counts the skipped files by reason, with a few examples."""
    count = sum(len(names) for names in skipped.values())
    if count == 0:
        return
    reasons = ", ".join(f"{len(names)} {reason}" for reason, names in skipped.items() if names)
    examples = [name for names in skipped.values() for name in names][:EXAMPLE_NAME_COUNT]
    logger.warning(
        "Skipped %d files in %s (%s), for example: %s",
        count,
        source,
        reasons,
        ", ".join(examples),
    )
