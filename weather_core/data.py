"""From a downloaded folder or zip of weather photos to class folders and a train/val/test split.

The source is only read. Every output folder is built next to its target and swapped in whole,
so re-running never leaves duplicates or stale files behind.
"""

import json
import math
import os
import random
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import splitfolders

from . import CLASSES, duplicates, settings
from .archive import extract_zip
from .errors import DataError
from .health import health_report
from .images import DecodeCache

IMAGE_EXTENSIONS = {".jpg", ".jpeg", ".png", ".gif", ".webp", ".bmp", ".tif", ".tiff"}
SYSTEM_FILES = {"thumbs.db", "desktop.ini", "__macosx"}
SPLITS = ("train", "val", "test")
DEFAULT_RATIO = (0.7, 0.15, 0.15)
DEFAULT_SEED = 123
DECODE_SIZE = 250


@dataclass
class SortResult:
    counts: dict = field(default_factory=dict)  # class -> number of photos
    files: dict = field(default_factory=dict)  # class -> [Path] (in the output folder once written)
    skipped: list = field(default_factory=list)  # [{"file": ..., "reason": ...}]
    renamed: list = field(default_factory=list)  # [{"file": ..., "as": "class/new name", ...}]
    targets: dict = field(default_factory=dict)  # str(source path) -> its file name in sorted/<class>/


# ---------------------------------------------------------------------------------------------
# Class from file name


def match_classes(filename) -> list[str]:
    """Every class word found in the file name (not its folders), case-insensitively."""
    stem = PurePosixPath(str(filename).replace("\\", "/")).stem.lower()
    return [name for name in CLASSES if name in stem]


def class_of(filename) -> str | None:
    """The one class named in the file name; None when no class or more than one matches."""
    matches = match_classes(filename)
    return matches[0] if len(matches) == 1 else None


def is_hidden(name: str) -> bool:
    return name.startswith(".") or name.lower() in SYSTEM_FILES


def has_image_extension(name: str) -> bool:
    return Path(name).suffix.lower() in IMAGE_EXTENSIONS


def list_images(folder) -> list[tuple[Path, str]]:
    """(file, class) pairs from a folder of class sub-folders, or a flat folder named like the data."""
    folder = Path(folder)
    class_dirs = [folder / name for name in CLASSES if (folder / name).is_dir()]
    if class_dirs:
        pairs = [(f, d.name) for d in class_dirs for f in d.iterdir() if _is_image_file(f)]
    else:
        pairs = [(f, class_of(f.name)) for f in folder.iterdir() if _is_image_file(f)]
        pairs = [(f, name) for f, name in pairs if name]
    return sorted(pairs)


def _is_image_file(path: Path) -> bool:
    return path.is_file() and not is_hidden(path.name) and has_image_extension(path.name)


# ---------------------------------------------------------------------------------------------
# Sorting


def scan(src_dir, cache=None, decode_size=DECODE_SIZE) -> SortResult:
    """Classify every file of a flat folder by name and decode each photo once; writes nothing."""
    src_dir = Path(src_dir)
    if not src_dir.is_dir():
        raise DataError(f"not a folder: {settings.shown_path(src_dir)}")
    result = SortResult(counts={name: 0 for name in CLASSES}, files={name: [] for name in CLASSES})
    candidates = {}
    for path in _source_entries(src_dir):
        reason = _skip_reason(path)
        if reason:
            result.skipped.append({"file": _relative(path, src_dir), **reason})
        else:
            candidates[path] = class_of(path.name) or _class_folder(path.parent)

    limit = settings.max_photos_per_dataset()
    if len(candidates) > limit:  # checked before decoding: decoding is what costs server time
        raise DataError(f"{len(candidates):,} photos in {src_dir.name}; a dataset may hold at most "
                        f"{limit:,} (WEATHER_MAX_PHOTOS)")
    cache = cache or DecodeCache()
    _, errors = cache.ensure_many(list(candidates), decode_size)
    taken = {name: set() for name in CLASSES}
    for path, name in candidates.items():
        if str(path) in errors:
            reason = _reason("unreadable", f"unreadable image: {errors[str(path)]}", error=errors[str(path)])
            result.skipped.append({"file": _relative(path, src_dir), **reason})
            continue
        target = _unique_name(path.name, taken[name])
        if target != path.name:
            result.renamed.append({"file": _relative(path, src_dir), "as": f"{name}/{target}",
                                   **_reason("same_name", f"another photo of {name} has the same name; "
                                             f"kept as {target}", name=target)})
        result.targets[str(path)] = target
        result.files[name].append(path)
        result.counts[name] += 1
    return result


