"""The command line end to end, in real subprocesses, on the built-in "shapes" data."""

import csv
import json
import os
import subprocess
import sys

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
