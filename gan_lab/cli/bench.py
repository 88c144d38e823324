"""``gan-lab bench``: time training steps per method and a float32 matrix product on this machine.

The last line printed is ``images_per_s <number>``: the rate of the one method asked
for, or of the first compiled variant when several methods ran.
"""

import os
import platform
import time

import keras
import tensorflow as tf

from gan_lab.bench import BENCH_METHODS, build_models, make_bench_runner, matmul_gflops, step_flops_per_image, time_runners
from gan_lab.cli.train import DATASETS
from gan_lab.data import load_dataset
from gan_lab.models import KINDS


def add_parser(subparsers, name):
    parser = subparsers.add_parser(
        name, help="time training steps per method",
        description="Time training steps of each method after a warm-up, and a float32 matrix product, "
                    "and print images per second. The last line is 'images_per_s <number>'.",
    )
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--dataset", choices=DATASETS, help="a named data set (default: shapes, which needs no download)")
    source.add_argument("--data", metavar="PATH", help="a CIFAR-10 python archive, an image folder, or a .tar/.tar.gz/.zip of one")
    parser.add_argument("--limit", type=int, help="use at most this many images (default: all)")
    parser.add_argument("--model", choices=KINDS, default="dense", help="network family (default: dense)")
    parser.add_argument("--method", nargs="+", choices=BENCH_METHODS, default=list(BENCH_METHODS),
                        help="methods to time (default: all three)")
    parser.add_argument("--batch-size", type=int, default=64, help="real images per step (default: 64)")
    parser.add_argument("--steps", type=int, default=40, help="timed steps per method and round (default: 40)")
    parser.add_argument("--warmup", type=int, default=10, help="untimed steps before the timing (default: 10)")
    parser.add_argument("--repeats", type=int, default=3, help="timing rounds; the median is reported (default: 3)")
    parser.add_argument("--steps-per-call", type=int, nargs="+", default=[10], metavar="K",
                        help="steps per tf.function call of the compiled method; several values time several variants (default: 10)")
    parser.add_argument("--xla", choices=("off", "on", "both"), default="off",
                        help="compile the compiled method's step with XLA (default: off)")
    parser.add_argument("--latent-dim", type=int, default=100, help="length of the noise vector (default: 100)")
    parser.add_argument("--matmul-size", type=int, default=1024, help="side of the square matrices of the matmul rate (default: 1024)")


def _check(args):
    for name in ("batch_size", "steps", "warmup", "repeats", "latent_dim", "matmul_size"):
        value = getattr(args, name)
        if value < 1 and not (name == "warmup" and value == 0):
            raise ValueError(f"--{name.replace('_', '-')} must be a positive integer, got {value}.")
    if min(args.steps_per_call) < 1:
        raise ValueError(f"--steps-per-call values must be at least 1, got {args.steps_per_call}.")


def _variants(args):
    """Return ``[(label, method, steps_per_call, jit_compile)]`` in the order they are timed."""
    xla_settings = {"off": [False], "on": [True], "both": [False, True]}[args.xla]
    variants = []
    for method in BENCH_METHODS:
        if method not in args.method:
            continue
        if method != "compiled":
            variants.append((method, method, 1, False))
            continue
        for jit_compile in xla_settings:
            for steps_per_call in args.steps_per_call:
                label = f"compiled ({steps_per_call} steps/call{', XLA' if jit_compile else ''})"
                variants.append((label, method, steps_per_call, jit_compile))
    return variants


def _machine_line():
    memory_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1e9
    cpu = platform.processor() or "unknown CPU"
    try:
        with open("/proc/cpuinfo") as handle:
            cpu = next(line.split(":", 1)[1].strip() for line in handle if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    return (f"machine: {os.cpu_count()} CPUs ({cpu}), {memory_gb:.1f} GB, TensorFlow {tf.__version__}, "
            f"Keras {keras.__version__}, load average {load}")


def run(args):
    _check(args)
    print(_machine_line(), flush=True)
    started = time.perf_counter()
    data = load_dataset(args.data or args.dataset or "shapes", limit=args.limit, value_range=None)
    images = data.images
    print(f"data: {data.source_description}, uint8 in memory, loaded in {time.perf_counter() - started:.1f} s", flush=True)
    if args.batch_size > len(images):
        raise ValueError(f"--batch-size {args.batch_size} exceeds the {len(images)} images loaded; lower it or raise --limit.")

    matmul_before = matmul_gflops(args.matmul_size)

    runners, models_by_label = {}, {}
    for label, method, steps_per_call, jit_compile in _variants(args):
        models = build_models(args.model, images.shape[1:], args.latent_dim)
        runners[label] = (make_bench_runner(method, models, images, jit_compile=jit_compile), steps_per_call)
        models_by_label[label] = models
    generator, discriminator, _ = next(iter(models_by_label.values()))
    flops = step_flops_per_image(generator, discriminator)
    print(f"model {args.model}: generator {generator.count_params():,} weights, discriminator "
          f"{discriminator.count_params():,} weights, about {flops / 1e6:.1f} MFLOP per real image and step "
          "(estimate from the Dense and convolution layers)", flush=True)

    seconds = time_runners(runners, len(images), batch_size=args.batch_size, steps=args.steps,
                           warmup=args.warmup, repeats=args.repeats)
    # The matmul is timed before and after the steps because other jobs can change the load.
    # The higher of the two rates is the closer one to what the hardware can do.
    matmul_after = matmul_gflops(args.matmul_size)
    matmul = max(matmul_before, matmul_after)
    print(f"matmul {args.matmul_size}x{args.matmul_size} float32: {matmul:.1f} GFLOP/s "
          f"(the higher of {matmul_before:.1f} before and {matmul_after:.1f} after the steps)", flush=True)
    rates = {label: args.batch_size / value for label, value in seconds.items()}
    for label, rate in rates.items():
        achieved = rate * flops / 1e9
        print(f"{label}: {rate:.1f} images/s ({1000 * seconds[label]:.1f} ms per step of {args.batch_size}), "
              f"about {achieved:.1f} GFLOP/s = {100 * achieved / matmul:.0f}% of the matmul rate (estimate)")
    _print_ratios(rates)
    print(f"images_per_s {_headline(rates):.1f}")
    return 0


def _print_ratios(rates):
    if "baseline" not in rates:
        return
    for label, rate in rates.items():
        if label != "baseline":
            print(f"{label} / baseline: {rate / rates['baseline']:.2f}x")


def _headline(rates):
    compiled = [label for label in rates if label.startswith("compiled")]
    return rates[compiled[0]] if compiled else rates[next(iter(rates))]
