"""Builders for the small data sets that the gan_lab.data tests create in tmp_path."""

import pickle
import tarfile
import zipfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

CIFAR_CLASSES = ("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck")
REPO_ROOT = Path(__file__).resolve().parents[1]
REAL_CIFAR10_JPG = REPO_ROOT.parent / "shared" / "data" / "cifar10-jpg.tar.gz"


@pytest.fixture(autouse=True)
def isolated_data_env(monkeypatch, tmp_path):
    """Keep every test's cache and Keras folder in tmp_path, away from the home folder."""
    monkeypatch.setenv("GAN_LAB_CACHE", str(tmp_path / "gan_lab_cache"))
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras_home"))
    monkeypatch.delenv("GAN_LAB_DATA", raising=False)
    monkeypatch.delenv("COLAB_RELEASE_TAG", raising=False)


def cifar_batch(count, rng, label_offset=0):
    """Return a dict in the CIFAR-10 batch format, bytes keys as in the official files."""
    return {
        b"batch_label": b"synthetic batch",
        b"labels": [(index + label_offset) % 10 for index in range(count)],
        b"data": rng.integers(0, 256, size=(count, 3072), dtype=np.uint8),
        b"filenames": [f"image_{index}.png".encode() for index in range(count)],
    }


def write_cifar_folder(folder, per_batch=4, test_count=5, seed=0, protocol=2):
    """Write cifar-10-batches-py/ with tiny batches under folder and return its path.

    Each train batch contains per_batch images. Protocol 2 is what the official files use.
    """
    rng = np.random.default_rng(seed)
    batches = Path(folder) / "cifar-10-batches-py"
    batches.mkdir(parents=True)
    meta = {b"label_names": [name.encode() for name in CIFAR_CLASSES], b"num_cases_per_batch": per_batch}
    _dump(batches / "batches.meta", meta, protocol)
    for index in range(1, 6):
        _dump(batches / f"data_batch_{index}", cifar_batch(per_batch, rng, label_offset=index), protocol)
    _dump(batches / "test_batch", cifar_batch(test_count, rng), protocol)
    return batches


def read_cifar_reference(batches, split):
    """Return (images (n, 32, 32, 3), labels) decoded independently of gan_lab."""
    files = [f"data_batch_{index}" for index in range(1, 6)] if split == "train" else ["test_batch"]
    images, labels = [], []
    for file in files:
        with open(Path(batches) / file, "rb") as handle:
            batch = pickle.load(handle)
        images.append(batch[b"data"].reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1))
        labels.extend(batch[b"labels"])
    return np.concatenate(images), np.asarray(labels)


def _dump(path, content, protocol=2):
    with open(path, "wb") as handle:
        pickle.dump(content, handle, protocol=protocol)


def write_image(path, size=(8, 8), colour=(200, 30, 30), mode="RGB", file_format=None):
    """Write a solid image of size (height, width) and return its path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    height, width = size
    if mode == "L":
        image = Image.new("L", (width, height), colour if isinstance(colour, int) else colour[0])
    elif mode == "RGBA":
        image = Image.new("RGBA", (width, height), (*colour[:3], 128))
    else:
        image = Image.new("RGB", (width, height), colour)
    image.save(path, format=file_format)
    return path


def write_class_folder(root, classes=("cat", "dog"), per_class=3, size=(8, 8)):
    """Write root/<class>/<index>.png, each class in its own solid colour."""
    colours = [(220, 20, 20), (20, 220, 20), (20, 20, 220), (220, 220, 20)]
    for class_index, name in enumerate(classes):
        for index in range(per_class):
            write_image(Path(root) / name / f"{index:03d}.png", size, colours[class_index % len(colours)])
    return Path(root)


def tar_folder(folder, archive, mode="w:gz", arcname=None):
    """Pack folder into a tar archive whose members start with arcname (default: none)."""
    with tarfile.open(archive, mode) as tar:
        for path in sorted(Path(folder).rglob("*")):
            relative = path.relative_to(folder).as_posix()
            tar.add(path, arcname=f"{arcname}/{relative}" if arcname else relative, recursive=False)
    return Path(archive)


def zip_folder(folder, archive, arcname=None):
    """Pack folder into a zip archive whose members start with arcname (default: none)."""
    with zipfile.ZipFile(archive, "w") as handle:
        for path in sorted(Path(folder).rglob("*")):
            if path.is_file():
                relative = path.relative_to(folder).as_posix()
                handle.write(path, f"{arcname}/{relative}" if arcname else relative)
    return Path(archive)
