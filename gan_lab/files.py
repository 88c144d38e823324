"""Atomic file writes: a crash never leaves a half-written result behind."""

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def atomic_path(path):
    """Yield a temporary path beside ``path``; on success, rename it onto ``path``.

    The rename is atomic on POSIX file systems and on Windows (``os.replace``), so readers
    see either the old file or the complete new one. On an exception the temporary file is
    removed and ``path`` is left as it was.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(handle)
    # mkstemp creates the file readable by its owner only; give it the usual permissions.
    os.chmod(temporary, 0o666 & ~_current_umask())
    try:
        yield Path(temporary)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _current_umask():
    umask = os.umask(0)
    os.umask(umask)
    return umask


def atomic_write_text(path, text):
    with atomic_path(path) as temporary:
        temporary.write_text(text)
