"""The queue of trainings: start, resume, cancel, discard, the dispatcher, slots and the worker.

The life of a run: (1) Start (Train page or `submit`): start_in_background checks the caps and
training.create_run writes the folder (config.json once; status queued, waiting; no process).
(2) dispatch starts `python -m weather_core worker RUN_DIR` for the oldest waiting runs while a
slot is free (on a submit, resume, cancel, a worker's end, a page poll). (3) main_worker ->
training.run_training takes the slot, marks the run running and fits; its callback appends
metrics.jsonl and progress.jsonl and saves the models. (4) Finished, failed or cancelled, with the
test score; the slot goes to the next run; a stopped run resumes from its last epoch (back to 2).
With WEATHER_RAY_ADDRESS set, Ray queues and starts the workers instead (ray_backend)."""

import json
import os
import secrets
import shutil
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path

from filelock import FileLock, Timeout

from .. import runs, settings
from ..runs import ACTIVE, list_runs, resolve_run
from ..training import create_run, run_training
from . import classroom, ray_backend
from .watchdog import kill, reclaim_stale


# ---------------------------------------------------------------------------------------------
# Start, resume, stop

# A second identical submission by the same person this soon is a double click, not a wish for two.
DOUBLE_SUBMIT_SECONDS = 10


def start_in_background(config, root=None, owner="", instructor=False, gpus=0, confirmed_long=False) -> Path:
    """Create the run (recording its owner), queue it and let the dispatcher start it when a slot
    is free (what the Train page and `submit` use). Refused, with a message, past the fair-turn caps.
    The same settings from the same owner again within DOUBLE_SUBMIT_SECONDS return the first run."""
    root = Path(root or settings.runs_root())
    root.mkdir(parents=True, exist_ok=True)
    with FileLock(root / ".submit.lock"):  # two clicks served by two threads see each other
        twin = _recent_twin(config, root, owner)
        if twin is not None:
            return twin
        classroom.check_fair_turn(config, owner, root, instructor=instructor, confirmed_long=confirmed_long)
        limit = None if instructor else classroom.load()["max_run_minutes"]
        run_dir = create_run(config, root, owner=owner, max_minutes=limit)
        # Counted as active before the lock is let go: a bare 'queued' without a process reads as
        # interrupted, and a parallel submission would not count it against the owner's cap.
        on_ray = bool(ray_backend.address())
        where = {"backend": "ray", "waiting": False} if on_ray else {"waiting": True}
        runs.mark_queued(run_dir, pid=None, **where)
    if on_ray:
        _submit_to_ray(run_dir, gpus)
        return run_dir
    dispatch(root)
    return run_dir


def _submit_to_ray(run_dir, gpus):
    """Ray queues it, one job per run; a refused submission fails the run rather than leave it queued."""
    try:
        ray_backend.submit(run_dir, gpus=gpus)
    except Exception as error:
        runs.mark_failed(run_dir, f"Ray did not take the training: {error}")
        raise


def _recent_twin(config, root, owner) -> Path | None:
    """This owner's run with exactly these settings, submitted in the last DOUBLE_SUBMIT_SECONDS
    and not stopped since, or None."""
    # as config.json holds them: lists, not tuples
    wanted = json.loads(json.dumps({**asdict(config), "data": str(Path(config.data).resolve())}))
    now = time.time()
    for info in list_runs(root):
        created = info.status.get("created")
        recent = isinstance(created, (int, float)) and 0 <= now - created <= DOUBLE_SUBMIT_SECONDS
        if recent and info.owner == owner and info.state in ("queued", "running", "finished") \
                and all(info.config.get(key) == value for key, value in wanted.items()):
            return info.path
    return None


def resume_in_background(run_dir, instructor=False, who=None) -> Path:
    """Continue an interrupted, failed or cancelled run from its last saved epoch (back in the queue).
    A resumed run counts against its owner's cap like a new one (the instructor resumes past it).
    `who` (a classroom.Who, from a page): refused with PermissionError unless they may manage it."""
    run_dir = Path(run_dir)
    if who is not None:
        classroom.require_manage(runs.load_run(run_dir), *who)
        instructor = who.instructor
    with FileLock(run_dir.parent / ".submit.lock"):
        state = runs.current_state(run_dir)
        if state not in ("interrupted", "failed", "cancelled"):
            raise ValueError(f"only a stopped run can be resumed (this one is {state})")
        owner = runs.load_run(run_dir).owner
        if owner and not instructor:  # a run with no owner is the instructor's (classroom.can_manage)
            classroom.check_owner_cap(owner, run_dir.parent)
        (run_dir / "cancel").unlink(missing_ok=True)
        runs.remove_leftovers(run_dir)
        runs.mark_queued(run_dir, created=time.time(), resumed_from=len(runs.read_metrics(run_dir)),
                         waiting=True, pid=None, backend="local", job_id=None, error=None, started=None)
    if ray_backend.address():
        _resubmit(run_dir)
        return run_dir
    dispatch(run_dir.parent)
    return run_dir


def _resubmit(run_dir):
    """A resumed run goes back to Ray as a new job (a job id is used once)."""
    runs.mark_queued(run_dir, pid=None, waiting=False)
    ray_backend.submit_as(run_dir, f"{run_dir.name}-resume-{secrets.token_hex(2)}")


