"""``gan-lab sample``: draw images from a run's newest checkpoint into a PNG grid."""

from gan_lab.runs import sample_grid


def add_parser(subparsers, name):
    parser = subparsers.add_parser(
        name, help="draw images from a trained run", description="Draw N images from a run's newest checkpoint."
    )
    parser.add_argument("run_dir", metavar="RUN_DIR", help="the --out folder of a 'gan-lab train' run")
    parser.add_argument("--n", type=int, default=64, help="number of images (default: 64)")
    parser.add_argument("--out", required=True, metavar="FILE.png", help="where to write the grid")
    parser.add_argument("--seed", type=int, default=0, help="seed of the noise (default: 0)")


def run(args):
    _, epoch = sample_grid(args.run_dir, args.n, args.out, seed=args.seed)
    print(f"wrote {args.n} images from epoch {epoch} of {args.run_dir} to {args.out}")
    return 0
