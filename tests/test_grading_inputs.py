"""``gan-lab grade`` given something other than one notebook: a results file all the same.

On Gradescope the submission is passed as a shell pattern, so the command may receive the
pattern itself (no file matched) or several paths. None of these tests starts a kernel.
"""

import json

from gan_lab.cli import main
from lesson_notebooks import lesson_notebook, write


def _grade(out, *paths):
    return main(["grade", *map(str, paths), "--out", str(out)])


def test_unmatched_pattern_writes_zero(tmp_path, capsys):
    submission = tmp_path / "submission"
    submission.mkdir()
    (submission / "notes.txt").write_text("my notes")
    out = tmp_path / "results" / "results.json"
    status = _grade(out, submission / "*.ipynb")
    results = json.loads(out.read_text())
    assert status == 2
    assert results["score"] == 0
    assert "No notebook was found" in results["output"]
    assert "*.ipynb (a pattern that matched no file) does not exist" in results["output"]
    assert "contains: notes.txt" in results["output"]
    assert "Submit exactly one .ipynb file" in results["output"]
    assert "No notebook was found" in capsys.readouterr().err


def test_two_notebooks_write_zero(tmp_path, capsys):
    first = write(lesson_notebook("01_data"), tmp_path / "lesson.ipynb")
    second = write(lesson_notebook("01_data"), tmp_path / "lesson-copy.ipynb")
    out = tmp_path / "results.json"
    status = _grade(out, first, second)
    results = json.loads(out.read_text())
    assert status == 2
    assert results["score"] == 0
    assert results["tests"] == []
    assert "Found 2 files where one notebook was expected: lesson.ipynb, lesson-copy.ipynb" in results["output"]
    assert "lesson-copy.ipynb" in capsys.readouterr().err


def test_no_submission_path_writes_zero(tmp_path):
    out = tmp_path / "results.json"
    status = _grade(out)
    results = json.loads(out.read_text())
    assert status == 2
    assert results["score"] == 0
    assert "no submission path was given" in results["output"]


def test_cell_error_in_output_is_cut():
    from gan_lab.grading.execute import ExecutionLog, KernelSession
    from gan_lab.grading.results import execution_lines

    evalue = "z" * 3000 + "\n" + "w" * 3000
    cell = {"outputs": [{"output_type": "error", "ename": "InvalidArgumentError", "evalue": evalue}]}
    error = KernelSession.cell_error(cell)
    execution = ExecutionLog(errors=[{"label": "cell 3 (code cell 2)", **error}])
    line = execution_lines(execution)[0]
    assert line.startswith("Error in cell 3 (code cell 2): InvalidArgumentError: zzz")
    assert line.endswith(f"… ({len(evalue) - 300} characters left out)")
    assert len(line) < 400
