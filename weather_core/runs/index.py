"""Listing runs: list_runs and best_run, through the run index: what list_runs read last time, per runs root, keyed by each run file's identity
(inode, size, modification time). A page poll stats three files per run and re-reads only the runs
whose files changed; finished runs, the bulk of a class's runs root, are read once per server."""

import os
import threading
from pathlib import Path

from .. import settings
from . import status, store

WATCHED = ("config.json", "status.json", "metrics.jsonl")
_INDEXES = {}
_LOCK = threading.Lock()


def _signature(folder: Path):
    marks = []
    for name in WATCHED:
        try:
            stat = os.stat(folder / name)
            marks.append((stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns))
        except OSError:
            marks.append(None)
    return tuple(marks)


class RunIndex:
    """RunInfo per folder with the signature it was read at; bounded by the number of run folders."""

    def __init__(self):
        self.entries = {}  # folder name -> (signature, RunInfo)
        self.reads = 0  # how many runs were read from disk (the benchmark and tests look)

    def runs(self, folders):
        fresh = {}
        for folder in folders:
            signature = _signature(folder)
            cached = self.entries.get(folder.name)
            if cached is None or cached[0] != signature:
                cached = (signature, store.load_run(folder))
                self.reads += 1
            elif cached[1].state in status.ACTIVE or cached[1].status.get("state") in status.ACTIVE:
                cached[1].state = status.state_of(cached[1].status)  # a trainer may have died since
                if not isinstance(cached[1].config, dict) or not cached[1].config:
                    cached[1].state = "damaged"
            fresh[folder.name] = cached
        self.entries = fresh  # discarded folders leave the index
        return [info for _, info in fresh.values()]


def index_for(root: Path) -> RunIndex:
    key = str(Path(root).resolve())
    with _LOCK:
        return _INDEXES.setdefault(key, RunIndex())


def list_runs(root=None):
    """Every run folder under the root, newest first; damaged folders are listed (with their
    problem), not fatal; links and anything else that fails is_run_folder are not listed.
    Read through the run index: only folders whose files changed since the last call are re-read."""
    return index_for(Path(root or settings.runs_root())).runs(store.run_folders(root))


def best_run(root=None, candidates=None):
    """The finished run with a model and the highest test accuracy, or None; cancelled, failed
    and interrupted runs are never chosen, whatever they scored."""
    candidates = list_runs(root) if candidates is None else candidates
    done = [r for r in candidates if r.finished and r.has_model and isinstance(r.test_accuracy, float)]
    return max(done, key=lambda r: r.test_accuracy, default=None)
