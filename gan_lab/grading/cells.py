"""Names of notebook cells in the messages of the grader and of ``gan-lab student``.

A cell is named by two numbers and its first line, e.g. ``cell 8 (code cell 4), which
starts `def make_gan(generator, discriminator):` ``. Both numbers count from 1 from the top
of the notebook: the first counts every cell, markdown included, and the second only the
code cells. Jupyter shows no cell numbers, so the first line is what the learner looks for.
"""

FIRST_LINE_CHARS = 60


def first_line(source):
    """Return the first non-blank line of a cell's source, cut to about 60 characters."""
    line = next((line.strip() for line in source.splitlines() if line.strip()), "")
    return line if len(line) <= FIRST_LINE_CHARS else line[: FIRST_LINE_CHARS - 3] + "..."


def cell_label(cells, index):
    """Return the name of ``cells[index]`` (``cells`` as in ``notebook.cells``), as described above."""
    cell = cells[index]
    label = f"cell {index + 1}"
    if cell.get("cell_type") == "code":
        code_number = sum(1 for other in cells[: index + 1] if other.get("cell_type") == "code")
        label += f" (code cell {code_number})"
    line = first_line(cell.get("source", ""))
    return f"{label}, which starts `{line}`" if line else f"{label}, which is empty"
