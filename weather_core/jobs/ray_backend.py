"""Trainings on a Ray cluster (`WEATHER_RAY_ADDRESS`, the address `ray job submit --address` takes,
e.g. http://127.0.0.1:8265): one Ray Job per run, `python -m weather_core worker RUN_DIR` on whichever
node Ray picks, a GPU requested when the run asks for one. Workers write the same run folder on
storage the server shares (README "Workers beyond one machine"); state comes from the run folder,
Ray's view (pending, stopped, failed) fills in what a worker could not write. Needs `ray[default]`
(pyproject's `cluster` extra); the embedded local dispatcher (weather_core.jobs) needs nothing."""

import os
import shlex
import sys
from pathlib import Path

from .. import runs, settings

ENV_ADDRESS = "WEATHER_RAY_ADDRESS"
FORWARDED = ("WEATHER_DATA_DIR", "WEATHER_RUNS_DIR", "WEATHER_CACHE_DIR", "WEATHER_CACHE_MB")
# A training reserves as many CPUs as its trainer uses threads: WEATHER_TRAINER_THREADS, 2 unless
# set. Ray used to reserve 1 while TensorFlow took every core, so a 16-core node ran 16 at once.
DEFAULT_TRAINER_THREADS = 2


def address() -> str | None:
    return os.environ.get(ENV_ADDRESS) or None


def client():
    from ray.job_submission import JobSubmissionClient

    return JobSubmissionClient(address())


def submit(run_dir, gpus=0) -> str:
    """Submit the run's worker as a Ray Job named after the run; returns the job id."""
    return submit_as(run_dir, Path(run_dir).name, gpus)


def submit_as(run_dir, job_name, gpus=0) -> str:
    run_dir = Path(run_dir).resolve()
    log = shlex.quote(str(run_dir / "log.txt"))
    command = f"cd {shlex.quote(str(settings.PROJECT_ROOT))} && {shlex.quote(sys.executable)} -m weather_core " \
              f"worker {shlex.quote(str(run_dir))} >> {log} 2>&1"
    env = {name: os.environ[name] for name in FORWARDED if name in os.environ}
    env["WEATHER_TRAINER_THREADS"] = str(cpus_per_training())  # what it reserves is what it uses
    job_id = client().submit_job(
        entrypoint=command, submission_id=job_name, entrypoint_num_cpus=cpus_per_training(),
        entrypoint_num_gpus=gpus or None, runtime_env={"env_vars": {**env, "WEATHER_RAY_JOB": "1"}},
        metadata={"run_dir": str(run_dir), "owner": str(runs.read_config(run_dir).get("owner", ""))})
    runs.mark_queued(run_dir, backend="ray", job_id=job_id, pid=None, waiting=False)
    return job_id


def stop(run_dir) -> None:
    status = runs.read_status(run_dir)
    if status.get("job_id"):
        client().stop_job(status["job_id"])


def cpus_per_training() -> int:
    """The CPUs Ray reserves for one training, and the threads its trainer is told to use."""
    return settings.trainer_threads() or DEFAULT_TRAINER_THREADS


def refresh(run_dir) -> str:
    """The run's state, with Ray's answer for a job that ended before its worker wrote one."""
    refresh_all([Path(run_dir)])
    return runs.current_state(run_dir)


def refresh_all(run_dirs) -> bool:
    """Ray's view of the given active runs, from one job listing (not one per run): stopped or
    failed jobs end their runs, pending ones get their place in Ray's queue. True if any was on Ray."""
    on_ray = [(Path(d), runs.read_status(d)) for d in run_dirs]
    on_ray = [(d, s) for d, s in on_ray if runs.state_of(s) in runs.ACTIVE and s.get("job_id")]
    if not on_ray:
        return False
    try:
        listing = client().list_jobs()
    except Exception:  # noqa: BLE001  (head unreachable: the run folders still say)
        return True
    states = {j.submission_id: str(j.status.value) for j in listing}
    positions = pending_positions(listing)
    for run_dir, status in on_ray:
        ray_state = states.get(status["job_id"])
        if ray_state == "STOPPED":
            runs.mark_cancelled(run_dir, "stopped through Ray")
        elif ray_state == "FAILED":
            runs.mark_failed(run_dir, "the Ray job failed (see log.txt)")
        elif ray_state == "PENDING" and status.get("position") != positions.get(status["job_id"]):
            runs.mark_queued(run_dir, position=positions.get(status["job_id"]))
    return True


def logs(run_dir) -> str:
    status = runs.read_status(run_dir)
    try:
        return client().get_job_logs(status["job_id"])
    except Exception:  # noqa: BLE001
        return ""


def pending_positions(listing) -> dict:
    """{job id: how many of the cluster's pending jobs were submitted before it} for the pending jobs
    of one `list_jobs()` answer."""
    pending = sorted((j for j in listing if str(j.status.value) == "PENDING"), key=lambda j: j.start_time or 0)
    return {j.submission_id: position for position, j in enumerate(pending)}
