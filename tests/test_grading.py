"""``gan-lab grade`` with real kernels: full marks, zero for stubs, mistakes, limits and tampering.

Each graded folder or notebook is run once per module and shared by the tests that read it.
"""

import csv
import json
import time

import pytest

from gan_lab.cli import main
from gan_lab.grading.student import write_student_copies
import reference_solutions as reference
from lesson_notebooks import LESSON_EXERCISES, lesson_notebook, write

# Grading a student copy is slow (a kernel each), so three lessons stand for all five.
STUDENT_LESSONS = ["01_data", "04_combined_gan", "05_training"]
FAST = ["--cell-timeout", "60", "--total-timeout", "300", "--probe-timeout", "120"]


def _grade(path, out, *options):
    status = main(["grade", str(path), "--out", str(out), *FAST, *options])
    return status, json.loads(out.read_text())


def _scores(results):
    return {test["name"].split(": ", 1)[1]: test["score"] for test in results["tests"]}


def _outputs(results):
    return {test["name"].split(": ", 1)[1]: test["output"] for test in results["tests"]}


@pytest.fixture(scope="module")
def solutions(tmp_path_factory):
    """Graded reference solutions of every lesson, plus one broken file and one without metadata."""
    folder = tmp_path_factory.mktemp("solutions")
    for lesson in LESSON_EXERCISES:
        write(lesson_notebook(lesson), folder / f"{lesson}.ipynb")
    out = tmp_path_factory.mktemp("solution_results")
    assert main(["grade", str(folder), "--out", str(out), *FAST]) == 0
    return folder, out


@pytest.fixture(scope="module")
def students(tmp_path_factory, solutions):
    """Graded student copies of three lessons, plus an invalid file and a notebook without metadata."""
    folder = tmp_path_factory.mktemp("students")
    write_student_copies(solutions[0], folder)
    for lesson in set(LESSON_EXERCISES) - set(STUDENT_LESSONS):
        (folder / f"{lesson}.ipynb").unlink()
    (folder / "broken.ipynb").write_text("{ not json")
    unlabelled = lesson_notebook("01_data")
    del unlabelled.metadata["gan_lab"]
    write(unlabelled, folder / "unlabelled.ipynb")
    out = tmp_path_factory.mktemp("student_results")
    # Status 1: the two files that are not lesson notebooks could not be graded.
    assert main(["grade", str(folder), "--out", str(out), *FAST]) == 1
    return folder, out


@pytest.mark.parametrize("lesson", list(LESSON_EXERCISES))
def test_reference_solutions_score_full_marks(solutions, lesson):
    results = json.loads((solutions[1] / f"{lesson}.json").read_text())
    assert results["score"] == results["extra_data"]["max_score"]
    assert results["score"] > 0
    assert all(test["score"] == test["max_score"] for test in results["tests"])
    assert results["extra_data"]["execution"]["errors"] == []


def test_results_use_gradescope_fields(solutions):
    results = json.loads((solutions[1] / "01_data.json").read_text())
    assert set(results) >= {"score", "tests", "output"}
    for test in results["tests"]:
        assert set(test) == {"name", "score", "max_score", "output", "visibility"}
    assert [test["visibility"] for test in results["tests"]].count("after_published") == 1


def test_summary_has_row_and_total_per_submission(solutions):
    rows = list(csv.DictReader((solutions[1] / "summary.csv").open()))
    assert [row["submission"] for row in rows] == [f"{lesson}.ipynb" for lesson in LESSON_EXERCISES]
    assert all(row["total"] == row["max_total"] for row in rows)
    assert rows[0]["01_data.scale_images: scale_images maps [0, 255] to [-1, 1]"] == "2"
    assert rows[1]["01_data.scale_images: scale_images maps [0, 255] to [-1, 1]"] == ""


@pytest.mark.parametrize("lesson", STUDENT_LESSONS)
def test_student_copies_score_zero(students, lesson):
    results = json.loads((students[1] / f"{lesson}.json").read_text())
    assert results["score"] == 0
    assert results["extra_data"]["max_score"] > 0
    assert results["extra_data"]["execution"]["kernel_state"] == "alive"
    assert any("NotImplementedError" in test["output"] for test in results["tests"])
    assert any("In a notebook cell" in test["output"] for test in results["tests"])
    assert not any("site-packages" in test["output"] for test in results["tests"])
    assert not any("gan_lab/" in test["output"] for test in results["tests"])


