"""Pictures: image grids, loss curves and an animated GIF of sample grids.

Figures are made with ``matplotlib.figure.Figure`` directly, never through pyplot, so
nothing opens a window or blocks, and no figure stays registered after it is saved. In a
notebook, a returned Figure displays inline.
"""

import math
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure
from PIL import Image

from gan_lab.files import atomic_path


def _to_unit_range(images, value_range):
    images = np.asarray(images, dtype="float32")
    low, high = value_range
    return np.clip((images - low) / (high - low), 0.0, 1.0)


def grid_array(images, value_range=(-1, 1), ncols=None, padding=1):
    """Tile images into one float32 ``(H, W, 3)`` array in [0, 1], with a white border.

    ``images``: ``(n, height, width, channels)`` in ``value_range``, 1 or 3 channels.
    """
    images = _to_unit_range(images, value_range)
    if images.ndim != 4 or images.shape[-1] not in (1, 3):
        raise ValueError(f"images must be (n, height, width, 1 or 3), got shape {images.shape}.")
    if images.shape[-1] == 1:
        images = np.repeat(images, 3, axis=-1)
    count, height, width, _ = images.shape
    ncols = ncols or math.ceil(math.sqrt(count))
    nrows = math.ceil(count / ncols)
    grid = np.ones((nrows * (height + padding) + padding, ncols * (width + padding) + padding, 3), "float32")
    for index, image in enumerate(images):
        top = padding + (index // ncols) * (height + padding)
        left = padding + (index % ncols) * (width + padding)
        grid[top : top + height, left : left + width] = image
    return grid


def save_grid_png(images, path, value_range=(-1, 1), ncols=None, scale=2):
    """Write a grid of images as a PNG at ``scale`` pixels per image pixel, atomically."""
    grid = (grid_array(images, value_range, ncols) * 255).round().astype("uint8")
    picture = Image.fromarray(grid)
    if scale != 1:
        picture = picture.resize((picture.width * scale, picture.height * scale), Image.NEAREST)
    with atomic_path(path) as temporary:
        picture.save(temporary, format="PNG")
    return Path(path)


def image_grid(images, value_range=(-1, 1), ncols=None, title=None, size=6):
    """Return a Figure showing a grid of images; ``images`` as in ``grid_array``."""
    figure = Figure(figsize=(size, size))
    axes = figure.subplots()
    axes.imshow(grid_array(images, value_range, ncols), interpolation="nearest")
    axes.set_axis_off()
    if title:
        axes.set_title(title)
    figure.tight_layout()
    return figure


def _moving_average(values, window):
    values = np.asarray(values, dtype="float64")
    if len(values) < window or window < 2:
        return values
    kernel = np.ones(window) / window
    return np.convolve(values, kernel, mode="valid")


STEP_COLUMNS = ("epoch", "step", "d_loss", "g_loss", "real_accuracy", "fake_accuracy")


def _legend_above(axes):
    # Above the panel, outside the axes, so the legend covers no curve, not even the newest steps.
    handles, labels = axes.get_legend_handles_labels()
    axes.legend(handles, labels, loc="lower left", bbox_to_anchor=(0.0, 1.0), ncols=max(len(labels), 1),
                frameon=False, borderaxespad=0.2)


def _plot_scores(axes, history, names):
    # Scores are epoch-level: finite at the last step of an evaluated epoch, NaN elsewhere.
    for name in names:
        values = history[name]
        finite = np.isfinite(values)
        axes.plot(history["step"][finite], values[finite], marker="o", label=name)
    axes.set_ylabel("score (lower is better)")
    _legend_above(axes)
    axes.grid(alpha=0.3)


def loss_figure(history, window=None):
    """Return a Figure with the losses (top) and the discriminator's accuracies (middle) per step.

    Thin lines are the per-step values; thick lines a moving average over ``window`` steps
    (about a fiftieth of the run by default). Any other column of the history, such as a
    sample-quality score ("swd"), gets a bottom panel, one point per evaluated epoch.
    """
    steps = history["step"]
    window = window or max(len(steps) // 50, 1)
    scores = [name for name in history.names if name not in STEP_COLUMNS]
    # Constrained layout leaves room for the legends above the panels.
    figure = Figure(figsize=(8, 8 if scores else 6), layout="constrained")
    panels = figure.subplots(3 if scores else 2, 1, sharex=True)
    loss_axes, accuracy_axes = panels[0], panels[1]
    for axes, names in ((loss_axes, ("d_loss", "g_loss")), (accuracy_axes, ("real_accuracy", "fake_accuracy"))):
        for name in names:
            if name not in history:
                continue
            line, = axes.plot(steps, history[name], linewidth=0.5, alpha=0.35)
            smooth = _moving_average(history[name], window)
            axes.plot(steps[len(steps) - len(smooth):], smooth, color=line.get_color(), linewidth=1.8, label=name)
        _legend_above(axes)
        axes.grid(alpha=0.3)
    loss_axes.set_ylabel("binary cross-entropy")
    accuracy_axes.set_ylabel("discriminator accuracy")
    accuracy_axes.set_ylim(-0.05, 1.05)
    if scores:
        _plot_scores(panels[2], history, scores)
    panels[-1].set_xlabel("step")
    return figure


def save_figure(figure, path, dpi=100):
    """Write a Figure as a PNG atomically."""
    with atomic_path(path) as temporary:
        figure.savefig(temporary, format="png", dpi=dpi)
    return Path(path)


def save_gif(png_paths, path, seconds_per_frame=0.5):
    """Write an animated GIF of the given PNG files, in order, looping forever."""
    frames = [Image.open(png).convert("RGB") for png in png_paths]
    if not frames:
        raise ValueError("No PNG files to animate; train at least one epoch first.")
    with atomic_path(path) as temporary:
        frames[0].save(
            temporary, format="GIF", save_all=True, append_images=frames[1:],
            duration=int(seconds_per_frame * 1000), loop=0,
        )
    return Path(path)
