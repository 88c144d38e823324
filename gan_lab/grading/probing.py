"""Run the probes inside the learner's kernel and read their data back as JSON.

Each probe runs as its own cell, with its own time limit, through ``kernel_probe.py``,
which the kernel loads by file path. The probe writes its data to a file with a random
name in a private folder of the grader. Only plain JSON comes back to the grader process.
"""

import importlib.util
import json
import secrets
from pathlib import Path

import nbformat

import gan_lab.checks

KERNEL_PROBE = Path(__file__).with_name("kernel_probe.py")
PROBE_CELL_INDEX = -1  # the probe cells are not part of the notebook


def probe_file(exercise):
    """Return the path of an exercise's probe module, without importing it."""
    spec = importlib.util.find_spec(exercise.probe_module)
    if spec is None or spec.origin is None:
        raise FileNotFoundError(f"probe module {exercise.probe_module} not found; reinstall gan-lab.")
    return spec.origin


def probe_cell_source(request):
    """Return the code of the cell that runs one probe inside the kernel."""
    runner = str(KERNEL_PROBE)
    return (
        f"exec(compile(open({runner!r}, encoding='utf-8').read(), {runner!r}, 'exec'), "
        f"{{'__name__': '_gan_lab_kernel_probe', 'PROBE_REQUEST': {request!r}, 'USER_NAMESPACE': globals()}})"
    )


def run_probe_in_kernel(session, exercise, probe, private_dir):
    """Run one probe in ``session``'s kernel and return its data (a dict with a ``status``)."""
    if not session.usable:
        reason = f"{session.log.kernel_problem}." if session.log.kernel_problem else "the kernel is not running."
        return {"status": "no_data", "reason": reason}
    token = secrets.token_hex(16)
    out = Path(private_dir) / f"probe-{token}.json"
    request = {"probe_file": probe_file(exercise), "probe": probe, "out": str(out), "token": token}
    cell = nbformat.v4.new_code_cell(probe_cell_source(request))
    timeout = session.limits.probe_timeout
    outcome = session.run_cell(cell, PROBE_CELL_INDEX, timeout, store_history=False)
    if outcome == "timeout":
        return {"status": "timeout", "seconds": timeout}
    if outcome == "dead":
        return {"status": "no_data", "reason": "the kernel died while the check ran your code "
                "(exit(), os._exit, a crash or running out of memory)."}
    if not out.is_file():
        error = session.cell_error(cell)
        detail = f" ({error['ename']}: {error['evalue']})" if error else ""
        if error:
            session.note_memory_error(f"the check {exercise.id}", error["ename"], error["evalue"])
        return {"status": "no_data", "reason": f"the check did not finish{detail}."}
    try:
        data = json.loads(out.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as error:
        return {"status": "no_data", "reason": f"the check's data could not be read ({error})."}
    if data.get("status") == "error" and isinstance(data.get("error"), str) and data["error"]:
        # The error text ends with the "Type: message" line of the exception that the learner's code raised.
        ename, _, evalue = data["error"].splitlines()[-1].partition(": ")
        session.note_memory_error(f"your code, when the check {exercise.id} called it,", ename, evalue)
    return data


def probe_exercises(session, exercises, private_dir):
    """Run every probe of ``exercises`` (hidden ones included); return ``{exercise id: {probe: data}}``."""
    data = {}
    for exercise in exercises:
        data[exercise.id] = {
            probe: run_probe_in_kernel(session, exercise, probe, private_dir)
            for probe in exercise.probes(include_hidden=True)
        }
    return data


def verify_exercises(exercises, data):
    """Run the verify functions in this process on the probe data; return the outcomes in order."""
    return [
        gan_lab.checks.verify(exercise, check, data[exercise.id][check.probe])
        for exercise in exercises
        for check in exercise.checks
    ]
