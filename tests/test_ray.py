"""Trainings through a real local Ray head (`ray start --head`): `submit` with WEATHER_RAY_ADDRESS set
queues a Ray Job, the run folder ends `finished`, `status` reads it, and `cancel` stops a job through
Ray. ray[default] comes with requirements-dev.txt (pyproject's `cluster` extra), so `make test` runs this;
it never skips: without Ray it fails."""

import json
import os
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from support import ROOT, wait_for
from weather_core import runs

pytestmark = pytest.mark.slow  # a Ray head and trainings in subprocesses
RAY = Path(sys.executable).with_name("ray")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def ray_head(tmp_path_factory):
    """A one-machine Ray cluster for this module; its dashboard address is WEATHER_RAY_ADDRESS."""
    from ray.job_submission import JobSubmissionClient

    base = tmp_path_factory.mktemp("ray_runs")
    temp = tempfile.mkdtemp(prefix="ray", dir="/tmp")  # Ray's socket paths must stay short
    dashboard = free_port()
    env = {**os.environ, "WEATHER_RUNS_DIR": str(base / "runs"), "RAY_USAGE_STATS_ENABLED": "0"}
    subprocess.run([str(RAY), "start", "--head", f"--port={free_port()}", f"--dashboard-port={dashboard}",
                    "--dashboard-host=127.0.0.1", "--include-dashboard=true", "--num-cpus=2", "--num-gpus=0",
                    f"--temp-dir={temp}", "--disable-usage-stats"], env=env, check=True, timeout=240,
                   capture_output=True)
    address = f"http://127.0.0.1:{dashboard}"
    try:
        def answers():
            try:
                JobSubmissionClient(address).list_jobs()
                return True
            except Exception:  # noqa: BLE001  (the dashboard is still starting)
                return False

        assert wait_for(answers, timeout=120, every=2), "the Ray dashboard did not answer"
        yield address, env
    finally:
        subprocess.run([str(RAY), "stop", "--force"], env=env, timeout=120, capture_output=True)


def cli(env, *args):
    return subprocess.run([sys.executable, "-m", "weather_core", *args], capture_output=True, text=True,
                          cwd=ROOT, env=env, timeout=180)


def test_a_run_trains_through_ray_and_ends_finished(ray_head, demo_prepared):
    address, env = ray_head
    env = {**env, "WEATHER_RAY_ADDRESS": address}
    done = cli(env, "submit", "--data", str(demo_prepared), "--model", "model_1", "--epochs", "1",
               "--image-size", "32", "--batch-size", "16", "--owner", "ana", "--json")
    assert done.returncode == 0, done.stderr
    submitted = json.loads(done.stdout)
    assert submitted["backend"] == "ray" and submitted["job_id"] == Path(submitted["run_dir"]).name
    run_dir = Path(submitted["run_dir"])

    def state():
        return json.loads(cli(env, "status", str(run_dir), "--json").stdout)["state"]

    assert wait_for(lambda: state() not in runs.ACTIVE, timeout=300, every=3), (run_dir / "log.txt").read_text()[-2000:]
    status = runs.read_json(run_dir / "status.json")
    assert status["state"] == "finished", (run_dir / "log.txt").read_text()[-2000:]
    assert status["backend"] == "ray" and status["job_id"] == run_dir.name
    assert [row["epoch"] for row in runs.read_metrics(run_dir)] == [1]
    assert runs.load_run(run_dir).owner == "ana"
    assert "epoch 1/1" in (run_dir / "log.txt").read_text()  # the worker's log, on the run page as ever


def test_cancel_stops_the_ray_job(ray_head, demo_prepared):
    from ray.job_submission import JobSubmissionClient

    address, env = ray_head
    env = {**env, "WEATHER_RAY_ADDRESS": address}
    submitted = json.loads(cli(env, "submit", "--data", str(demo_prepared), "--model", "model_1", "--epochs",
                               "500", "--image-size", "32", "--json").stdout)
    run_dir = Path(submitted["run_dir"])
    assert wait_for(lambda: runs.read_json(run_dir / "status.json", {}).get("state") == "running", timeout=240)
    cancelled = cli(env, "cancel", str(run_dir))
    assert cancelled.returncode == 0, cancelled.stderr
    client = JobSubmissionClient(address)
    assert wait_for(lambda: str(client.get_job_status(submitted["job_id"]).value) == "STOPPED", timeout=120)
    assert wait_for(lambda: json.loads(cli(env, "status", str(run_dir), "--json").stdout)["state"] == "cancelled",
                    timeout=60)
