"""Training checkpoints: both networks, both optimizers, the epoch and the fixed noise.

A checkpoint is one ``.npz`` file per epoch, ``epoch-0003.npz``, written to a temporary
file and renamed into place, so a crash leaves the previous checkpoints intact and never a
half-written one. Loading rebuilds nothing: the models are built from the run's
configuration first, then the arrays are assigned to their variables in order.
"""

import json
import logging
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from gan_lab.files import atomic_path

log = logging.getLogger(__name__)

CHECKPOINT_PATTERN = re.compile(r"^epoch-(\d+)\.npz$")


@dataclass
class Checkpoint:
    """Epoch, fixed noise and history restored from a checkpoint, besides the weights."""

    epoch: int
    fixed_noise: np.ndarray
    history: dict
    history_names: list
    path: Path


def checkpoint_path(directory, epoch):
    return Path(directory) / f"epoch-{epoch:04d}.npz"


def list_checkpoints(directory):
    """Return the complete checkpoints in ``directory`` as ``[(epoch, path), ...]``, oldest first."""
    directory = Path(directory)
    if not directory.is_dir():
        return []
    found = []
    for path in directory.iterdir():
        match = CHECKPOINT_PATTERN.match(path.name)
        if match:
            found.append((int(match.group(1)), path))
    return sorted(found)


def latest_checkpoint(directory):
    """Return the path of the newest checkpoint in ``directory``, or None."""
    found = list_checkpoints(directory)
    return found[-1][1] if found else None


def _variables(model, optimizer):
    # Building the optimizer creates its slot variables, so a fresh one can take saved state.
    if optimizer is not None and not optimizer.built:
        optimizer.build(model.trainable_variables)
    return list(model.variables), list(optimizer.variables) if optimizer is not None else []


def _groups(generator, discriminator, g_optimizer, d_optimizer):
    g_vars, g_opt_vars = _variables(generator, g_optimizer)
    d_vars, d_opt_vars = _variables(discriminator, d_optimizer)
    return {"generator": g_vars, "discriminator": d_vars, "g_optimizer": g_opt_vars, "d_optimizer": d_opt_vars}


def save_checkpoint(directory, epoch, *, generator, discriminator, g_optimizer, d_optimizer,
                    fixed_noise, history, keep=3):
    """Write ``epoch-NNNN.npz`` atomically and remove all but the newest ``keep`` checkpoints."""
    arrays = {"epoch": np.array(epoch), "fixed_noise": np.asarray(fixed_noise)}
    for group, variables in _groups(generator, discriminator, g_optimizer, d_optimizer).items():
        for index, variable in enumerate(variables):
            arrays[f"{group}/{index:04d}"] = np.asarray(variable.numpy())
    for name, values in history.to_arrays().items():
        arrays[f"history/{name}"] = values
    arrays["history_names"] = np.array(json.dumps(history.names))

    path = checkpoint_path(directory, epoch)
    with atomic_path(path) as temporary:
        with open(temporary, "wb") as handle:
            np.savez(handle, **arrays)
    for _, old in list_checkpoints(directory)[:-keep] if keep else []:
        old.unlink(missing_ok=True)
    log.info("Saved checkpoint %s", path)
    return path


def load_checkpoint(path, *, generator, discriminator=None, g_optimizer=None, d_optimizer=None):
    """Assign a checkpoint's arrays to the given models and optimizers and return a Checkpoint.

    Pass only ``generator`` to draw samples. Raises ValueError if the checkpoint was written
    for networks of another shape.
    """
    path = Path(path)
    with np.load(path, allow_pickle=False) as data:
        groups = _groups(generator, discriminator, g_optimizer, d_optimizer) if discriminator is not None else {
            "generator": list(generator.variables)
        }
        for group, variables in groups.items():
            saved = sorted(key for key in data.files if key.startswith(group + "/"))
            if len(saved) != len(variables):
                raise ValueError(
                    f"{path} contains {len(saved)} {group} arrays but the model has {len(variables)}; "
                    "the checkpoint was written for another model. Rebuild the model with the "
                    "run's config.json, or start a new run in an empty --out folder."
                )
            for key, variable in zip(saved, variables):
                if tuple(data[key].shape) != tuple(variable.shape):
                    raise ValueError(
                        f"{path}: {key} has shape {data[key].shape} but {variable.path} has "
                        f"{tuple(variable.shape)}; the checkpoint was written for another model."
                    )
                variable.assign(data[key])
        names = json.loads(str(data["history_names"]))
        history = {name: data[f"history/{name}"] for name in names}
        return Checkpoint(int(data["epoch"]), data["fixed_noise"].copy(), history, names, path)
