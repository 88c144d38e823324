"""``gan-lab train``: train a GAN and write samples, curves and checkpoints to a run folder."""

import logging
import os
import sys
import time
from datetime import datetime
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from gan_lab.checkpoints import latest_checkpoint
from gan_lab.data import load_dataset
from gan_lab.diagnostics import Diagnostics
from gan_lab.gan import build_gan, compile_discriminator, make_optimizer
from gan_lab.metrics import METRICS, MetricCallback
from gan_lab.models import KINDS, build_discriminator, build_generator
from gan_lab.runs import RunWriter, environment_summary, read_config, write_config
from gan_lab.tensorboard import TensorBoardLogger
from gan_lab.training import METHODS, Callback, TrainingDiverged, make_strategy, set_mixed_precision, split_cpu, train

log = logging.getLogger(__name__)

DATASETS = ("cifar10", "mnist", "fashion_mnist", "shapes")
DEFAULTS = {
    "model": "dcgan", "epochs": 20, "steps_per_epoch": None, "batch_size": 64, "latent_dim": 100,
    "learning_rate": 2e-4, "seed": 0, "method": "compiled", "classes": None, "limit": None,
    "eval_every": None, "metric": "swd", "eval_n": 512, "tensorboard": False, "diagnostics": True,
}
# Steps per tf.function call of the compiled method when --steps-per-call is not given.
DEFAULT_STEPS_PER_CALL = 10
# Settings that shape the networks or the data; a resumed run must keep them.
FIXED_ON_RESUME = ("model", "latent_dim", "dataset", "data", "classes", "limit", "seed", "batch_size")


def add_parser(subparsers, name):
    parser = subparsers.add_parser(
        name, help="train a GAN", description="Train a GAN and write samples, loss curves and checkpoints."
    )
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--dataset", choices=DATASETS, help="a named data set (default: cifar10, or $GAN_LAB_DATA if set)")
    source.add_argument("--data", metavar="PATH", help="a CIFAR-10 python archive, an image folder, or a .tar/.tar.gz/.zip of one")
    parser.add_argument("--classes", nargs="+", metavar="CLASS", help="train on these classes only, e.g. --classes horse")
    parser.add_argument("--limit", type=int, help="use at most this many images")
    parser.add_argument("--model", choices=KINDS, help="network family (default: dcgan)")
    parser.add_argument("--epochs", type=int, help="total number of epochs, counting resumed ones (default: 20)")
    parser.add_argument("--steps-per-epoch", type=int, help="training steps per epoch (default: one pass over the data)")
    parser.add_argument("--batch-size", type=int, help="real images per step (default: 64)")
    parser.add_argument("--latent-dim", type=int, help="length of the noise vector (default: 100)")
    parser.add_argument("--learning-rate", type=float, help="Adam learning rate of both networks (default: 0.0002)")
    parser.add_argument("--seed", type=int, help="seed for weights, noise and batch order (default: 0)")
    parser.add_argument("--method", choices=METHODS, help="compiled (fast, default) or classic (train_on_batch)")
    parser.add_argument("--out", metavar="DIR", help="run folder (default: runs/MODEL-DATA-TIME)")
    parser.add_argument("--resume", action="store_true", help="continue the run in --out from its newest checkpoint")
    parser.add_argument("--quiet", action="store_true", help="no progress bars")
    parser.add_argument("--eval-every", type=int, metavar="N",
                        help="score the samples every N epochs and after the last one (default: never)")
    parser.add_argument("--metric", choices=METRICS, help="score for --eval-every: swd (offline, default), fid or kid")
    parser.add_argument("--eval-n", type=int, help="generated and training images per score (default: 512)")
    parser.add_argument("--tensorboard", action="store_true", default=None,
                        help="also write losses, scores and sample grids to RUN_DIR/tensorboard")
    parser.add_argument("--no-diagnostics", dest="diagnostics", action="store_false", default=None,
                        help="no warnings about a winning discriminator, collapsing samples or NaN losses")
    speed = parser.add_argument_group("speed (compiled method only)")
    speed.add_argument("--steps-per-call", type=int, metavar="K",
                       help="training steps per tf.function call; the history still has one row per step "
                            f"(default: {DEFAULT_STEPS_PER_CALL})")
    speed.add_argument("--xla", action="store_true", help="compile the training step with XLA")
    speed.add_argument("--devices", type=int, default=1, metavar="N",
                       help="train on N local devices with tf.distribute.MirroredStrategy; the batch is split "
                            "evenly over them (default: 1). Without N GPUs the CPU is split into N logical "
                            "devices, which tests the strategy but gives no speed-up")
    speed.add_argument("--mixed-precision", action="store_true",
                       help="float16 layers with float32 weights and losses, on a GPU; on a CPU it logs a "
                            "warning and training stays float32")


