"""Recipe benchmark: train each named recipe for several training seeds on the real photos, split
leak-free (duplicate groups kept in one split), and print time and test accuracy per seed.

Each training is the CLI's own (`python -m weather_core train --recipe NAME --seed S --json`) in a
subprocess, so the figures are what a user gets. Time is the training's wall clock from its
status.json (loading the cached split, every epoch with its validation, the test score);
`prepare` is excluded and runs once. Results are merged into --out (default
weather_core/recipe_results.json), which the Train page reads beside each recipe.

Run:  .venv/bin/python -m scripts.bench_recipes --recipes quick --seeds 1 2 3
      .venv/bin/python -m scripts.bench_recipes --recipes best --seeds 1 2 3
"""

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from weather_core import data, recipes, runs, settings

ROOT = Path(__file__).resolve().parent.parent

REAL_PHOTOS = settings.shared_photos()


def prepared(images, work):
    out = work / "prepared"
    if not (out / "prepared.json").exists():
        summary = data.prepare(images, out)
        print(f"prepared {images}: splits {summary['splits']}, "
              f"cross_split_twins {summary['cross_split_twins']}", flush=True)
    return out


def train_once(data_dir, recipe, seed, runs_root):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.time()
    result = subprocess.run(
        [sys.executable, "-m", "weather_core", "train", "--data", str(data_dir), "--recipe", recipe,
         "--seed", str(seed), "--runs", str(runs_root), "--json"],
        capture_output=True, text=True, cwd=ROOT)
    wall = time.time() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        raise SystemExit(f"{recipe} seed {seed} failed: {result.stderr[-2000:]}")
    out = json.loads(result.stdout)
    status = runs.read_json(Path(out["run_dir"]) / "status.json")
    metrics = runs.read_metrics(out["run_dir"])
    return {
        "seed": seed,
        "seconds": round(status["finished"] - status["started"], 1),
        "epoch_seconds": round(sum(row["seconds"] for row in metrics), 1),
        "process_seconds": round(wall, 1),
        "cpu_seconds": round((after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime), 1),
        "test_accuracy": status["test_accuracy"],
        "n_test": status["test_n"],
        "run_id": Path(out["run_dir"]).name,
    }


def summarise(rows):
    accuracies = [row["test_accuracy"] for row in rows]
    return {
        "seeds": rows,
        "mean_accuracy": round(statistics.mean(accuracies), 4),
        "min_accuracy": round(min(accuracies), 4),
        "mean_seconds": round(statistics.mean(row["seconds"] for row in rows), 1),
        "max_seconds": round(max(row["seconds"] for row in rows), 1),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=Path, default=REAL_PHOTOS)
    parser.add_argument("--recipes", nargs="+", default=["quick", "best"], choices=list(recipes.RECIPES))
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--work-dir", type=Path, default=ROOT / "bench_out" / "recipes")
    parser.add_argument("--out", type=Path, default=recipes.RESULTS_FILE)
    args = parser.parse_args()
    if not args.images.is_dir():
        raise SystemExit(f"no photos at {args.images}")
    args.work_dir.mkdir(parents=True, exist_ok=True)
    data_dir = prepared(args.images, args.work_dir)
    runs_root = Path(tempfile.mkdtemp(prefix="runs-", dir=args.work_dir))

    existing = json.loads(args.out.read_text()) if args.out.exists() else {}
    results = existing.get("recipes", {})
    for recipe in args.recipes:
        rows = []
        for seed in args.seeds:
            row = train_once(data_dir, recipe, seed, runs_root)
            rows.append(row)
            print(f"{recipe:<7} seed {seed}: {row['seconds']:7.1f} s  "
                  f"(cpu {row['cpu_seconds']:.0f} s)  test {row['test_accuracy']:.4f} "
                  f"({round(row['test_accuracy'] * row['n_test'])}/{row['n_test']})", flush=True)
        results[recipe] = {**summarise(rows), "settings": recipes.RECIPES[recipe],
                           "measured": time.strftime("%Y-%m-%d"), "machine": machine()}
        print(f"{recipe:<7} mean test {results[recipe]['mean_accuracy']:.4f}, "
              f"mean {results[recipe]['mean_seconds']:.0f} s per training", flush=True)
        args.out.write_text(json.dumps({"recipes": results}, indent=2, sort_keys=True) + "\n")
    print(f"written to {args.out}")


def machine():
    return {"cpu_count": os.cpu_count(), "machine": platform.machine(),
            "load_average_at_end": [round(x, 2) for x in os.getloadavg()]}


if __name__ == "__main__":
    main()
