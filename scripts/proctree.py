"""Measuring a process tree from /proc (Linux): resident memory and CPU time of a process and all
its descendants, and a thread that samples the memory. Used by scripts/load_test.py."""

import os
import threading
import time
from pathlib import Path


def _children(pid) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry))
    return found


def _tree(pid):
    """pid and all its descendants (Chromium's renderers, the server's worker processes)."""
    todo = [pid]
    while todo:
        current = todo.pop()
        yield current
        todo.extend(_children(current))


def tree_rss_mib(pid) -> float:
    total = 0
    for current in _tree(pid):
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


def tree_cpu_seconds(pid) -> float:
    """User + system CPU time of a process tree so far (live processes only)."""
    ticks = 0
    for current in _tree(pid):
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


class RssSampler(threading.Thread):
    def __init__(self, pid, every=0.5):
        super().__init__(daemon=True)
        self.pid, self.every, self.samples = pid, every, []
        self._halt = threading.Event()

    def run(self):
        while not self._halt.is_set():
            self.samples.append((time.monotonic(), tree_rss_mib(self.pid)))
            self._halt.wait(self.every)

    def now(self) -> float:
        return tree_rss_mib(self.pid)

    def stop(self):
        self._halt.set()
        self.join(5)
