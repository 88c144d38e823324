"""Execute a notebook in a fresh, memory-limited kernel, cell by cell, within time limits.

``KernelSession`` keeps the kernel open after the notebook ran, so the probes can run in
it, and records what happened to each cell: errors, time-outs, a kernel that died or
stopped responding.
"""

import asyncio
import logging
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from jupyter_core.utils import run_sync
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError

from gan_lab.grading.limits import Limits  # noqa: F401 (re-exported for callers of KernelSession)
from gan_lab.checks.base import shorten_error_text
from gan_lab.grading.cells import cell_label
from gan_lab.grading.kernel_process import JUPYTER_LOG, LimitedKernelManager, kernel_environment, kill_process_group
from gan_lab.grading.limits import is_memory_error, memory_advice

log = logging.getLogger(__name__)

# After an interrupt, a kernel that does not complete a trivial cell within this time (or the
# cell time limit, if shorter) is treated as hung (a loop that catches KeyboardInterrupt, for instance).
PING_TIMEOUT = 15
# Bytes of the kernel's own stdout and stderr shown in the grader's debug log when it stops.
KERNEL_OUTPUT_TAIL = 4000


@dataclass
class ExecutionLog:
    """Record of a notebook run: per-cell errors and time-outs, and the kernel's final state."""

    code_cells: int = 0
    cells_run: int = 0
    # Each error and time-out names its cell: "cell" and "code_cell" count from 1, "label" is
    # the cell's name in messages (see gan_lab.grading.cells).
    errors: list = field(default_factory=list)
    timeouts: list = field(default_factory=list)
    # Names of the code cells that the total time limit left unrun.
    not_run: list = field(default_factory=list)
    kernel_state: str = "alive"  # alive, dead or unresponsive
    kernel_problem: str = ""
    # Why the run stopped early: "", "kernel died", "kernel stopped responding" or "total time limit reached".
    stop_reason: str = ""
    # Advice when an error suggests that the kernel's memory limit is too low, else "".
    memory_problem: str = ""
    seconds: float = 0.0

    def to_dict(self):
        return dict(self.__dict__)


