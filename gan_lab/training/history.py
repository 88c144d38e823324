"""Per-step training history: losses and accuracies, kept in memory and written as CSV."""

import csv

import numpy as np

from gan_lab.files import atomic_write_text


class History:
    """Columns of per-step values: ``epoch``, ``step`` and one column per metric.

    ``history["d_loss"]`` is a float array with one value per step. ``epoch`` counts from 1
    and ``step`` is the global step, counting from 0.
    """

    def __init__(self, columns=None):
        self.columns = {name: list(values) for name, values in (columns or {}).items()}

    def append(self, epoch, step, logs):
        row = {"epoch": epoch, "step": step, **logs}
        for name in row:
            self.columns.setdefault(name, [np.nan] * len(self))
        for name, values in self.columns.items():
            values.append(row.get(name, np.nan))

    def set_last(self, name, value):
        """Set column ``name`` at the newest step, adding the column (NaN elsewhere) if it is new.

        Epoch-level values, such as a sample-quality score, go at the last step of their epoch.
        """
        if len(self) == 0:
            raise ValueError(f"Cannot set {name!r}: the history has no steps yet.")
        self.columns.setdefault(name, [np.nan] * len(self))[-1] = value

    def __len__(self):
        return len(self.columns.get("step", ()))

    def __getitem__(self, name):
        if name not in self.columns:
            raise KeyError(f"No column {name!r} in the history; it has {', '.join(self.columns)}.")
        return np.asarray(self.columns[name], dtype="float64")

    def __contains__(self, name):
        return name in self.columns

    @property
    def names(self):
        """Column names in a fixed order: epoch, step, then the metrics as first recorded."""
        return list(self.columns)

    def epoch_means(self, name):
        """Return ``(epochs, means)``: the mean of one column over each epoch's steps."""
        epochs = self["epoch"].astype(int)
        values = self[name]
        unique = np.unique(epochs)
        return unique, np.array([np.nanmean(values[epochs == epoch]) for epoch in unique])

    def to_csv(self, path):
        """Write the history as CSV, one row per step, atomically."""
        lines = [",".join(self.names)]
        for index in range(len(self)):
            cells = []
            for name in self.names:
                value = self.columns[name][index]
                cells.append(str(int(value)) if name in ("epoch", "step") else f"{float(value):.6g}")
            lines.append(",".join(cells))
        atomic_write_text(path, "\n".join(lines) + "\n")

    @classmethod
    def from_csv(cls, path):
        with open(path, newline="") as handle:
            rows = list(csv.DictReader(handle))
        columns = {}
        for row in rows:
            for name, value in row.items():
                columns.setdefault(name, []).append(float(value))
        return cls(columns)

    def to_arrays(self):
        return {name: self[name] for name in self.names}

    @classmethod
    def from_arrays(cls, arrays, names):
        return cls({name: arrays[name].tolist() for name in names})
