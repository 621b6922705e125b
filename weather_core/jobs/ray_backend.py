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
    job_id = client().submit_job(
        entrypoint=command, submission_id=job_name, entrypoint_num_cpus=1,
        entrypoint_num_gpus=gpus or None, runtime_env={"env_vars": {**env, "WEATHER_RAY_JOB": "1"}},
        metadata={"run_dir": str(run_dir), "owner": str(runs.read_json(run_dir / "config.json", {}).get("owner", ""))})
    runs.write_status(run_dir, "queued", backend="ray", job_id=job_id, pid=None, waiting=False)
    return job_id


def stop(run_dir) -> None:
    status = runs.read_json(Path(run_dir) / "status.json", {}) or {}
    if status.get("job_id"):
        client().stop_job(status["job_id"])


def job_state(job_id) -> str | None:
    """Ray's word for a job: PENDING, RUNNING, STOPPED, SUCCEEDED, FAILED (None if unknown)."""
    try:
        return str(client().get_job_status(job_id).value)
    except Exception:  # noqa: BLE001  (head unreachable, job unknown: the run folder still says)
        return None


def refresh(run_dir) -> str:
    """The run's state, with Ray's answer for a job that ended before its worker wrote one."""
    run_dir = Path(run_dir)
    status = runs.read_json(run_dir / "status.json", {}) or {}
    state = runs.state_of(status)
    if state in runs.ACTIVE and status.get("job_id"):
        ray_state = job_state(status["job_id"])
        if ray_state == "STOPPED":
            runs.write_status(run_dir, "cancelled", error="stopped through Ray")
        elif ray_state == "FAILED":
            runs.write_status(run_dir, "failed", error="the Ray job failed (see log.txt)")
        elif ray_state == "PENDING":
            runs.write_status(run_dir, "queued", position=pending_position(status["job_id"]))
        return runs.current_state(run_dir)
    return state


def logs(run_dir) -> str:
    status = runs.read_json(Path(run_dir) / "status.json", {}) or {}
    try:
        return client().get_job_logs(status["job_id"])
    except Exception:  # noqa: BLE001
        return ""


def pending_position(job_id) -> int | None:
    """How many of the cluster's pending jobs were submitted before this one (None if not pending)."""
    try:
        jobs = client().list_jobs()
    except Exception:  # noqa: BLE001
        return None
    pending = sorted((j for j in jobs if str(j.status.value) == "PENDING"), key=lambda j: j.start_time or 0)
    ids = [j.submission_id for j in pending]
    return ids.index(job_id) if job_id in ids else None
