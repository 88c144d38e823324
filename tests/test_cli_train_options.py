"""Options of ``gan-lab train`` that only one training method uses, run in real subprocesses."""

import json

import pytest
from test_cli import SMALL_RUN, gan_lab


@pytest.mark.parametrize("options", [["--steps-per-call", "5"], ["--xla"], ["--steps-per-call", "1", "--xla"]])
def test_classic_rejects_compiled_speed_options(options, tmp_path):
    folder = tmp_path / "classic"
    result = gan_lab("train", *SMALL_RUN, "--epochs", "1", "--method", "classic", *options, "--out", folder,
                     cache_dir=tmp_path)
    assert result.returncode == 2
    assert "--steps-per-call" in result.stderr
    assert "--xla" in result.stderr
    assert "--method compiled" in result.stderr
    # The check runs before any data loads, so nothing is printed about the data.
    assert "data:" not in result.stdout
    assert not folder.exists()


def test_classic_rejects_several_devices(tmp_path):
    result = gan_lab("train", *SMALL_RUN, "--epochs", "1", "--method", "classic", "--devices", "2",
                     "--out", tmp_path / "classic", cache_dir=tmp_path)
    assert result.returncode == 2
    assert "--devices 2 applies only to --method compiled" in result.stderr
    assert "data:" not in result.stdout


def test_classic_run_records_no_steps_per_call(tmp_path):
    folder = tmp_path / "classic"
    result = gan_lab("train", *SMALL_RUN, "--steps-per-epoch", "2", "--epochs", "1", "--method", "classic",
                     "--out", folder, cache_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    config = json.loads((folder / "config.json").read_text())
    assert config["method"] == "classic"
    assert config["steps_per_call"] is None
    assert config["xla"] is False


def test_resume_of_classic_run_with_old_config(tmp_path):
    folder = tmp_path / "classic"
    first = gan_lab("train", *SMALL_RUN, "--steps-per-epoch", "2", "--epochs", "1", "--method", "classic",
                    "--out", folder, cache_dir=tmp_path)
    assert first.returncode == 0, first.stderr
    # Earlier versions recorded the default steps_per_call of 10 for classic runs too.
    config_path = folder / "config.json"
    config_path.write_text(json.dumps({**json.loads(config_path.read_text()), "steps_per_call": 10}))

    resumed = gan_lab("train", "--resume", "--epochs", "2", "--out", folder, "--quiet", cache_dir=tmp_path)
    assert resumed.returncode == 0, resumed.stderr
    assert "epoch 2/2" in resumed.stdout
    assert json.loads(config_path.read_text())["steps_per_call"] is None


def test_compiled_run_records_default_steps_per_call(tmp_path):
    folder = tmp_path / "compiled"
    result = gan_lab("train", *SMALL_RUN, "--steps-per-epoch", "2", "--epochs", "1", "--out", folder,
                     cache_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    config = json.loads((folder / "config.json").read_text())
    assert config["method"] == "compiled"
    assert config["steps_per_call"] == 10
    assert config["xla"] is False
