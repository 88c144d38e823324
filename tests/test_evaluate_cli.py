"""``gan-lab evaluate`` and the scoring options of ``gan-lab train``, run as a user runs them."""

import csv
import logging
import math
import re

import numpy as np
import pytest
from PIL import Image

from gan_lab.cli import main


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    """A 2-epoch dense run on the generated shapes, scored every epoch, with TensorBoard."""
    out = tmp_path_factory.mktemp("runs") / "shapes-run"
    status = main([
        "train", "--dataset", "shapes", "--limit", "256", "--model", "dense", "--epochs", "2",
        "--steps-per-epoch", "4", "--batch-size", "32", "--eval-every", "1", "--eval-n", "64",
        "--tensorboard", "--out", str(out), "--quiet",
    ])
    assert status == 0
    return out


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("GAN_LAB_CACHE", str(tmp_path / "cache"))


def test_train_history_has_score_at_epoch_ends(run_dir):
    with open(run_dir / "history.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    scores = [float(row["swd"]) for row in rows]
    assert len(rows) == 8
    assert [index for index, value in enumerate(scores) if not math.isnan(value)] == [3, 7]
    assert scores[7] > 0


def test_train_writes_tensorboard_and_plot(run_dir):
    assert list((run_dir / "tensorboard").glob("events.out.tfevents.*"))
    assert (run_dir / "losses.png").stat().st_size > 0


def test_evaluate_prints_score_last(run_dir, capsys):
    status = main(["evaluate", str(run_dir), "--dataset", "shapes", "--n", "64"])
    lines = capsys.readouterr().out.strip().splitlines()
    assert status == 0
    assert re.fullmatch(r"swd \d+\.\d{6}", lines[-1])
    assert [line.split()[0] for line in lines[-4:-1]] == ["swd_level_0", "swd_level_1", "swd_level_2"]


def _write_folder(folder, size, count=8):
    rng = np.random.default_rng(0)
    folder.mkdir(parents=True)
    for index in range(count):
        Image.fromarray(rng.integers(0, 256, (*size, 3), dtype=np.uint8)).save(folder / f"{index}.png")
    return folder


def _loaded_messages(caplog):
    return [record.getMessage() for record in caplog.records if record.getMessage().startswith("Loaded Images")]


def test_evaluate_logs_no_resize_at_run_size(run_dir, tmp_path, caplog):
    folder = _write_folder(tmp_path / "real", (32, 32))
    with caplog.at_level(logging.INFO, logger="gan_lab.data.loading"):
        status = main(["evaluate", str(run_dir), "--data", str(folder), "--split", "train", "--n", "8"])
    assert status == 0
    assert len(_loaded_messages(caplog)) == 1
    assert "resized" not in _loaded_messages(caplog)[0]


def test_evaluate_logs_resize_of_other_size(run_dir, tmp_path, caplog):
    folder = _write_folder(tmp_path / "real", (40, 40))
    with caplog.at_level(logging.INFO, logger="gan_lab.data.loading"):
        status = main(["evaluate", str(run_dir), "--data", str(folder), "--split", "train", "--n", "8"])
    assert status == 0
    assert "8 images, all resized from 40x40 to 32x32)" in _loaded_messages(caplog)[0]


def test_evaluate_repeats_with_same_seed(run_dir, capsys):
    main(["evaluate", str(run_dir), "--n", "32"])
    first = capsys.readouterr().out.strip().splitlines()[-1]
    main(["evaluate", str(run_dir), "--n", "32"])
    second = capsys.readouterr().out.strip().splitlines()[-1]
    assert first == second


def test_evaluate_fid_without_weights_fails_clearly(run_dir, capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    status = main(["evaluate", str(run_dir), "--metric", "fid", "--n", "16"])
    error = capsys.readouterr().err
    assert status == 2
    assert "inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5" in error
    assert "--metric swd" in error


def test_evaluate_rejects_folder_without_run(tmp_path, capsys):
    status = main(["evaluate", str(tmp_path), "--dataset", "shapes"])
    assert status == 2
    assert "not a gan-lab run folder" in capsys.readouterr().err


def test_evaluate_rejects_tiny_n(run_dir, capsys):
    status = main(["evaluate", str(run_dir), "--n", "1"])
    assert status == 2
    assert "--n must be at least 2, got 1" in capsys.readouterr().err


def test_train_rejects_zero_eval_every(tmp_path, capsys):
    status = main([
        "train", "--dataset", "shapes", "--limit", "64", "--epochs", "1", "--eval-every", "0",
        "--out", str(tmp_path / "run"), "--quiet",
    ])
    assert status == 2
    assert "--eval-every must be at least 1, got 0" in capsys.readouterr().err


def test_train_with_fid_fails_before_training(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    out = tmp_path / "run"
    status = main([
        "train", "--dataset", "shapes", "--limit", "64", "--epochs", "1", "--eval-every", "1",
        "--metric", "fid", "--out", str(out), "--quiet",
    ])
    assert status == 2
    assert "--metric swd" in capsys.readouterr().err
    assert not (out / "checkpoints").exists()


def test_real_images_match_run_range(run_dir):
    from gan_lab.cli.evaluate import real_images_for
    from gan_lab.runs import read_config

    images = real_images_for(read_config(run_dir), "shapes", "test", 16, seed=0)
    assert images.shape == (16, 32, 32, 3)
    assert images.min() >= -1.0
    assert images.max() <= 1.0
    assert np.isfinite(images).all()
