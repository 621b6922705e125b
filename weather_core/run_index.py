"""The run index: what list_runs read last time, per runs root, keyed by each run file's identity
(inode, size, modification time). A page poll stats three files per run and re-reads only the runs
whose files changed; finished runs, the bulk of a class's runs root, are read once per server."""

import os
import threading
from pathlib import Path

from . import runs

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
                cached = (signature, runs.load_run(folder))
                self.reads += 1
            elif cached[1].state in runs.ACTIVE or cached[1].status.get("state") in runs.ACTIVE:
                cached[1].state = runs.state_of(cached[1].status)  # a trainer may have died since
                if not isinstance(cached[1].config, dict) or not cached[1].config:
                    cached[1].state = "damaged"
            fresh[folder.name] = cached
        self.entries = fresh  # discarded folders leave the index
        return [info for _, info in fresh.values()]


def index_for(root: Path) -> RunIndex:
    key = str(Path(root).resolve())
    with _LOCK:
        return _INDEXES.setdefault(key, RunIndex())
