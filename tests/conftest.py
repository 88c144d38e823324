"""Shared fixtures: small seeded image sets and freshly built networks."""

from pathlib import Path

import gan_lab  # noqa: F401  (first, so that TensorFlow is imported without its log lines)
import keras
import numpy as np
import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
CIFAR10_JPG = REPO_ROOT.parent / "shared" / "data" / "cifar10-jpg.tar.gz"


@pytest.fixture
def random_images():
    """float32 (256, 32, 32, 3) uniform noise in [-1, 1]."""
    rng = np.random.default_rng(0)
    return rng.uniform(-1, 1, (256, 32, 32, 3)).astype("float32")


@pytest.fixture
def seeded():
    """Seed Python, NumPy and TensorFlow so that built weights repeat."""
    keras.utils.set_random_seed(0)


def weights_of(model):
    """Copies of every variable of a model, BatchNormalization statistics included."""
    return [variable.numpy().copy() for variable in model.variables]


def changed(before, model):
    """Return, per variable, whether it differs from the copy in ``before``."""
    return [not np.array_equal(old, variable.numpy()) for old, variable in zip(before, model.variables)]
