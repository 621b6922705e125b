"""Sorting a downloaded folder of weather photos into class folders by the class word in each file
name: which files count, why others are skipped, same names kept apart. The source is only read;
every output folder is built next to its target and swapped in whole."""

import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from .. import CLASSES, settings
from ..exceptions import DataError
from .images import DECODE_SIZE, DecodeCache

# The photo extensions, each with the real format behind it (health shows a file whose format differs).
EXTENSION_FORMATS = {
    ".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG", ".gif": "GIF", ".webp": "WEBP",
    ".bmp": "BMP", ".tif": "TIFF", ".tiff": "TIFF",
}
IMAGE_EXTENSIONS = set(EXTENSION_FORMATS)
SYSTEM_FILES = {"thumbs.db", "desktop.ini", "__macosx"}


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
    """The one rule for files and folders nobody means as photos or classes (.DS_Store, Thumbs.db)."""
    return name.startswith(".") or name.lower() in SYSTEM_FILES


def has_image_extension(name: str) -> bool:
    return Path(name).suffix.lower() in IMAGE_EXTENSIONS


def list_images(folder) -> list[tuple[Path, str]]:
    """(file, class) pairs from a folder of class sub-folders, or a flat folder named like the data."""
    folder = Path(folder)
    class_dirs = [folder / name for name in CLASSES if (folder / name).is_dir()]
    if class_dirs:
        pairs = [(f, d.name) for d in class_dirs for f in d.iterdir() if is_image_file(f)]
    else:
        pairs = [(f, class_of(f.name)) for f in folder.iterdir() if is_image_file(f)]
        pairs = [(f, name) for f, name in pairs if name]
    return sorted(pairs)


def is_image_file(path: Path) -> bool:
    return path.is_file() and not is_hidden(path.name) and has_image_extension(path.name)


# ---------------------------------------------------------------------------------------------
# Sorting


def scan(src_dir, cache=None, decode_size=DECODE_SIZE, progress=None) -> SortResult:
    """Classify every file of a flat folder by name and decode each photo once; writes nothing.
    `progress(done, total)` follows the decoding."""
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
    _, errors = cache.ensure_many(list(candidates), decode_size, progress=progress)
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
    staging = staging_dir(out_dir)
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
        swap_in(staging, out_dir, CLASSES)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return SortResult(counts=dict(result.counts), files=written, skipped=list(result.skipped),
                      renamed=list(result.renamed))


def sort_by_name(src_dir, out_dir, cache=None, decode_size=DECODE_SIZE) -> SortResult:
    """Sort the photos of src_dir into out_dir/<class>/ by the class word in each file name."""
    refuse_overlap(src_dir, out_dir)
    result = scan(src_dir, cache, decode_size)
    if not sum(result.counts.values()):
        raise DataError(nothing_sorted(src_dir, result))
    return write_sorted(result, out_dir)


def nothing_sorted(src, result: SortResult) -> str:
    words = "/".join(CLASSES)
    return (f"no photos whose name contains {words} in {settings.shown_path(src)} "
            f"({len(result.skipped)} files skipped)")


def staging_dir(target: Path) -> Path:
    # Same parent, hence same file system: the final renames are cheap and atomic.
    target.parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))


def swap_in(staging: Path, target: Path, names) -> None:
    """Replace target/<name> by staging/<name> for each name; names absent from staging are removed."""
    target.mkdir(parents=True, exist_ok=True)
    for name in names:
        new, old = staging / name, target / name
        if old.exists() or old.is_symlink():
            os.replace(old, staging / f".old-{name}")
        if new.exists():
            os.replace(new, old)


def refuse_overlap(src, target) -> None:
    # Replacing a folder that holds (or is) the source would destroy the user's photos.
    src, target = Path(src).resolve(), Path(target).resolve()
    if src == target or target in src.parents:
        raise DataError(f"the output folder {settings.shown_path(target)} must not contain the source "
                        f"{settings.shown_path(src)}")
