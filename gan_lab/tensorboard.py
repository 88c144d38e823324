"""A training callback that writes losses, scores and sample grids as TensorBoard event files.

View them with ``tensorboard --logdir RUN_DIR/tensorboard``. Tags:

- ``d_loss``, ``g_loss``, ``real_accuracy``, ``fake_accuracy``: one value per training step.
- any other history column, such as ``swd``: one value per evaluated epoch.
- ``samples``: the fixed-noise sample grid after each epoch, at the epoch's last step.

Every value is written at its global training step, so the scalars and images line up.
The summaries are written with TensorFlow's own ``tf.summary.write`` and the plugin names
that TensorBoard's scalar and image dashboards read ("scalars", "images"), so writing
works without the ``tensorboard`` package. Viewing needs it: ``pip install tensorboard``.
"""

import logging
from pathlib import Path

import numpy as np
import tensorflow as tf
from tensorflow.core.framework import summary_pb2

from gan_lab.plots import grid_array
from gan_lab.training import Callback

log = logging.getLogger(__name__)


def _plugin_metadata(plugin_name):
    return summary_pb2.SummaryMetadata(plugin_data=summary_pb2.SummaryMetadata.PluginData(plugin_name=plugin_name))


def write_scalar(name, value, step):
    """Write one float under tag ``name`` at ``step`` to the default summary writer."""
    tf.summary.write(name, tf.constant(value, tf.float32), step=step, metadata=_plugin_metadata("scalars"))


def write_image(name, image, step):
    """Write one float ``(height, width, 3)`` image in [0, 1] as a PNG under tag ``name`` at ``step``.

    The image dashboard reads a string tensor: width, height, then the encoded image.
    """
    pixels = tf.cast(tf.round(tf.clip_by_value(image, 0.0, 1.0) * 255.0), tf.uint8)
    height, width = int(pixels.shape[0]), int(pixels.shape[1])
    tensor = tf.stack([tf.constant(str(width)), tf.constant(str(height)), tf.io.encode_png(pixels)])
    tf.summary.write(name, tensor, step=step, metadata=_plugin_metadata("images"))


class TensorBoardLogger(Callback):
    """Writes the history and the sample grids under ``log_dir`` after every epoch.

    Only the steps added since the last write are written, so a resumed run continues the
    curves without repeating them. ``value_range`` is the generator's output range.
    """

    def __init__(self, log_dir, value_range=(-1, 1)):
        self.log_dir = Path(log_dir)
        self.value_range = value_range
        self.writer = None
        self.written_steps = 0

    def on_train_begin(self, state):
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self.writer = tf.summary.create_file_writer(str(self.log_dir))
        self.written_steps = len(state.history)
        log.info("Writing TensorBoard event files to %s", self.log_dir)

    def on_epoch_end(self, state):
        history = state.history
        names = [name for name in history.names if name not in ("epoch", "step")]
        columns = {name: history[name] for name in names + ["step"]}
        with self.writer.as_default():
            for index in range(self.written_steps, len(history)):
                step = int(columns["step"][index])
                for name in names:
                    value = columns[name][index]
                    # Epoch-level scores are NaN at every step but the last of their epoch.
                    if np.isfinite(value):
                        write_scalar(name, value, step)
            grid = grid_array(state.samples(), self.value_range)
            write_image("samples", grid, int(columns["step"][-1]))
        self.writer.flush()
        self.written_steps = len(history)

    def on_train_end(self, state):
        if self.writer is not None:
            self.writer.close()
