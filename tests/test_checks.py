"""The graded checks in-process: reference solutions pass, each mistake loses its points."""

from pathlib import Path

import pytest

import reference_solutions as reference
from gan_lab.checks import EXERCISES, check_exercise, get_exercise, run_exercise
from gan_lab.checks.base import verify
from gan_lab.checks.probes import gan as gan_probes
from gan_lab.checks.probes.common import run_probe

NAMESPACE = vars(reference)


def _failed(report):
    return {outcome.name for outcome in report.outcomes if not outcome.passed}


def _message(report, name):
    return next(outcome.message for outcome in report.outcomes if outcome.name == name)


@pytest.mark.parametrize("exercise_id", list(EXERCISES))
def test_reference_solution_passes_every_check(exercise_id):
    report = run_exercise(exercise_id, NAMESPACE, include_hidden=True)
    assert _failed(report) == set()
    assert report.score == report.max_score


MISTAKES = [
    ("01_data.scale_images", "scale_images", reference.scale_images_unit_range,
     {"scale_images maps [0, 255] to [-1, 1]", "scale_images leaves its input unchanged",
      "scale_images works on 28x28x1 images"}, "[0, 1]"),
    ("01_data.scale_images", "scale_images", reference.scale_images_flattened,
     {"scale_images keeps shape, returns float32", "scale_images maps [0, 255] to [-1, 1]",
      "scale_images leaves its input unchanged", "scale_images works on 28x28x1 images"}, "(4, 3072)"),
    ("01_data.scale_images", "scale_images", reference.scale_images_identity,
     {"scale_images keeps shape, returns float32", "scale_images maps [0, 255] to [-1, 1]",
      "scale_images leaves its input unchanged", "scale_images works on 28x28x1 images"}, "dtype uint8"),
    ("02_generator.make_generator", "make_generator", reference.make_generator_sigmoid,
     {"make_generator output range"}, "none negative"),
    ("03_discriminator.make_discriminator", "make_discriminator", reference.make_discriminator_logits_mismatch,
     {"make_discriminator loss matches output"}, "from_logits=True"),
    ("03_discriminator.discriminator_step", "discriminator_step", reference.discriminator_step_swapped,
     {"discriminator_step lowers d_loss", "discriminator_step labels real as 1"}, "REAL_LABEL"),
    ("04_combined_gan.make_gan", "make_gan", reference.make_gan_not_frozen,
     {"generator step freezes discriminator"}, "not frozen"),
    ("04_combined_gan.make_gan", "make_gan", reference.make_gan_frozen_too_early,
     {"discriminator learns in its own step", "generator step freezes discriminator"}, "never learns"),
    ("03_discriminator.make_discriminator", "make_discriminator", reference.make_discriminator_frozen,
     {"make_discriminator returns a trainable discriminator"}, "0 trainable variables"),
    ("04_combined_gan.make_gan", "make_gan", reference.make_gan_shared_optimizer,
     {"discriminator learns in its own step", "generator step freezes discriminator",
      "combined model has its own optimizer"}, "optimizer"),
]


@pytest.mark.parametrize("exercise_id, name, mistake, failing, phrase", MISTAKES,
                         ids=[mistake[2].__name__ for mistake in MISTAKES])
def test_mistake_fails_its_checks(exercise_id, name, mistake, failing, phrase):
    report = run_exercise(exercise_id, {**NAMESPACE, name: mistake}, include_hidden=True)
    assert _failed(report) == failing
    first_failure = next(outcome for outcome in report.outcomes if not outcome.passed)
    assert phrase in first_failure.message
    assert "Hint:" in first_failure.message or "error" in first_failure.message


def test_identity_scale_images_scores_zero():
    report = run_exercise("01_data.scale_images", {**NAMESPACE, "scale_images": reference.scale_images_identity},
                          include_hidden=True)
    assert report.score == 0
    assert "not the scaled images" in _message(report, "scale_images leaves its input unchanged")


