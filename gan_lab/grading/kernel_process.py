"""The graded kernel's process: its launch command, environment, output and process group.

The kernel starts through ``kernel_launcher.py``, which sets the memory limit and makes the
kernel the leader of a new session, so its process group contains the kernel and every
process that the learner's code starts without leaving that group. Stopping the session
kills the whole group.
"""

import logging
import os
import signal
import sys
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager

LAUNCHER = Path(__file__).with_name("kernel_launcher.py")
# Set in the kernel's environment unless the grader's caller set them. Level 3 hides
# TensorFlow's C++ start-up and graph-optimizer lines, which would only fill the kernel's log.
# GAN_LAB_DATA=shapes makes the lessons load the generated shapes set, which needs no file
# and loads the same way on every machine; the checks use their own inputs in any case.
KERNEL_DEFAULTS = {"TF_CPP_MIN_LOG_LEVEL": "3", "GAN_LAB_DATA": "shapes"}

log = logging.getLogger(__name__)


class DebugOnlyLog(logging.LoggerAdapter):
    """A logger for nbclient and jupyter_client that writes every record at DEBUG level.

    Their messages ("Timeout waiting for execute reply", "Kernel died while waiting") repeat
    what the grader reports in the results itself, so they are shown only with ``--verbose``.
    """

    def log(self, level, msg, *args, **kwargs):
        super().log(logging.DEBUG, msg, *args, **kwargs)


JUPYTER_LOG = DebugOnlyLog(logging.getLogger("gan_lab.grading.jupyter"), {})


class LimitedKernelManager(AsyncKernelManager):
    """A kernel manager that starts the kernel through ``kernel_launcher.py`` with a memory limit.

    ``kernel_pid`` is the kernel's process id once it started. It is also the id of the
    kernel's process group, because the kernel leads its own session.
    """

    memory_mb = 0
    kernel_pid = None

    def format_kernel_cmd(self, extra_arguments=None):
        command = super().format_kernel_cmd(extra_arguments)
        return [sys.executable, str(LAUNCHER), str(int(self.memory_mb) * 2**20), "--", *command]

    async def start_kernel(self, **kwargs):
        try:
            await super().start_kernel(**kwargs)
        finally:
            self.kernel_pid = getattr(self.provisioner, "pid", None) or self.kernel_pid


def kernel_environment():
    """Return the kernel's environment: this process's, plus ``KERNEL_DEFAULTS`` where unset."""
    return {**KERNEL_DEFAULTS, **os.environ}


def kill_process_group(pid):
    """Kill the process group ``pid`` (the kernel's) with SIGKILL; return True if it still existed.

    Nothing happens on platforms without process groups (Windows).
    """
    if pid is None or not hasattr(os, "killpg"):
        return False
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        return False
    except PermissionError as error:
        log.warning("could not kill the kernel's process group %d: %s", pid, error)
        return False
    return True
