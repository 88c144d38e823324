"""The grader's time and memory limits, kept apart so the command line can read their defaults
without importing the Jupyter packages."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    """Time limits in seconds and the kernel's memory limit in MiB (0 means none)."""

    cell_timeout: float = 120
    total_timeout: float = 600
    probe_timeout: float = 120
    memory_mb: int = 4096