def cancel(run_dir, who=None):
    """Stop a run: a waiting run is cancelled at once, a training one at its next batch. `who` (a
    classroom.Who, from a page): refused with PermissionError unless they may manage it."""
    run_dir = Path(run_dir)
    if who is not None:
        classroom.require_manage(runs.load_run(run_dir), *who)
    runs.request_cancel(run_dir)
    if runs.read_status(run_dir).get("backend") == "ray":
        ray_backend.stop(run_dir)
        return
    with _dispatch_lock(run_dir.parent):
        info = runs.load_run(run_dir)
        if runs.is_waiting(info):
            runs.mark_cancelled(run_dir, "cancelled while queued")
    dispatch(run_dir.parent)


_CHILDREN = []  # worker processes this process started, reaped by a waiting thread each


def launch(args, run_dir, env=None):
    """Start `python -m weather_core ARGS` detached from this process (survives page reruns). A
    thread waits for it, so a finished worker never lingers as a zombie under the server."""
    log = open(Path(run_dir) / "log.txt", "ab")
    process = subprocess.Popen(
        [sys.executable, "-m", "weather_core", *map(str, args)],
        stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        cwd=settings.home(), env={**os.environ, **(env or {})}, start_new_session=True,
    )
    log.close()
    threading.Thread(target=process.wait, daemon=True, name=f"reap-{process.pid}").start()
    return process


# ---------------------------------------------------------------------------------------------
# The dispatcher: N slots (settings.max_concurrent_trainings), oldest waiting run first

@contextmanager
def _dispatch_lock(root):
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)

    with FileLock(root / ".dispatch.lock"):
        yield


def waiting_runs(all_runs):
    """Runs waiting for a slot, in turn order (oldest first)."""
    return sorted((r for r in all_runs if runs.is_waiting(r)), key=lambda r: r.status.get("created", 0))


def dispatch(root=None) -> list:
    """Start a worker for each waiting run that fits in a free slot; number the rest (position).
    Safe to call from any process at any time (one dispatcher at a time, under a file lock)."""
    root = Path(root or settings.runs_root())
    started = []
    with _dispatch_lock(root):
        all_runs = list_runs(root)
        busy = sum(1 for r in all_runs if r.state in ACTIVE and not runs.is_waiting(r))
        waiting = []
        for info in waiting_runs(all_runs):
            if runs.cancel_requested(info.path):
                runs.mark_cancelled(info.path, "cancelled while queued")
            else:
                waiting.append(info)
        free = max(0, settings.max_concurrent_trainings() - busy)
        for info in waiting[:free]:
            _launch_worker(info.path)
            started.append(info.path)
        for position, info in enumerate(waiting[free:]):
            if info.status.get("position") != position:
                runs.mark_queued(info.path, waiting=True, position=position, pid=None)
    return started


def dispatch_if_needed(all_runs, root=None) -> list:
    """The server's on-demand dispatch (a page poll): stale runs are reclaimed first, then waiting
    runs start, only when one waits and a slot looks free."""
    if reclaim_stale(all_runs):
        return dispatch(root)
    waiting = any(runs.is_waiting(r) for r in all_runs)
    busy = sum(1 for r in all_runs if r.state in ACTIVE and not runs.is_waiting(r))
    if waiting and busy < settings.max_concurrent_trainings():
        return dispatch(root)
    return []


def _launch_worker(run_dir):
    try:
        process = launch(["worker", str(run_dir)], run_dir)
    except OSError as error:
        runs.mark_failed(run_dir, f"could not start the trainer: {error}")
        return
    runs.mark_queued(run_dir, waiting=False, position=0, pid=process.pid)


def discard(run_dir, root=None, who=None):
    """Delete a stopped run's folder (only inside the runs root). `who` (a classroom.Who, from a
    page): refused with PermissionError unless they may manage it."""
    run_dir = resolve_run(Path(run_dir).name, root)
    if who is not None:
        classroom.require_manage(runs.load_run(run_dir), *who)
    if runs.current_state(run_dir) in ACTIVE:
        raise ValueError("stop the run before discarding it")
    shutil.rmtree(run_dir)


# ---------------------------------------------------------------------------------------------
# Slots: an flock per training, so a killed trainer frees its slot (a dispatched worker gets one at
# once; a foreground `train` waits here for one)

def wait_for_slot(run_dir):
    """Block while other trainings hold every slot; returns the held slot (None if cancelled).
    A Ray job has its slot already: Ray started it when the cluster had room."""
    if os.environ.get("WEATHER_RAY_JOB"):
        return open(os.devnull)
    while True:
        if runs.cancel_requested(run_dir):
            return None
        slot = acquire_slot(run_dir)
        if slot is not None:
            return slot
        runs.mark_queued(run_dir, position=queue_position(run_dir), pid=os.getpid())
        time.sleep(2)


def acquire_slot(run_dir):
    """One of N training slots (settings.max_concurrent_trainings), held by a file lock until the
    process exits, so a killed trainer frees its slot. Older queued runs go first."""
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
    """How many queued runs with a process were created before this one (0 = next in line)."""
    run_dir = Path(run_dir)
    mine = runs.load_run(run_dir).status.get("created") or 0  # checked numbers (runs/checks.py)
    ahead = 0
    for other in list_runs(run_dir.parent):
        if other.path == run_dir or other.state != "queued" or runs.is_waiting(other):
            continue
        if (other.status.get("created") or 0) < mine:
            ahead += 1
    return ahead


# ---------------------------------------------------------------------------------------------
# The worker process (`python -m weather_core worker RUN_DIR`)

def main_worker(run_dir):
    """Entry point of the detached training subprocess."""
    try:
        run_training(run_dir, wait_for_slot)
    except Exception as error:
        print(f"training failed: {error}", file=sys.stderr)
        return 1
    finally:
        dispatch(Path(run_dir).resolve().parent)  # the slot this worker held goes to the next run
    return 0
