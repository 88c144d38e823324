"""Checks, exercises and reports: the verify half of every graded check.

A check is split in two. Its probe (in ``gan_lab.checks.probes``) runs the learner's
objects and returns plain data: numbers, shapes, lists, error texts. Its verify function
(here and in the exercise modules) is a pure function of that data that returns ``None``
for a pass or a failure message. The grader runs the probes inside the learner's kernel
and the verify functions in its own process, which never runs learner code.
"""

import dataclasses
from dataclasses import dataclass
from typing import Callable

# Probe data statuses other than "ok", and what they tell the learner.
PROBE_PROBLEMS = {
    "missing": "{name} is not defined. Run the exercise cell that defines it, then run this check again.",
    "error": "Calling your code raised an error:\n{error}",
    "timeout": "The check timed out after {seconds:.0f} s while running your code; look for an endless loop.",
    "no_data": "The check produced no data: {reason}",
}


@dataclass(frozen=True)
class Check:
    """One graded condition of an exercise.

    ``probe`` names the function in the exercise's probe module whose data ``verify``
    reads. ``verify(data)`` returns ``None`` for a pass or a failure message that states
    what was expected, what was found and one hint. A hidden check runs in the grader only.
    """

    name: str
    points: float
    probe: str
    verify: Callable[[dict], "str | None"]
    success: str
    hidden: bool = False


@dataclass(frozen=True)
class Exercise:
    """A named exercise (``"<lesson>.<function>"``), its probe module and its checks."""

    id: str
    probe_module: str
    checks: tuple

    @property
    def lesson(self):
        return self.id.split(".", 1)[0]

    def probes(self, include_hidden):
        """Return the names of the probes that the selected checks need, in check order."""
        names = [check.probe for check in self.checks if include_hidden or not check.hidden]
        return list(dict.fromkeys(names))


@dataclass(frozen=True)
class Outcome:
    """The result of one check: points earned and the message for the learner."""

    exercise: str
    name: str
    score: float
    max_score: float
    passed: bool
    message: str
    hidden: bool = False

    def to_dict(self):
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class Report:
    """The outcomes of one exercise's checks, as returned by ``check_exercise``."""

    exercise: str
    outcomes: tuple

    @property
    def score(self):
        return sum(outcome.score for outcome in self.outcomes)

    @property
    def max_score(self):
        return sum(outcome.max_score for outcome in self.outcomes)

    @property
    def passed(self):
        return all(outcome.passed for outcome in self.outcomes)

    def __repr__(self):
        return f"Report({self.exercise}: {self.score:g}/{self.max_score:g} points)"


# Limits of an error text shown to the learner: TensorFlow's errors can run to many kB.
ERROR_TEXT_LINES = 5
ERROR_TEXT_CHARS = 300


def shorten_error_text(text, max_lines=ERROR_TEXT_LINES, max_chars=ERROR_TEXT_CHARS):
    """Cut ``text`` to its first ``max_lines`` lines and ``max_chars`` characters.

    A cut text ends with "… (N characters left out)", N counted in the original text.
    """
    text = str(text)
    shortened = "\n".join(text.splitlines()[:max_lines])[:max_chars]
    left_out = len(text) - len(shortened)
    if left_out <= 0:
        return text
    return f"{shortened.rstrip()}… ({left_out} characters left out)"


def failure(expected, found, hint):
    """Format a failure message: what was expected, what was found, one hint."""
    return f"Expected: {expected}\nFound: {found}\nHint: {hint}"


def probe_problem(data, name):
    """Return the learner-facing message for probe data whose status is not "ok", else None."""
    status = data.get("status")
    if status == "ok":
        return None
    template = PROBE_PROBLEMS.get(status)
    if template is None:
        return f"The check returned unreadable data (status {status!r}), so it cannot pass."
    fields = {"name": name, "error": "", "seconds": 0.0, "reason": "", **data}
    return template.format(**fields)


def verify(exercise, check, data):
    """Run one check's verify function on its probe data and return an ``Outcome``.

    Probe data that reports a missing name, an error or a timeout fails the check with
    that reason. An exception inside ``verify`` (data of an unexpected form) fails the
    check as well, so odd data can never earn points.
    """
    function_name = exercise.id.split(".", 1)[1]
    message = probe_problem(data, function_name)
    if message is None:
        try:
            message = check.verify(data)
        except (KeyError, TypeError, ValueError, IndexError) as error:
            message = f"The check could not read the data from your code ({type(error).__name__}: {error})."
    passed = message is None
    return Outcome(
        exercise=exercise.id,
        name=check.name,
        score=check.points if passed else 0.0,
        max_score=check.points,
        passed=passed,
        message=check.success if passed else message,
        hidden=check.hidden,
    )
