"""Recipe benchmark: estimate each recipe's accuracy on photos it has never seen by grouped k-fold
cross-validation over the real photos (every duplicate group inside one fold), for several training
seeds, and print every fold's score, the out-of-fold accuracy with its standard error (per class
too) and the time per training.

Each training is the CLI's own (`python -m weather_core train --recipe NAME --seed S --json`) in a
subprocess, on one fold's train/val/test split, so the figures are what a user gets. Time is the
training's wall clock from its status.json. Results are merged into --out (default
weather_core/training/recipe_results.json) after every training, which the Train page reads. `--lever NAME
--set "--image-size 96"` measures a recipe with changed options under `levers`, for the lever chart.

`--teachers NAME...` trains the recipe as a student of those levers' (or recipes') trainings of
the same fold (knowledge distillation; the teachers never saw the fold's test photos either).
`--ensemble NAME...` scores the measured trainings of those levers (or recipes) as one model per fold
that averages their probabilities, from their run folders (no training), under levers[--lever].

Run:  .venv/bin/python -m scripts.bench_recipes --recipes quick best --seeds 1 2 3
      .venv/bin/python -m scripts.bench_recipes --recipes quick --seeds 1 2 3 --baseline-lever "quick as is"
      .venv/bin/python -m scripts.bench_recipes --recipes quick --seeds 1 --lever "+ EMA" --set="--ema"
      .venv/bin/python -m scripts.bench_recipes --ensemble "+ mixup 0.2" --lever "ensemble of 3 (mixup)"
      .venv/bin/python -m scripts.bench_recipes --recipes quick --teachers "+ mixup 0.2" --lever "distilled"
"""

import argparse
import json
import os
import platform
import resource
import shlex
import statistics
import subprocess
import sys
import time
from pathlib import Path

from weather_core import data, runs, settings
from weather_core.data import folds
from weather_core.models import device
from weather_core.training import recipes

ROOT = Path(__file__).resolve().parent.parent
REAL_PHOTOS = settings.shared_photos()


def prepared(images, work):
    out = work / "prepared"
    if not (out / "prepared.json").exists():
        summary = data.prepare(images, out)
        print(f"prepared {images}: {sum(summary['classes'].values())} photos, "
              f"{len(summary['duplicate_groups'])} duplicate groups", flush=True)
    return out


def fold_dirs(prepared_dir, k, work):
    """k fold folders (train/val/test splits of the sorted photos) and the units they were made of."""
    summary = data.load_summary(prepared_dir)
    sorted_dir = prepared_dir / "sorted"
    units = folds.units_of(sorted_dir, [g["files"] for g in summary["duplicate_groups"]])
    dealt = folds.assign_folds(units, k=k, seed=0)
    dirs = []
    for index in range(k):
        out = work / f"k{k}" / f"fold{index}"
        if not (out / "split").is_dir():
            counts = folds.write_fold(sorted_dir, out, dealt, index, seed=0)
            print(f"fold {index}: {counts}", flush=True)
        dirs.append(out)
    return dirs, units


def train_once(data_dir, recipe, seed, runs_root, extra):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = subprocess.run(
        [sys.executable, "-m", "weather_core", "train", "--data", str(data_dir), "--recipe", recipe,
         "--seed", str(seed), "--runs", str(runs_root), "--json", *extra],
        capture_output=True, text=True, cwd=ROOT)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        raise SystemExit(f"{recipe} seed {seed} failed: {result.stderr[-2000:]}")
    run_dir = Path(json.loads(result.stdout.strip().splitlines()[-1])["run_dir"])
    status = runs.read_status(run_dir)
    return {
        "seconds": round(status["finished"] - status["started"], 1),
        "cpu_seconds": round((after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime), 1),
        "accuracy": status["test_accuracy"], "n": status["test_n"], "run_id": run_dir.name,
    }, correct_of(run_dir)


