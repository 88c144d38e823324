"""``gan-lab grade`` given something other than one notebook: a results file all the same.

On Gradescope the submission is passed as a shell pattern, so the command may receive the
pattern itself (no file matched) or several paths. None of these tests starts a kernel.
"""

import csv
import io
import json

import pytest

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
    assert f"No notebook was found: the pattern {submission / '*.ipynb'} matched no file." in results["output"]
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


def test_invalid_json_error_says_how_to_fix(tmp_path):
    from gan_lab.grading.grade import SubmissionError, read_submission

    path = tmp_path / "lesson.ipynb"
    path.write_text("{not json")
    with pytest.raises(SubmissionError) as raised:
        read_submission(path)
    assert "lesson.ipynb is not a valid notebook file" in str(raised.value)
    assert "Download the notebook again from Jupyter (File > Download)" in str(raised.value)


def test_scores_are_floats():
    from gan_lab.checks.base import Outcome
    from gan_lab.grading.execute import ExecutionLog
    from gan_lab.grading.results import error_results, graded_results

    outcomes = [Outcome("01_data.scale_images", "a check", 1, 1, True, "ok")]
    results = graded_results("a.ipynb", "01_data", outcomes, ExecutionLog(), 1.0)
    assert isinstance(results["score"], float)
    assert isinstance(results["tests"][0]["score"], float)
    assert isinstance(results["tests"][0]["max_score"], float)
    assert isinstance(results["extra_data"]["max_score"], float)
    assert isinstance(error_results("a.ipynb", "broken", lesson="01_data")["extra_data"]["max_score"], float)


def test_summary_orders_checks_by_lesson():
    from gan_lab.checks import lesson_exercises
    from gan_lab.grading.results import error_results, summary_csv

    def graded(lesson):
        results = error_results("a.ipynb", "", lesson=lesson)
        results["tests"] = [{"name": f"{exercise.id}: {check.name}", "score": 0.0}
                            for exercise in lesson_exercises(lesson) for check in reversed(exercise.checks)]
        return results

    rows = [("b.ipynb", graded("03_discriminator")), ("a.ipynb", graded("01_data"))]
    header = next(csv.reader(io.StringIO(summary_csv(rows))))
    expected = [f"{exercise.id}: {check.name}" for lesson in ("01_data", "03_discriminator")
                for exercise in lesson_exercises(lesson) for check in exercise.checks]
    assert header[2:-6] == expected
    assert header[-6:] == ["total", "max_total", "problem", "cell_errors", "timeouts", "error"]
