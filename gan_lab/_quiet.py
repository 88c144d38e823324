"""Import TensorFlow without its start-up log lines.

TensorFlow 2.21 writes informational lines (oneDNN, CUDA drivers not found, CPU features)
straight to file descriptor 2 before its logging is configured, so TF_CPP_MIN_LOG_LEVEL
cannot hide them. They would clutter every command and notebook, so they go to /dev/null
while TensorFlow is imported and lists its devices. Set GAN_LAB_TF_LOGS=1 to keep them.
"""

import os
import sys
from contextlib import contextmanager


@contextmanager
def _stderr_silenced():
    sys.stderr.flush()
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def import_tensorflow():
    """Import TensorFlow, list its devices, and return the module."""
    if "tensorflow" in sys.modules or os.environ.get("GAN_LAB_TF_LOGS"):
        import tensorflow

        return tensorflow
    # Level 3 also hides the ERROR-level "remapper failed" line that TensorFlow 2.21's graph
    # optimiser prints for a convolution followed by LeakyReLU. It is harmless, but it alarms
    # learners. Errors still reach Python as exceptions.
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    # An import error still reaches the caller: stderr is restored before it propagates.
    with _stderr_silenced():
        import tensorflow

        tensorflow.config.list_physical_devices()
    return tensorflow