def test_broken_notebooks_get_zero_rows(students):
    rows = {row["submission"]: row for row in csv.DictReader((students[1] / "summary.csv").open())}
    assert rows["broken.ipynb"]["total"] == "0"
    assert "not a valid notebook" in rows["broken.ipynb"]["error"]
    assert rows["broken.ipynb"]["problem"] == "ungradeable"
    assert rows["unlabelled.ipynb"]["total"] == "0"
    assert "no lesson id" in rows["unlabelled.ipynb"]["error"]
    assert rows["unlabelled.ipynb"]["problem"] == "ungradeable"
    assert rows["01_data.ipynb"]["problem"] == ""
    assert len(rows) == len(STUDENT_LESSONS) + 2


def test_notebook_without_lesson_is_an_error(tmp_path, capsys):
    notebook = lesson_notebook("01_data")
    del notebook.metadata["gan_lab"]
    status, results = _grade(write(notebook, tmp_path / "a.ipynb"), tmp_path / "results.json")
    assert status == 2
    assert results["score"] == 0
    assert "metadata['gan_lab']" in capsys.readouterr().err


@pytest.fixture(scope="module")
def wrong_range(tmp_path_factory):
    folder = tmp_path_factory.mktemp("wrong_range")
    notebook = lesson_notebook("01_data", {"scale_images": reference.scale_images_unit_range})
    return _grade(write(notebook, folder / "renamed.ipynb"), folder / "results.json")[1]


def test_wrong_range_loses_range_points(wrong_range):
    assert wrong_range["score"] == 1
    assert _scores(wrong_range)["scale_images maps [0, 255] to [-1, 1]"] == 0
    assert _scores(wrong_range)["scale_images leaves its input unchanged"] == 0
    assert _scores(wrong_range)["scale_images works on 28x28x1 images"] == 0
    assert "your values lie in [0, 1]" in _outputs(wrong_range)["scale_images maps [0, 255] to [-1, 1]"]


@pytest.fixture(scope="module")
def make_gan_mistakes(tmp_path_factory):
    """Graded combined-model mistakes, by the name of the mistake."""
    folder = tmp_path_factory.mktemp("make_gan_mistakes")
    mistakes = [reference.make_gan_frozen_too_early, reference.make_gan_not_frozen, reference.make_gan_shared_optimizer]
    for mistake in mistakes:
        write(lesson_notebook("04_combined_gan", {"make_gan": mistake}), folder / f"{mistake.__name__}.ipynb")
    out = tmp_path_factory.mktemp("make_gan_results")
    assert main(["grade", str(folder), "--out", str(out), *FAST]) == 0
    return {mistake.__name__: json.loads((out / f"{mistake.__name__}.json").read_text()) for mistake in mistakes}


def test_frozen_too_early_loses_two_points(make_gan_mistakes):
    results = make_gan_mistakes["make_gan_frozen_too_early"]
    assert _scores(results) == {
        "discriminator learns in its own step": 0,
        "generator step freezes discriminator": 0,
        "combined model has its own optimizer": 1,
        "combined model loss matches output": 1,
    }
    assert "never learns" in _outputs(results)["discriminator learns in its own step"]
    assert "frozen everywhere" in _outputs(results)["generator step freezes discriminator"]


def test_unfrozen_discriminator_loses_freeze_point(make_gan_mistakes):
    results = make_gan_mistakes["make_gan_not_frozen"]
    assert _scores(results) == {
        "discriminator learns in its own step": 1,
        "generator step freezes discriminator": 0,
        "combined model has its own optimizer": 1,
        "combined model loss matches output": 1,
    }
    assert "not frozen" in _outputs(results)["generator step freezes discriminator"]


def test_shared_optimizer_loses_step_points(make_gan_mistakes):
    results = make_gan_mistakes["make_gan_shared_optimizer"]
    assert results["score"] == 1
    assert _scores(results)["combined model loss matches output"] == 1
    assert "discriminator's optimizer object" in _outputs(results)["combined model has its own optimizer"]
    assert "shared optimizer" in _outputs(results)["generator step freezes discriminator"]


