"""``gan-lab student``: write student copies of solution notebooks."""

def add_parser(subparsers, name):
    parser = subparsers.add_parser(
        name, help="write student copies of solution notebooks",
        description="Replace every '# BEGIN SOLUTION: <instruction>' ... '# END SOLUTION' block in the "
        "notebooks under SOURCE_DIR by raise NotImplementedError(\"<instruction>\"), clear the outputs, "
        "and write the copies under DEST_DIR with the same relative paths. Other files are not copied.",
    )
    parser.add_argument("source_dir", metavar="SOURCE_DIR", help="folder of the solution notebooks")
    parser.add_argument("--out", required=True, metavar="DEST_DIR", help="folder for the student copies")


def run(args):
    # Imported here, so that the other commands work without nbformat.
    try:
        from gan_lab.grading.student import write_student_copies
    except ImportError as error:
        raise ValueError(f"student copies need {error.name}, which is not installed; "
                         "install it with pip install -e '.[grading]' (from the repository folder).") from None

    written = write_student_copies(args.source_dir, args.out)
    print(f"wrote {len(written)} student notebooks to {args.out}")
    return 0
