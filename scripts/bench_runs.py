"""Class-scale benchmark: a page poll over 500 run folders, and the cost of 30 queued runs.

1. Poll time. A temporary runs root gets --runs run folders (finished ones with --epochs metric rows,
   plus 2 running and 3 waiting). It times a poll the way the pages did before the run index
   (runs.scan_runs: every config, status and metrics file read and parsed) against runs.list_runs
   (the index: three stats per run, only changed runs re-read), after one running run appended an
   epoch row, as a page poll sees it. Prints the median of --polls polls each and the ratio.
2. Queued runs. --queued trainings are queued behind a slot held by this process: with the dispatcher
   no process runs for them (their memory is 0). Before, each waited in its own worker process; one
   such waiting worker (`python -m weather_core worker`, which still waits the old way when a
   slot is taken) is started and measured after --settle seconds, and x --queued is printed beside it.

Run: .venv/bin/python -m scripts.bench_runs [--runs 500] [--epochs 30] [--queued 30]
"""

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from scripts.proctree import tree_rss_mib
from weather_core.data import demo
from weather_core import jobs, runs
from weather_core.training import TrainConfig

ROOT = Path(__file__).resolve().parent.parent

def make_run(root, index, state, epochs, **status):
    run_dir = root / f"20260101-{index:06d}-model_3-{index:04x}"
    run_dir.mkdir()
    runs.write_json_atomic(run_dir / "config.json", {"model": "model_3", "epochs": epochs, "image_size": 96,
                                                     "owner": f"student{index % 30}", "recipe": "best"})
    for epoch in range(1, epochs + 1 if state == "finished" else 3):
        runs.append_metrics(run_dir, {"epoch": epoch, "loss": 0.5, "accuracy": 0.8, "val_loss": 0.6,
                                      "val_accuracy": 0.78, "lr": 0.001, "seconds": 30.0})
    runs.write_status(run_dir, state, created=float(index), **status)
    return run_dir


def median_ms(poll, times):
    samples = []
    for _ in range(times):
        start = time.perf_counter()
        poll()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def bench_poll(root, count, epochs, polls):
    running = []
    for index in range(count):
        if index < 2:
            running.append(make_run(root, index, "running", epochs, pid=os.getpid(), started=time.time()))
        elif index < 5:
            make_run(root, index, "queued", epochs, waiting=True, pid=None)
        else:
            make_run(root, index, "finished", epochs, test_accuracy=0.9)
    runs.list_runs(root)  # the server's first poll fills the index
    counter = iter(range(10**6))

    def indexed_poll():
        runs.append_metrics(running[0], {"epoch": 3 + next(counter), "loss": 0.4, "seconds": 30.0})
        assert len(runs.list_runs(root)) == count

    def full_scan():
        runs.append_metrics(running[0], {"epoch": 3 + next(counter), "loss": 0.4, "seconds": 30.0})
        assert len(runs.scan_runs(root)) == count

    old, new = median_ms(full_scan, polls), median_ms(indexed_poll, polls)
    print(f"poll over {count} runs ({epochs} epochs each): full scan (before) {old:.1f} ms, "
          f"run index {new:.1f} ms, {old / new:.1f}x faster")
    return old, new


def bench_queue(work, queued, settle):
    root = work / "queue-runs"
    root.mkdir()
    os.environ["WEATHER_MAX_TRAININGS"] = "1"
    holder = make_run(root, 0, "running", 2, pid=os.getpid(), started=time.time())
    prepared = demo.ensure_demo_dataset(root=work / "data")
    config = TrainConfig(data=str(prepared), model="model_1", epochs=1, image_size=32, batch_size=16)
    started = [jobs.start_in_background(config, root, owner=f"s{i}", instructor=True) for i in range(queued)]
    with_process = [r for r in started if runs.read_json(r / "status.json").get("pid")]
    now_mib = sum(tree_rss_mib(int(runs.read_json(r / "status.json")["pid"])) for r in with_process)
    # One worker waiting the old way: a process per queued run, polling for a slot.
    old_worker = jobs.launch(["worker", str(started[0])], started[0])
    time.sleep(settle)
    one_mib = tree_rss_mib(old_worker.pid)
    old_worker.kill()
    old_worker.wait()
    print(f"{queued} queued runs: {len(with_process)} processes, {now_mib:.0f} MiB "
          f"(before: {queued} waiting workers x {one_mib:.0f} MiB = {queued * one_mib:.0f} MiB)")
    for run_dir in started:
        jobs.cancel(run_dir)  # all waiting: cancelled at once, before the slot frees
    runs.write_status(holder, "finished")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=500)
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--polls", type=int, default=15)
    parser.add_argument("--queued", type=int, default=30)
    parser.add_argument("--settle", type=float, default=8.0, help="seconds before measuring the old-style worker")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-runs-") as work:
        work = Path(work)
        (work / "runs").mkdir()
        bench_poll(work / "runs", args.runs, args.epochs, args.polls)
        bench_queue(work, args.queued, args.settle)


if __name__ == "__main__":
    main()
