"""Run folders: one training run = one folder any process can read while it is being written.

config.json (create_run_folder, then one named update), metrics.jsonl and progress.jsonl are
written here, status.json in status.py; no TensorFlow is imported, so pages can poll runs cheaply.
Layout: RUNS_ROOT/<run id>/{config.json, status.json, metrics.jsonl, ...}."""

import json
import math
import os
import re
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path

from .. import atomic, settings
from .checks import clean_config, clean_evaluation, clean_status
from .files import is_run_folder, own_file, read_run_json
from .status import mark_queued, pid_alive, state_of

BEST_MODEL = "best.keras"
LAST_MODEL = "last.keras"
RUN_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,120}$")


def write_json_atomic(path, data):
    """Write JSON so a reader sees the old file or the new one, never half of one."""
    atomic.write_json(path, data)


def read_json(path, default=None):
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):  # missing, unreadable, not UTF-8/JSON, too deep
        return default


def _finite_number(value) -> bool:
    # Infinity, NaN and 1e999 parse as floats, and 4,000-digit ints as ints: all break sums and
    # formatting later. 1e15 is far beyond any epoch count, duration or loss a run can write.
    if isinstance(value, bool):
        return True
    if isinstance(value, int):
        return abs(value) < 10**15
    return isinstance(value, float) and math.isfinite(value) and abs(value) < 1e15


def new_run_dir(model, root=None) -> Path:
    root = Path(root or settings.runs_root())
    root.mkdir(parents=True, exist_ok=True)
    run_id = f"{time.strftime('%Y%m%d-%H%M%S')}-{model}-{secrets.token_hex(2)}"
    run_dir = root / run_id
    run_dir.mkdir()
    return run_dir


def create_run_folder(record, root=None) -> Path:
    """A new run folder holding its config.json (the whole record: settings, owner, limits) and a
    'queued' status: the one place a config.json is written, once."""
    run_dir = new_run_dir(record["model"], root)
    write_json_atomic(run_dir / "config.json", record)
    mark_queued(run_dir, created=time.time())  # the trainer's pid comes later
    return run_dir


def record_training_facts(run_dir, device, class_names, split) -> None:
    """What the worker learns when it starts, added to config.json: the device it trains on, the
    classes and the files of each split (the one update a config.json gets)."""
    record = read_json(Path(run_dir) / "config.json", {})
    write_json_atomic(Path(run_dir) / "config.json",
                      {**record, "device": device, "class_names": class_names, "split": split})


def resolve_run(run, root=None) -> Path:
    """A run id or path, refused unless it is a run folder inside the runs root (no path tricks)."""
    root = Path(root or settings.runs_root()).resolve()
    candidate = root / str(run) if RUN_ID.match(str(run)) else Path(run)
    if not str(run).strip() or not is_run_folder(candidate, root):
        raise ValueError(f"run {str(run)[:80]!r} is not a run folder inside the runs root")
    if own_file(candidate, "config.json") is None:
        raise ValueError(f"run {str(run)[:80]!r} not found (no config.json)")
    return candidate.resolve()


def append_metrics(run_dir, row):
    with open(Path(run_dir) / "metrics.jsonl", "a", encoding="utf-8") as handle:
        handle.write(json.dumps(row) + "\n")
        handle.flush()
        os.fsync(handle.fileno())


def append_progress(run_dir, row):
    """A batch-level row ({"epoch": 1.25, "loss", "accuracy"}): live curves between epochs."""
    with open(Path(run_dir) / "progress.jsonl", "a", encoding="utf-8") as handle:
        handle.write(json.dumps(row) + "\n")


def read_progress(run_dir):
    """Batch-level rows, as read_metrics reads epoch rows (malformed lines dropped)."""
    return _read_rows(Path(run_dir) / "progress.jsonl", lambda epoch: isinstance(epoch, (int, float)))


def read_metrics(run_dir):
    """Per-epoch rows; a torn last line (process killed mid-write) or a malformed row is ignored."""
    return _read_rows(Path(run_dir) / "metrics.jsonl", lambda epoch: type(epoch) is int)


def _read_rows(path, epoch_ok):
    rows = []
    if path.is_symlink():
        return rows
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return rows
    for line in lines:
        try:
            row = json.loads(line)
        except (ValueError, RecursionError):  # not JSON, a 5,000-digit number, 100,000 "["
            continue
        # A row edited by hand ({"epoch": "x"}, "seconds": "fast") is dropped, not a crash later.
        if isinstance(row, dict) and epoch_ok(row.get("epoch")) \
                and all(v is None or _finite_number(v) for v in row.values()):
            rows.append(row)
    return rows


