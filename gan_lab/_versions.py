"""Check that the installed TensorFlow and Keras are new enough for gan_lab."""

from importlib import metadata

MIN_TENSORFLOW = (2, 16)
MIN_KERAS = (3, 0)


def _parse_version(text):
    parts = []
    for piece in text.split(".")[:2]:
        digits = "".join(ch for ch in piece if ch.isdigit())
        parts.append(int(digits) if digits else 0)
    return tuple(parts)


def _installed_version(*distributions):
    for name in distributions:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return None


def check_versions(tensorflow_version=None, keras_version=None):
    """Raise ImportError unless TensorFlow >= 2.16 and Keras >= 3 are installed.

    The versions are read from the installed package metadata, so the check runs before
    TensorFlow is imported. Passing versions explicitly checks those strings instead.
    """
    if tensorflow_version is None:
        tensorflow_version = _installed_version(
            "tensorflow", "tensorflow-cpu", "tensorflow-macos", "tf-nightly"
        )
    if keras_version is None:
        keras_version = _installed_version("keras", "keras-nightly")

    problems = []
    if tensorflow_version is None:
        problems.append("TensorFlow is not installed")
    elif _parse_version(tensorflow_version) < MIN_TENSORFLOW:
        problems.append(f"found TensorFlow {tensorflow_version}")
    if keras_version is None:
        problems.append("Keras is not installed")
    elif _parse_version(keras_version) < MIN_KERAS:
        problems.append(f"found Keras {keras_version}")

    if problems:
        raise ImportError(
            "gan_lab needs TensorFlow 2.16 or newer with Keras 3, but "
            + " and ".join(problems)
            + '. Upgrade with: pip install --upgrade "tensorflow>=2.16" "keras>=3"'
        )