TAMPERING = [
    # Replace the checks module and its verify step with ones that pass everything.
    "import sys, types\n"
    "import gan_lab.checks.base, gan_lab.checks.probes.common as common\n"
    "gan_lab.checks.base.verify = lambda *args: None\n"
    "common.run_probe = lambda probe, namespace: {'status': 'ok', 'max_error': 0.0}\n"
    "sys.modules['gan_lab.checks'] = types.ModuleType('gan_lab.checks')",
    "print('score: 100')\nprint(json.dumps({'score': 100, 'tests': []}))",
    "open('results.json', 'w').write(json.dumps({'score': 100}))\nopen(OUT, 'w').write(json.dumps({'score': 100}))",
    "import sys\nsys.exit(0)",
]


def test_tampering_changes_nothing(tmp_path, wrong_range):
    out = tmp_path / "results.json"
    notebook = lesson_notebook(
        "01_data", {"scale_images": reference.scale_images_unit_range},
        cells_before=[f"import json\nOUT = {str(out)!r}"], extra_cells=TAMPERING,
    )
    _, results = _grade(write(notebook, tmp_path / "a.ipynb"), out)
    assert results["score"] == wrong_range["score"]
    assert _scores(results) == _scores(wrong_range)


THREAD_TAMPERING = (
    "import threading, time\n"
    "def rewrite():\n"
    "    for _ in range(600):\n"
    "        try:\n"
    "            open(OUT, 'w').write(json.dumps({'score': 100}))\n"
    "        except OSError:\n"
    "            pass\n"
    "        time.sleep(0.05)\n"
    "threading.Thread(target=rewrite, daemon=True).start()"
)


def test_background_thread_cannot_rewrite_results(tmp_path, wrong_range):
    out = tmp_path / "results.json"
    notebook = lesson_notebook(
        "01_data", {"scale_images": reference.scale_images_unit_range},
        cells_before=[f"import json\nOUT = {str(out)!r}"], extra_cells=[THREAD_TAMPERING],
    )
    _, results = _grade(write(notebook, tmp_path / "a.ipynb"), out)
    assert results["score"] == wrong_range["score"]
    # The kernel is gone once the grader returns, so its thread cannot write any more.
    time.sleep(1.0)
    assert json.loads(out.read_text())["score"] == wrong_range["score"]


def test_memory_limit_and_interrupted_loop(tmp_path):
    notebook = lesson_notebook(
        "01_data", setup="import numpy as np", checks=False,
        cells_before=["import resource\nprint(resource.getrlimit(resource.RLIMIT_AS))",
                      "big = np.empty(2**31)  # 16 GiB of address space, never touched", "while True:\n    pass"],
    )
    _, results = _grade(write(notebook, tmp_path / "a.ipynb"), tmp_path / "r.json",
                        "--cell-timeout", "3", "--memory-mb", "6144")
    execution = results["extra_data"]["execution"]
    assert [error["ename"] for error in execution["errors"]] == ["MemoryError"]
    assert [timeout["cell"] for timeout in execution["timeouts"]] == [5]
    assert "Time-out in cell 5 (code cell 4), which starts `while True:`: no result within 3 s." in results["output"]
    assert "Error in cell 4 (code cell 3), which starts `big = np.empty(2**31)" in results["output"]
    assert execution["kernel_state"] == "alive"
    assert "The grader ran this kernel with --memory-mb 6144. If the notebook needs" in results["output"]
    assert results["score"] == results["extra_data"]["max_score"]


def test_hung_kernel_scores_zero(tmp_path):
    loop = "while True:\n    try:\n        time.sleep(0.1)\n    except KeyboardInterrupt:\n        pass"
    notebook = lesson_notebook("01_data", setup="import time", checks=False, extra_cells=[loop, "print('never')"])
    _, results = _grade(write(notebook, tmp_path / "a.ipynb"), tmp_path / "r.json", "--cell-timeout", "3")
    assert results["extra_data"]["execution"]["kernel_state"] == "unresponsive"
    assert results["extra_data"]["problem"] == "kernel stopped responding"
    assert results["score"] == 0
    assert all("stopped responding" in test["output"] for test in results["tests"])


def test_exited_kernel_scores_zero(tmp_path):
    notebook = lesson_notebook("01_data", extra_cells=["import os\nos._exit(1)"])
    _, results = _grade(write(notebook, tmp_path / "a.ipynb"), tmp_path / "r.json")
    assert results["extra_data"]["execution"]["kernel_state"] == "dead"
    assert results["extra_data"]["problem"] == "kernel died"
    assert results["score"] == 0
    assert all("kernel died" in test["output"] for test in results["tests"])
