"""The instructor's commands for background trainings: `submit` queues a run through the configured
backend (the local dispatcher, weather_core.jobs), `status` reads a run's state, `cancel` stops it."""

import sys

from .. import jobs, runs
from ..jobs import ray_backend
from .options import add_train_options, config_from, print_json, run_path


def backend() -> str:
    return "ray" if ray_backend.address() else "local"


def add_submit(commands):
    parser = commands.add_parser("submit", help="queue a training in the background (like the Train page)")
    add_train_options(parser)
    parser.add_argument("--owner", default="", help="whose run it is (the pages show it; default none)")
    parser.add_argument("--gpus", type=float, default=0, help="GPUs the Ray job asks for (Ray backend)")
    parser.add_argument("--json", action="store_true", help='print {"run_dir", "backend", "job_id"}')
    parser.set_defaults(run=run_submit)


def run_submit(args):
    # The instructor's own tool: the per-owner and per-run caps are for the pages' students.
    run_dir = jobs.start_in_background(config_from(args), args.runs, owner=args.owner, instructor=True,
                                       gpus=args.gpus)
    status = runs.read_status(run_dir)
    result = {"run_dir": str(run_dir), "backend": status.get("backend") or "local",
              "job_id": status.get("job_id") or run_dir.name}
    if args.json:
        print_json(result)
    else:
        print(f"queued {run_dir} ({result['backend']} backend, job {result['job_id']})")
    return 0


def add_status(commands):
    parser = commands.add_parser("status", help="state of a run (queued, running, finished, ...)")
    parser.add_argument("run_ref", metavar="RUN", help="run id or run folder")
    parser.add_argument("--json", action="store_true")
    parser.set_defaults(run=run_status)


def describe(run_dir) -> dict:
    if runs.read_status(run_dir).get("backend") == "ray":
        ray_backend.refresh(run_dir)
    info = runs.load_run(run_dir)
    return {"run_dir": str(info.path), "job_id": info.status.get("job_id") or info.run_id,
            "backend": info.status.get("backend") or "local", "state": info.state,
            "owner": info.owner, "position": info.status.get("position") if info.state == "queued" else None,
            "epoch": info.status.get("epoch"), "epochs": info.config.get("epochs"),
            "test_accuracy": info.test_accuracy, "error": info.status.get("error")}


def run_status(args):
    report = describe(run_path(args.run_ref))
    if args.json:
        print_json(report)
    else:
        extra = f", test accuracy {report['test_accuracy']:.2%}" if report["test_accuracy"] is not None else ""
        print(f"{report['job_id']}: {report['state']}{extra}")
    return 0


def add_cancel(commands):
    parser = commands.add_parser("cancel", help="cancel a queued or running run")
    parser.add_argument("run_ref", metavar="RUN", help="run id or run folder")
    parser.set_defaults(run=run_cancel)


def run_cancel(args):
    run_dir = run_path(args.run_ref)
    state = runs.current_state(run_dir)
    if state not in runs.ACTIVE:
        print(f"error: {run_dir.name} is {state}, nothing to cancel", file=sys.stderr)
        return 2
    jobs.cancel(run_dir)
    print(f"cancel requested: {run_dir.name} ({runs.current_state(run_dir)})")
    return 0
