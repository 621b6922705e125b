"""Splitting class folders into train/val/test with split-folders, each duplicate group kept inside
one split; the split folders of a prepared dataset."""

import math
import os
import random
import shutil
from pathlib import Path

import splitfolders

from .. import CLASSES, settings
from ..exceptions import DataError
from .sorting import is_image_file, refuse_overlap, staging_dir, swap_in, is_hidden

SPLITS = ("train", "val", "test")
DEFAULT_RATIO = (0.7, 0.15, 0.15)
DEFAULT_SEED = 123


# ---------------------------------------------------------------------------------------------
# Splitting


def check_ratio(ratio) -> tuple[float, ...]:
    try:
        ratio = tuple(float(r) for r in ratio)
    except (TypeError, ValueError):
        raise DataError(f"ratio values must be numbers, got {list(ratio)}") from None
    if not all(math.isfinite(r) for r in ratio):  # nan passes every comparison below
        raise DataError(f"ratio values must be finite numbers, got {list(ratio)}")
    if len(ratio) not in (2, 3):
        raise DataError(f"ratio needs 2 (train val) or 3 (train val test) values, got {len(ratio)}")
    if any(r <= 0 for r in ratio):
        raise DataError(f"every ratio value must be positive, got {list(ratio)}")
    if abs(sum(ratio) - 1.0) > 1e-6:
        raise DataError(f"ratio values must sum to 1, got {list(ratio)} (sum {sum(ratio):g})")
    return ratio


def split(sorted_dir, out_dir, ratio=DEFAULT_RATIO, seed=DEFAULT_SEED, groups=()) -> dict:
    """Split class folders with split-folders into out_dir/{train,val[,test]}/<class>/; returns counts.

    `groups`: lists of "class/name" files that show one photo (duplicates.find_groups). Only the
    first file of each group goes through split-folders; its twins follow it into the same split,
    so no photo is scored against its own copy. Ratios hold as closely as whole groups allow."""
    ratio = check_ratio(ratio)
    sorted_dir, out_dir = Path(sorted_dir), Path(out_dir)
    refuse_overlap(sorted_dir, out_dir)
    _check_class_folders(sorted_dir)
    staging = staging_dir(out_dir)
    followers = {f: group[0] for group in groups for f in group[1:]}
    # split-folders reseeds the global `random`; keep the caller's random stream untouched.
    state = random.getstate()
    try:
        leaders = _without_followers(sorted_dir, staging / ".leaders", set(followers))
        splitfolders.ratio(str(leaders), output=str(staging), seed=seed, ratio=ratio)
        shutil.rmtree(leaders)
        _place_followers(sorted_dir, staging, followers)
        swap_in(staging, out_dir, SPLITS)
    finally:
        random.setstate(state)
        shutil.rmtree(staging, ignore_errors=True)
    return split_counts(out_dir)


def _without_followers(sorted_dir: Path, target: Path, followers: set) -> Path:
    """A copy of sorted_dir (hard links where possible) without the twins that follow a leader."""
    for folder in sorted(d for d in sorted_dir.iterdir() if d.is_dir() and not is_hidden(d.name)):
        (target / folder.name).mkdir(parents=True)
        for path in sorted(folder.iterdir()):
            if f"{folder.name}/{path.name}" not in followers:
                _link_or_copy(path, target / folder.name / path.name)
    return target


def _place_followers(sorted_dir: Path, staging: Path, followers: dict) -> None:
    where = {path.relative_to(staging / name).as_posix(): name
             for name in SPLITS for path in (staging / name).glob("*/*")}
    for follower, leader in followers.items():
        destination = staging / where[leader] / follower
        destination.parent.mkdir(parents=True, exist_ok=True)
        _link_or_copy(sorted_dir / follower, destination)


def _link_or_copy(src: Path, dst: Path) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def _check_class_folders(sorted_dir: Path) -> None:
    if not sorted_dir.is_dir():
        raise DataError(f"not a folder: {settings.shown_path(sorted_dir)}")
    folders = [d.name for d in sorted_dir.iterdir() if d.is_dir() and not is_hidden(d.name)]
    unknown = sorted(set(folders) - set(CLASSES))
    if unknown:
        raise DataError(f"unexpected folder(s) {', '.join(unknown)} in {settings.shown_path(sorted_dir)}; "
                        f"expected only {', '.join(CLASSES)}")
    if not folders:
        raise DataError(f"no class folders ({', '.join(CLASSES)}) in {settings.shown_path(sorted_dir)}")


def split_counts(split_dir) -> dict:
    """{split: {class: number of photos}} for the splits present in split_dir."""
    split_dir = Path(split_dir)
    counts = {}
    for name in SPLITS:
        if (split_dir / name).is_dir():
            counts[name] = {c: _count_images(split_dir / name / c) for c in CLASSES}
    return counts


def _count_images(folder: Path) -> int:
    return sum(1 for f in folder.iterdir() if is_image_file(f)) if folder.is_dir() else 0


def split_dirs(data_dir) -> dict[str, Path]:
    """The split folders (train, val and maybe test) of a prepared dataset or of a split folder."""
    data_dir = Path(data_dir)
    root = data_dir / "split" if (data_dir / "split").is_dir() else data_dir
    found = {name: root / name for name in SPLITS if (root / name).is_dir()}
    if "train" not in found or "val" not in found:
        raise DataError(f"no prepared dataset in {settings.shown_path(data_dir)} (expected split/train and split/val); "
                        "run `python -m weather_core prepare` first")
    return found


def example_photos(data_dir, per_class=2) -> list[Path]:
    """A few test-split photos of every class (spread across each class's sorted files), for a
    student with no photo at hand; [] when the dataset has no test split or cannot be read."""
    try:
        test_dir = split_dirs(data_dir).get("test")
    except DataError:
        return []
    if test_dir is None:
        return []
    examples = []
    try:
        for class_dir in sorted(p for p in test_dir.iterdir() if p.is_dir()):
            files = sorted(p for p in class_dir.iterdir() if p.is_file() and not is_hidden(p.name))
            step = max(1, len(files) // per_class)
            examples += files[::step][:per_class]
    except OSError:
        return []
    return examples