def _unique_name(name: str, taken: set) -> str:
    """`name`, or `stem_2.ext`, `stem_3.ext`... when a photo of the class already has it (compared
    case-insensitively: Cloudy/cloudy1.jpg and cloudy/cloudy1.jpg, or a case-insensitive disk)."""
    stem, suffix = Path(name).stem, Path(name).suffix
    candidate, number = name, 1
    while candidate.lower() in taken:
        number += 1
        candidate = f"{stem}_{number}{suffix}"
    taken.add(candidate.lower())
    return candidate


def _source_entries(folder: Path) -> list[Path]:
    # A zip usually wraps the photos in one folder: look inside it when there is nothing else.
    entries = sorted(folder.iterdir())
    folders = [e for e in entries if e.is_dir() and not is_hidden(e.name)]
    photos = [e for e in entries if e.is_file() and has_image_extension(e.name)]
    if len(folders) == 1 and not photos and not _class_folder(folders[0]):
        return [e for e in entries if e != folders[0]] + _source_entries(folders[0])
    # Some copies of the dataset come already sorted into cloudy/, rain/, ... folders.
    return [inner for e in entries
            for inner in (sorted(e.iterdir()) if e.is_dir() and _class_folder(e) else [e])]


def _class_folder(folder: Path) -> str | None:
    """The class a folder is named after (`Cloudy/`, `rain/`), if any."""
    return folder.name.lower() if folder.name.lower() in CLASSES else None


def _reason(code, text, **params) -> dict:
    """A skip reason: the English text (CLI, prepared.json), a code and its parameters (pages translate)."""
    return {"reason": text, "code": code, **params}


def _skip_reason(path: Path) -> dict | None:
    if is_hidden(path.name):
        return _reason("hidden", "hidden or system file")
    if path.is_dir():
        return _reason("folder", "folder (only the photos directly in the source folder are sorted)")
    if not path.is_file():
        return _reason("not_file", "not a regular file")
    if not has_image_extension(path.name):
        return _reason("not_image", f"not an image file ({path.suffix or 'no extension'})", ext=path.suffix)
    matches = match_classes(path.name)
    if not matches and _class_folder(path.parent):
        return None  # the folder names the class
    if not matches:
        return _reason("no_class", "no class word (" + ", ".join(CLASSES) + ") in the name",
                       classes=", ".join(CLASSES))
    if len(matches) > 1:
        return _reason("two_classes", "name matches more than one class (" + ", ".join(matches) + ")",
                       classes=", ".join(matches))
    return None


def _relative(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix()


def write_sorted(result: SortResult, out_dir) -> SortResult:
    """Copy the scanned photos into out_dir/<class>/, replacing every class folder there."""
    out_dir = Path(out_dir)
    staging = _staging_dir(out_dir)
    try:
        written = {name: [] for name in CLASSES}
        for name, paths in result.files.items():
            if not paths:
                continue
            (staging / name).mkdir()
            for path in paths:
                target = result.targets.get(str(path), path.name)
                shutil.copy2(path, staging / name / target)
                written[name].append(out_dir / name / target)
        _swap_in(staging, out_dir, CLASSES)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return SortResult(counts=dict(result.counts), files=written, skipped=list(result.skipped),
                      renamed=list(result.renamed))


def sort_by_name(src_dir, out_dir, cache=None, decode_size=DECODE_SIZE) -> SortResult:
    """Sort the photos of src_dir into out_dir/<class>/ by the class word in each file name."""
    _refuse_overlap(src_dir, out_dir)
    result = scan(src_dir, cache, decode_size)
    if not sum(result.counts.values()):
        raise DataError(_nothing_sorted(src_dir, result))
    return write_sorted(result, out_dir)


def _nothing_sorted(src, result: SortResult) -> str:
    words = "/".join(CLASSES)
    return (f"no photos whose name contains {words} in {settings.shown_path(src)} "
            f"({len(result.skipped)} files skipped)")


def _staging_dir(target: Path) -> Path:
    # Same parent, hence same file system: the final renames are cheap and atomic.
    target.parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))


def _swap_in(staging: Path, target: Path, names) -> None:
    """Replace target/<name> by staging/<name> for each name; names absent from staging are removed."""
    target.mkdir(parents=True, exist_ok=True)
    for name in names:
        new, old = staging / name, target / name
        if old.exists() or old.is_symlink():
            os.replace(old, staging / f".old-{name}")
        if new.exists():
            os.replace(new, old)


