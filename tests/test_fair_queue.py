"""A queue that holds under a class: parallel submissions, resume and the owner cap, runs with no
owner, hung and overlong runs reclaimed, and Ray reserving what a training uses."""

import os
import subprocess
import sys
import threading
import time
from dataclasses import replace
from types import SimpleNamespace

import pytest

from support import TINY
from weather_core import jobs, runs
from weather_core.jobs import classroom, ray_backend, run_queue
from weather_core.training import TrainConfig


@pytest.fixture
def class_roots(tmp_path, monkeypatch):
    for name in ("data", "runs"):
        monkeypatch.setenv(f"WEATHER_{name.upper()}_DIR", str(tmp_path / name))
    monkeypatch.setenv("WEATHER_MAX_TRAININGS", "1")
    monkeypatch.setenv("WEATHER_MAX_RUNS_PER_OWNER", "2")
    (tmp_path / "runs").mkdir()
    return tmp_path / "runs"


def holder(root, pid, name="20990101-000000-model_1-busy", owner="teacher", **status):
    """A run 'running' under `pid` that holds the only slot (nothing else starts)."""
    run_dir = root / name
    run_dir.mkdir()
    runs.write_json_atomic(run_dir / "config.json", {"model": "model_1", "image_size": 32, "epochs": 2,
                                                     "owner": owner})
    runs.write_status(run_dir, "running", created=1.0, started=status.pop("started", time.time()), pid=pid)
    if status:
        runs.write_json_atomic(run_dir / "status.json", {**runs.read_json(run_dir / "status.json"), **status})
    return run_dir


def active(root, owner):
    return [r for r in runs.list_runs(root) if r.owner == owner and r.state in runs.ACTIVE]


