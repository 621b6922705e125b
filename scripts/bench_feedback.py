"""Feedback benchmark: seconds from Start (jobs.start_in_background, the Train page's own call) to a
run's first training point (progress.jsonl) and first validation point (metrics.jsonl), with the
default recipe on the real photos split leak-free; each run is cancelled after its first epoch.
The baseline in the same run: a bare `import tensorflow` in a new process, the floor of any start.

Run:  .venv/bin/python -m scripts.bench_feedback [--repeats 3]
"""

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from weather_core import data, jobs, settings
from weather_core.training import TrainConfig


def seconds_to_first_points(prepared, runs_root, timeout=300):
    started = time.monotonic()
    run_dir = Path(jobs.start_in_background(TrainConfig(data=str(prepared)), root=runs_root, owner="bench"))
    progress, metrics = run_dir / "progress.jsonl", run_dir / "metrics.jsonl"
    first_point = None
    while time.monotonic() - started < timeout:
        if first_point is None and progress.exists() and progress.stat().st_size:
            first_point = time.monotonic() - started
        if metrics.exists() and metrics.stat().st_size:
            first_epoch = time.monotonic() - started
            jobs.cancel(run_dir)
            return first_point, first_epoch
        time.sleep(0.05)
    jobs.cancel(run_dir)
    raise SystemExit(f"no epoch within {timeout} s: see {run_dir / 'log.txt'}")


def seconds_to_import_tensorflow():
    started = time.monotonic()
    subprocess.run([sys.executable, "-c", "import tensorflow"], check=True, capture_output=True)
    return time.monotonic() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--images", type=Path, default=settings.shared_photos())
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        prepared = Path(work) / "prepared"
        data.prepare(args.images, prepared)
        rows = []
        for repeat in range(args.repeats):
            imported = seconds_to_import_tensorflow()
            first_point, first_epoch = seconds_to_first_points(prepared, Path(work) / "runs")
            rows.append((imported, first_point, first_epoch))
            print(f"repeat {repeat + 1}: import tensorflow {imported:.1f} s, first training point "
                  f"{first_point:.1f} s, first validation point {first_epoch:.1f} s", flush=True)
            time.sleep(3)  # the cancelled worker saves and exits
    medians = [statistics.median(column) for column in zip(*rows)]
    print(f"median: import tensorflow {medians[0]:.1f} s, first training point {medians[1]:.1f} s "
          f"({medians[1] / medians[0]:.1f}x the import), first validation point {medians[2]:.1f} s")


if __name__ == "__main__":
    main()
