"""Dataset health report for a folder of class sub-folders: counts, balance, sizes, formats,
modes, unreadable files and exact duplicates (the groups duplicates.find_groups finds: one rule).
Reads image headers only, unless given a cache or asked to find the duplicate groups itself."""

import statistics
from collections import Counter, defaultdict
from pathlib import Path

from PIL import Image

from .duplicates import find_groups
from .images import DECODE_SIZE
from .sorting import EXTENSION_FORMATS, is_hidden


def health_report(sorted_dir, cache=None, decode_size=DECODE_SIZE, groups=None) -> dict:
    """A JSON-serialisable report on sorted_dir/<class>/*; with a cache, every file is also decoded.
    `groups`: duplicates.find_groups' groups with paths relative to sorted_dir (prepare has them);
    found here when not given."""
    sorted_dir = Path(sorted_dir)
    files = _class_files(sorted_dir)
    headers, unreadable = {}, {}
    for path in files:
        try:
            headers[path] = _header(path)
        except Exception as error:  # PIL raises many types for broken files; all mean "unreadable"
            unreadable[path] = f"cannot read header ({error})"
    if cache is not None:
        _, errors = cache.ensure_many(list(headers), decode_size)
        for path in list(headers):
            if str(path) in errors:
                unreadable[path] = errors[str(path)]
                del headers[path]

    def rel(path):
        return path.relative_to(sorted_dir).as_posix()

    if groups is None:
        groups = [relative_group(g, sorted_dir) for g in find_groups(list(headers))]

    counts = Counter(path.parent.name for path in files)
    return {
        "total_images": len(files),
        "total_bytes": sum(path.stat().st_size for path in files),
        "counts": {name: counts[name] for name in sorted(counts)},
        "imbalance": imbalance(counts),
        "sizes": _sizes(headers, rel),
        "dimensions": _dimensions(headers),
        "formats": dict(Counter(h["format"] for h in headers.values()).most_common()),
        "mismatched_extension": [
            {"file": rel(p), "format": h["format"]} for p, h in headers.items() if _mismatched(p, h)
        ],
        "modes": dict(Counter(h["mode"] for h in headers.values()).most_common()),
        "animated": [rel(p) for p, h in headers.items() if h["frames"] > 1],
        "unreadable": [{"file": rel(p), "reason": reason} for p, reason in unreadable.items()],
        "duplicates": sorted((same for g in groups for same in g.get("identical", [])),
                             key=lambda same: (-len(same), same)),
    }


def _class_files(sorted_dir: Path) -> list[Path]:
    folders = sorted(d for d in sorted_dir.iterdir() if d.is_dir() and not is_hidden(d.name))
    return [f for d in folders for f in sorted(d.iterdir()) if f.is_file() and not is_hidden(f.name)]


def _header(path: Path) -> dict:
    with Image.open(path) as image:
        return {
            "format": image.format,
            "mode": image.mode,
            "size": image.size,
            "frames": getattr(image, "n_frames", 1),
        }


def _mismatched(path: Path, header: dict) -> bool:
    return EXTENSION_FORMATS.get(path.suffix.lower()) != header["format"]


def imbalance(counts) -> dict:
    """Largest/smallest class ratio with a one-line note for students."""
    present = dict(counts)
    if len(present) < 2:
        return {"ratio": None, "largest": None, "smallest": None, "note": "fewer than two classes", "code": "few"}
    largest = max(present, key=present.get)
    smallest = min(present, key=present.get)
    if present[smallest] == 0:
        return {"ratio": None, "largest": largest, "smallest": smallest,
                "note": f"class {smallest} has no photos", "code": "empty", "cls": smallest}
    ratio = round(present[largest] / present[smallest], 2)
    if ratio < 1.5:
        note, code = "roughly balanced", "rough"
    elif ratio < 3:
        note, code = "mildly imbalanced: look at per-class recall, not accuracy alone", "mild"
    else:
        note, code = "strongly imbalanced: accuracy is misleading; consider class weights", "strong"
    return {"ratio": ratio, "largest": largest, "smallest": smallest, "note": note, "code": code}


DIMENSIONS_PER_CLASS = 1000  # enough for a scatter plot; prepared.json stays small for big data


def _dimensions(headers: dict) -> dict:
    """{class: [[width, height], ...]} of up to DIMENSIONS_PER_CLASS photos per class."""
    found = defaultdict(list)
    for path, header in sorted(headers.items()):
        if len(found[path.parent.name]) < DIMENSIONS_PER_CLASS:
            found[path.parent.name].append(list(header["size"]))
    return dict(found)


def _sizes(headers: dict, rel) -> dict:
    if not headers:
        return {}
    widths = [h["size"][0] for h in headers.values()]
    heights = [h["size"][1] for h in headers.values()]
    by_area = sorted(headers, key=lambda p: headers[p]["size"][0] * headers[p]["size"][1])

    def describe(values):
        return {"min": min(values), "median": statistics.median(values), "max": max(values)}

    return {
        "width": describe(widths),
        "height": describe(heights),
        "smallest": {"file": rel(by_area[0]), "size": list(headers[by_area[0]]["size"])},
        "largest": {"file": rel(by_area[-1]), "size": list(headers[by_area[-1]]["size"])},
    }


def relative_group(group, folder) -> dict:
    """A find_groups group with its paths relative to `folder` ("cloudy/cloudy1.jpg")."""
    def rel(name):
        return Path(name).relative_to(folder).as_posix()

    return {**group, "files": [rel(f) for f in group["files"]],
            "identical": [[rel(f) for f in same] for same in group.get("identical", [])]}