def test_twelve_parallel_submissions_of_one_name_accept_exactly_the_cap(class_roots, demo_prepared):
    holder(class_roots, os.getpid())
    config = TrainConfig(data=str(demo_prepared), **TINY)
    accepted, refused, gate = [], [], threading.Barrier(12)

    def submit(seed):  # twelve tabs of one student; other seeds, so no submission is a double click
        gate.wait()
        try:
            accepted.append(jobs.start_in_background(replace(config, seed=seed), class_roots, owner="ana"))
        except classroom.FairTurnError as error:
            refused.append(str(error))

    threads = [threading.Thread(target=submit, args=(seed,)) for seed in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(accepted) == 2 and len(refused) == 10 and len(active(class_roots, "ana")) == 2
    assert all("ana already has 2 trainings" in message for message in refused)


def test_a_new_run_counts_against_the_cap_before_the_submit_lock_is_let_go(class_roots, demo_prepared,
                                                                            monkeypatch):
    # The race the twelve tabs above hit now and then, made certain: what the next submission
    # sees the instant the lock frees.
    holder(class_roots, os.getpid())
    seen_at_release = []

    class WatchedLock(run_queue.FileLock):
        def __exit__(self, *exc):
            if self.lock_file.endswith(".submit.lock"):
                seen_at_release.append(len(active(class_roots, "ana")))
            return super().__exit__(*exc)

    monkeypatch.setattr(run_queue, "FileLock", WatchedLock)
    config = TrainConfig(data=str(demo_prepared), **TINY)
    jobs.start_in_background(config, class_roots, owner="ana")
    jobs.start_in_background(replace(config, seed=2), class_roots, owner="ana")
    assert seen_at_release == [1, 2]


def test_cancel_and_resume_cannot_pass_the_cap(class_roots, demo_prepared):
    holder(class_roots, os.getpid())
    config = TrainConfig(data=str(demo_prepared), **TINY)
    first = jobs.start_in_background(config, class_roots, owner="ana")
    jobs.start_in_background(replace(config, seed=2), class_roots, owner="ana")
    jobs.cancel(first)
    jobs.start_in_background(replace(config, seed=3), class_roots, owner="ana")  # the freed place
    with pytest.raises(classroom.FairTurnError, match="ana already has 2 trainings"):
        jobs.resume_in_background(first)
    assert runs.current_state(first) == "cancelled" and len(active(class_roots, "ana")) == 2
    jobs.resume_in_background(first, instructor=True)  # the instructor resumes past the cap
    assert runs.current_state(first) == "queued"


def test_a_run_needs_an_owner_and_records_the_class_time_limit(class_roots, demo_prepared):
    holder(class_roots, os.getpid())
    config = TrainConfig(data=str(demo_prepared), **TINY)
    with pytest.raises(classroom.FairTurnError, match="claim a name"):
        jobs.start_in_background(config, class_roots, owner="")
    classroom.set_max_run_minutes(45)
    run_dir = jobs.start_in_background(config, class_roots, owner="ana")
    assert runs.read_json(run_dir / "config.json")["max_minutes"] == 45
    assert classroom.load()["max_epoch_pixels"] == 12500  # a ceiling by default: the report's 50 x 250
    with pytest.raises(classroom.FairTurnError, match="over the class limit of 12500"):
        jobs.start_in_background(replace(config, epochs=1000, image_size=512), class_roots, owner="ben")


def test_a_run_with_no_owner_is_the_instructors_unless_the_server_has_one_user(class_roots):
    info = runs.load_run(holder(class_roots, os.getpid(), owner=""))
    assert not classroom.can_manage(info, "ana") and classroom.can_manage(info, "ana", instructor=True)
    assert classroom.can_manage(info, "", single_user=True)
    assert not classroom.can_manage(runs.load_run(holder(class_roots, os.getpid(), "2099-ben", owner="ben")),
                                    "ana", single_user=True)  # an owned run stays its owner's


def sleeper():
    """A stand-in trainer process in its own session, as the dispatcher starts workers."""
    return subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"], start_new_session=True)


@pytest.mark.parametrize("hang", ["silent", "overlong"])
def test_a_hung_or_overlong_run_is_stopped_and_its_slot_reclaimed(class_roots, demo_prepared, hang):
    trainer = sleeper()
    try:
        now = time.time()
        stale = {"updated": now - 11 * 60} if hang == "silent" else {"started": now - 50 * 60}
        hung = holder(class_roots, trainer.pid, **stale)
        if hang == "overlong":
            runs.write_json_atomic(hung / "config.json", {**runs.read_json(hung / "config.json"), "max_minutes": 45})
        waiting = jobs.start_in_background(TrainConfig(data=str(demo_prepared), **TINY), class_roots,
                                           owner="ana")
        assert runs.current_state(waiting) == "queued"
        started = jobs.dispatch_if_needed(runs.list_runs(class_roots), class_roots)
        assert trainer.wait(timeout=10) == -9  # the hung trainer was killed
        info = runs.load_run(hung)
        assert info.state == "failed"
        assert ("no sign of progress for 11 min" if hang == "silent" else "limit of 45 min") in info.status["error"]
        assert started == [waiting]  # its slot went to the waiting run
    finally:
        trainer.kill()
        jobs.kill(waiting)


def test_a_live_run_within_its_limits_is_left_alone(class_roots):
    trainer = sleeper()
    try:
        live = holder(class_roots, trainer.pid, started=time.time() - 60 * 60)  # an hour, no limit recorded
        assert jobs.reclaim_stale(runs.list_runs(class_roots)) == []
        assert runs.current_state(live) == "running" and trainer.poll() is None
    finally:
        trainer.kill()


class FakeRayJobs:
    """What ray.job_submission.JobSubmissionClient answers (Ray is not installed here)."""

    def __init__(self, jobs_):
        self.jobs, self.listings, self.submitted = jobs_, 0, []

    def list_jobs(self):
        self.listings += 1
        return self.jobs

    def submit_job(self, **kwargs):
        self.submitted.append(kwargs)
        return kwargs["submission_id"]


def ray_job(job_id, state, start):
    return SimpleNamespace(submission_id=job_id, status=SimpleNamespace(value=state), start_time=start)


def test_ray_reserves_the_trainers_cores_and_lists_jobs_once_per_poll(class_roots, monkeypatch):
    fake = FakeRayJobs([ray_job("other", "PENDING", 1), ray_job("b", "PENDING", 3), ray_job("a", "PENDING", 2),
                        ray_job("gone", "FAILED", 0), ray_job("old", "SUCCEEDED", 0)])
    monkeypatch.setattr(ray_backend, "client", lambda: fake)
    monkeypatch.setenv("WEATHER_TRAINER_THREADS", "6")
    dirs = []
    for job_id in ("a", "b", "gone"):
        run_dir = class_roots / job_id
        run_dir.mkdir()
        runs.write_json_atomic(run_dir / "config.json", {"model": "model_1", "owner": "ana"})
        ray_backend.submit_as(run_dir, job_id)
        dirs.append(run_dir)
    assert [job["entrypoint_num_cpus"] for job in fake.submitted] == [6, 6, 6]
    assert fake.submitted[0]["runtime_env"]["env_vars"]["WEATHER_TRAINER_THREADS"] == "6"
    assert ray_backend.refresh_all(dirs) is True
    assert fake.listings == 1  # one listing for all three runs
    assert [runs.read_json(d / "status.json").get("position") for d in dirs[:2]] == [1, 2]
    assert runs.current_state(dirs[2]) == "failed"
    monkeypatch.delenv("WEATHER_TRAINER_THREADS")
    assert ray_backend.cpus_per_training() == ray_backend.DEFAULT_TRAINER_THREADS