def _given(args):
    names = list(DEFAULTS) + ["dataset", "data"]
    return {name: getattr(args, name) for name in names if getattr(args, name) is not None}


def _check_options(config):
    """Reject option values that cannot work, before any data is loaded."""
    at_least_one = ("epochs", "batch_size", "latent_dim", "steps_per_epoch", "limit", "steps_per_call", "devices")
    for name in at_least_one:
        value = config.get(name)
        if value is not None and value < 1:
            raise ValueError(f"--{name.replace('_', '-')} must be at least 1, got {value}.")
    if config["learning_rate"] <= 0:
        raise ValueError(f"--learning-rate must be positive, got {config['learning_rate']}.")
    if config["method"] == "classic":
        _check_classic_options(config)


def _check_classic_options(config):
    # The classic method runs one train_on_batch call per step, so these options have nothing to change.
    compiled_only = []
    if config.get("steps_per_call") is not None:
        compiled_only.append("--steps-per-call")
    if config.get("xla"):
        compiled_only.append("--xla")
    if compiled_only:
        verb = "apply" if len(compiled_only) > 1 else "applies"
        raise ValueError(
            f"{' and '.join(compiled_only)} {verb} only to --method compiled, but this run uses --method "
            "classic. Drop --steps-per-call and --xla, or train with --method compiled."
        )
    if config.get("devices", 1) > 1:
        raise ValueError(
            f"--devices {config['devices']} applies only to --method compiled, but this run uses --method "
            "classic. Drop --devices, or train with --method compiled."
        )


def _source_text(config):
    return f"--data {config['data']}" if config.get("data") else f"--dataset {config.get('dataset')}"


def _resumed_config(args, given):
    if not args.out:
        raise ValueError("--resume needs --out, the folder of the run to continue.")
    config = read_config(args.out)
    if ("data" in given or "dataset" in given) and (given.get("data"), given.get("dataset")) != (
        config.get("data"), config.get("dataset")
    ):
        raise ValueError(
            f"The run in {args.out} was trained on {_source_text(config)}. Drop --data and --dataset to "
            "resume it, or start a new run with another --out."
        )
    for name in FIXED_ON_RESUME:
        if name in given and given[name] != config.get(name):
            raise ValueError(
                f"The run in {args.out} was trained with {name}={config.get(name)!r}, not {given[name]!r}. "
                f"Drop --{name.replace('_', '-')} to resume it, or start a new run with another --out."
            )
    checkpoint = latest_checkpoint(Path(args.out) / "checkpoints")
    if checkpoint is None:
        raise ValueError(
            f"{args.out} has no checkpoint: its run stopped before the end of its first epoch. "
            "Start it again without --resume, in an empty --out folder."
        )
    # The folder may have moved since the run started: the --out given now is where it is.
    config = {**config, **given, "out": args.out}
    epochs_done = int(checkpoint.stem.split("-")[1])
    if config["epochs"] <= epochs_done:
        raise ValueError(
            f"The run in {args.out} has already trained {epochs_done} epochs and --epochs counts all "
            f"epochs, so --epochs {config['epochs']} adds none. Pass --epochs {epochs_done + 1} or more."
        )
    return config


def _new_config(args, given):
    config = {**DEFAULTS, **given}
    if "dataset" not in config and "data" not in config:
        if os.environ.get("GAN_LAB_DATA"):
            config["data"] = os.environ["GAN_LAB_DATA"]
        else:
            config["dataset"] = "cifar10"
    source_name = config.get("dataset") or Path(config["data"]).name.split(".")[0]
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    config["out"] = args.out or str(Path("runs") / f"{config['model']}-{source_name}-{stamp}")
    if latest_checkpoint(Path(config["out"]) / "checkpoints"):
        raise ValueError(
            f"{config['out']} already contains a run. Pass --resume to continue it, or choose another --out."
        )
    return config


class EpochReport(Callback):
    """Prints one line per epoch: the epoch's mean losses, its time and where the grid went."""

    def __init__(self, writer):
        self.writer = writer
        self.started = time.perf_counter()

    def on_epoch_end(self, state):
        seconds = time.perf_counter() - self.started
        self.started = time.perf_counter()
        means = {name: state.history.epoch_means(name)[1][-1] for name in ("d_loss", "g_loss", "real_accuracy", "fake_accuracy")}
        scores = "".join(
            f" {name}={state.history[name][-1]:.4f}" for name in METRICS
            if name in state.history and np.isfinite(state.history[name][-1])
        )
        print(
            f"epoch {state.epoch}/{state.epochs} d_loss={means['d_loss']:.3f} g_loss={means['g_loss']:.3f} "
            f"real_accuracy={means['real_accuracy']:.2f} fake_accuracy={means['fake_accuracy']:.2f}{scores} "
            f"time={seconds:.1f}s samples={self.writer.grid_path(state.epoch)}",
            flush=True,
        )