def test_train_step_with_swapped_labels_fails():
    report = run_exercise("05_training.train_step", {**NAMESPACE, "train_step": _swapped_step}, include_hidden=True)
    assert "train_step uses the right labels" in _failed(report)
    assert "short training run: discriminator learns" in _failed(report)
    assert "real images labelled [0.0]" in _message(report, "train_step uses the right labels")


def _swapped_step(generator, discriminator, gan, real_images, latent_dim):
    import numpy as np

    noise = np.random.normal(size=(len(real_images), latent_dim)).astype("float32")
    d_loss = reference.discriminator_step_swapped(discriminator, real_images, np.asarray(generator(noise)))
    g_loss = gan.train_on_batch(noise, np.ones((len(real_images), 1), "float32"))
    return d_loss, float(g_loss)


def test_missing_name_fails_with_hint():
    report = run_exercise("01_data.scale_images", {}, include_hidden=True)
    assert report.score == 0
    assert all("scale_images is not defined" in outcome.message for outcome in report.outcomes)


def test_check_exercise_hides_hidden_checks(capsys):
    report = check_exercise("01_data.scale_images", NAMESPACE)
    printed = capsys.readouterr().out
    assert report.passed
    assert "28x28x1" not in printed
    assert "01_data.scale_images: 4/4 points" in printed
    assert "1 hidden check(s) worth 1 point(s)" in printed


def test_check_exercise_prints_failure_numbers(capsys):
    check_exercise("01_data.scale_images", {"scale_images": reference.scale_images_unit_range})
    printed = capsys.readouterr().out
    assert "FAIL  scale_images maps [0, 255] to [-1, 1] (0/2)" in printed
    assert "255 -> 1.0000" in printed


def test_unknown_exercise_is_rejected():
    with pytest.raises(ValueError, match="known exercises: 01_data.scale_images"):
        get_exercise("01_data.scale")


@pytest.mark.parametrize("status, phrase", [
    ({"status": "timeout", "seconds": 120}, "timed out after 120 s"),
    ({"status": "no_data", "reason": "the kernel died"}, "the kernel died"),
    ({"status": "forged"}, "cannot pass"),
])
def test_verify_fails_probe_problems(status, phrase):
    exercise = get_exercise("01_data.scale_images")
    outcome = verify(exercise, exercise.checks[0], status)
    assert not outcome.passed
    assert outcome.score == 0
    assert phrase in outcome.message


def test_verify_fails_malformed_data():
    exercise = get_exercise("01_data.scale_images")
    outcome = verify(exercise, exercise.checks[1], {"status": "ok", "output_shape": [1]})
    assert not outcome.passed
    assert "could not read the data" in outcome.message


@pytest.mark.parametrize("seed", [0, 3, 11])
def test_training_run_check_passes_reference_for_seeds(seed):
    exercise = get_exercise("05_training.train_step")
    data = run_probe(lambda namespace: gan_probes.probe_train_step_run(namespace, seed=seed), NAMESPACE)
    outcome = verify(exercise, exercise.checks[3], data)
    assert outcome.passed, outcome.message


@pytest.mark.parametrize("seed", [0, 2, 9])
def test_discriminator_step_check_passes_reference_for_seeds(seed):
    exercise = get_exercise("03_discriminator.discriminator_step")
    data = run_probe(lambda namespace: gan_probes.probe_discriminator_step(namespace, seed=seed), NAMESPACE)
    assert verify(exercise, exercise.checks[0], data).passed
    assert verify(exercise, exercise.checks[1], data).passed


# Mistakes that used to pass or to get a hint that named the wrong cause.

def _scale_images_tensor(images):
    import tensorflow as tf

    return tf.cast(images, tf.float32) / 127.5 - 1.0


def _scale_images_float64(images):
    return images / 127.5 - 1.0


def _make_generator_fixed_shape(latent_dim, image_shape):
    return reference.make_generator(latent_dim, (32, 32, 3))


