"""The grader's time and memory limits, kept apart so the command line can read their defaults
without importing the Jupyter packages."""

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    """Time limits in seconds and the kernel's memory limit in MiB (0 means none)."""

    cell_timeout: float = 120
    total_timeout: float = 600
    probe_timeout: float = 120
    memory_mb: int = 4096


# Address space that a kernel needs to import TensorFlow 2.21 and build a small model: it used
# 1.9 GB on a 2-core Linux test machine, so 3 GiB leaves room for the learner's work.
RECOMMENDED_MEMORY_MB = 3072
# Words in the text of an ImportError or OSError that a failed memory map or allocation raises,
# e.g. "libtensorflow_cc.so.2: failed to map segment from shared object".
MEMORY_ERROR_WORDS = re.compile(r"\bmap\b|mmap|memory|allocat", re.IGNORECASE)


def is_memory_error(ename, evalue):
    """Return True for an error that running out of address space raises: a ``MemoryError``,
    or an ``ImportError`` or ``OSError`` whose text mentions mapping or memory."""
    if ename == "MemoryError":
        return True
    return ename in ("ImportError", "ModuleNotFoundError", "OSError") and bool(MEMORY_ERROR_WORDS.search(evalue))


def memory_advice(memory_mb, where, ename, evalue):
    """Return the line that advises the instructor to check ``--memory-mb``.

    ``where`` names the cell, or the step, that raised ``ename: evalue``.
    """
    found = f"{where} raised {ename}: {evalue}".rstrip(": ")
    if memory_mb < RECOMMENDED_MEMORY_MB:
        return (f"Memory limit: {found}. The grader ran this kernel with --memory-mb {memory_mb}, below "
                f"the {RECOMMENDED_MEMORY_MB} MiB (3 GiB) that TensorFlow needs, so this is the grader's "
                f"setting, not a mistake in the notebook. Raise --memory-mb to {RECOMMENDED_MEMORY_MB} or more "
                "and grade again.")
    return (f"Memory limit: {found}. The grader ran this kernel with --memory-mb {memory_mb}. If the notebook "
            "needs that much memory, raise --memory-mb and grade again. Otherwise look for an allocation "
            "larger than intended.")
