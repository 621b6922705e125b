"""The queue as a timeline: when each queued or running training is expected to start and finish,
from the measured throughputs (weather_core.training.estimate) and the number of slots."""

import heapq
import time
from functools import lru_cache
from pathlib import Path

from .. import runs, settings
from ..training import DEFAULTS, estimate

FALLBACK_TRAIN_COUNT = 600  # a prepared.json that cannot be read: about the real dataset's train split


@lru_cache(maxsize=64)
def _train_count(data_dir, _mtime) -> int:
    summary = runs.read_json(Path(data_dir) / "prepared.json", {})
    try:
        return int(sum(summary["splits"]["train"].values()))
    except (KeyError, TypeError, AttributeError, ValueError):
        return FALLBACK_TRAIN_COUNT


def train_count(config) -> int:
    path = Path(str(config.get("data") or ""))
    try:
        mtime = (path / "prepared.json").stat().st_mtime_ns
    except OSError:
        return FALLBACK_TRAIN_COUNT
    return _train_count(str(path), mtime)


def expected_seconds(info) -> float:
    """A whole run's expected wall time (epochs already done by a resumed run not counted)."""
    config = info.config
    try:
        total = estimate.estimate_seconds(config.get("model", DEFAULTS["model"]),
                                          int(config.get("image_size", DEFAULTS["image_size"])),
                                          int(config.get("epochs", 1)), train_count(config))
    except (TypeError, ValueError, KeyError):
        return 0.0
    done = min(len(info.metrics), int(config.get("epochs") or 1)) / max(1, int(config.get("epochs") or 1))
    return estimate.STARTUP_SECONDS + (total - estimate.STARTUP_SECONDS) * (1 - done)


def _running_left(info, now) -> float:
    status = {"epochs": info.config.get("epochs"), **info.status}
    return estimate.time_left(status, info.metrics, now, expected_seconds(info))


def plan(all_runs, now=None, slots=None) -> list:
    """One row per active run, in queue order: run, owner, model, state, start, finish (epoch
    seconds). Running runs finish when their ETA says; each waiting run takes the first slot free."""
    now = time.time() if now is None else now
    slots = slots or settings.max_concurrent_trainings()
    active = [r for r in all_runs if r.state in runs.ACTIVE]
    training = sorted((r for r in active if not runs.is_waiting(r)), key=lambda r: r.status.get("created", 0))
    waiting = sorted((r for r in active if runs.is_waiting(r)), key=lambda r: r.status.get("created", 0))
    rows, free_at = [], []
    for info in training:
        finish = now + _running_left(info, now)
        rows.append(_row(info, info.status.get("started") or now, finish))
        heapq.heappush(free_at, finish)
    while len(free_at) < slots:
        heapq.heappush(free_at, now)
    for info in waiting:
        start = heapq.heappop(free_at)
        finish = start + expected_seconds(info)
        rows.append(_row(info, start, finish))
        heapq.heappush(free_at, finish)
    return rows


def _row(info, start, finish):
    return {"run": info.run_id, "owner": info.owner, "model": info.config.get("model", "?"),
            "state": "waiting" if runs.is_waiting(info) else info.state, "start": float(start),
            "finish": float(finish)}
