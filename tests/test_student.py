"""``gan-lab student``: stubs in place of solutions, deterministic output, clear marker errors."""

import re
from pathlib import Path

import nbformat
import pytest

from gan_lab.cli import main
from gan_lab.grading.student import MarkerError, strip_solutions, student_notebook
from lesson_notebooks import LESSON_EXERCISES, lesson_notebook, write

MAGIC = re.compile(r"^\s*[%!]")


@pytest.fixture(scope="module")
def solution_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("solutions")
    for lesson in LESSON_EXERCISES:
        notebook = lesson_notebook(lesson, extra_cells=["%matplotlib inline\n!ls"])
        notebook.cells[1].outputs = [nbformat.v4.new_output("stream", text="old output\n")]
        notebook.cells[1].execution_count = 3
        write(notebook, folder / f"{lesson}.ipynb")
    (folder / "notes.txt").write_text("instructor notes\n")
    (folder / ".ipynb_checkpoints").mkdir()
    write(lesson_notebook("01_data"), folder / ".ipynb_checkpoints" / "01_data-checkpoint.ipynb")
    return folder


def _student_files(solution_dir, out):
    assert main(["student", str(solution_dir), "--out", str(out)]) == 0
    return sorted(path.relative_to(out) for path in out.rglob("*") if path.is_file())


def test_student_copies_are_byte_identical(solution_dir, tmp_path):
    first = _student_files(solution_dir, tmp_path / "a")
    second = _student_files(solution_dir, tmp_path / "b")
    assert first == second
    for relative in first:
        assert (tmp_path / "a" / relative).read_bytes() == (tmp_path / "b" / relative).read_bytes()


def test_only_notebooks_are_written(solution_dir, tmp_path):
    files = _student_files(solution_dir, tmp_path)
    assert [str(path) for path in files] == [f"{lesson}.ipynb" for lesson in LESSON_EXERCISES]


def test_student_code_cells_compile(solution_dir, tmp_path):
    _student_files(solution_dir, tmp_path)
    for path in tmp_path.glob("*.ipynb"):
        for index, cell in enumerate(nbformat.read(path, as_version=4).cells):
            if cell.cell_type == "code":
                code = "\n".join(line for line in cell.source.splitlines() if not MAGIC.match(line))
                compile(code, f"{path.name} cell {index}", "exec")


def test_student_copy_has_stubs_not_solutions(solution_dir, tmp_path):
    _student_files(solution_dir, tmp_path)
    notebook = nbformat.read(tmp_path / "01_data.ipynb", as_version=4)
    sources = "\n".join(cell.source for cell in notebook.cells)
    assert '    raise NotImplementedError("Write scale_images.")' in sources
    assert "127.5" not in sources
    assert "BEGIN SOLUTION" not in sources


def test_student_copy_clears_outputs_keeps_metadata(solution_dir, tmp_path):
    _student_files(solution_dir, tmp_path)
    notebook = nbformat.read(tmp_path / "01_data.ipynb", as_version=4)
    assert notebook.metadata["gan_lab"] == {"lesson": "01_data"}
    assert all(cell.outputs == [] for cell in notebook.cells if cell.cell_type == "code")
    assert all(cell.execution_count is None for cell in notebook.cells if cell.cell_type == "code")
    assert notebook.cells[0].source == "# Lesson 01_data"


def test_top_level_solution_becomes_raise():
    source = "# BEGIN SOLUTION: Build the model.\nmodel = build()\nmodel.summary()\n# END SOLUTION\nprint(model)"
    assert strip_solutions(source, "x") == 'raise NotImplementedError("Build the model.")\nprint(model)'


def test_instruction_with_quotes_stays_valid():
    source = 'def f():\n    # BEGIN SOLUTION: Use "tanh" and a \\ here\n    return 1\n    # END SOLUTION'
    stub = strip_solutions(source, "x")
    namespace = {}
    exec(stub, namespace)
    with pytest.raises(NotImplementedError, match='Use "tanh" and a'):
        namespace["f"]()


def test_marker_without_end_names_notebook_and_cell():
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# Lesson"),
        nbformat.v4.new_code_cell("x = 1"),
        nbformat.v4.new_code_cell("def f():\n    # BEGIN SOLUTION: Write f.\n    return 1"),
    ])
    with pytest.raises(MarkerError, match=r"lesson\.ipynb, cell 3 \(code cell 2\), which starts `def f\(\):`: "
                                          r"'# BEGIN SOLUTION' on line 2 has no '# END SOLUTION'"):
        student_notebook(notebook, "lesson.ipynb")


def test_end_without_begin_is_rejected():
    with pytest.raises(MarkerError, match="line 2 without a '# BEGIN SOLUTION'"):
        strip_solutions("x = 1\n# END SOLUTION", "lesson.ipynb, cell 0")


def test_student_command_reports_marker_error(tmp_path, capsys):
    source = tmp_path / "src"
    source.mkdir()
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("# BEGIN SOLUTION\nx = 1")])
    write(notebook, source / "broken.ipynb")
    assert main(["student", str(source), "--out", str(tmp_path / "out")]) == 2
    assert "broken.ipynb, cell 1 (code cell 1), which starts `# BEGIN SOLUTION`" in capsys.readouterr().err
    assert not (tmp_path / "out" / "broken.ipynb").exists()


LESSONS_DIR = Path(__file__).resolve().parents[1] / "lessons"


@pytest.mark.skipif(not LESSONS_DIR.is_dir(), reason="no lessons folder in this checkout")
def test_lesson_student_copies_compile_without_solutions(tmp_path):
    assert main(["student", str(LESSONS_DIR), "--out", str(tmp_path)]) == 0
    copies = sorted(tmp_path.glob("*.ipynb"))
    assert [path.name for path in copies] == sorted(path.name for path in LESSONS_DIR.glob("*.ipynb"))
    for path in copies:
        notebook = nbformat.read(path, as_version=4)
        assert notebook.metadata["gan_lab"]["lesson"] == path.stem
        for index, cell in enumerate(notebook.cells):
            assert "SOLUTION" not in cell.source
            if cell.cell_type == "code":
                code = "\n".join(line for line in cell.source.splitlines() if not MAGIC.match(line))
                compile(code, f"{path.name} cell {index}", "exec")
