"""TensorBoard event files and the score column: written by real training, read back from disk."""

import io

import numpy as np
import pytest
import tensorflow as tf
from PIL import Image

from gan_lab.gan import build_gan
from gan_lab.metrics import MetricCallback
from gan_lab.models import build_discriminator, build_generator
from gan_lab.plots import loss_figure
from gan_lab.tensorboard import TensorBoardLogger
from gan_lab.training import History, train

STEPS = 6


def read_events(log_dir):
    """Return ``{tag: [(step, value), ...]}`` from every event file under ``log_dir``."""
    events = {}
    for path in sorted(log_dir.glob("events.out.tfevents.*")):
        for event in tf.compat.v1.train.summary_iterator(str(path)):
            for value in event.summary.value:
                events.setdefault(value.tag, []).append((event.step, value))
    return events


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """A 2-epoch dense run on noise, scored with SWD every epoch and logged to TensorBoard."""
    import keras

    keras.utils.set_random_seed(0)
    log_dir = tmp_path_factory.mktemp("run") / "tensorboard"
    real_images = np.random.default_rng(0).uniform(-1, 1, (128, 32, 32, 3)).astype("float32")
    generator, discriminator = build_generator("dense", 16), build_discriminator("dense")
    scorer = MetricCallback(real_images, "swd", every=1, n=32)
    history = train(
        generator, discriminator, real_images, epochs=2, batch_size=16, steps_per_epoch=STEPS,
        gan=build_gan(generator, discriminator), n_samples=16, progress=False,
        callbacks=[scorer, TensorBoardLogger(log_dir)],
    )
    return history, read_events(log_dir), scorer


def test_event_files_have_expected_tags(trained):
    _, events, _ = trained
    assert set(events) == {"d_loss", "g_loss", "real_accuracy", "fake_accuracy", "swd", "samples"}


def test_losses_logged_every_step(trained):
    history, events, _ = trained
    assert [step for step, _ in events["d_loss"]] == list(range(2 * STEPS))
    logged = [float(tf.make_ndarray(value.tensor)) for _, value in events["d_loss"]]
    np.testing.assert_allclose(logged, history["d_loss"], rtol=1e-6)


def test_score_logged_at_epoch_ends(trained):
    history, events, scorer = trained
    assert [step for step, _ in events["swd"]] == [STEPS - 1, 2 * STEPS - 1]
    logged = [float(tf.make_ndarray(value.tensor)) for _, value in events["swd"]]
    np.testing.assert_allclose(logged, [score for _, score in scorer.scores], rtol=1e-6)


def test_sample_grid_logged_per_epoch(trained):
    _, events, _ = trained
    assert [step for step, _ in events["samples"]] == [STEPS - 1, 2 * STEPS - 1]
    width, height, png = events["samples"][0][1].tensor.string_val
    picture = Image.open(io.BytesIO(png))
    # 16 images of 32x32 in a 4x4 grid with 1-pixel borders: 4 * 33 + 1 = 133 pixels a side.
    assert (int(width), int(height)) == (133, 133)
    assert picture.size == (133, 133)


def test_score_column_only_at_epoch_ends(trained):
    history, _, scorer = trained
    swd_column = history["swd"]
    assert np.flatnonzero(np.isfinite(swd_column)).tolist() == [STEPS - 1, 2 * STEPS - 1]
    assert swd_column[STEPS - 1] == scorer.scores[0][1]
    assert swd_column[STEPS - 1] > 0


def test_loss_figure_adds_score_panel(trained):
    history, _, _ = trained
    figure = loss_figure(history)
    assert len(figure.axes) == 3
    score_points = figure.axes[2].lines[0].get_xdata()
    assert list(score_points) == [STEPS - 1, 2 * STEPS - 1]


def test_loss_figure_without_scores_has_two_panels():
    history = History()
    for step in range(4):
        history.append(1, step, {"d_loss": 0.7, "g_loss": 0.7, "real_accuracy": 0.5, "fake_accuracy": 0.5})
    assert len(loss_figure(history).axes) == 2


def test_history_set_last_rejects_empty_history():
    with pytest.raises(ValueError, match="no steps yet"):
        History().set_last("swd", 0.5)


def test_metric_callback_rejects_unknown_metric():
    with pytest.raises(ValueError, match="Unknown metric 'inception_score'"):
        MetricCallback(np.zeros((4, 8, 8, 3)), "inception_score")