def correct_of(run_dir):
    """{class/file: whether the run's test prediction was right}, from its evaluation.json."""
    evaluation = runs.read_json(Path(run_dir) / "evaluation.json")
    return {"/".join(Path(row["file"]).parts[-2:]): row["true"] == row["predicted"]
            for row in evaluation["predictions"]}


def measured_before(entry, runs_root):
    """{(seed, fold): (row, correct)} of an earlier invocation's trainings whose run folders are
    still there: asking for one more seed does not retrain the seeds already measured."""
    found = {}
    for row in (entry or {}).get("trainings", []):
        run_dir = runs_root / row["run_id"]
        if (run_dir / "evaluation.json").is_file():
            found[(row["seed"], row["fold"])] = (row, correct_of(run_dir))
    return found


def probabilities_of(run_dir):
    """{class/file: (true class, {class: probability})} of a run's test predictions."""
    evaluation = runs.read_json(Path(run_dir) / "evaluation.json")
    return {"/".join(Path(row["file"]).parts[-2:]): (row["true"], row["probabilities"])
            for row in evaluation["predictions"]}


def trainings_of(names, payload):
    """The measured trainings (rows with fold, seed, run_id) of these levers or recipes."""
    return [row for name in names for section in ("levers", "recipes")
            for row in payload.get(section, {}).get(name, {}).get("trainings", [])
            if name in payload.get(section, {})]


def teacher_options(names, payload, runs_root, folds_wanted):
    """{fold: ["--teachers", run folder, ...]}: each fold's student learns from that fold's trainings."""
    options = {index: ["--teachers"] for index in folds_wanted}
    for row in trainings_of(names, payload):
        if row["fold"] in options:
            options[row["fold"]].append(str(runs_root / row["run_id"]))
    missing = [index for index, given in options.items() if len(given) == 1]
    if missing:
        raise SystemExit(f"no measured trainings of {', '.join(names)} for folds {missing}")
    return options


def ensemble(names, payload, units, runs_root):
    """The entries' trainings as one model per fold averaging their probabilities: its grouped
    accuracy (per class too) and the summed training time per fold."""
    members = trainings_of(names, payload)
    totals, seconds = {}, {}
    for row in members:
        for file, (true, probabilities) in probabilities_of(runs_root / row["run_id"]).items():
            summed = totals.setdefault(file, [true, {}])[1]
            for name, p in probabilities.items():
                summed[name] = summed.get(name, 0.0) + p
        seconds[row["fold"]] = seconds.get(row["fold"], 0.0) + row["seconds"]
    correct = {file: float(max(summed, key=summed.get) == true) for file, (true, summed) in totals.items()}
    per_class = {name: _rounded(folds.grouped_accuracy(correct, [u for u in units if u[0].startswith(name + "/")]))
                 for name in sorted({f.split("/")[0] for f in correct})}
    return {**_rounded(folds.grouped_accuracy(correct, units)), "per_class": per_class,
            "seeds": sorted({row["seed"] for row in members}), "members": len(members) // max(1, len(seconds)),
            "folds": len(seconds), "trainings": members, "ensemble_of": list(names),
            "mean_seconds": round(statistics.mean(seconds.values()), 1),
            "max_seconds": round(max(seconds.values()), 1)}


def summarise(rows, correct_by_seed, units):
    """Out-of-fold accuracy pooled over seeds (each photo: the share of seeds that got it right),
    per seed and per class, each with its grouped standard error."""
    seeds = sorted(correct_by_seed)
    shared = set.intersection(*(set(c) for c in correct_by_seed.values()))
    pooled = {f: statistics.mean(correct_by_seed[s][f] for s in seeds) for f in shared}
    overall = folds.grouped_accuracy(pooled, units)
    per_class = {}
    for name in sorted({f.split("/")[0] for f in pooled}):
        of_class = [u for u in units if u[0].startswith(name + "/")]
        per_class[name] = _rounded(folds.grouped_accuracy(pooled, of_class))
    per_seed = {str(s): round(folds.grouped_accuracy(
        {f: float(v) for f, v in correct_by_seed[s].items()}, units)["accuracy"], 4) for s in seeds}
    return {
        **_rounded(overall), "seeds": seeds, "per_seed_accuracy": per_seed, "per_class": per_class,
        "folds": len({r["fold"] for r in rows}), "trainings": rows,
        "mean_seconds": round(statistics.mean(r["seconds"] for r in rows), 1),
        "max_seconds": round(max(r["seconds"] for r in rows), 1),
    }


