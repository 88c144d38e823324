"""Every exercise of the lessons, by id, and the lessons' exercises in order."""

from gan_lab.checks.data import SCALE_IMAGES
from gan_lab.checks.combined import MAKE_GAN
from gan_lab.checks.gan import DISCRIMINATOR_STEP, TRAIN_STEP
from gan_lab.checks.models import MAKE_DISCRIMINATOR, MAKE_GENERATOR

EXERCISES = {
    exercise.id: exercise
    for exercise in (SCALE_IMAGES, MAKE_GENERATOR, MAKE_DISCRIMINATOR, DISCRIMINATOR_STEP, MAKE_GAN, TRAIN_STEP)
}

LESSONS = ("01_data", "02_generator", "03_discriminator", "04_combined_gan", "05_training")


def get_exercise(exercise_id):
    """Return the exercise with this id, or raise ValueError listing the known ids."""
    try:
        return EXERCISES[exercise_id]
    except KeyError:
        raise ValueError(
            f"Unknown exercise {exercise_id!r}; known exercises: {', '.join(EXERCISES)}."
        ) from None


def lesson_exercises(lesson):
    """Return the exercises of one lesson, in order, or raise ValueError for an unknown lesson."""
    if lesson not in LESSONS:
        raise ValueError(f"Unknown lesson {lesson!r}; known lessons: {', '.join(LESSONS)}.")
    return [exercise for exercise in EXERCISES.values() if exercise.lesson == lesson]
