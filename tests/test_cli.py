"""The command line end to end, in real subprocesses, on the built-in "shapes" data."""

import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest
from conftest import CIFAR10_JPG, REPO_ROOT
from PIL import Image

SMALL_RUN = ["--dataset", "shapes", "--limit", "256", "--batch-size", "32", "--steps-per-epoch", "4",
             "--latent-dim", "16", "--model", "dense", "--quiet"]


def gan_lab(*args, cache_dir):
    environment = {**os.environ, "GAN_LAB_CACHE": str(cache_dir), "MPLBACKEND": "Agg"}
    environment.pop("GAN_LAB_DATA", None)
    return subprocess.run([sys.executable, "-m", "gan_lab", *map(str, args)], capture_output=True, text=True,
                          env=environment, cwd=REPO_ROOT, timeout=300)


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    """A two-epoch run, then resumed to three epochs."""
    folder = tmp_path_factory.mktemp("runs") / "small"
    cache = tmp_path_factory.mktemp("cache")
    first = gan_lab("train", *SMALL_RUN, "--epochs", "2", "--out", folder, cache_dir=cache)
    assert first.returncode == 0, first.stderr
    resumed = gan_lab("train", "--resume", "--epochs", "3", "--out", folder, "--quiet", cache_dir=cache)
    assert resumed.returncode == 0, resumed.stderr
    return folder, first, resumed


def test_train_writes_every_output(run_dir):
    folder, first, _ = run_dir
    assert "epoch 1/2 d_loss=" in first.stdout
    for name in ("config.json", "samples.gif", "history.csv", "losses.png"):
        assert (folder / name).is_file(), name
    for epoch in (1, 2, 3):
        assert (folder / "samples" / f"epoch-{epoch:04d}.png").is_file()
    assert sorted(path.name for path in (folder / "checkpoints").iterdir()) == [
        "epoch-0001.npz", "epoch-0002.npz", "epoch-0003.npz"]


def test_history_and_gif_cover_resumed_epochs(run_dir):
    folder, _, resumed = run_dir
    assert "epoch 3/3" in resumed.stdout
    assert "epoch 1/" not in resumed.stdout
    with open(folder / "history.csv") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 3 * 4
    assert list(rows[0])[:6] == ["epoch", "step", "d_loss", "g_loss", "real_accuracy", "fake_accuracy"]
    assert [int(row["step"]) for row in rows] == list(range(12))
    with Image.open(folder / "samples.gif") as gif:
        assert gif.n_frames == 3


def test_config_records_the_run(run_dir):
    config = json.loads((run_dir[0] / "config.json").read_text())
    assert config["model"] == "dense"
    assert config["dataset"] == "shapes"
    assert config["epochs"] == 3
    assert config["image_shape"] == [32, 32, 3]
    assert "tensorflow" in config["environment"]