def _rounded(figure):
    return {**figure, "accuracy": round(figure["accuracy"], 4),
            "standard_error": round(figure["standard_error"], 4)}


def measure(recipe, seeds, dirs, only_folds, units, runs_root, extra, save, before=None):
    """Train (or find measured) every seed on every fold; `extra(fold)`: that fold's `train` options."""
    rows, correct_by_seed, before = [], {}, before or {}
    for seed in seeds:
        correct_by_seed[seed] = {}
        for index in only_folds:
            if (seed, index) in before:
                row, correct = before[(seed, index)]
                rows.append(row)
                correct_by_seed[seed].update(correct)
                print(f"{recipe:<7} seed {seed} fold {index}: measured before ({row['run_id']})", flush=True)
                continue
            row, correct = train_once(dirs[index], recipe, seed, runs_root, extra(index))
            rows.append({"fold": index, "seed": seed, **row})
            correct_by_seed[seed].update(correct)
            print(f"{recipe:<7} seed {seed} fold {index}: {row['seconds']:6.1f} s "
                  f"(cpu {row['cpu_seconds']:.0f} s)  {row['accuracy']:.4f} of {row['n']}", flush=True)
            save(rows, correct_by_seed)
    save(rows, correct_by_seed)  # also when every training was measured before
    return summarise(rows, correct_by_seed, units)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=Path, default=REAL_PHOTOS)
    parser.add_argument("--recipes", nargs="+", default=["quick", "best"], choices=list(recipes.RECIPES))
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--only-folds", type=int, nargs="+", help="screen on some folds only")
    parser.add_argument("--lever", help="store under levers[NAME] (the recipe with --set's options)")
    parser.add_argument("--set", default="", help="extra `train` options, e.g. '--image-size 96'")
    parser.add_argument("--baseline-lever", metavar="NAME",
                        help="also store the recipe's figure under levers[NAME], options ''")
    parser.add_argument("--ensemble", nargs="+", metavar="NAME",
                        help="score these measured levers/recipes as one averaging model (needs --lever)")
    parser.add_argument("--teachers", nargs="+", metavar="NAME",
                        help="distil: each fold's training learns from these measured levers' trainings")
    parser.add_argument("--table", action="store_true",
                        help="print the levers measured so far as the README's markdown table, then stop")
    parser.add_argument("--work-dir", type=Path, default=ROOT / "bench_out" / "recipes")
    parser.add_argument("--out", type=Path, default=recipes.RESULTS_FILE)
    args = parser.parse_args()
    if args.table:
        print(lever_table(json.loads(args.out.read_text())))
        return
    if not args.images.is_dir():
        raise SystemExit(f"no photos at {args.images}")
    args.work_dir.mkdir(parents=True, exist_ok=True)
    dirs, units = fold_dirs(prepared(args.images, args.work_dir), args.folds, args.work_dir)
    runs_root = args.work_dir / "runs"
    only = args.only_folds or list(range(args.folds))
    options = " ".join(filter(None, [args.set, "--teachers " + " + ".join(args.teachers) if args.teachers else ""]))
    taught = teacher_options(args.teachers, json.loads(args.out.read_text()), runs_root, only) \
        if args.teachers else {}
    if args.ensemble:
        if not args.lever:
            raise SystemExit("--ensemble needs --lever NAME to store its figure under")
        payload = json.loads(args.out.read_text())
        entry = {**ensemble(args.ensemble, payload, units, runs_root), "options": "ensemble of " + " + ".join(args.ensemble),
                 "measured": time.strftime("%Y-%m-%d"), "machine": machine()}
        payload.setdefault("levers", {})[args.lever] = entry
        args.out.write_text(json.dumps(payload, indent=2, sort_keys=True) + "\n")
        print(f"{args.lever}: {entry['accuracy']:.4f} +- {entry['standard_error']:.4f} on {entry['n']} photos, "
              f"{entry['folds']} folds, {entry['members']} models each; {entry['mean_seconds']:.0f} s per fold")
        return

    for recipe in args.recipes:
        def save(rows, correct_by_seed, recipe=recipe):
            payload = json.loads(args.out.read_text()) if args.out.exists() else {}
            about = {"recipe": recipe, "options": options, "settings": recipes.RECIPES[recipe],
                     "measured": time.strftime("%Y-%m-%d"), "machine": machine()}
            entry = {**summarise(rows, correct_by_seed, units), **about}
            if args.baseline_lever and not options:  # the lever chart's bar for the recipe as it is
                payload.setdefault("levers", {})[args.baseline_lever] = entry
            if args.lever:
                payload.setdefault("levers", {})[args.lever] = entry
            else:
                payload.setdefault("recipes", {})[recipe] = entry
            args.out.write_text(json.dumps(payload, indent=2, sort_keys=True) + "\n")

        earlier = json.loads(args.out.read_text()) if args.out.exists() else {}
        entry = earlier.get("levers" if args.lever else "recipes", {}).get(args.lever or recipe)
        # a changed recipe is measured anew (a setting added since, at its off value, is no change)
        same = entry is not None and entry.get("options") == options \
            and not recipes.differences({**entry.get("settings", {}), "recipe": recipe})
        before = measured_before(entry, runs_root) if same else {}
        summary = measure(recipe, args.seeds, dirs, only, units, runs_root,
                          lambda index: [*shlex.split(args.set), *taught.get(index, [])], save, before)
        print(f"{args.lever or recipe}: {summary['accuracy']:.4f} +- {summary['standard_error']:.4f} "
              f"on {summary['n']} photos, {summary['folds']} folds, seeds {summary['seeds']}; "
              f"{summary['mean_seconds']:.0f} s per training", flush=True)
    print(f"written to {args.out}")


