import matplotlib.pyplot as plt
import numpy as np
from PIL import Image

from gan_lab.plots import grid_array, image_grid, loss_figure, save_figure, save_gif, save_grid_png
from gan_lab.training import History


def _history(steps=120):
    history = History()
    for step in range(steps):
        history.append(1 + step // 40, step, {"d_loss": 0.7 - step / 400, "g_loss": 0.7 + step / 400,
                                              "real_accuracy": 0.5, "fake_accuracy": 0.6})
    return history


def test_grid_array_tiles_with_borders():
    images = np.stack([np.full((4, 4, 3), value, "float32") for value in (-1.0, 1.0, 0.0)])
    grid = grid_array(images, ncols=3)
    assert grid.shape == (6, 16, 3)
    assert grid[1, 1, 0] == 0.0
    assert grid[1, 6, 0] == 1.0
    assert grid[1, 11, 0] == 0.5
    assert grid[0, 0, 0] == 1.0


def test_grid_array_repeats_gray_channel():
    grid = grid_array(np.zeros((2, 5, 5, 1), "float32"), value_range=(0, 1))
    assert grid.shape[-1] == 3


def test_saved_pictures_leave_no_open_figures(tmp_path):
    images = np.random.default_rng(0).uniform(-1, 1, (9, 8, 8, 3)).astype("float32")
    save_figure(image_grid(images, title="samples"), tmp_path / "grid.png")
    save_figure(loss_figure(_history()), tmp_path / "losses.png")
    paths = [save_grid_png(images * (epoch + 1) / 3, tmp_path / f"epoch-{epoch}.png") for epoch in range(3)]
    save_gif(paths, tmp_path / "samples.gif")
    assert plt.get_fignums() == []
    with Image.open(tmp_path / "samples.gif") as gif:
        assert gif.n_frames == 3
    with Image.open(tmp_path / "losses.png") as losses:
        assert losses.size == (800, 600)


def test_history_csv_round_trip(tmp_path):
    history = _history(5)
    history.to_csv(tmp_path / "history.csv")
    restored = History.from_csv(tmp_path / "history.csv")
    assert restored.names == history.names
    np.testing.assert_allclose(restored["d_loss"], history["d_loss"], rtol=1e-5)
    epochs, means = history.epoch_means("g_loss")
    assert epochs.tolist() == [1]
    assert means[0] == np.mean(history["g_loss"])


def _scored_history(steps=120):
    history = History()
    for step in range(steps):
        history.append(1 + step // 40, step, {"d_loss": 0.7 - step / 400, "g_loss": 0.7 + step / 400,
                                              "real_accuracy": 0.5, "fake_accuracy": 0.6})
        if step % 40 == 39:
            history.set_last("swd", 1.0 - step / 400)
    return history


def test_loss_figure_legends_cover_no_data():
    figure = loss_figure(_scored_history())
    figure.draw_without_rendering()
    assert len(figure.axes) == 3
    for axes in figure.axes:
        legend_box = axes.get_legend().get_window_extent()
        assert not legend_box.overlaps(axes.get_window_extent()), axes.get_ylabel()
        assert figure.bbox.contains(legend_box.x0, legend_box.y0), axes.get_ylabel()
        assert figure.bbox.contains(legend_box.x1, legend_box.y1), axes.get_ylabel()