def _make_generator_fixed_latent_dim(latent_dim, image_shape):
    return reference.make_generator(100, image_shape)


def _make_generator_tensor(latent_dim, image_shape):
    import keras

    noise = keras.Input((latent_dim,))
    return reference.make_generator(latent_dim, image_shape)(noise)


def _discriminator_step_evaluate(discriminator, real_images, fake_images):
    import numpy as np

    images = np.concatenate([real_images, fake_images])
    labels = np.concatenate([np.ones((len(real_images), 1)), np.zeros((len(fake_images), 1))])
    return float(discriminator.evaluate(images, labels, verbose=0))


def _discriminator_step_dict(discriminator, real_images, fake_images):
    import numpy as np

    images = np.concatenate([real_images, fake_images])
    labels = np.concatenate([np.ones((len(real_images), 1)), np.zeros((len(fake_images), 1))])
    return discriminator.train_on_batch(images, labels, return_dict=True)


def _make_gan_with_loss(loss):
    from gan_lab.gan import CombinedGAN, make_optimizer

    def make_gan(generator, discriminator):
        gan = CombinedGAN(generator, discriminator)
        gan.compile(optimizer=make_optimizer(), loss=loss)
        return gan

    return make_gan


def _make_gan_sequential_logits(generator, discriminator):
    import keras

    from gan_lab.gan import make_optimizer

    gan = keras.Sequential([generator, discriminator])
    gan.compile(optimizer=make_optimizer(), loss=keras.losses.BinaryCrossentropy(from_logits=True))
    return gan


def _train_step_swapped_order(generator, discriminator, gan, real_images, latent_dim):
    d_loss, g_loss = reference.train_step(generator, discriminator, gan, real_images, latent_dim)
    return g_loss, d_loss


def _make_gan_logits_loss():
    import keras

    return _make_gan_with_loss(keras.losses.BinaryCrossentropy(from_logits=True))


WRONG_CAUSE_MISTAKES = [
    ("01_data.scale_images", "scale_images", _scale_images_tensor,
     {"scale_images keeps shape, returns float32", "scale_images works on 28x28x1 images"},
     "return a NumPy array (call .numpy() or use NumPy operations)"),
    ("01_data.scale_images", "scale_images", _scale_images_float64,
     {"scale_images keeps shape, returns float32", "scale_images works on 28x28x1 images"},
     "astype('float32')"),
    ("02_generator.make_generator", "make_generator", _make_generator_fixed_shape,
     {"make_generator output shape", "make_generator works for 16x16x3"}, "image_shape=(28, 28, 1)"),
    ("02_generator.make_generator", "make_generator", _make_generator_fixed_latent_dim,
     {"make_generator output shape", "make_generator output range", "make_generator works for 16x16x3"},
     "keras.Input((latent_dim,))"),
    ("02_generator.make_generator", "make_generator", _make_generator_tensor,
     {"make_generator output shape", "make_generator output range", "make_generator works for 16x16x3"},
     "keras.Model(inputs, outputs)"),
    ("03_discriminator.discriminator_step", "discriminator_step", _discriminator_step_evaluate,
     {"discriminator_step lowers d_loss", "discriminator_step labels real as 1"},
     "the step did not update the discriminator"),
    ("03_discriminator.discriminator_step", "discriminator_step", _discriminator_step_dict,
     {"discriminator_step lowers d_loss"}, "float(logs['loss'])"),
    ("04_combined_gan.make_gan", "make_gan", _make_gan_with_loss("mse"),
     {"combined model loss matches output"}, "not another loss such as 'mse'"),
    ("04_combined_gan.make_gan", "make_gan", _make_gan_sequential_logits,
     {"generator step freezes discriminator", "combined model loss matches output"}, "not frozen"),
    ("05_training.train_step", "train_step", _train_step_swapped_order,
     {"train_step returns (d_loss, g_loss)", "short training run: discriminator learns"},
     "return (d_loss, g_loss) in that order"),
]


