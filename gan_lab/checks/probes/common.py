"""Helpers shared by the probes: name look-up, error capture, plain data and weight snapshots."""

import json
import math
import os
import re
import sysconfig
import traceback
from pathlib import Path

import keras
import numpy as np

from gan_lab.checks.base import shorten_error_text

# Frames of the learner's own code kept in an error message, counted from the innermost.
LEARNER_FRAMES = 3
GAN_LAB_FOLDER = Path(__file__).resolve().parents[2]
# Files that are not the learner's: gan_lab itself, installed packages and the standard library.
NOT_LEARNER_FOLDERS = tuple(
    str(Path(folder).resolve())
    for folder in {str(GAN_LAB_FOLDER), *(sysconfig.get_paths()[key] for key in ("stdlib", "platstdlib", "purelib", "platlib"))}
)
# ipykernel compiles each notebook cell into a file such as /tmp/ipykernel_1234/567890.py.
NOTEBOOK_CELL_FILE = re.compile(r"ipykernel_\d+[/\\]\d+\.py$|^<ipython-input-")


class MissingName(LookupError):
    """Raised when the learner's namespace does not define a name that the exercise requires."""

    def __init__(self, name):
        super().__init__(name)
        self.name = name


def lookup(namespace, name):
    """Return ``namespace[name]`` or raise ``MissingName``."""
    if name not in namespace:
        raise MissingName(name)
    return namespace[name]


def describe_error(error):
    """Return an error message for the learner: the learner's own frames, then ``Type: message``.

    Frames in gan_lab's files, installed packages and the standard library are left out, so the
    message shows no file of the grader and no path of its installation. Notebook cells are
    named "a notebook cell", other learner files by their name only.
    """
    summary = traceback.TracebackException.from_exception(error)
    stack = list(summary.stack)
    # The outermost frames are the cell that called the check (the grader's probe cell, or the
    # learner's check cell), so only frames inside the check's call count.
    first_check_frame = next((index for index, frame in enumerate(stack) if not _is_learner_file(frame.filename)), 0)
    learner_frames = [frame for frame in stack[first_check_frame:] if _is_learner_file(frame.filename)]
    lines = []
    for frame in learner_frames[-LEARNER_FRAMES:]:
        lines.append(f"  {_file_name(frame.filename)}, line {frame.lineno}, in {frame.name}")
        if frame.line:
            lines.append(f"    {frame.line.strip()}")
    header = ["Traceback of your code (most recent call last):"] if lines else []
    message = shorten_error_text("".join(summary.format_exception_only()).rstrip())
    return "\n".join([*header, *lines, message])


def _is_learner_file(filename):
    if filename.startswith("<frozen "):
        return False
    if NOTEBOOK_CELL_FILE.search(filename):
        return True
    resolved = str(Path(filename).resolve())
    return not any(resolved == folder or resolved.startswith(folder + os.sep) for folder in NOT_LEARNER_FOLDERS)


def _file_name(filename):
    return "In a notebook cell" if NOTEBOOK_CELL_FILE.search(filename) else f"In file {Path(filename).name}"


def to_plain(value):
    """Convert numpy scalars and arrays, tuples and non-finite floats to JSON-ready values."""
    if isinstance(value, dict):
        return {str(key): to_plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_plain(item) for item in value]
    if isinstance(value, np.ndarray):
        return to_plain(value.tolist())
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, (np.integer, int)):
        return int(value)
    if isinstance(value, (np.floating, float)):
        value = float(value)
        return value if math.isfinite(value) else repr(value)
    if value is None or isinstance(value, str):
        return value
    return repr(value)


def run_probe(probe, namespace):
    """Run one probe and return its data with a ``status``: ok, missing or error.

    The result always survives ``json.dumps``: whatever the learner's objects return is
    converted to plain values first.
    """
    try:
        data = {"status": "ok", **probe(namespace)}
    except MissingName as missing:
        data = {"status": "missing", "missing": missing.name}
    except Exception as error:  # noqa: BLE001 (any error in learner code is data for the verify step)
        data = {"status": "error", "error": describe_error(error)}
    plain = to_plain(data)
    json.dumps(plain)
    return plain


def as_float(value):
    """Return ``value`` as a Python float, or its repr when it is not a number."""
    try:
        return float(np.asarray(value).reshape(-1)[0]) if np.size(value) == 1 else repr(value)
    except (TypeError, ValueError):
        return repr(value)


def snapshot(variables):
    """Return copies of the values of Keras variables."""
    return [np.array(variable.numpy(), copy=True) for variable in variables]


def changes(before, variables):
    """Return, per variable, the largest absolute change since ``before``."""
    return [float(np.max(np.abs(np.asarray(variable.numpy()) - old), initial=0.0))
            for old, variable in zip(before, variables)]


def is_keras_model(value):
    return isinstance(value, keras.Model)


def seeded(seed):
    """Seed Python, NumPy and TensorFlow, so every probe run draws the same weights and noise."""
    keras.utils.set_random_seed(seed)
    return np.random.default_rng(seed)


def square_images(n, image_shape, rng):
    """Return float32 ``(n, *image_shape)`` images in [-1, 1]: a bright square on a dark ground.

    A stand-in for real data that any discriminator separates quickly from an untrained
    generator's output, so the probes need no data set on disk.
    """
    height, width, channels = image_shape
    side = max(2, height // 3)
    images = np.full((n, height, width, channels), -0.8, "float32")
    for image in images:
        top, left = rng.integers(0, height - side + 1), rng.integers(0, width - side + 1)
        image[top : top + side, left : left + side, :] = 0.8
    images += rng.normal(0, 0.1, images.shape).astype("float32")
    return np.clip(images, -1, 1)