class KernelSession:
    """A fresh kernel that runs one notebook and then the grader's own cells.

    Use as a context manager: the kernel is shut down on exit, whatever happened.
    ``workdir`` is the kernel's working directory.
    """

    def __init__(self, notebook, workdir, limits):
        self.notebook = notebook
        # nbclient stores each executed cell at its index in the notebook, so the probe cells and
        # the trivial cell after a time-out replace cells there. Messages name the submitted cells.
        self.submitted_cells = list(notebook.cells)
        self.limits = limits
        self.log = ExecutionLog()
        manager = LimitedKernelManager(kernel_name="python3", log=JUPYTER_LOG)
        manager.memory_mb = limits.memory_mb
        if sys.platform != "win32":
            # Unix sockets in the kernel's working folder, so the kernel opens no TCP port.
            manager.transport = "ipc"
            manager.ip = str(Path(workdir) / ".kernel")
        self.manager = manager
        self.client = NotebookClient(
            notebook, km=manager, kernel_name="python3", timeout=int(limits.cell_timeout),
            allow_errors=True, record_timing=False, resources={"metadata": {"path": str(workdir)}},
            shutdown_kernel="immediate", log=JUPYTER_LOG,
        )
        self._context = None
        self._kernel_output = None

    def __enter__(self):
        # The kernel's own stdout and stderr (TensorFlow's start-up lines, warnings) go to a
        # temporary file, not the grader's terminal. Its cells' outputs still reach the
        # notebook through Jupyter's messages.
        self._kernel_output = tempfile.TemporaryFile()
        # cleanup_kc: nbclient then shuts the kernel down and closes the client's channels on
        # exit. By default it does neither for a kernel manager that it did not create.
        self._context = self.client.setup_kernel(
            cleanup_kc=True, env=kernel_environment(), stdout=self._kernel_output, stderr=self._kernel_output,
        )
        try:
            self._context.__enter__()
        except BaseException:
            self._stop_processes()
            raise
        return self

    def __exit__(self, *exc_info):
        try:
            self._context.__exit__(None, None, None)
        except Exception as error:  # noqa: BLE001 (a kernel that is already gone cannot be shut down cleanly)
            log.warning("kernel shutdown failed: %s", error)
        self._stop_processes()
        return False

    def _stop_processes(self):
        """Kill the kernel's process group and log the kernel's own output at DEBUG level.

        The group includes processes that the learner's code started (``subprocess``,
        ``os.fork``), which outlive a kernel that exits or dies on its own. Learner code,
        threads included, must not outlive the notebook and touch the results.
        """
        if kill_process_group(self.manager.kernel_pid):
            log.debug("killed the kernel's process group %s", self.manager.kernel_pid)
        if self._kernel_output is not None:
            self._kernel_output.seek(0, 2)
            self._kernel_output.seek(max(0, self._kernel_output.tell() - KERNEL_OUTPUT_TAIL))
            tail = self._kernel_output.read().decode("utf-8", "replace")
            log.debug("kernel's own output (last %d bytes):\n%s", KERNEL_OUTPUT_TAIL, tail)
            self._kernel_output.close()
            self._kernel_output = None

    @property
    def usable(self):
        return self.log.kernel_state == "alive"

    def run_notebook(self):
        """Run every code cell in order, within the per-cell and total time limits."""
        started = time.monotonic()
        cells = [(index, cell) for index, cell in enumerate(self.submitted_cells) if cell.cell_type == "code"]
        self.log.code_cells = len(cells)
        for position, (index, cell) in enumerate(cells):
            remaining = self.limits.total_timeout - (time.monotonic() - started)
            if remaining < 1:
                self.log.not_run = [self.label(later) for later, _ in cells[position:]]
                self.log.stop_reason = "total time limit reached"
                break
            timeout = max(1, int(min(self.limits.cell_timeout, remaining)))
            outcome = self.run_cell(cell, index, timeout)
            self.log.cells_run += 1
            if outcome == "error":
                error = self.cell_error(cell)
                self.log.errors.append({**self._where(index), **error})
                self.note_memory_error(f"{self.label(index)},", error.get("ename", ""), error.get("evalue", ""))
            elif outcome == "timeout":
                self.log.timeouts.append({**self._where(index), "seconds": timeout})
            if not self.usable:
                break
        self.log.seconds = round(time.monotonic() - started, 2)
        return self.log

    def label(self, index):
        """Return the name of notebook cell ``index`` for messages (see ``gan_lab.grading.cells``)."""
        return cell_label(self.submitted_cells, index) if index >= 0 else "a check's run of your code"

    def _where(self, index):
        code_cell = sum(1 for cell in self.submitted_cells[: index + 1] if cell.cell_type == "code")
        return {"cell": index + 1, "code_cell": code_cell, "label": self.label(index)}

    def run_cell(self, cell, index, timeout, store_history=True):
        """Run one cell; return "ok", "error", "timeout" or "dead". Updates the kernel state.

        ``index`` is the cell's 0-based position in the notebook, or -1 for a cell of the grader.
        """
        self.client.timeout = max(1, int(timeout))
        try:
            self._execute_cell(cell, index, store_history)
        except CellTimeoutError:
            self._recover_from_timeout(index)
            return "timeout"
        except DeadKernelError:
            self.log.kernel_state, self.log.stop_reason = "dead", "kernel died"
            self.log.kernel_problem = (f"the kernel died during {self.label(index)}. Causes: exit(), os._exit, "
                                       "a crash or running out of memory")
            return "dead"
        has_error = any(output.get("output_type") == "error" for output in cell.get("outputs", []))
        return "error" if has_error else "ok"

    def _recover_from_timeout(self, index):
        run_sync(self.manager.interrupt_kernel)()
        ping = nbformat.v4.new_code_cell("pass")
        self.client.timeout = int(min(PING_TIMEOUT, max(self.limits.cell_timeout, 2)))
        try:
            self._execute_cell(ping, index, False)
        except CellTimeoutError:
            self.log.kernel_state, self.log.stop_reason = "unresponsive", "kernel stopped responding"
            self.log.kernel_problem = (f"the kernel stopped responding after {self.label(index)} timed out "
                                       "and was interrupted")
        except DeadKernelError:
            self.log.kernel_state, self.log.stop_reason = "dead", "kernel died"
            self.log.kernel_problem = f"the kernel died after {self.label(index)} timed out"

    def _execute_cell(self, cell, index, store_history):
        run_sync(self._async_execute_cell)(cell, index, store_history)

    async def _async_execute_cell(self, cell, index, store_history):
        """Run one cell with nbclient, then cancel the tasks that its run left pending.

        On a cell time-out, nbclient 0.11 leaves the task that reads the cell's output messages
        running. That task would then read, and drop, messages of the next cells: their outputs
        and the "idle" status that ends them. It fails later with ``queue.Empty``, which no code
        retrieves, so asyncio logs it as an error on the grader's terminal.
        """
        before = asyncio.all_tasks()
        try:
            await self.client.async_execute_cell(cell, index, store_history=store_history)
        finally:
            await _cancel_tasks(asyncio.all_tasks() - before - {asyncio.current_task()})

    def note_memory_error(self, where, ename, evalue):
        """Record advice on ``--memory-mb`` when a memory limit is set and ``ename`` looks like hitting it."""
        if self.limits.memory_mb > 0 and not self.log.memory_problem and is_memory_error(ename, evalue):
            self.log.memory_problem = memory_advice(self.limits.memory_mb, where, ename, evalue[:200])

    @staticmethod
    def cell_error(cell):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                return {"ename": output.get("ename", ""), "evalue": shorten_error_text(output.get("evalue", ""))}
        return {}


async def _cancel_tasks(tasks):
    """Cancel ``tasks``, wait until they end, and log at DEBUG level any error they raised."""
    tasks = list(tasks)
    for task in tasks:
        task.cancel()
    results = await asyncio.gather(*tasks, return_exceptions=True)
    for task, result in zip(tasks, results):
        if isinstance(result, Exception):
            log.debug("a task left by the cell's run failed: %s: %r", task.get_coro().__qualname__, result)