def test_sample_draws_a_grid(run_dir, tmp_path):
    result = gan_lab("sample", run_dir[0], "--n", "16", "--out", tmp_path / "grid.png", cache_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "from epoch 3" in result.stdout
    with Image.open(tmp_path / "grid.png") as grid:
        # 4x4 images of 32 pixels with 1-pixel borders, drawn at twice the size.
        assert grid.size == (2 * (4 * 33 + 1), 2 * (4 * 33 + 1))


def test_new_run_into_used_folder_is_rejected(run_dir, tmp_path):
    result = gan_lab("train", *SMALL_RUN, "--epochs", "1", "--out", run_dir[0], cache_dir=tmp_path)
    assert result.returncode == 2
    assert "already contains a run" in result.stderr
    assert "--resume" in result.stderr


def test_resume_rejects_other_model(run_dir, tmp_path):
    result = gan_lab("train", "--resume", "--model", "dcgan", "--out", run_dir[0], cache_dir=tmp_path)
    assert result.returncode == 2
    assert "model='dense'" in result.stderr


def test_resume_without_run_names_the_folder(tmp_path):
    result = gan_lab("train", "--resume", "--out", tmp_path / "missing", cache_dir=tmp_path)
    assert result.returncode == 2
    assert "config.json not found" in result.stderr


def test_sample_without_checkpoint_is_an_error(tmp_path):
    result = gan_lab("sample", tmp_path, "--out", tmp_path / "x.png", cache_dir=tmp_path)
    assert result.returncode == 2
    assert "not a gan-lab run folder" in result.stderr


@pytest.mark.skipif(not CIFAR10_JPG.exists(), reason="the CIFAR-10 JPEG archive is not beside the checkout")
def test_train_on_real_cifar10_archive(tmp_path):
    folder = tmp_path / "cifar"
    result = gan_lab("train", "--data", CIFAR10_JPG, "--classes", "horse", "--limit", "256", "--epochs", "1",
                     "--steps-per-epoch", "3", "--batch-size", "32", "--model", "dcgan", "--quiet",
                     "--out", folder, cache_dir=tmp_path / "cache")
    assert result.returncode == 0, result.stderr
    assert "horse" in result.stdout or "CIFAR" in result.stdout
    assert (folder / "samples" / "epoch-0001.png").is_file()


def test_resume_follows_moved_folder(run_dir, tmp_path):
    moved = tmp_path / "moved"
    shutil.copytree(run_dir[0], moved)
    result = gan_lab("train", "--resume", "--epochs", "4", "--out", moved, "--quiet", cache_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "epoch 4/4" in result.stdout
    assert "epoch 1/" not in result.stdout
    assert (moved / "checkpoints" / "epoch-0004.npz").is_file()
    assert not (run_dir[0] / "checkpoints" / "epoch-0004.npz").exists()


def test_resume_without_new_epochs_is_rejected(run_dir, tmp_path):
    config_before = (run_dir[0] / "config.json").read_text()
    result = gan_lab("train", "--resume", "--epochs", "2", "--out", run_dir[0], cache_dir=tmp_path)
    assert result.returncode == 2
    assert "already trained 3 epochs" in result.stderr
    assert "--epochs 4 or more" in result.stderr
    assert (run_dir[0] / "config.json").read_text() == config_before


@pytest.mark.parametrize(("option", "value"), [("--epochs", "0"), ("--steps-per-epoch", "0"), ("--limit", "-1")])
def test_bad_option_fails_before_writing(option, value, tmp_path):
    folder = tmp_path / "bad"
    options = [name for name in SMALL_RUN if name != "--quiet"]
    index = options.index(option) if option in options else None
    if index is not None:
        options[index + 1] = value
    else:
        options += [option, value]
    result = gan_lab("train", *options, "--epochs", "1" if option != "--epochs" else value, "--out", folder,
                     cache_dir=tmp_path)
    assert result.returncode == 2
    assert f"{option} must be at least 1" in result.stderr
    assert not folder.exists()


def test_batch_larger_than_data_names_options(tmp_path):
    result = gan_lab("train", "--dataset", "shapes", "--limit", "20", "--batch-size", "32", "--out", tmp_path / "run",
                     cache_dir=tmp_path)
    assert result.returncode == 2
    assert "--batch-size 32 is larger than the 20 images loaded" in result.stderr
    assert not (tmp_path / "run" / "config.json").exists()


def test_interrupt_keeps_checkpoint_and_says_how_to_resume(tmp_path):
    folder = tmp_path / "interrupted"
    environment = {**os.environ, "GAN_LAB_CACHE": str(tmp_path), "MPLBACKEND": "Agg"}
    command = [sys.executable, "-m", "gan_lab", "train", *SMALL_RUN, "--steps-per-epoch", "2", "--epochs", "10000",
               "--out", str(folder)]
    # A shell started in the background ignores SIGINT, and children inherit that, so restore it.
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=environment,
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        # Wait for the first checkpoint, then interrupt as Ctrl-C would.
        deadline = time.monotonic() + 240
        while not list((folder / "checkpoints").glob("epoch-*.npz")) and time.monotonic() < deadline:
            time.sleep(0.2)
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=120)
    finally:
        process.kill()
    assert process.returncode == 130
    assert "interrupted; the newest checkpoint is" in stderr
    assert "Traceback" not in stderr
    assert not list(folder.rglob("*.tmp"))
    epochs_done = max(int(path.stem.split("-")[1]) for path in (folder / "checkpoints").glob("epoch-*.npz"))
    resumed = gan_lab("train", "--resume", "--epochs", epochs_done + 1, "--steps-per-epoch", "2", "--out", folder,
                      "--quiet", cache_dir=tmp_path)
    assert resumed.returncode == 0, resumed.stderr
