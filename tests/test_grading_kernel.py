"""The graded kernel's process, through the real command: a quiet terminal and no survivors.

One submission starts two sleeping child processes (one with ``subprocess``, one with
``os.fork``), writes their ids and its environment to files, writes to its own stderr, and
then exits the kernel with ``os._exit``. Grading it must leave no child running and print
only the grader's own lines.
"""

import gc
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from lesson_notebooks import lesson_notebook, write

REPOSITORY = Path(__file__).resolve().parents[1]

CHILDREN = """\
import os, subprocess, sys
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
forked = os.fork()
if forked == 0:
    time.sleep(600)
    os._exit(0)
open(PIDS, "w").write(f"{child.pid} {forked}")
open(ENVIRONMENT, "w").write(os.environ.get("TF_CPP_MIN_LOG_LEVEL", "unset") + " " + os.environ.get("GAN_LAB_DATA", "unset"))
os.write(2, b"KERNEL-STDERR-MARKER\\n")
print("KERNEL-STDOUT-MARKER", file=sys.__stdout__, flush=True)"""


def _running(pid):
    """Return True while ``pid`` exists and is not a zombie (Linux ``/proc``)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    folder = tmp_path_factory.mktemp("kernel")
    pids, environment = folder / "pids.txt", folder / "environment.txt"
    notebook = lesson_notebook(
        "01_data", cells_before=["import time", f"PIDS, ENVIRONMENT = {str(pids)!r}, {str(environment)!r}", CHILDREN],
        extra_cells=["os._exit(1)"],
    )
    write(notebook, folder / "children.ipynb")
    env = {key: value for key, value in os.environ.items() if key not in ("TF_CPP_MIN_LOG_LEVEL", "GAN_LAB_DATA")}
    env["PYTHONPATH"] = os.pathsep.join([str(REPOSITORY), env.get("PYTHONPATH", "")])
    # Files, not pipes: a surviving child would keep a pipe open and subprocess.run would wait for it.
    with open(folder / "stdout.txt", "w") as stdout, open(folder / "stderr.txt", "w") as stderr:
        command = [sys.executable, "-m", "gan_lab", "grade", str(folder / "children.ipynb"), "--out", str(folder / "r.json")]
        status = subprocess.run(command, env=env, stdout=stdout, stderr=stderr, timeout=600).returncode
    completed = subprocess.CompletedProcess(command, status, (folder / "stdout.txt").read_text(),
                                            (folder / "stderr.txt").read_text())
    pids = [int(pid) for pid in pids.read_text().split()]
    yield completed, pids, environment.read_text()
    for pid in pids:
        if _running(pid):
            os.kill(pid, signal.SIGKILL)


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads process states from Linux /proc")
def test_child_processes_do_not_survive(graded):
    _, pids, _ = graded
    deadline = time.monotonic() + 5
    while any(_running(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert len(pids) == 2
    assert not _running(pids[0]), "the subprocess.Popen child still runs"
    assert not _running(pids[1]), "the os.fork child still runs"


def test_terminal_shows_only_grader_lines(graded):
    completed, _, _ = graded
    assert completed.returncode == 0, completed.stderr
    assert "children.ipynb: 0/5 points" in completed.stdout
    assert "KERNEL-STDERR-MARKER" not in completed.stderr
    assert "KERNEL-STDOUT-MARKER" not in completed.stdout + completed.stderr
    assert "Traceback" not in completed.stderr
    assert "zmq" not in completed.stderr
    assert "traitlets" not in completed.stderr
    assert "oneDNN" not in completed.stderr


def test_kernel_gets_quiet_tensorflow_level(graded):
    assert graded[2].split()[0] == "3"


def test_kernel_gets_shapes_data(graded):
    assert graded[2].split()[1] == "shapes"


def test_caller_level_is_kept(monkeypatch):
    from gan_lab.grading.kernel_process import kernel_environment

    monkeypatch.setenv("TF_CPP_MIN_LOG_LEVEL", "1")
    assert kernel_environment()["TF_CPP_MIN_LOG_LEVEL"] == "1"
    monkeypatch.delenv("TF_CPP_MIN_LOG_LEVEL")
    assert kernel_environment()["TF_CPP_MIN_LOG_LEVEL"] == "3"


def test_caller_data_source_is_kept(monkeypatch):
    from gan_lab.grading.kernel_process import kernel_environment

    monkeypatch.setenv("GAN_LAB_DATA", "mnist")
    assert kernel_environment()["GAN_LAB_DATA"] == "mnist"
    monkeypatch.delenv("GAN_LAB_DATA")
    assert kernel_environment()["GAN_LAB_DATA"] == "shapes"


def test_cells_after_timeout_keep_outputs(tmp_path, caplog):
    """A timed-out cell must leave no reader of output messages behind to take the next cells' outputs."""
    import nbformat

    from gan_lab.grading.execute import KernelSession
    from gan_lab.grading.limits import Limits

    notebook = nbformat.v4.new_notebook()
    sources = ["import time", "time.sleep(60)", "print('first')", "print('second')", "print('third')",
               "for number in range(50): print(number, flush=True)"]
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in sources]
    limits = Limits(cell_timeout=2, total_timeout=60, probe_timeout=10, memory_mb=0)
    with caplog.at_level("DEBUG"):
        with KernelSession(notebook, tmp_path, limits) as session:
            execution = session.run_notebook()
        # asyncio logs a failed task that no code awaited when the task is collected.
        gc.collect()
    printed = ["".join(output.get("text", "") for output in cell.outputs) for cell in notebook.cells[2:5]]
    assert len(execution.timeouts) == 1
    assert execution.kernel_state == "alive"
    assert printed == ["first\n", "second\n", "third\n"]
    assert "Timeout waiting for IOPub output" not in caplog.text
    assert "Task exception was never retrieved" not in caplog.text
