"""A run's status.json: read_status, the state a status means (state_of), and one named transition
per state a run enters (mark_queued, mark_running, mark_finished, mark_failed, mark_cancelled).
Nothing outside runs/ reads or writes status.json by its name."""

import os
import time
from pathlib import Path

from .. import atomic
from .checks import clean_status
from .files import read_run_json

STATES = ("queued", "running", "finished", "failed", "cancelled", "interrupted")
ACTIVE = ("queued", "running")
KEPT = ("created", "started", "pid", "backend", "job_id")  # carried from one status to the next


def read_status(run_dir) -> dict:
    """status.json with numbers of the wrong kind dropped (checks.clean_status); {} when missing."""
    status, problem = read_run_json(run_dir, "status.json")
    return {} if problem else clean_status(status)


def write_status(run_dir, state, **extra) -> dict:
    """The new status: `state` and `extra` over what KEPT carries from the last one."""
    assert state in STATES, state
    status = {"state": state, "updated": time.time(), **extra}
    previous = read_status(run_dir)
    for key in KEPT:
        if key in previous and key not in status:
            status[key] = previous[key]
    atomic.write_json(Path(run_dir) / "status.json", status)
    return status


def mark_queued(run_dir, **extra) -> dict:
    """Waiting for a slot: `waiting=True` while no process holds it, `position` in the queue."""
    return write_status(run_dir, "queued", **extra)


def mark_running(run_dir, **extra) -> dict:
    """Training: the `phase` (loading, training, testing), `epoch`, `batch` and time left."""
    return write_status(run_dir, "running", **extra)


def mark_finished(run_dir, **result) -> dict:
    """Trained (and scored when it had a test split): `result` holds epochs_done and test_*."""
    return write_status(run_dir, "finished", finished=time.time(), **result)


def mark_failed(run_dir, error, **extra) -> dict:
    """Stopped by an error; `error` is the one line its card shows."""
    return write_status(run_dir, "failed", waiting=False, error=error, **extra)


def mark_cancelled(run_dir, error=None, **extra) -> dict:
    """Stopped on request; `error` says how ('cancelled while queued'), None after a clean stop."""
    if error is not None:
        extra["error"] = error
    return write_status(run_dir, "cancelled", waiting=False, **extra)


def current_state(run_dir) -> str:
    """The status as written, except an active run whose process is gone is 'interrupted'."""
    status, problem = read_run_json(run_dir, "status.json")
    return state_of(None if problem else status)


def state_of(status) -> str:
    """current_state for a status.json already read. A run waiting in the queue has no process
    (jobs' dispatcher starts one when a slot frees), so it is 'queued' without a pid."""
    if not isinstance(status, dict) or status.get("state") not in STATES:
        return "damaged"
    if status["state"] == "queued" and status.get("waiting") is True:
        return "queued"
    if status["state"] in ACTIVE and status.get("backend") == "ray":
        return status["state"]  # its worker runs on another machine: Ray knows (ray_backend.refresh)
    if status["state"] in ACTIVE and not pid_alive(status.get("pid")):
        return "interrupted"
    return status["state"]


def is_waiting(info) -> bool:
    """A queued run that no process has picked up yet (it costs nothing while it waits)."""
    return info.state == "queued" and info.status.get("waiting") is True


def pid_alive(pid) -> bool:
    try:
        pid = int(pid)
    except (ValueError, TypeError):
        return False
    if pid <= 0:  # 0 and negative pids name process groups, never a trainer (hand-edited status)
        return False
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, OverflowError):
        return False
    except PermissionError:
        return True
    # A zombie child of this process counts as dead.
    try:
        state = Path(f"/proc/{int(pid)}/stat").read_text().split(")")[-1].split()[0]
        return state != "Z"
    except (OSError, IndexError):
        return True
