"""Small lesson notebooks for the grading tests, built from the reference solutions.

Each exercise cell holds a reference function (or a mistake renamed to the exercise's
name) between solution markers, and is followed by its check cell, as in the lessons.
"""

import inspect
import textwrap

import nbformat

import reference_solutions

SETUP = """\
import keras
import numpy as np

import gan_lab.checks
from gan_lab.gan import FAKE_LABEL, REAL_LABEL, CombinedGAN, make_optimizer"""

# Lesson id -> exercise ids, in order, and the helpers an exercise needs defined before it.
LESSON_EXERCISES = {
    "01_data": ["01_data.scale_images"],
    "02_generator": ["02_generator.make_generator"],
    "03_discriminator": ["03_discriminator.make_discriminator", "03_discriminator.discriminator_step"],
    "04_combined_gan": ["04_combined_gan.make_gan"],
    "05_training": ["05_training.train_step"],
}
HELPERS = {"05_training.train_step": ["discriminator_step"]}


def solution_source(function, name, instruction):
    """Return ``function``'s source named ``name``, with its body between solution markers."""
    source = textwrap.dedent(inspect.getsource(function))
    header, body = source.split("\n", 1)
    header = header.replace(f"def {function.__name__}(", f"def {name}(")
    body = body.rstrip("\n")
    return f"{header}\n    # BEGIN SOLUTION: {instruction}\n{body}\n    # END SOLUTION"


def check_cell(exercise_id):
    return f'gan_lab.checks.check_exercise("{exercise_id}", globals());'


def lesson_notebook(lesson, replacements=None, extra_cells=(), cells_before=(), setup=SETUP, checks=True):
    """Return a solution notebook of ``lesson``.

    ``replacements`` maps an exercise's function name to another function of
    ``reference_solutions`` (a mistake) that takes its place. ``cells_before`` go after
    the setup cell and ``extra_cells`` at the end. Without ``checks`` the notebook has no
    check cells, so with a ``setup`` that does not import gan_lab it never loads TensorFlow.
    """
    replacements = replacements or {}
    cells = [nbformat.v4.new_markdown_cell(f"# Lesson {lesson}"), nbformat.v4.new_code_cell(setup)]
    cells += [nbformat.v4.new_code_cell(source) for source in cells_before]
    for exercise_id in LESSON_EXERCISES[lesson]:
        name = exercise_id.split(".", 1)[1]
        for helper in HELPERS.get(exercise_id, []):
            cells.append(nbformat.v4.new_code_cell(textwrap.dedent(inspect.getsource(getattr(reference_solutions, helper)))))
        function = replacements.get(name, getattr(reference_solutions, name))
        cells.append(nbformat.v4.new_markdown_cell(f"## Exercise: `{name}`"))
        cells.append(nbformat.v4.new_code_cell(solution_source(function, name, f"Write {name}.")))
        if checks:
            cells.append(nbformat.v4.new_code_cell(check_cell(exercise_id)))
    cells += [nbformat.v4.new_code_cell(source) for source in extra_cells]
    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata["gan_lab"] = {"lesson": lesson}
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return notebook


def write(notebook, path):
    nbformat.write(notebook, path)
    return path
