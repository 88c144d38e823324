"""Grade submissions: run each notebook in a fresh kernel, probe it, verify here, write scores.

The grader process never runs learner code: the notebook and the probes run in the
kernel, and only the probes' JSON data comes back to the verify functions. Results are
written after the kernel is shut down, atomically, so nothing the notebook wrote or
printed can change them.
"""

import logging
import shutil
import tempfile
import time
from pathlib import Path

import nbformat

from gan_lab.checks import lesson_exercises
from gan_lab.checks.base import shorten_error_text
from gan_lab.grading.execute import KernelSession
from gan_lab.grading.limits import RECOMMENDED_MEMORY_MB, Limits
from gan_lab.grading.probing import probe_exercises, verify_exercises
from gan_lab.grading.results import error_results, graded_results, summary_csv, write_results
from gan_lab.files import atomic_write_text

log = logging.getLogger(__name__)


class SubmissionError(ValueError):
    """Raised for a submission that cannot be graded: not a notebook, or no lesson id."""


def read_submission(path):
    """Read a submission; return ``(notebook, lesson id)`` or raise ``SubmissionError``."""
    path = Path(path)
    try:
        notebook = nbformat.read(path, as_version=4)
    except FileNotFoundError:
        raise
    except Exception as error:  # noqa: BLE001 (nbformat raises many types for a damaged file)
        raise SubmissionError(
            f"{path.name} is not a valid notebook file ({type(error).__name__}: {shorten_error_text(error)}). "
            "Download the notebook again from Jupyter (File > Download) and submit that file."
        ) from None
    lesson = notebook.metadata.get("gan_lab", {}).get("lesson") if isinstance(notebook.metadata.get("gan_lab"), dict) else None
    if not lesson:
        raise SubmissionError(
            f"{path.name} has no lesson id in its metadata (expected notebook.metadata['gan_lab'] = "
            "{'lesson': '01_data'} or another lesson id). Work in the lesson notebook you were given, which "
            "has the id, and submit that file; an instructor can add the id with nbformat."
        )
    try:
        lesson_exercises(lesson)
    except ValueError as error:
        raise SubmissionError(f"{path.name}: {error}") from None
    return notebook, lesson


def grade_notebook(path, limits=Limits()):
    """Grade one notebook and return its results dict (see ``gan_lab.grading.results``).

    Raises ``SubmissionError`` for a file that is not a notebook of a known lesson.
    """
    started = time.monotonic()
    notebook, lesson = read_submission(path)
    exercises = lesson_exercises(lesson)
    workdir = Path(tempfile.mkdtemp(prefix="gan-lab-grade-"))
    private_dir = None
    try:
        with KernelSession(notebook, workdir, limits) as session:
            execution = session.run_notebook()
            # Made only now, so no cell of the notebook could have seen its name.
            private_dir = Path(tempfile.mkdtemp(prefix="gan-lab-probes-"))
            data = probe_exercises(session, exercises, private_dir)
        outcomes = verify_exercises(exercises, data)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        if private_dir is not None:
            shutil.rmtree(private_dir, ignore_errors=True)
    log.debug("graded %s: lesson %s, %d cells run", Path(path).name, lesson, execution.cells_run)
    return graded_results(Path(path).name, lesson, outcomes, execution, time.monotonic() - started)


def grade_submission(path, limits=Limits()):
    """Grade one notebook and return its results dict, whatever Exception grading raises.

    A submission that cannot be graded, for its own fault or for the grader's (a kernel that
    does not start, for instance), gets score 0 and the error. KeyboardInterrupt still stops
    the grader.
    """
    try:
        return grade_notebook(path, limits)
    except SubmissionError as error:
        return error_results(Path(path).name, error)
    except Exception as error:  # noqa: BLE001 (one broken submission must not stop the others)
        log.warning("could not grade %s: %s: %s", Path(path).name, type(error).__name__, error)
        message = f"grading failed ({type(error).__name__}: {error})."
        if 0 < limits.memory_mb < RECOMMENDED_MEMORY_MB:
            message += (f" The memory limit may be the cause: --memory-mb {limits.memory_mb} is below the "
                        f"{RECOMMENDED_MEMORY_MB} MiB (3 GiB) that TensorFlow needs. Raise it and grade again.")
        return error_results(Path(path).name, message, lesson=_known_lesson(path))


