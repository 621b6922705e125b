"""The Keras callback that writes a run folder while it trains: batch-level progress rows, epoch
rows, atomic model saves, the phase and a measured ETA; and a cancel that stops at the next batch.
Imports Keras: fit.py imports it when training starts."""

import os
import sys
import time
from pathlib import Path

import keras

from .. import runs
from . import estimate

PROGRESS_EVERY = 2.0  # seconds between batch-level progress rows and status updates


class TrainingCancelled(Exception):
    """Raised from the callback when a cancel is requested: fit stops at the next batch."""


class RunFolderCallback(keras.callbacks.Callback):
    """Writes the run folder as training goes: a progress row every few seconds, one metrics row
    and atomic last/best models per epoch, the phase and a measured ETA in status.json; a
    cancel request stops training at the next batch, keeping the last completed epoch."""

    def __init__(self, run_dir, train_count, steps, epochs, done_rows=()):
        super().__init__()
        self.run_dir, self.train_count, self.steps, self.epochs = run_dir, train_count, steps, epochs
        self.best = (-1.0, float("inf"))
        self.epoch_seconds = [r["seconds"] for r in done_rows if isinstance(r.get("seconds"), float)][-3:]
        self._last_progress = 0.0
        self.epoch, self.batch, self.epoch_start = 0, 0, time.time()

    def _status(self, phase, **extra):
        elapsed = time.time() - self.epoch_start
        left = estimate.seconds_left(self.epoch_seconds, self.epochs, self.epoch + 1, self.batch,
                                     self.steps, elapsed)
        # after the last epoch's end self.epoch == epochs: the counter stops at the total
        runs.mark_running(self.run_dir, phase=phase, epoch=min(self.epoch + 1, self.epochs),
                          epochs=self.epochs, batch=self.batch, steps=self.steps,
                          eta_seconds=None if left is None else round(left, 1), **extra)

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch, self.batch, self.epoch_start = epoch, 0, time.time()
        self.epoch_lr = _current_lr(self.model)
        self._status("training")

    def on_train_batch_end(self, batch, logs=None):
        self.batch = batch + 1
        if runs.cancel_requested(self.run_dir):
            raise TrainingCancelled()
        if time.time() - self._last_progress > PROGRESS_EVERY:
            self._last_progress = time.time()
            logs = logs or {}
            row = {"epoch": round(self.epoch + self.batch / self.steps, 4), "time": round(time.time(), 2)}
            row.update({k: float(logs[k]) for k in ("loss", "accuracy") if k in logs})
            runs.append_progress(self.run_dir, row)
            self._status("training")

    def on_test_begin(self, logs=None):
        self._status("validating")

    def on_test_batch_end(self, batch, logs=None):
        if runs.cancel_requested(self.run_dir):
            raise TrainingCancelled()

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        seconds = time.time() - self.epoch_start
        self.epoch_seconds = (self.epoch_seconds + [seconds])[-3:]  # recent pace: load changes
        row = {"epoch": epoch + 1, "lr": self.epoch_lr, "seconds": round(seconds, 3),
               "train_images_per_second": round(self.train_count / seconds, 2)}
        for key in ("loss", "accuracy", "val_loss", "val_accuracy"):
            if key in logs:
                row[key] = float(logs[key])
        score = (row.get("val_accuracy", 0.0), -row.get("val_loss", 0.0))
        row["best"] = score > (self.best[0], -self.best[1])
        self._status("saving")
        save_model_atomic(self.model, self.run_dir / runs.LAST_MODEL)
        if row["best"]:
            self.best = (score[0], -score[1])
            save_model_atomic(self.model, self.run_dir / runs.BEST_MODEL)
        runs.append_metrics(self.run_dir, row)
        print(_epoch_line(row, self.epochs), file=sys.stderr, flush=True)  # stdout: --json only
        self.epoch, self.batch, self.epoch_start = epoch + 1, 0, time.time()
        self._status("training")



def _epoch_line(row, epochs):
    parts = [f"epoch {row['epoch']}/{epochs}", f"{row['seconds']:.1f} s"]
    parts += [f"{key} {row[key]:.4f}" for key in ("loss", "accuracy", "val_loss", "val_accuracy")
              if key in row]
    return " - ".join(parts)


def _current_lr(model):
    return float(keras.ops.convert_to_numpy(model.optimizer.learning_rate))


def save_model_atomic(model, path):
    """Save beside the target, then rename: a crash or full disk never leaves a broken model."""
    path = Path(path)
    tmp = path.with_name(f".tmp-{os.getpid()}-{path.name}")
    try:
        model.save(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