def lever_table(payload) -> str:
    """The levers measured so far, most accurate first, as a markdown table (the README's)."""
    lines = ["| change to `quick` | `train` options | accuracy ± SE | per seed | folds x seeds | "
             "wall s per training (mean) | CPU s per training (mean) |", "| --- " * 7 + "|"]
    entries = sorted(payload.get("levers", {}).items(), key=lambda item: -item[1]["accuracy"])
    for name, entry in entries:
        per_seed = ", ".join(f"{100 * v:.1f}" for v in entry.get("per_seed_accuracy", {}).values()) or "-"
        cpu = [row["cpu_seconds"] for row in entry.get("trainings", []) if "cpu_seconds" in row]
        cpu_text = f"{statistics.mean(cpu):.0f}" if cpu and "ensemble_of" not in entry else "-"
        lines.append(f"| {name} | `{entry.get('options') or '(none)'}` | {100 * entry['accuracy']:.2f} % ± "
                     f"{100 * entry['standard_error']:.2f} | {per_seed} | {entry['folds']} x {len(entry['seeds'])} | "
                     f"{entry['mean_seconds']:.0f} | {cpu_text} |")
    return "\n".join(lines)


def machine():
    return {"cpu_count": os.cpu_count(), "machine": platform.machine(), "bf16": device.cpu_has_bf16(),
            "load_average_at_end": [round(x, 2) for x in os.getloadavg()]}


if __name__ == "__main__":
    main()