def _refuse_overlap(src, target) -> None:
    # Replacing a folder that holds (or is) the source would destroy the user's photos.
    src, target = Path(src).resolve(), Path(target).resolve()
    if src == target or target in src.parents:
        raise DataError(f"the output folder {settings.shown_path(target)} must not contain the source "
                        f"{settings.shown_path(src)}")


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
    _refuse_overlap(sorted_dir, out_dir)
    _check_class_folders(sorted_dir)
    staging = _staging_dir(out_dir)
    followers = {f: group[0] for group in groups for f in group[1:]}
    # split-folders reseeds the global `random`; keep the caller's random stream untouched.
    state = random.getstate()
    try:
        leaders = _without_followers(sorted_dir, staging / ".leaders", set(followers))
        splitfolders.ratio(str(leaders), output=str(staging), seed=seed, ratio=ratio)
        shutil.rmtree(leaders)
        _place_followers(sorted_dir, staging, followers)
        _swap_in(staging, out_dir, SPLITS)
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
    return sum(1 for f in folder.iterdir() if _is_image_file(f)) if folder.is_dir() else 0


def split_dirs(data_dir) -> dict[str, Path]:
    """The split folders (train, val and maybe test) of a prepared dataset or of a split folder."""
    data_dir = Path(data_dir)
    root = data_dir / "split" if (data_dir / "split").is_dir() else data_dir
    found = {name: root / name for name in SPLITS if (root / name).is_dir()}
    if "train" not in found or "val" not in found:
        raise DataError(f"no prepared dataset in {settings.shown_path(data_dir)} (expected split/train and split/val); "
                        "run `python -m weather_core prepare` first")
    return found


# ---------------------------------------------------------------------------------------------
# Prepare: sort, split, health report


def prepare(src, out_dir, ratio=DEFAULT_RATIO, seed=DEFAULT_SEED, cache=None,
            decode_size=DECODE_SIZE, keep_twins_together=True, storage=None) -> dict:
    """Folder or .zip -> out_dir/sorted, out_dir/split and out_dir/prepared.json; returns the summary.

    keep_twins_together=False splits as the report did, file by file: copies of one photo may
    land in train and test, which flatters the test score (the dashboard shows it on purpose).
    `storage`: a quota.Storage the new copies must fit in (the server's; the CLI has none).
    A failed preparation leaves no new folder behind."""
    src, out_dir = Path(src), Path(out_dir)
    ratio = check_ratio(ratio)
    if not src.exists():
        raise DataError(f"source not found: {settings.shown_path(src)}")
    for target in (out_dir / "sorted", out_dir / "split"):
        _refuse_overlap(src, target)
    created = not out_dir.exists()
    try:
        return _prepare(src, out_dir, ratio, seed, cache or DecodeCache(), decode_size,
                        keep_twins_together, storage)
    except BaseException:
        if created:
            shutil.rmtree(out_dir, ignore_errors=True)
        raise


def _prepare(src, out_dir, ratio, seed, cache, decode_size, keep_twins_together, storage) -> dict:
    if src.is_dir():
        sorted_result = _sort_checked(src, src, out_dir, cache, decode_size, storage)
    elif zipfile.is_zipfile(src):
        out_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix=".extract-", dir=out_dir) as tmp:
            root = extract_zip(src, Path(tmp) / "zip")
            sorted_result = _sort_checked(root, src, out_dir, cache, decode_size, storage)
    else:
        raise DataError(f"expected a folder or a .zip file: {settings.shown_path(src)}")

    sorted_dir = out_dir / "sorted"
    photos = [path for paths in sorted_result.files.values() for path in paths]
    groups = [{"kind": g["kind"], "files": [_relative(Path(f), sorted_dir) for f in g["files"]]}
              for g in duplicates.find_groups(photos)]
    together = [g["files"] for g in groups] if keep_twins_together else ()
    splits = split(sorted_dir, out_dir / "split", ratio, seed, groups=together)
    split_of = _split_of_files(out_dir / "split")
    health = health_report(sorted_dir, cache, decode_size)
    health["duplicates_across_splits"] = _split_leaks(health["duplicates"], split_of)
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


def _sort_checked(root, src, out_dir, cache, decode_size, storage=None) -> SortResult:
    # Check before writing anything, so a bad source never wipes an earlier good preparation.
    result = scan(root, cache, decode_size)
    if storage is not None:  # sorted/ copies the photos; split/ hard-links them where it can
        storage.check_room(2 * sum(p.stat().st_size for paths in result.files.values() for p in paths))
    found = [name for name, n in result.counts.items() if n]
    if not found:
        raise DataError(_nothing_sorted(src, result))
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
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(payload, indent=2))
    os.replace(tmp, path)


def load_summary(out_dir) -> dict | None:
    """The prepared.json written by prepare(), or None when out_dir was never prepared."""
    path = Path(out_dir) / "prepared.json"
    return json.loads(path.read_text()) if path.exists() else None