@pytest.mark.parametrize("exercise_id, name, mistake, failing, phrase", WRONG_CAUSE_MISTAKES,
                         ids=[mistake[2].__name__.strip("_") for mistake in WRONG_CAUSE_MISTAKES])
def test_mistake_gets_hint_naming_cause(exercise_id, name, mistake, failing, phrase):
    report = run_exercise(exercise_id, {**NAMESPACE, name: mistake}, include_hidden=True)
    first_failure = next(outcome for outcome in report.outcomes if not outcome.passed)
    assert _failed(report) == failing
    assert phrase in first_failure.message, first_failure.message


def test_make_gan_logits_loss_on_sigmoid_fails():
    report = run_exercise("04_combined_gan.make_gan", {**NAMESPACE, "make_gan": _make_gan_logits_loss()})
    message = _message(report, "combined model loss matches output")
    assert _failed(report) == {"combined model loss matches output"}
    assert "from_logits=False" in message
    assert "sigmoid probabilities" in message


def test_make_gan_loss_check_passes_build_gan():
    from gan_lab.gan import build_gan

    report = run_exercise("04_combined_gan.make_gan", {**NAMESPACE, "make_gan": build_gan})
    assert _failed(report) == set()


def test_frozen_hint_names_tracing():
    report = run_exercise("04_combined_gan.make_gan", {**NAMESPACE, "make_gan": reference.make_gan_frozen_too_early})
    message = _message(report, "discriminator learns in its own step")
    assert "before the first train_on_batch" in message
    assert "when it traces the training function" in message
    assert "before compiling" not in message


def test_error_message_hides_grader_files():
    """An error raised inside Keras shows the learner's cell and the error, not Keras's or gan_lab's files."""
    import keras

    import gan_lab

    namespace = {**NAMESPACE, "keras": keras}
    cell = "def make_gan(generator, discriminator):\n    gan = keras.Sequential([generator, discriminator])\n" \
           "    gan.compile(optimizer='no-such-optimizer')\n    return gan\n"
    # The file name that ipykernel gives a notebook cell.
    exec(compile(cell, "/tmp/ipykernel_1234/567890.py", "exec"), namespace)
    message = _message(run_exercise("04_combined_gan.make_gan", namespace), "discriminator learns in its own step")
    assert "In a notebook cell, line 3, in make_gan" in message
    assert "ValueError: Could not interpret optimizer identifier: no-such-optimizer" in message
    assert "site-packages" not in message
    assert str(Path(gan_lab.__file__).parent) not in message


def test_frozen_everywhere_earns_no_freeze_point():
    report = run_exercise("04_combined_gan.make_gan", {**NAMESPACE, "make_gan": reference.make_gan_frozen_too_early})
    message = _message(report, "generator step freezes discriminator")
    assert "a discriminator frozen everywhere" in message
    assert "only because it never learns" in message
    assert report.score == 2


def test_long_error_text_is_cut():
    from gan_lab.checks.base import shorten_error_text

    text = "InvalidArgumentError: " + "x" * 5000
    short = shorten_error_text(text)
    assert short.startswith("InvalidArgumentError: xxx")
    assert len(short) < 350
    assert short.endswith(f"… ({len(text) - 300} characters left out)")


def test_many_error_lines_are_cut():
    from gan_lab.checks.base import shorten_error_text

    text = "\n".join(f"line {number}" for number in range(100))
    short = shorten_error_text(text)
    assert short.splitlines()[:4] == ["line 0", "line 1", "line 2", "line 3"]
    assert short.splitlines()[4].startswith("line 4…")
    assert len(short.splitlines()) == 5


def test_short_error_text_is_kept():
    from gan_lab.checks.base import shorten_error_text

    assert shorten_error_text("ValueError: bad shape\nsecond line") == "ValueError: bad shape\nsecond line"


def test_probe_error_message_is_cut():
    from gan_lab.checks.probes.common import describe_error

    message = describe_error(ValueError("y" * 2000))
    assert "characters left out)" in message
    assert len(message) < 600
