"""The ``gan-lab`` command line: one module per subcommand, each with ``add_parser`` and ``run``."""

import argparse
import logging
import sys

from gan_lab.cli import evaluate, grade, sample, student, train

SUBCOMMANDS = {"train": train, "sample": sample, "evaluate": evaluate, "student": student, "grade": grade}


def build_parser():
    parser = argparse.ArgumentParser(
        prog="gan-lab", description="Train, sample and study generative adversarial networks."
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log debugging details")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, module in SUBCOMMANDS.items():
        module.add_parser(subparsers, name)
    return parser


def main(argv=None):
    """Run one subcommand and return its exit status: 0 on success, 1 on a failed run, 2 on bad input."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        return SUBCOMMANDS[args.command].run(args) or 0
    except (ValueError, FileNotFoundError) as error:
        print(f"gan-lab {args.command}: error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
