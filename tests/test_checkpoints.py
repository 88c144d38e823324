import os
import stat

import numpy as np
import pytest

from gan_lab.checkpoints import latest_checkpoint, list_checkpoints, load_checkpoint, save_checkpoint
from gan_lab.files import atomic_path, atomic_write_text
from gan_lab.gan import build_gan
from gan_lab.models import build_discriminator, build_generator
from gan_lab.training import History


def _saved_run(tmp_path, epochs=(1, 2, 3, 4), keep=3):
    generator, discriminator = build_generator("dense", 8), build_discriminator("dense")
    gan = build_gan(generator, discriminator)
    history = History()
    history.append(1, 0, {"d_loss": 0.5, "g_loss": 0.7})
    for epoch in epochs:
        save_checkpoint(tmp_path, epoch, generator=generator, discriminator=discriminator,
                        g_optimizer=gan.optimizer, d_optimizer=discriminator.optimizer,
                        fixed_noise=np.ones((4, 8), "float32"), history=history, keep=keep)
    return generator


def test_keeps_newest_checkpoints_only(tmp_path, seeded):
    _saved_run(tmp_path)
    assert [epoch for epoch, _ in list_checkpoints(tmp_path)] == [2, 3, 4]
    assert latest_checkpoint(tmp_path).name == "epoch-0004.npz"


def test_interrupted_write_leaves_previous_checkpoint(tmp_path, seeded):
    _saved_run(tmp_path, epochs=(1,))
    original = (tmp_path / "epoch-0001.npz").read_bytes()
    with pytest.raises(RuntimeError):
        with atomic_path(tmp_path / "epoch-0001.npz") as temporary:
            temporary.write_bytes(b"half")
            raise RuntimeError("simulated crash while writing")
    assert (tmp_path / "epoch-0001.npz").read_bytes() == original
    assert sorted(path.name for path in tmp_path.iterdir()) == ["epoch-0001.npz"]


def test_written_files_get_usual_permissions(tmp_path):
    umask = os.umask(0o022)
    try:
        atomic_write_text(tmp_path / "history.csv", "epoch,step\n")
    finally:
        os.umask(umask)
    assert stat.S_IMODE((tmp_path / "history.csv").stat().st_mode) == 0o644


def test_stray_temporary_file_is_not_a_checkpoint(tmp_path, seeded):
    _saved_run(tmp_path, epochs=(1,))
    (tmp_path / ".epoch-0002.npz.abc.tmp").write_bytes(b"partial")
    assert latest_checkpoint(tmp_path).name == "epoch-0001.npz"


def test_generator_restores_exactly(tmp_path, seeded):
    generator = _saved_run(tmp_path, epochs=(1,))
    fresh = build_generator("dense", 8)
    restored = load_checkpoint(tmp_path / "epoch-0001.npz", generator=fresh)
    for old, new in zip(generator.variables, fresh.variables):
        np.testing.assert_array_equal(old.numpy(), new.numpy())
    assert restored.epoch == 1
    assert restored.fixed_noise.shape == (4, 8)
    np.testing.assert_array_equal(restored.history["d_loss"], [0.5])


def test_checkpoint_of_another_model_is_rejected(tmp_path, seeded):
    _saved_run(tmp_path, epochs=(1,))
    with pytest.raises(ValueError, match="written for another model"):
        load_checkpoint(tmp_path / "epoch-0001.npz", generator=build_generator("dcgan", 8))
