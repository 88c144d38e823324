"""Read the official CIFAR-10 python batches without running code from them.

The archive cifar-10-python.tar.gz unpacks to cifar-10-batches-py/ with data_batch_1 to
data_batch_5 (train), test_batch (test) and batches.meta (label names). Each batch is a
pickled dict: b"data" is uint8 (10000, 3072) with the red, green and blue planes of a
32x32 image in one row, and b"labels" is a list of ints.

A pickle can call any importable function while it loads, so these files are untrusted
input. SafeUnpickler resolves only the few names that NumPy arrays need.
"""

import codecs
import importlib
import io
import pickle

import numpy as np

from gan_lab.data.errors import DataError
from gan_lab.data.image_decoding import resize_images
from gan_lab.data.image_set import ImageSet

META_FILE = "batches.meta"
SPLIT_FILES = {
    "train": tuple(f"data_batch_{index}" for index in range(1, 6)),
    "test": ("test_batch",),
}
SIDE = 32


def _numpy_module(name):
    """Import a NumPy core module under its NumPy 2 name, else its NumPy 1 name."""
    try:
        return importlib.import_module(f"numpy._core.{name}")
    except ImportError:
        return importlib.import_module(f"numpy.core.{name}")


def _allowed_globals():
    multiarray = _numpy_module("multiarray")
    numeric = _numpy_module("numeric")
    allowed = {
        ("numpy", "ndarray"): np.ndarray,
        ("numpy", "dtype"): np.dtype,
        # Python 3 pickles of protocol 2 store bytes as _codecs.encode(str, "latin1").
        ("_codecs", "encode"): codecs.encode,
    }
    # Pickles name the core modules as the NumPy that wrote them did (1.x or 2.x).
    for package in ("numpy.core", "numpy._core"):
        allowed[(f"{package}.multiarray", "_reconstruct")] = multiarray._reconstruct
        allowed[(f"{package}.multiarray", "scalar")] = multiarray.scalar
        allowed[(f"{package}.numeric", "_frombuffer")] = numeric._frombuffer
    return allowed


class SafeUnpickler(pickle.Unpickler):
    """An Unpickler that builds NumPy arrays, dtypes and plain containers only.

    Any other global, such as os.system, raises DataError before it is imported.
    """

    allowed = _allowed_globals()

    def find_class(self, module, name):
        try:
            return self.allowed[(module, name)]
        except KeyError:
            raise DataError(
                f"Rejected pickle: it refers to {module}.{name}, which a CIFAR-10 batch never "
                "needs, so the file may be malicious. Use the official cifar-10-python.tar.gz "
                "from the CIFAR-10 web site, or a folder or archive of image files."
            ) from None


def load_pickle(data, name):
    """Unpickle bytes with SafeUnpickler, raising DataError that names the member on failure."""
    try:
        return SafeUnpickler(io.BytesIO(data), encoding="bytes").load()
    except DataError as error:
        raise DataError(f"{name}: {error}") from None
    except (pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError, IndexError) as error:
        raise DataError(
            f"{name} is not a valid CIFAR-10 batch ({type(error).__name__}: {error}). "
            "The file may be damaged: download cifar-10-python.tar.gz again."
        ) from error


def find_batch_files(names):
    """Return {file name: member name} for the CIFAR-10 batch files among names.

    Returns an empty dict unless batches.meta is there, which marks the layout.
    """
    by_file = {}
    for name in names:
        file_name = name.rpartition("/")[2]
        if file_name == META_FILE or any(file_name in files for files in SPLIT_FILES.values()):
            by_file.setdefault(file_name, name)
    return by_file if META_FILE in by_file else {}


def read_cifar_batches(files, batch_files, *, source, split, image_size):
    """Read one split of the CIFAR-10 python batches.

    Args:
        files: an object from archives.open_files.
        batch_files: the result of find_batch_files for its names.

    Returns:
        ImageSet of uint8 (n, 32, 32, 3), or image_size if given, with int64 labels and
        the ten class names from batches.meta.
    """
    missing = [file for file in (META_FILE, *SPLIT_FILES[split]) if file not in batch_files]
    if missing:
        raise DataError(
            f"{source} looks like the CIFAR-10 python layout but lacks {', '.join(missing)}. "
            "Download cifar-10-python.tar.gz again, or pass the archive instead of a partial folder."
        )

    meta_name = batch_files[META_FILE]
    batch_names = [batch_files[file] for file in SPLIT_FILES[split]]
    contents = dict(files.read([meta_name, *batch_names]))
    unreadable = [name for name, data in contents.items() if data is None]
    if unreadable:
        raise DataError(f"Cannot read {', '.join(unreadable)} in {source}. Check the file permissions.")

    class_names = _parse_meta(load_pickle(contents[meta_name], meta_name), meta_name)
    images, labels = [], []
    for name in batch_names:
        batch_images, batch_labels = _parse_batch(load_pickle(contents.pop(name), name), name, len(class_names))
        images.append(batch_images)
        labels.append(batch_labels)
    images = np.concatenate(images)
    return ImageSet(
        images=resize_images(images, image_size),
        labels=np.concatenate(labels),
        class_names=class_names,
        source_description=f"CIFAR-10 from {source}",
        natural_sizes=np.tile(np.asarray(images.shape[1:3], dtype=np.int32), (len(images), 1)),
    )


def _decoded_keys(content, name):
    if not isinstance(content, dict):
        raise DataError(f"{name} is not a CIFAR-10 batch: it contains a {type(content).__name__}, not a dict.")
    return {key.decode("latin1") if isinstance(key, bytes) else key: value for key, value in content.items()}


def _parse_meta(content, name):
    label_names = _decoded_keys(content, name).get("label_names")
    if not isinstance(label_names, (list, tuple)) or not label_names:
        raise DataError(f"{name} has no label_names list, so it is not CIFAR-10 metadata.")
    return tuple(label.decode("utf-8") if isinstance(label, bytes) else str(label) for label in label_names)


def _parse_batch(content, name, class_count):
    content = _decoded_keys(content, name)
    data, labels = content.get("data"), content.get("labels")
    if not isinstance(data, np.ndarray) or data.dtype != np.uint8 or data.shape[1:] != (3 * SIDE * SIDE,):
        raise DataError(f"{name} has no uint8 (n, 3072) data array, so it is not a CIFAR-10 batch.")
    if not isinstance(labels, (list, tuple, np.ndarray)) or len(labels) != len(data):
        raise DataError(
            f"{name} has {len(data)} images but no list of as many labels. "
            "CIFAR-100 batches, which store fine_labels instead, are not supported."
        )
    labels = np.asarray(labels, dtype=np.int64)
    if labels.size and (labels.min() < 0 or labels.max() >= class_count):
        raise DataError(f"{name} has labels outside 0..{class_count - 1}, so it does not match batches.meta.")
    # Each row contains three 32x32 planes (red, green, blue), so move the channel axis last.
    images = data.reshape(-1, 3, SIDE, SIDE).transpose(0, 2, 3, 1)
    return np.ascontiguousarray(images), labels
