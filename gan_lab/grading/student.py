"""Student copies: solution notebooks with every marked solution replaced by a stub.

Inside a code cell, the lines from ``# BEGIN SOLUTION: <instruction>`` to ``# END SOLUTION``
become one line at the marker's indentation: ``raise NotImplementedError("<instruction>")``.
The stub keeps the cell valid Python, and the error it raises shows the learner what to write.
Outputs and execution counts are cleared; everything else is kept.
"""

import json
import logging
import re
from pathlib import Path

import nbformat

from gan_lab.files import atomic_write_text
from gan_lab.grading.cells import cell_label

log = logging.getLogger(__name__)

BEGIN = re.compile(r"^(?P<indent>[ \t]*)# BEGIN SOLUTION(?::[ \t]*(?P<instruction>.*?))?[ \t]*$")
END = re.compile(r"^[ \t]*# END SOLUTION[ \t]*$")
DEFAULT_INSTRUCTION = "Write your solution here."


class MarkerError(ValueError):
    """Raised for a solution marker without its partner, naming the notebook and the cell."""


def strip_solutions(source, where):
    """Return ``source`` with every marked solution replaced by a ``raise NotImplementedError`` stub.

    ``where`` names the notebook and cell in error messages.
    """
    lines, stub, begin_line = [], None, None
    for number, line in enumerate(source.splitlines(), start=1):
        begin, end = BEGIN.match(line), END.match(line)
        if begin and stub is not None:
            raise MarkerError(f"{where}: '# BEGIN SOLUTION' on line {number} inside the solution opened on "
                              f"line {begin_line}; close the first one with '# END SOLUTION' before.")
        if begin:
            instruction = begin["instruction"] or DEFAULT_INSTRUCTION
            # A JSON string literal is a valid Python string literal, in double quotes.
            stub = f"{begin['indent']}raise NotImplementedError({json.dumps(instruction, ensure_ascii=False)})"
            begin_line = number
        elif end and stub is None:
            raise MarkerError(f"{where}: '# END SOLUTION' on line {number} without a '# BEGIN SOLUTION' before it.")
        elif end:
            lines.append(stub)
            stub = None
        elif stub is None:
            lines.append(line)
    if stub is not None:
        raise MarkerError(f"{where}: '# BEGIN SOLUTION' on line {begin_line} has no '# END SOLUTION'; "
                          "add it after the last solution line.")
    return "\n".join(lines)


def student_notebook(notebook, name):
    """Return a student copy of a solution notebook (an ``nbformat.NotebookNode``); ``name`` is for errors."""
    copy = nbformat.from_dict(json.loads(json.dumps(notebook)))
    for index, cell in enumerate(copy.cells):
        if "id" not in cell and (copy.nbformat, copy.nbformat_minor) >= (4, 5):
            cell["id"] = f"cell-{index}"  # a fixed id, so repeated runs write the same bytes
        if cell.cell_type != "code":
            continue
        cell.source = strip_solutions(cell.source, f"{name}, {cell_label(copy.cells, index)}")
        cell.outputs = []
        cell.execution_count = None
    return copy


def write_student_copies(source_dir, out_dir):
    """Write a student copy of every notebook under ``source_dir`` to the same place under ``out_dir``.

    Only ``.ipynb`` files are written; other files are ignored, so nothing but the stubbed
    notebooks reaches learners. Folders whose names start with "." (``.ipynb_checkpoints``)
    are skipped. Returns the written paths. Raises ``MarkerError`` before writing anything
    if any notebook has an unmatched marker.
    """
    source_dir, out_dir = Path(source_dir), Path(out_dir)
    if not source_dir.is_dir():
        raise FileNotFoundError(f"Source folder {source_dir} not found; pass the folder of the solution notebooks.")
    if out_dir.resolve() == source_dir.resolve():
        raise ValueError(f"--out {out_dir} is the source folder; choose another folder so the solutions are kept.")
    notebooks = sorted(
        path for path in source_dir.rglob("*.ipynb")
        if not any(part.startswith(".") for part in path.relative_to(source_dir).parts)
    )
    copies = {}
    for path in notebooks:
        relative = path.relative_to(source_dir)
        copies[relative] = student_notebook(nbformat.read(path, as_version=4), str(relative))
    written = []
    for relative, notebook in copies.items():
        target = out_dir / relative
        atomic_write_text(target, nbformat.writes(notebook))
        log.debug("wrote %s", target)
        written.append(target)
    return written
