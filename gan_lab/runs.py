"""A run folder: its configuration, sample grids, history, plots and checkpoints.

Layout of ``RUN_DIR``::

    config.json            the run's full configuration
    samples/epoch-NNNN.png fixed-noise sample grid after each epoch
    samples.gif            those grids as an animation
    history.csv            per-step d_loss, g_loss, real_accuracy, fake_accuracy; with
                           --eval-every, a score column (e.g. swd) set at the last step
                           of each evaluated epoch and "nan" at every other step
    losses.png             the history as curves, plus a score panel when there is one
    checkpoints/           epoch-NNNN.npz, the newest few
    tensorboard/           with --tensorboard, event files for TensorBoard
"""

import json
import logging
import platform
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from gan_lab.checkpoints import latest_checkpoint, load_checkpoint
from gan_lab.files import atomic_write_text
from gan_lab.models import build_generator
from gan_lab.plots import loss_figure, save_figure, save_gif, save_grid_png
from gan_lab.training import Callback

log = logging.getLogger(__name__)

CONFIG_NAME = "config.json"


def write_config(run_dir, config):
    run_dir = Path(run_dir)
    run_dir.mkdir(parents=True, exist_ok=True)
    atomic_write_text(run_dir / CONFIG_NAME, json.dumps(config, indent=2, sort_keys=True) + "\n")


def read_config(run_dir):
    """Return the configuration of the run in ``run_dir``; FileNotFoundError names a missing one."""
    path = Path(run_dir) / CONFIG_NAME
    if not path.is_file():
        raise FileNotFoundError(
            f"{path} not found: {run_dir} is not a gan-lab run folder. Pass the --out folder of a "
            "'gan-lab train' run."
        )
    return json.loads(path.read_text())


def environment_summary():
    """Return the versions and devices that a run's figures depend on."""
    return {
        "python": platform.python_version(),
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
        "devices": [device.name for device in tf.config.list_logical_devices()],
    }


def load_generator(run_dir):
    """Rebuild a run's generator from its config.json and load its newest checkpoint."""
    config = read_config(run_dir)
    checkpoint = latest_checkpoint(Path(run_dir) / "checkpoints")
    if checkpoint is None:
        raise FileNotFoundError(
            f"No checkpoint in {Path(run_dir) / 'checkpoints'}; train at least one epoch first."
        )
    generator = build_generator(
        config["model"], config["latent_dim"], tuple(config["image_shape"]),
        value_range=tuple(config["value_range"]),
    )
    restored = load_checkpoint(checkpoint, generator=generator)
    return generator, config, restored.epoch


class RunWriter(Callback):
    """Writes each epoch's sample grid, the history, the loss plot and the GIF into a run folder."""

    def __init__(self, run_dir, value_range=(-1, 1)):
        self.run_dir = Path(run_dir)
        self.value_range = value_range

    def grid_path(self, epoch):
        return self.run_dir / "samples" / f"epoch-{epoch:04d}.png"

    def on_epoch_end(self, state):
        save_grid_png(state.samples(), self.grid_path(state.epoch), self.value_range)
        self.write_history(state.history)
        grids = [self.grid_path(epoch) for epoch in range(1, state.epoch + 1)]
        save_gif([path for path in grids if path.exists()], self.run_dir / "samples.gif")

    def write_history(self, history):
        if len(history) == 0:
            return
        history.to_csv(self.run_dir / "history.csv")
        save_figure(loss_figure(history), self.run_dir / "losses.png")


def sample_grid(run_dir, n, out, seed=0):
    """Draw ``n`` images from a run's newest checkpoint and save them as a PNG grid at ``out``."""
    if n < 1:
        raise ValueError(f"--n must be at least 1, got {n}.")
    generator, config, epoch = load_generator(run_dir)
    noise = tf.random.stateless_normal((n, config["latent_dim"]), seed=(seed, 0))
    images = generator(noise, training=False).numpy()
    save_grid_png(images, out, tuple(config["value_range"]))
    return np.asarray(images), epoch
