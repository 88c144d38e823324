"""``gan-lab evaluate``: score a run's newest checkpoint against real images with SWD, FID or KID."""

from gan_lab.cli.train import DATASETS
from gan_lab.data import load_images
from gan_lab.metrics import METRICS, score_generator
from gan_lab.runs import load_generator


def add_parser(subparsers, name):
    parser = subparsers.add_parser(
        name, help="score a trained run against real images",
        description="Score N images from a run's newest checkpoint against N real images. "
        "The last line printed is 'METRIC VALUE'; lower is better.",
    )
    parser.add_argument("run_dir", metavar="RUN_DIR", help="the --out folder of a 'gan-lab train' run")
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--dataset", choices=DATASETS, help="a named data set (default: the run's own data)")
    source.add_argument("--data", metavar="SOURCE", help="a CIFAR-10 python archive, an image folder, or a .tar/.tar.gz/.zip of one")
    parser.add_argument("--split", choices=("train", "test"), default="test", help="which split of the real images (default: test)")
    parser.add_argument("--metric", choices=METRICS, default="swd",
                        help="swd (offline), or fid/kid (need InceptionV3's weights in the Keras cache) (default: swd)")
    parser.add_argument("--n", type=int, default=2048, help="number of real and of generated images (default: 2048)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the noise, the real subset and the patches (default: 0)")


def real_images_for(config, source, split, n, seed):
    """Load ``n`` real images shaped and scaled like the run's generator output."""
    image_shape = tuple(config["image_shape"])
    images = load_images(
        source, split=split, classes=config.get("classes"), limit=n, value_range=tuple(config["value_range"]),
        seed=seed, image_size=image_shape[:2],
    )
    if images.shape[1:] != image_shape:
        raise ValueError(
            f"The real images are {images.shape[1:]} but the run's generator draws {image_shape}. "
            "Pass a --data or --dataset source with the same number of channels."
        )
    return images


def run(args):
    if args.n < 2:
        raise ValueError(f"--n must be at least 2, got {args.n}.")
    generator, config, epoch = load_generator(args.run_dir)
    source = args.data or args.dataset or config.get("data") or config.get("dataset")
    real_images = real_images_for(config, source, args.split, args.n, args.seed)
    print(f"scoring epoch {epoch} of {args.run_dir}: {len(real_images)} generated images against "
          f"{len(real_images)} real images ({args.split} split of {source})", flush=True)

    result = score_generator(
        args.metric, generator, real_images, n=len(real_images), value_range=tuple(config["value_range"]),
        seed=args.seed,
    )
    for name, value in result.details.items():
        print(f"{name} {value:.6f}")
    print(f"{result.name} {result.value:.6f}")
    return 0
