"""From a downloaded folder or zip of weather photos to class folders, a leak-free train/val/test
split and a health report: `prepare` (sorting.py and splitting.py do the two steps), reporting its
stages and counts as it goes."""

import json
import shutil
import tempfile
import time
import zipfile
from pathlib import Path

from .. import atomic, settings
from ..exceptions import DataError
from . import duplicates
from .archive import extract_zip
from .health import health_report, relative_group
from .images import DecodeCache
from .sorting import (DECODE_SIZE, SortResult, nothing_sorted, refuse_overlap, scan,
                      write_sorted)
from .splitting import DEFAULT_RATIO, DEFAULT_SEED, SPLITS, check_ratio, split

# The stages `prepare` reports, in order: progress(stage, done, total).
STAGES = ("extract", "decode", "hash", "split", "health")


class Throttled:
    """A progress callback passed on at most every `interval` seconds, but always at a stage's
    first and last count, so a listener (a terminal, a page) sees every stage start and end."""

    def __init__(self, report, interval=0.25):
        self.report, self.interval, self.last, self.stage = report, interval, 0.0, None

    def __call__(self, stage, done, total):
        now = time.monotonic()
        if stage != self.stage or done >= total or now - self.last >= self.interval:
            self.stage, self.last = stage, now
            self.report(stage, done, total)


def _quiet(stage, done, total):
    pass


# ---------------------------------------------------------------------------------------------
# Prepare: sort, split, health report


def prepare(src, out_dir, ratio=DEFAULT_RATIO, seed=DEFAULT_SEED, cache=None,
            decode_size=DECODE_SIZE, keep_twins_together=True, storage=None, progress=None) -> dict:
    """Folder or .zip -> out_dir/sorted, out_dir/split and out_dir/prepared.json; returns the summary.

    keep_twins_together=False splits as the report did, file by file: copies of one photo may
    land in train and test, which flatters the test score (the dashboard shows it on purpose).
    `storage`: a quota.Storage the new copies must fit in (the server's; the CLI has none).
    `progress(stage, done, total)`: called through STAGES as the work goes (see Throttled).
    A failed preparation leaves no new folder behind."""
    src, out_dir = Path(src), Path(out_dir)
    ratio = check_ratio(ratio)
    if not src.exists():
        raise DataError(f"source not found: {settings.shown_path(src)}", "source_not_found",
                        source=settings.shown_path(src))
    for target in (out_dir / "sorted", out_dir / "split"):
        refuse_overlap(src, target)
    created = not out_dir.exists()
    try:
        return _prepare(src, out_dir, ratio, seed, cache or DecodeCache(), decode_size,
                        keep_twins_together, storage, progress or _quiet)
    except BaseException:
        if created:
            shutil.rmtree(out_dir, ignore_errors=True)
        raise


def _prepare(src, out_dir, ratio, seed, cache, decode_size, keep_twins_together, storage, progress) -> dict:
    def counting(stage):
        return lambda done, total: progress(stage, done, total)

    if src.is_dir():
        sorted_result = _sort_checked(src, src, out_dir, cache, decode_size, storage, counting("decode"))
    elif zipfile.is_zipfile(src):
        out_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix=".extract-", dir=out_dir) as tmp:
            progress("extract", 0, 1)
            root = extract_zip(src, Path(tmp) / "zip")
            progress("extract", 1, 1)
            sorted_result = _sort_checked(root, src, out_dir, cache, decode_size, storage, counting("decode"))
    elif src.suffix.lower() == ".zip":  # named a zip, but its directory cannot be read
        raise DataError(f"damaged zip file {src.name}: its table of contents cannot be read (a download "
                        "cut short?)", "damaged_zip", file=src.name)
    else:
        raise DataError(f"expected a folder or a .zip file: {settings.shown_path(src)}", "folder_or_zip",
                        source=settings.shown_path(src))

    sorted_dir = out_dir / "sorted"
    photos = [path for paths in sorted_result.files.values() for path in paths]
    groups = [relative_group(g, sorted_dir) for g in duplicates.find_groups(photos, progress=counting("hash"))]
    together = [g["files"] for g in groups] if keep_twins_together else ()
    progress("split", 0, len(photos))
    splits = split(sorted_dir, out_dir / "split", ratio, seed, groups=together)
    progress("split", len(photos), len(photos))
    split_of = _split_of_files(out_dir / "split")
    progress("health", 0, len(photos))
    health = health_report(sorted_dir, cache, decode_size, groups)
    progress("health", len(photos), len(photos))
    health["duplicates_across_splits"] = _split_leaks([g["files"] for g in groups], split_of)
    health["duplicate_groups"] = [{**g, "splits": [split_of.get(f) for f in g["files"]]}
                                  for g in groups]
    summary = {
        "source": str(src.resolve()),
        "out_dir": str(out_dir.resolve()),
        "ratio": list(ratio),
        "seed": seed,
        "keep_twins_together": keep_twins_together,
        "classes": sorted_result.counts,
        "splits": splits,
        "skipped": sorted_result.skipped,
        "renamed": sorted_result.renamed,
        "duplicate_groups": groups,
        "cross_split_twins": duplicates.twins_across(groups, split_of),
        "health": health,
    }
    _write_json(out_dir / "prepared.json", summary)
    return summary


def _sort_checked(root, src, out_dir, cache, decode_size, storage=None, progress=None) -> SortResult:
    # Check before writing anything, so a bad source never wipes an earlier good preparation.
    result = scan(root, cache, decode_size, progress)
    if storage is not None:  # sorted/ copies the photos; split/ hard-links them where it can
        storage.check_room(2 * sum(p.stat().st_size for paths in result.files.values() for p in paths))
    found = [name for name, n in result.counts.items() if n]
    if not found:
        raise DataError(nothing_sorted(src, result))
    if len(found) < 2:
        raise DataError(f"only one class ({found[0]}) found in {settings.shown_path(src)}; "
                        "a classifier needs photos of at least two classes")
    return write_sorted(result, out_dir / "sorted")


def _split_of_files(split_dir: Path) -> dict:
    """{"class/name": split} for every photo of a split folder."""
    return {path.relative_to(split_dir / name).as_posix(): name
            for name in SPLITS for path in (split_dir / name).glob("*/*")}


def _split_leaks(duplicate_groups, split_of: dict) -> list:
    """Duplicate groups whose copies landed in different splits (the same photo in train and test)."""
    leaks = []
    for group in duplicate_groups:
        splits = {f: split_of.get(f) for f in group}
        if len(set(splits.values())) > 1:
            leaks.append(splits)
    return leaks


def _write_json(path: Path, payload) -> None:
    atomic.write_json(path, payload, sort_keys=False)


def load_summary(out_dir) -> dict | None:
    """The prepared.json written by prepare(), or None when out_dir was never prepared."""
    path = Path(out_dir) / "prepared.json"
    return json.loads(path.read_text()) if path.exists() else None
