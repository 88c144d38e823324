"""Training: the loop, its two step methods, history and callbacks."""

from gan_lab.training.devices import make_strategy, set_mixed_precision, split_cpu
from gan_lab.training.history import History
from gan_lab.training.loop import METHODS, Callback, TrainingDiverged, TrainingState, epoch_batches, train
from gan_lab.training.steps import ClassicStep, CompiledStep, step_noise

__all__ = [
    "METHODS", "Callback", "ClassicStep", "CompiledStep", "History", "TrainingDiverged",
    "TrainingState", "epoch_batches", "make_strategy", "set_mixed_precision", "split_cpu", "step_noise",
    "train",
]
