"""Speed options of training: steps per call, uint8 input, two devices, mixed precision, the bench."""

import json
import logging
import os
import subprocess
import sys
import textwrap

import keras
import numpy as np
import pytest
from conftest import REPO_ROOT

from gan_lab.cli import main
from gan_lab.gan import build_gan
from gan_lab.models import build_discriminator, build_generator
from gan_lab.training import make_strategy, set_mixed_precision, train

METRICS = ("d_loss", "g_loss", "real_accuracy", "fake_accuracy")


def _models(kind="dense", latent_dim=16, seed=0):
    keras.utils.set_random_seed(seed)
    generator = build_generator(kind, latent_dim)
    discriminator = build_discriminator(kind)
    return generator, discriminator, build_gan(generator, discriminator)


def _train(images, **options):
    generator, discriminator, gan = _models(options.pop("kind", "dense"))
    return train(generator, discriminator, images, epochs=2, batch_size=16, steps_per_epoch=5, gan=gan,
                 progress=False, **options)


@pytest.fixture
def uint8_images():
    rng = np.random.default_rng(1)
    return rng.integers(0, 256, (128, 32, 32, 3), dtype=np.uint8)


@pytest.mark.parametrize("kind", ["dense", "dcgan"])
def test_steps_per_call_keeps_per_step_losses(kind, random_images):
    single = _train(random_images, kind=kind, steps_per_call=1)
    # 5 steps per epoch in calls of 3 leaves a short last call, which must also match.
    multi = _train(random_images, kind=kind, steps_per_call=3)
    assert len(multi) == len(single) == 10
    np.testing.assert_array_equal(multi["step"], single["step"])
    for name in METRICS:
        np.testing.assert_allclose(multi[name], single[name], rtol=1e-5, atol=1e-6, err_msg=name)


@pytest.mark.parametrize("method", ["compiled", "classic"])
def test_uint8_images_match_images_scaled_outside(method, uint8_images):
    scaled = uint8_images.astype("float32") * np.float32(2 / 255) + np.float32(-1)
    from_float = _train(scaled, method=method)
    from_uint8 = _train(uint8_images, method=method, value_range=(-1, 1))
    for name in METRICS:
        np.testing.assert_allclose(from_uint8[name], from_float[name], rtol=1e-5, atol=1e-6, err_msg=name)


def test_uint8_scaling_matches_data_module(uint8_images):
    from gan_lab.data import scale_images
    from gan_lab.training.runners import scale_batch

    np.testing.assert_array_equal(scale_batch(uint8_images, (-1, 1)), scale_images(uint8_images, (-1, 1)))
    np.testing.assert_array_equal(scale_batch(uint8_images, (0, 1)), scale_images(uint8_images, (0, 1)))


def test_bad_speed_options_name_the_problem(random_images):
    generator, discriminator, gan = _models()
    with pytest.raises(ValueError, match="steps_per_call must be at least 1, got 0"):
        train(generator, discriminator, random_images, epochs=1, batch_size=8, gan=gan, steps_per_call=0)
    with pytest.raises(ValueError, match="images must be float32 .* or uint8 .* got dtype float64"):
        train(generator, discriminator, random_images.astype("float64"), epochs=1, batch_size=8, gan=gan)


def test_mixed_precision_on_cpu_warns_and_stays_float32(caplog):
    with caplog.at_level(logging.WARNING, logger="gan_lab.training.devices"):
        enabled = set_mixed_precision(True)
    assert enabled is False
    assert keras.mixed_precision.global_policy().name == "float32"
    assert "Mixed precision needs a GPU" in caplog.text


def test_discriminator_score_layer_is_float32():
    discriminator = build_discriminator("dcgan")
    assert discriminator.get_layer("score").dtype_policy.name == "float32"


def test_make_strategy_needs_enough_devices():
    assert make_strategy(1) is None
    with pytest.raises(ValueError, match="Training on 64 devices needs 64 GPUs"):
        make_strategy(64)


TWO_DEVICES_SCRIPT = textwrap.dedent("""
    import json
    import gan_lab
    from gan_lab.training import make_strategy, split_cpu, train
    split_cpu(2)

    import keras
    import numpy as np
    from gan_lab.gan import build_gan, compile_discriminator
    from gan_lab.models import build_discriminator

    def build():
        # No BatchNormalization, so one device on the global batch and two on its halves
        # compute the same function and the losses can be compared.
        keras.utils.set_random_seed(0)
        generator = keras.Sequential([
            keras.Input((8,)), keras.layers.Dense(64, activation="relu"),
            keras.layers.Dense(32 * 32 * 3, activation="tanh"), keras.layers.Reshape((32, 32, 3)),
        ], name="generator")
        discriminator = compile_discriminator(build_discriminator("dense"))
        return generator, discriminator, build_gan(generator, discriminator)

    images = np.random.default_rng(0).integers(0, 256, (96, 32, 32, 3), dtype=np.uint8)
    options = dict(epochs=2, batch_size=16, steps_per_epoch=3, progress=False, steps_per_call=2)
    strategy = make_strategy(2)
    with strategy.scope():
        generator, discriminator, gan = build()
    two = train(generator, discriminator, images, gan=gan, strategy=strategy, **options)
    one = train(*build()[:2], images, gan=None, **options)
    print(json.dumps({
        "replicas": strategy.num_replicas_in_sync,
        "devices": list(strategy.extended.worker_devices),
        "two": {name: two[name].tolist() for name in ("d_loss", "g_loss", "real_accuracy")},
        "one": {name: one[name].tolist() for name in ("d_loss", "g_loss", "real_accuracy")},
    }))
""")


def test_two_cpu_devices_match_one_device():
    environment = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "CUDA_VISIBLE_DEVICES": ""}
    result = subprocess.run([sys.executable, "-c", TWO_DEVICES_SCRIPT], capture_output=True, text=True,
                            env=environment, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["replicas"] == 2
    assert len(set(report["devices"])) == 2
    assert all(np.isfinite(report["two"]["d_loss"])) and all(np.isfinite(report["two"]["g_loss"]))
    assert len(report["two"]["d_loss"]) == 6
    for name in ("d_loss", "g_loss", "real_accuracy"):
        np.testing.assert_allclose(report["two"][name], report["one"][name], rtol=1e-4, atol=1e-5, err_msg=name)


def test_bench_prints_matmul_rate_and_last_line(capsys):
    status = main(["bench", "--dataset", "shapes", "--limit", "256", "--batch-size", "16", "--steps", "2",
                   "--warmup", "1", "--repeats", "1", "--matmul-size", "128", "--method", "classic", "compiled",
                   "--steps-per-call", "2"])
    lines = capsys.readouterr().out.strip().splitlines()
    assert status == 0
    matmul_line = next(line for line in lines if line.startswith("matmul 128x128 float32: "))
    assert float(matmul_line.split()[3]) > 0
    assert matmul_line.split()[4] == "GFLOP/s"
    assert any(line.startswith("compiled (2 steps/call): ") for line in lines)
    last = lines[-1].split()
    assert last[0] == "images_per_s"
    assert len(last) == 2
    assert float(last[1]) > 0


def test_bench_baseline_alone_reports_its_rate(capsys):
    status = main(["bench", "--limit", "128", "--batch-size", "16", "--steps", "1", "--warmup", "1",
                   "--repeats", "1", "--matmul-size", "64", "--method", "baseline"])
    lines = capsys.readouterr().out.strip().splitlines()
    assert status == 0
    baseline_rate = next(line for line in lines if line.startswith("baseline: ")).split()[1]
    assert lines[-1] == f"images_per_s {baseline_rate}"
