"""Scores in the Gradescope autograder format (results.json) and the class summary (summary.csv).

results.json contains the total ``score``, an ``output`` text for the learner, the
``execution_time`` in seconds, ``tests`` (one object per check: ``name``, ``score``,
``max_score``, ``output``, ``visibility``) and ``extra_data`` with the notebook, its lesson,
the maximum score, and what happened while it ran.
"""

import csv
import io
import json

from gan_lab.checks import LESSONS, lesson_exercises
from gan_lab.checks.base import ERROR_TEXT_CHARS, shorten_error_text
from gan_lab.files import atomic_write_text

# Gradescope shows "after_published" tests once the grades are published, so hidden
# checks stay out of the instant feedback but explain the final score.
HIDDEN_VISIBILITY = "after_published"
# The "problem" of a submission that could not be graded at all.
UNGRADEABLE = "ungradeable"


def test_entry(outcome):
    """Return the Gradescope ``tests`` entry of one check's outcome."""
    return {
        "name": f"{outcome.exercise}: {outcome.name}",
        "score": float(outcome.score),
        "max_score": float(outcome.max_score),
        "output": outcome.message,
        "visibility": HIDDEN_VISIBILITY if outcome.hidden else "visible",
    }


def graded_results(notebook_name, lesson, outcomes, execution, seconds):
    """Return the results dict of a notebook that ran; ``execution`` is an ``ExecutionLog``."""
    score = float(sum(outcome.score for outcome in outcomes))
    max_score = float(sum(outcome.max_score for outcome in outcomes))
    lines = [f"{notebook_name}: lesson {lesson}, {score:g}/{max_score:g} points.", *execution_lines(execution)]
    return {
        "score": score,
        "output": "\n".join(lines),
        "execution_time": round(seconds, 1),
        "tests": [test_entry(outcome) for outcome in outcomes],
        "extra_data": {"notebook": notebook_name, "lesson": lesson, "max_score": max_score,
                       "execution": execution.to_dict(), "problem": execution.stop_reason or None, "error": None},
    }


def execution_lines(execution):
    """Return the output lines on what went wrong while the notebook ran; ``execution`` is an ``ExecutionLog``."""
    lines = [f"Error in {error['label']}: {error.get('ename', '')}: {_short(error.get('evalue', ''))}"
             for error in execution.errors]
    lines += [f"Time-out in {timeout['label']}: no result within {timeout['seconds']} s." for timeout in execution.timeouts]
    if execution.not_run:
        after = len(execution.not_run) - 1
        later = "" if after == 0 else f" and the {after} code cell{'s' if after > 1 else ''} after it"
        lines.append(f"The total time limit ran out before {execution.not_run[0]}, so that cell{later} did not run.")
    if execution.kernel_problem:
        lines.append(f"The notebook stopped early: {execution.kernel_problem}.")
    if execution.memory_problem:
        lines.append(execution.memory_problem)
    return lines


def _short(text):
    """Return an error text on one line; texts that ``cell_error`` already cut pass unchanged."""
    return shorten_error_text(" ".join(str(text).split()), max_lines=1, max_chars=ERROR_TEXT_CHARS + 40)


def error_results(notebook_name, error, lesson=None, seconds=0.0):
    """Return the results dict of a submission that could not be graded: score 0 and the reason.

    ``notebook_name`` is None when no single notebook was submitted. With a known ``lesson``,
    ``max_score`` is the lesson's maximum, so the loss shows in the summary.
    """
    max_score = 0.0
    if lesson is not None:
        max_score = float(sum(check.points for exercise in lesson_exercises(lesson) for check in exercise.checks))
    return {
        "score": 0.0,
        "output": f"{notebook_name or 'The submission'} could not be graded: {error}",
        "execution_time": round(seconds, 1),
        "tests": [],
        "extra_data": {"notebook": notebook_name, "lesson": lesson, "max_score": max_score,
                       "execution": None, "problem": UNGRADEABLE, "error": str(error)},
    }


def write_results(path, results):
    """Write results.json atomically."""
    atomic_write_text(path, json.dumps(results, indent=2, ensure_ascii=False) + "\n")


def summary_csv(rows):
    """Return the CSV text of a folder's results: one row per submission, one column per check.

    ``rows`` are ``(submission file name, results dict)`` pairs. Columns: ``submission``,
    ``lesson``, one per check name seen (by lesson id, then in the lesson's check order), ``total``,
    ``max_total``, ``problem``, ``cell_errors``, ``timeouts`` and ``error``. A check that does
    not apply to a row's lesson is left empty. ``problem`` names why the submission could not be
    graded or stopped early. ``cell_errors`` and ``timeouts`` count the notebook's cells that
    raised an error or ran over the cell time limit, and are empty for an ungradeable submission.
    """
    seen = dict.fromkeys(test["name"] for _, results in rows for test in results["tests"])
    # sorted() is stable, so names of no known check stay in order of appearance, at the end.
    positions = _check_positions()
    checks = sorted(seen, key=lambda name: (0, positions[name]) if name in positions else (1, 0))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["submission", "lesson", *checks, "total", "max_total", "problem", "cell_errors", "timeouts",
                     "error"])
    for name, results in rows:
        scores = {test["name"]: test["score"] for test in results["tests"]}
        extra = results["extra_data"]
        execution = extra["execution"]
        counts = [len(execution["errors"]), len(execution["timeouts"])] if execution else ["", ""]
        writer.writerow([
            name, extra["lesson"] or "", *[_number(scores[check]) if check in scores else "" for check in checks],
            _number(results["score"]), _number(extra["max_score"]), extra["problem"] or "", *counts,
            extra["error"] or "",
        ])
    return buffer.getvalue()


def _check_positions():
    """Return each check's column name mapped to its place: by lesson in ``LESSONS`` order, then check order."""
    names = [f"{exercise.id}: {check.name}"
             for lesson in LESSONS for exercise in lesson_exercises(lesson) for check in exercise.checks]
    return {name: position for position, name in enumerate(names)}


def _number(value):
    return f"{value:g}"