@dataclass
class RunInfo:
    run_id: str
    path: Path
    state: str
    config: dict = field(default_factory=dict)
    status: dict = field(default_factory=dict)
    metrics: list = field(default_factory=list)
    problem: str | None = None  # why the run is "damaged", in one line

    @property
    def best_val_accuracy(self):
        values = [m.get("val_accuracy") for m in self.metrics if m.get("val_accuracy") is not None]
        return max(values) if values else None

    @property
    def test_accuracy(self):
        value = self.status.get("test_accuracy")
        # a hand-edited status ("x", Infinity, 7) is no score
        ok = isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= value <= 1
        return value if ok else None

    @property
    def has_model(self):
        return own_file(self.path, BEST_MODEL) is not None or own_file(self.path, LAST_MODEL) is not None

    @property
    def owner(self) -> str:
        return str(self.config.get("owner") or "")

    @property
    def training_seconds(self) -> float:
        """The epochs' summed seconds (read_metrics keeps only rows of finite numbers or null)."""
        return sum(m.get("seconds") or 0 for m in self.metrics)

    @property
    def finished(self) -> bool:
        return self.state == "finished"

    def label(self):
        """The run id with its test score when finished; otherwise its state, so a cancelled,
        failed or interrupted run never passes for a finished one wherever it is listed."""
        acc = self.test_accuracy
        if self.finished and isinstance(acc, (int, float)):
            return f"{self.run_id} (test {acc:.1%})"
        if isinstance(acc, (int, float)):
            return f"{self.run_id} ({self.state.upper()}, test {acc:.1%})"
        return f"{self.run_id} ({self.state.upper()})"


def read_evaluation(run_dir):
    """(evaluation report, problem): the report checked by checks.py, or None and why."""
    report, problem = read_run_json(run_dir, "evaluation.json")
    return (None, problem) if problem else clean_evaluation(report)


def read_config(run_dir) -> dict:
    """config.json alone, checked by checks.py (values of the wrong type dropped; {} when it is
    missing or not JSON): for readers that need no status or metrics."""
    config, problem = read_run_json(run_dir, "config.json")
    return {} if problem else clean_config(config)[0]


def load_run(run_dir) -> RunInfo:
    run_dir = Path(run_dir)
    config, config_problem = read_run_json(run_dir, "config.json")
    status, status_problem = read_run_json(run_dir, "status.json")
    state = state_of(status)
    config, type_problem = clean_config(config) if not config_problem else ({}, None)
    if not isinstance(status, dict):
        status_problem = status_problem or "status.json is not a JSON object"
    problem = config_problem or type_problem or status_problem
    if state == "damaged" and not problem:
        problem = "status.json names no known state"
    if problem:
        state = "damaged"
    return RunInfo(run_dir.name, run_dir, state, config, clean_status(status), read_metrics(run_dir),
                   problem)


def scan_runs(root=None):
    """Every run folder read from disk (the way before the index; scripts/bench_runs.py compares)."""
    return [load_run(p) for p in run_folders(root)]


def run_folders(root=None):
    root = Path(root or settings.runs_root())
    if not root.exists():
        return []
    # runs.is_run_folder: a link to a folder elsewhere is not a run of this server
    folders = [p for p in root.iterdir() if not p.name.startswith(".") and is_run_folder(p, root)]
    return sorted(folders, key=lambda p: p.name, reverse=True)


_LEFTOVER = re.compile(r"^\.tmp-(\d+)-.+\.keras$")


def remove_leftovers(run_dir) -> list[str]:
    """Delete the half-saved models (.tmp-<pid>-last.keras) of trainers that died; returns their names."""
    removed = []
    for path in Path(run_dir).iterdir():
        match = _LEFTOVER.match(path.name)
        if match and not pid_alive(match.group(1)) and not path.is_dir():
            path.unlink(missing_ok=True)
            removed.append(path.name)
    return removed


def request_cancel(run_dir):
    """Ask a run to stop at the end of its current epoch (a queued run stops before starting)."""
    (Path(run_dir) / "cancel").touch()


def cancel_requested(run_dir) -> bool:
    return (Path(run_dir) / "cancel").exists()