def _known_lesson(path):
    try:
        return read_submission(path)[1]
    except (OSError, SubmissionError):
        return None


def grade_to_file(path, out, limits=Limits()):
    """Grade one notebook into ``out``; a submission that cannot be graded gets score 0 and the reason.

    Returns the results dict. Raises ``FileNotFoundError`` when ``path`` does not exist.
    """
    if not Path(path).is_file():
        raise FileNotFoundError(f"Submission {path} not found.")
    results = grade_submission(path, limits)
    write_results(out, results)
    return results


# The learner reads this in results.json when the submission is not exactly one notebook.
ONE_NOTEBOOK_HINT = "Submit exactly one .ipynb file (the lesson notebook you worked in), then submit again."
LISTED_NAMES = 10


def not_one_notebook_message(paths):
    """Return why ``paths`` (the SUBMISSION arguments) do not name one notebook, for the results file.

    Covers no path at all, one path that does not exist (often a shell pattern such as
    ``submission/*.ipynb`` that matched no file, which the shell passes on unchanged), and
    several paths (a pattern that matched several files).
    """
    paths = [Path(path) for path in paths]
    if not paths:
        return f"No notebook was found: no submission path was given. {ONE_NOTEBOOK_HINT}"
    if len(paths) > 1:
        names = ", ".join(path.name for path in paths[:LISTED_NAMES])
        more = f" and {len(paths) - LISTED_NAMES} more" if len(paths) > LISTED_NAMES else ""
        return f"Found {len(paths)} files where one notebook was expected: {names}{more}. {ONE_NOTEBOOK_HINT}"
    path = paths[0]
    if any(mark in path.name for mark in "*?["):
        problem = f"the pattern {path} matched no file"
    elif path.exists():
        problem = f"{path} is not a file"
    else:
        problem = f"{path} does not exist"
    return f"No notebook was found: {problem}. {_folder_contents(path.parent)}{ONE_NOTEBOOK_HINT}"


def _folder_contents(folder):
    if not folder.is_dir():
        return ""
    names = sorted(entry.name for entry in folder.iterdir() if not entry.name.startswith("."))
    if not names:
        return f"The folder {folder} is empty. "
    more = f" and {len(names) - LISTED_NAMES} more" if len(names) > LISTED_NAMES else ""
    return f"The folder {folder} contains: {', '.join(names[:LISTED_NAMES])}{more}. "


def write_not_one_notebook(paths, out):
    """Write score 0 to ``out`` for SUBMISSION arguments that are not one notebook; return the results."""
    results = error_results(None, not_one_notebook_message(paths))
    write_results(out, results)
    return results


def grade_folder(folder, out_dir, limits=Limits()):
    """Grade every ``.ipynb`` directly in ``folder`` into ``out_dir/<name>.json`` and ``out_dir/summary.csv``.

    A submission that fails in any way, the grader's own errors included, gets a row with
    score 0 and the error, and the others are still graded. Returns the summary rows.
    """
    folder, out_dir = Path(folder), Path(out_dir)
    if not folder.is_dir():
        raise FileNotFoundError(f"Submission folder {folder} not found.")
    submissions = sorted(folder.glob("*.ipynb"))
    if not submissions:
        raise FileNotFoundError(f"No .ipynb files in {folder}.")
    rows = [(path.name, grade_submission(path, limits)) for path in submissions]
    # Every file is written only after the last kernel has stopped, so no submission's code can
    # overwrite another submission's results.
    for name, results in rows:
        write_results(out_dir / f"{Path(name).stem}.json", results)
    atomic_write_text(out_dir / "summary.csv", summary_csv(rows))
    return rows


def stale_results(out_dir, rows):
    """Return the names of ``.json`` files in ``out_dir`` that belong to none of ``rows``.

    They are left from an earlier run into the same folder; summary.csv does not list them.
    """
    current = {f"{Path(name).stem}.json" for name, _ in rows}
    return sorted(path.name for path in Path(out_dir).glob("*.json") if path.name not in current)


