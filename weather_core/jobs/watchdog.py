"""The server's watchdog: a training that stopped giving signs of life (status.json unchanged) or ran
past its class time limit is stopped, marked failed with the reason on its card, and its slot goes
to the next run (jobs.dispatch_if_needed calls it on every page poll)."""

import os
import signal
import time
from pathlib import Path

from .. import runs, settings
from ..runs import ACTIVE, pid_alive


def stale_reason(info, now=None) -> str | None:
    """Why a local run that still has a process must be stopped, or None: no heartbeat (status.json
    unchanged) for settings.stale_after_seconds(), or training past its recorded `max_minutes`."""
    if info.state not in ACTIVE or runs.is_waiting(info) or info.status.get("backend") == "ray":
        return None
    now = time.time() if now is None else now
    updated = info.status.get("updated")
    quiet = now - updated if isinstance(updated, (int, float)) else 0
    if quiet > settings.stale_after_seconds():
        return f"stopped by the server: no sign of progress for {quiet / 60:.0f} min (the slot went to the next run)"
    started, limit = info.status.get("started"), info.config.get("max_minutes")
    if info.state == "running" and isinstance(started, (int, float)) and isinstance(limit, (int, float)) \
            and limit > 0 and now - started > limit * 60:
        return f"stopped by the server at the class's limit of {limit:g} min per training (resume to go on)"
    return None


def reclaim_stale(all_runs, now=None) -> list:
    """Stop every stale run (stale_reason), mark it failed with the reason, and return their folders."""
    reclaimed = []
    for info in all_runs:
        reason = stale_reason(info, now)
        if reason:
            kill(info.path)
            runs.mark_failed(info.path, reason, finished=time.time())
            reclaimed.append(info.path)
    return reclaimed


def kill(run_dir):
    """Stop a run's process now (used by tests and by 'discard')."""
    pid = runs.read_status(run_dir).get("pid")
    if not pid_alive(pid) or int(pid) == os.getpid():
        return
    pid = int(pid)
    try:
        if os.getpgid(pid) == pid:  # a dispatched worker leads its own group (its data loaders too)
            os.killpg(pid, signal.SIGKILL)
        else:  # a foreground `train` shares its shell's group: only the trainer goes
            os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
