"""Background trainings: each run trains in a detached `python -m weather_core worker RUN_DIR`
process (it survives page reruns), waits in a queue for one of N slots, and can be resumed or killed.
The run folder it writes is weather_core.runs' format; the training itself is weather_core.training."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from . import runs, settings
from .runs import ACTIVE, list_runs, pid_alive, read_json, resolve_run


# ---------------------------------------------------------------------------------------------
# Start, resume, stop


def start_in_background(config, root=None) -> Path:
    """Create the run and train it in a detached subprocess (what the Train page uses)."""
    from .training import create_run

    run_dir = create_run(config, root)
    _launch_worker(run_dir)
    return run_dir


def _launch_worker(run_dir):
    try:
        process = launch(["worker", str(run_dir)], run_dir)
    except OSError as error:
        runs.write_status(run_dir, "failed", error=f"could not start the trainer: {error}")
        raise
    runs.write_status(run_dir, "queued", pid=process.pid)


def resume_in_background(run_dir) -> Path:
    """Continue an interrupted, failed or cancelled run from its last saved epoch."""
    run_dir = Path(run_dir)
    state = runs.current_state(run_dir)
    if state not in ("interrupted", "failed", "cancelled"):
        raise ValueError(f"only a stopped run can be resumed (this one is {state})")
    (run_dir / "cancel").unlink(missing_ok=True)
    runs.write_status(run_dir, "queued", created=time.time(), resumed_from=len(runs.read_metrics(run_dir)))
    _launch_worker(run_dir)
    return run_dir


def launch(args, run_dir, env=None):
    """Start `python -m weather_core ARGS` detached from this process (survives page reruns)."""
    log = open(Path(run_dir) / "log.txt", "ab")
    process = subprocess.Popen(
        [sys.executable, "-m", "weather_core", *map(str, args)],
        stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        cwd=settings.home(), env={**os.environ, **(env or {})}, start_new_session=True,
    )
    log.close()
    return process


def kill(run_dir):
    """Stop a run's process now (used by tests and by 'discard')."""
    pid = (read_json(Path(run_dir) / "status.json", {}) or {}).get("pid")
    if pid_alive(pid):
        os.killpg(os.getpgid(int(pid)), signal.SIGKILL)


def discard(run_dir, root=None):
    """Delete a stopped run's folder (only inside the runs root)."""
    import shutil

    run_dir = resolve_run(Path(run_dir).name, root)
    if runs.current_state(run_dir) in ACTIVE:
        raise ValueError("stop the run before discarding it")
    shutil.rmtree(run_dir)


# ---------------------------------------------------------------------------------------------
# The queue: N slots (settings.max_concurrent_trainings), oldest queued run first


def wait_for_slot(run_dir):
    """Block while other trainings hold every slot; returns the held slot (None if cancelled)."""
    while True:
        if runs.cancel_requested(run_dir):
            return None
        slot = acquire_slot(run_dir)
        if slot is not None:
            return slot
        runs.write_status(run_dir, "queued", position=queue_position(run_dir), pid=os.getpid())
        time.sleep(2)


def acquire_slot(run_dir):
    """One of N training slots (settings.max_concurrent_trainings), held by a file lock until the
    process exits, so a killed trainer frees its slot. Older queued runs go first."""
    from filelock import FileLock, Timeout  # flock on Unix, msvcrt on Windows

    run_dir = Path(run_dir)
    if queue_position(run_dir) >= settings.max_concurrent_trainings() - _running_count(run_dir):
        return None
    slots = run_dir.parent / ".slots"
    slots.mkdir(exist_ok=True)
    for index in range(settings.max_concurrent_trainings()):
        lock = FileLock(slots / f"slot-{index}.lock", blocking=False)
        try:
            lock.acquire()
            return lock
        except Timeout:
            pass
    return None


def _running_count(run_dir):
    return sum(1 for r in list_runs(Path(run_dir).parent) if r.state == "running")


def queue_position(run_dir) -> int:
    """How many live queued runs were created before this one (0 = next in line)."""
    run_dir = Path(run_dir)
    mine = (read_json(run_dir / "status.json", {}) or {}).get("created", 0)
    ahead = 0
    for other in list_runs(run_dir.parent):
        if other.path == run_dir or other.state != "queued":
            continue
        if other.status.get("created", 0) < mine:
            ahead += 1
    return ahead


# ---------------------------------------------------------------------------------------------
# The worker process (`python -m weather_core worker RUN_DIR`)


def main_worker(run_dir):
    """Entry point of the detached training subprocess."""
    from .training import run_training

    try:
        run_training(run_dir)
    except Exception as error:
        print(f"training failed: {error}", file=sys.stderr)
        return 1
    return 0
