"""``gan-lab grade``: grade one submitted notebook, or a folder of them."""

import sys
from pathlib import Path

from gan_lab.grading.limits import Limits

DEFAULTS = Limits()


def add_parser(subparsers, name):
    parser = subparsers.add_parser(
        name, help="grade submitted notebooks",
        description="Run a submitted notebook in a fresh kernel, run its lesson's checks, and write "
        "the scores in the Gradescope results.json format. Given a folder, grade every .ipynb in it into "
        "DIR/<name>.json and write DIR/summary.csv. Given no existing path or several paths (a shell "
        "pattern that matched no file or several), write score 0 to the results file with what was "
        "found, and exit with status 2. In a folder, a submission that could not be graded gets "
        "score 0 and the others are still graded; the exit status is then 1.",
    )
    parser.add_argument("submission", metavar="SUBMISSION", nargs="*",
                        help="one .ipynb file, or one folder of them")
    parser.add_argument("--out", required=True, metavar="PATH",
                        help="results file for one notebook (e.g. results.json), or a folder for a folder")
    parser.add_argument("--cell-timeout", type=float, default=DEFAULTS.cell_timeout, metavar="SECONDS",
                        help=f"time limit of one notebook cell (default: {DEFAULTS.cell_timeout:g})")
    parser.add_argument("--total-timeout", type=float, default=DEFAULTS.total_timeout, metavar="SECONDS",
                        help=f"time limit of all notebook cells together (default: {DEFAULTS.total_timeout:g})")
    parser.add_argument("--probe-timeout", type=float, default=DEFAULTS.probe_timeout, metavar="SECONDS",
                        help=f"time limit of each check's run of the learner's code (default: {DEFAULTS.probe_timeout:g})")
    parser.add_argument("--memory-mb", type=int, default=DEFAULTS.memory_mb, metavar="MIB",
                        help=f"address-space limit of the kernel in MiB, 0 for none (default: {DEFAULTS.memory_mb})")


def _limits(args):
    for option in ("cell_timeout", "total_timeout", "probe_timeout"):
        if getattr(args, option) <= 0:
            raise ValueError(f"--{option.replace('_', '-')} must be positive, got {getattr(args, option)}.")
    if args.memory_mb < 0:
        raise ValueError(f"--memory-mb must be 0 (no limit) or positive, got {args.memory_mb}.")
    return Limits(args.cell_timeout, args.total_timeout, args.probe_timeout, args.memory_mb)


def run(args):
    # Imported here, so that the other commands work without the Jupyter packages.
    try:
        from gan_lab.grading.grade import grade_to_file, write_not_one_notebook
    except ImportError as error:
        raise ValueError(f"grading needs {error.name}, which is not installed; "
                         "install it with pip install -e '.[grading]' (from the repository folder).") from None

    limits = _limits(args)
    paths = args.submission
    if len(paths) == 1 and Path(paths[0]).is_dir():
        return _run_folder(paths[0], args.out, limits)
    if len(paths) != 1 or not Path(paths[0]).is_file():
        results = write_not_one_notebook(paths, args.out)
        print(f"gan-lab grade: error: {results['extra_data']['error']}", file=sys.stderr)
        print(f"wrote score 0 to {args.out}")
        return 2
    results = grade_to_file(paths[0], args.out, limits)
    error = results["extra_data"]["error"]
    if error:
        print(f"gan-lab grade: error: {error}", file=sys.stderr)
        print(f"wrote score 0 to {args.out}")
        return 2
    print(f"{Path(paths[0]).name}: {results['score']:g}/{results['extra_data']['max_score']:g} points; wrote {args.out}")
    _warn_memory(Path(paths[0]).name, results)
    return 0


def _warn_memory(name, results):
    execution = results["extra_data"]["execution"] or {}
    if execution.get("memory_problem"):
        print(f"gan-lab grade: warning: {name}: {execution['memory_problem']}", file=sys.stderr)


def _run_folder(folder, out, limits):
    from gan_lab.grading.grade import grade_folder, stale_results

    rows = grade_folder(folder, out, limits)
    for name, results in rows:
        print(f"{name}: {results['score']:g}/{results['extra_data']['max_score']:g}"
              + (f" (error: {results['extra_data']['error']})" if results["extra_data"]["error"] else ""))
        _warn_memory(name, results)
    print(f"wrote {len(rows)} results and summary.csv to {out}")
    stale = stale_results(out, rows)
    if stale:
        print(f"gan-lab grade: warning: {out} also contains {len(stale)} results from an earlier run that "
              f"summary.csv does not list ({', '.join(stale[:5])}{', ...' if len(stale) > 5 else ''}); "
              "grade into an empty folder to keep runs apart.", file=sys.stderr)
    ungraded = [name for name, results in rows if results["extra_data"]["error"]]
    if ungraded:
        print(f"gan-lab grade: error: {len(ungraded)} of {len(rows)} submissions could not be graded "
              f"({', '.join(ungraded)}); their rows in summary.csv give the problem and the error.", file=sys.stderr)
        return 1
    return 0
