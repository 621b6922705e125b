"""Grouped k-fold cross-validation of a prepared dataset: every duplicate group inside one fold,
folds stratified by class, each fold written as a train/val/test split a training can read; and
the accuracy of out-of-fold predictions with a standard error that counts groups, not files."""

import math
import os
import random
import shutil
from pathlib import Path

from .splitting import SPLITS


def units_of(sorted_dir, groups=()) -> list[list[str]]:
    """The photos of sorted_dir as units ("class/name" lists): a duplicate group is one unit, every
    other photo a unit of its own. Sorted, so the same folder gives the same units."""
    sorted_dir = Path(sorted_dir)
    grouped = [sorted(g) for g in groups]
    in_group = {f for g in grouped for f in g}
    singles = [[f"{folder.name}/{path.name}"]
               for folder in sorted(p for p in sorted_dir.iterdir() if p.is_dir())
               for path in sorted(folder.iterdir()) if path.is_file()
               and f"{folder.name}/{path.name}" not in in_group]
    return sorted(grouped + singles)


def _class_of(unit) -> str:
    return unit[0].split("/", 1)[0]


def assign_folds(units, k=5, seed=0) -> list[list[list[str]]]:
    """Deal the units into k folds, class by class, largest units first, each to the fold that
    holds the fewest photos of that class (ties: the fewest photos, then the lowest index)."""
    if k < 2:
        raise ValueError("cross-validation needs at least 2 folds")
    folds = [[] for _ in range(k)]
    sizes = [0] * k
    by_class = {}
    for unit in units:
        by_class.setdefault(_class_of(unit), []).append(unit)
    rng = random.Random(seed)
    for name in sorted(by_class):
        members = list(by_class[name])
        rng.shuffle(members)
        members.sort(key=len, reverse=True)  # stable: equal sizes keep the shuffled order
        of_class = [0] * k
        for unit in members:
            target = min(range(k), key=lambda i: (of_class[i], sizes[i], i))
            folds[target].append(unit)
            of_class[target] += len(unit)
            sizes[target] += len(unit)
    return folds


def pick_validation(units, fraction, seed=0) -> tuple[list, list]:
    """(train units, validation units): about `fraction` of each class's photos, whole units."""
    by_class = {}
    for unit in units:
        by_class.setdefault(_class_of(unit), []).append(unit)
    rng = random.Random(seed)
    train, val = [], []
    for name in sorted(by_class):
        members = list(by_class[name])
        rng.shuffle(members)
        wanted = fraction * sum(len(u) for u in members)
        taken = 0
        for unit in members:
            if taken < wanted:
                val.append(unit)
                taken += len(unit)
            else:
                train.append(unit)
    return train, val


def write_fold(sorted_dir, out_dir, folds, test_fold, val_fraction=0.15, seed=0) -> dict:
    """out_dir/split/{train,val,test}/<class>/ for one fold: the test split is fold `test_fold`,
    validation about val_fraction of all photos taken from the others. Hard links where possible.
    Returns {split: number of photos}."""
    sorted_dir, out_dir = Path(sorted_dir), Path(out_dir)
    rest = [unit for i, fold in enumerate(folds) if i != test_fold for unit in fold]
    total = sum(len(u) for fold in folds for u in fold)
    share = val_fraction * total / max(1, sum(len(u) for u in rest))
    train, val = pick_validation(rest, share, seed=seed + test_fold)
    chosen = {"train": train, "val": val, "test": folds[test_fold]}
    split_root = out_dir / "split"
    shutil.rmtree(split_root, ignore_errors=True)
    for name in SPLITS:
        for unit in chosen[name]:
            for file in unit:
                target = split_root / name / file
                target.parent.mkdir(parents=True, exist_ok=True)
                try:
                    os.link(sorted_dir / file, target)
                except OSError:
                    shutil.copy2(sorted_dir / file, target)
    return {name: sum(len(u) for u in chosen[name]) for name in SPLITS}


def grouped_accuracy(correct_by_file: dict, units) -> dict:
    """Accuracy of out-of-fold predictions and its standard error, with each unit (a duplicate
    group or a single photo) as one cluster: copies of one photo are not independent evidence.

    correct_by_file: {"class/name": fraction of trainings (seeds) that got it right}."""
    clusters = [(sum(correct_by_file[f] for f in unit), len(unit)) for unit in units
                if all(f in correct_by_file for f in unit)]
    n = sum(size for _, size in clusters)
    if not n:
        return {"accuracy": 0.0, "standard_error": 0.0, "n": 0, "units": 0}
    accuracy = sum(right for right, _ in clusters) / n
    m = len(clusters)
    # Cluster-robust (ratio estimator) variance of the mean.
    spread = sum((right - accuracy * size) ** 2 for right, size in clusters)
    variance = spread * m / (m - 1) / n ** 2 if m > 1 else 0.0
    return {"accuracy": accuracy, "standard_error": math.sqrt(variance), "n": n, "units": m}
