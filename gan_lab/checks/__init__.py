"""Graded checks of the lesson exercises, shared by the notebooks, the tests and the grader.

In a notebook, the cell after an exercise calls::

    gan_lab.checks.check_exercise("01_data.scale_images", globals())

which runs the exercise's visible checks on the learner's definitions, prints a pass or a
failure with a hint per check, and returns a ``Report``. Hidden checks run in the grader only.
"""

import importlib

from gan_lab.checks.base import Check, Exercise, Outcome, Report, verify
from gan_lab.checks.probes.common import run_probe
from gan_lab.checks.registry import EXERCISES, LESSONS, get_exercise, lesson_exercises

__all__ = [
    "EXERCISES", "LESSONS", "Check", "Exercise", "Outcome", "Report",
    "check_exercise", "get_exercise", "lesson_exercises", "run_exercise",
]


def run_exercise(exercise_id, namespace, *, include_hidden=False):
    """Run the probes and verify functions of one exercise in this process; return a ``Report``."""
    exercise = get_exercise(exercise_id)
    probes = importlib.import_module(exercise.probe_module)
    data = {name: run_probe(getattr(probes, name), namespace) for name in exercise.probes(include_hidden)}
    outcomes = tuple(
        verify(exercise, check, data[check.probe])
        for check in exercise.checks
        if include_hidden or not check.hidden
    )
    return Report(exercise.id, outcomes)


def format_outcome(outcome):
    """Return the printed lines of one outcome: a mark, the name, the points and the message."""
    mark = "PASS" if outcome.passed else "FAIL"
    message = "\n".join("    " + line for line in outcome.message.splitlines())
    return f"{mark}  {outcome.name} ({outcome.score:g}/{outcome.max_score:g})\n{message}"


def check_exercise(exercise_id, namespace):
    """Check one exercise in a notebook: print each visible check's result and return the report.

    It prints, unlike the rest of the package, because its output is the learner's feedback.
    """
    report = run_exercise(exercise_id, namespace)
    for outcome in report.outcomes:
        print(format_outcome(outcome))
    verdict = "All checks passed." if report.passed else "Some checks failed: fix the exercise and run it again."
    print(f"{report.exercise}: {report.score:g}/{report.max_score:g} points. {verdict}")
    hidden = [check for check in get_exercise(exercise_id).checks if check.hidden]
    if hidden:
        points = sum(check.points for check in hidden)
        print(f"The grader also runs {len(hidden)} hidden check(s) worth {points:g} point(s).")
    return report
