"""Submissions that stop early or cannot be graded, in real kernels: what the summary and the output contain.

The notebooks here do not import TensorFlow themselves, so most of each test's time is the
kernel's start and the probes.
"""

import csv
import json

import pytest

from gan_lab.cli import main
from lesson_notebooks import lesson_notebook, write


def _summary(out):
    return {row["submission"]: row for row in csv.DictReader((out / "summary.csv").open())}


def _output(out, name):
    return json.loads((out / f"{name}.json").read_text())["output"]


@pytest.fixture(scope="module")
def stopped(tmp_path_factory):
    """A folder graded with a 2 s total time limit: one kernel that exits, one notebook too slow.

    The sleeping cell gets the 1 s left of the total limit and times out, so the time left
    after it is under 1 s and the grader stops before ``x = 1``.
    """
    folder = tmp_path_factory.mktemp("stopped")
    write(lesson_notebook("01_data", setup="import os", checks=False, cells_before=["os._exit(1)"]),
          folder / "exits.ipynb")
    write(lesson_notebook("01_data", setup="import time", checks=False,
                          cells_before=["time.sleep(2.2)", "x = 1", "y = 2"]),
          folder / "slow.ipynb")
    out = tmp_path_factory.mktemp("stopped_results")
    status = main(["grade", str(folder), "--out", str(out), "--total-timeout", "2", "--cell-timeout", "10"])
    return status, out


def test_stopped_submissions_are_graded(stopped):
    status, out = stopped
    assert status == 0
    assert _summary(out)["exits.ipynb"]["error"] == ""


def test_summary_names_why_run_stopped(stopped):
    rows = _summary(stopped[1])
    assert rows["exits.ipynb"]["problem"] == "kernel died"
    assert rows["slow.ipynb"]["problem"] == "total time limit reached"
    assert rows["exits.ipynb"]["max_total"] == "5"


def test_summary_counts_errors_and_timeouts(stopped):
    rows = _summary(stopped[1])
    assert rows["slow.ipynb"]["timeouts"] == "1"
    assert rows["slow.ipynb"]["cell_errors"] == "0"
    assert rows["exits.ipynb"]["timeouts"] == "0"


def test_output_names_cells_not_run(stopped):
    output = _output(stopped[1], "slow")
    assert "Time-out in cell 3 (code cell 2), which starts `time.sleep(2.2)`: no result within 1 s." in output
    assert ("The total time limit ran out before cell 4 (code cell 3), which starts `x = 1`, "
            "so that cell and the 2 code cells after it did not run.") in output


def test_output_names_cell_that_exited(stopped):
    output = _output(stopped[1], "exits")
    assert "the kernel died during cell 3 (code cell 2), which starts `os._exit(1)`." in output


def test_stale_results_are_named(tmp_path):
    from gan_lab.grading.grade import stale_results

    (tmp_path / "old.json").write_text("{}")
    (tmp_path / "a.json").write_text("{}")
    (tmp_path / "summary.csv").write_text("")
    assert stale_results(tmp_path, [("a.ipynb", {})]) == ["old.json"]


def test_kernel_that_cannot_start_is_ungradeable(tmp_path, capsys):
    """60 MiB of address space is too little for the kernel itself, so it dies before it replies to the grader."""
    folder, out = tmp_path / "submissions", tmp_path / "results"
    folder.mkdir()
    write(lesson_notebook("01_data"), folder / "a.ipynb")
    status = main(["grade", str(folder), "--out", str(out), "--memory-mb", "60"])
    row = _summary(out)["a.ipynb"]
    assert status == 1
    assert row["problem"] == "ungradeable"
    assert row["total"] == "0"
    assert row["max_total"] == "5"
    assert row["cell_errors"] == ""
    assert "grading failed" in row["error"]
    assert "--memory-mb 60 is below the 3072 MiB" in row["error"]
    assert "1 of 1 submissions could not be graded" in capsys.readouterr().err
    assert json.loads((out / "a.json").read_text())["extra_data"]["lesson"] == "01_data"


def test_low_memory_limit_names_option(tmp_path, capsys):
    """1000 MiB is too little address space for TensorFlow, so the notebook's import of keras fails."""
    out = tmp_path / "results.json"
    status = main(["grade", str(write(lesson_notebook("01_data"), tmp_path / "a.ipynb")), "--out", str(out),
                   "--memory-mb", "1000"])
    results = json.loads(out.read_text())
    assert status == 0
    assert results["score"] == 0
    assert "failed to map segment" in results["output"]
    assert "--memory-mb 1000, below the 3072 MiB" in results["output"]
    assert "Raise --memory-mb to 3072 or more" in results["output"]
    assert "warning: a.ipynb: Memory limit:" in capsys.readouterr().err