def training_callbacks(config, run_dir, real_images):
    """Return the callbacks of a run, in order: the score first, so the writers see it."""
    writer = RunWriter(run_dir)
    callbacks = [writer, EpochReport(writer)]
    if config.get("eval_every") is not None and config["eval_every"] < 1:
        raise ValueError(f"--eval-every must be at least 1, got {config['eval_every']}.")
    if config.get("eval_every"):
        callbacks.insert(0, MetricCallback(
            real_images, config["metric"], every=config["eval_every"], n=config["eval_n"], seed=config["seed"],
        ))
    if config.get("diagnostics", True):
        callbacks.append(Diagnostics(real_images, seed=config["seed"]))
    if config.get("tensorboard"):
        callbacks.append(TensorBoardLogger(run_dir / "tensorboard"))
    return callbacks


def _strategy(devices):
    # The CPU can only be split before TensorFlow initialises its devices, so this runs
    # before anything builds a model or runs an operation.
    if devices > 1:
        # MirroredStrategy logs every cross-device reduction at INFO level.
        logging.getLogger("tensorflow").setLevel(logging.WARNING)
    if devices > 1 and len(tf.config.list_physical_devices("GPU")) < devices:
        log.warning("Fewer than %d GPUs: splitting the CPU into %d logical devices (no speed-up).", devices, devices)
        split_cpu(devices)
    return make_strategy(devices)


def _run_config(args):
    """Return the checked settings of this run, from the command line and, on --resume, config.json."""
    given = _given(args)
    config = _resumed_config(args, given) if args.resume else _new_config(args, given)
    # Speed options are not kept on resume: each start uses the ones given on its own command line.
    config.update(steps_per_call=args.steps_per_call, xla=args.xla, devices=args.devices,
                  mixed_precision=args.mixed_precision)
    _check_options(config)
    if config["method"] == "compiled" and config["steps_per_call"] is None:
        config["steps_per_call"] = DEFAULT_STEPS_PER_CALL
    return config


def run(args):
    config = _run_config(args)
    run_dir = Path(config["out"])
    strategy = _strategy(args.devices)
    set_mixed_precision(args.mixed_precision)
    keras.utils.set_random_seed(config["seed"])

    data = load_dataset(
        config.get("data") or config["dataset"], classes=config["classes"], limit=config["limit"], seed=config["seed"]
    )
    print(f"data: {data.source_description}", flush=True)
    images = data.images
    if config["batch_size"] > len(images):
        raise ValueError(
            f"--batch-size {config['batch_size']} is larger than the {len(images)} images loaded; "
            "lower --batch-size or raise --limit."
        )
    with (strategy or tf.distribute.get_strategy()).scope():
        generator = build_generator(config["model"], config["latent_dim"], images.shape[1:])
        discriminator = compile_discriminator(
            build_discriminator(config["model"], images.shape[1:]), make_optimizer(config["learning_rate"])
        )
        gan = build_gan(generator, discriminator, make_optimizer(config["learning_rate"]))

    config.update(image_shape=list(images.shape[1:]), value_range=[-1, 1], data_description=data.source_description,
                  environment=environment_summary())
    write_config(run_dir, config)
    try:
        train(
            generator, discriminator, images, epochs=config["epochs"], batch_size=config["batch_size"],
            steps_per_epoch=config["steps_per_epoch"], method=config["method"], gan=gan, seed=config["seed"],
            checkpoint_dir=run_dir / "checkpoints", resume=args.resume,
            callbacks=training_callbacks(config, run_dir, images), progress=not args.quiet,
            steps_per_call=config["steps_per_call"] or 1, jit_compile=args.xla, strategy=strategy,
        )
    except TrainingDiverged as error:
        print(f"gan-lab train: training stopped: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        newest = latest_checkpoint(run_dir / "checkpoints")
        kept = f"the newest checkpoint is {newest}" if newest else "no epoch finished, so no checkpoint was written"
        print(f"\ngan-lab train: interrupted; {kept}. Continue with: gan-lab train --resume --out {run_dir}",
              file=sys.stderr)
        return 130
    print(f"run folder: {run_dir} (samples.gif, losses.png, history.csv, checkpoints/)")
    return 0
