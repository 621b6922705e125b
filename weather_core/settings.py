"""Where data, decoded-image cache and training runs live (overridable by environment)."""

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent  # the checkout, or site-packages once installed


def home() -> Path:
    """Where data/ and runs/ go by default: the checkout, or the current folder for an installed
    package (`pip install .`), never site-packages."""
    return PROJECT_ROOT if (PROJECT_ROOT / "pyproject.toml").exists() else Path.cwd()


def data_root() -> Path:
    return Path(os.environ.get("WEATHER_DATA_DIR", home() / "data")).resolve()


def runs_root() -> Path:
    return Path(os.environ.get("WEATHER_RUNS_DIR", home() / "runs")).resolve()


def cache_root() -> Path:
    return Path(os.environ.get("WEATHER_CACHE_DIR", data_root() / "cache")).resolve()


def demo_root() -> Path:
    """The built-in demo: raw/ (generated pictures) and prepared/ (its split)."""
    return data_root() / "demo"


def demo_dir() -> Path:
    """The demo's prepared folder, the dataset every page starts on."""
    return demo_root() / "prepared"


def prepared_root() -> Path:
    """Datasets prepared from the Dataset page, one folder each."""
    return data_root() / "prepared"


def uploads_root() -> Path:
    """Uploaded .zip files, kept until their preparation finishes."""
    return data_root() / "uploads"


def shared_photos() -> Path:
    """The class's real photos beside the checkout (../shared/datasets/mwd), when present."""
    return (PROJECT_ROOT.parent / "shared" / "datasets" / "mwd").resolve()


def allowed_source_roots() -> list[Path]:
    """Server folders a user may prepare: the data root and the shared real photos, if present."""
    return [data_root()] + ([shared_photos()] if shared_photos().is_dir() else [])


def is_allowed_source(path) -> bool:
    return any(inside(Path(path).expanduser(), root) for root in allowed_source_roots())


def cache_max_bytes() -> int:
    return int(float(os.environ.get("WEATHER_CACHE_MB", "2048")) * 2**20)


def max_concurrent_trainings() -> int:
    return max(1, int(os.environ.get("WEATHER_MAX_TRAININGS", "1")))


def max_runs_per_owner() -> int:
    """Queued + running trainings one person may have at once (fair turns on a shared server)."""
    return max(1, int(os.environ.get("WEATHER_MAX_RUNS_PER_OWNER", "2")))


def stale_after_seconds() -> float:
    """A training whose status.json has not changed for this long is hung: the server stops it and
    gives its slot to the next run (a live trainer writes it every few seconds)."""
    return max(30.0, float(os.environ.get("WEATHER_STALE_MINUTES", "10")) * 60)


def trainer_threads() -> int | None:
    """CPU threads one training may use (WEATHER_TRAINER_THREADS; unset: all the machine's cores).
    Ray reserves this many CPUs per training, so a node never runs more trainings than it has cores."""
    value = os.environ.get("WEATHER_TRAINER_THREADS")
    return max(1, int(value)) if value else None


def classroom_file() -> Path:
    """The class's settings (default dataset, caps) and who prepared which dataset."""
    return data_root() / "classroom.json"


def inside(path, root) -> bool:
    """Whether `path`, every link resolved, is `root` or lies under it."""
    try:
        path, root = Path(path).resolve(), Path(root).resolve()
    except (OSError, RuntimeError, ValueError):  # a link loop, a NUL byte
        return False
    return path == root or root in path.parents


def shown_path(path) -> str:
    """A path as messages show it: relative to the data (or runs) root, never the server's layout."""
    for root in (data_root(), runs_root()):
        if inside(path, root):
            return Path(path).resolve().relative_to(root).as_posix() or "."
    return Path(path).name


# Limits that keep one student's upload from costing the whole class. The storage limit is per
# data root today; `owner` is where a per-owner limit plugs in (same default for everyone).
def max_zip_depth() -> int:
    return max(1, int(os.environ.get("WEATHER_MAX_ZIP_DEPTH", "32")))


def max_photos_per_dataset() -> int:
    return max(1, int(os.environ.get("WEATHER_MAX_PHOTOS", "5000")))


def storage_limit_bytes(owner=None) -> int:
    return int(float(os.environ.get("WEATHER_STORAGE_MB", "4096")) * 2**20)


def max_concurrent_decodes() -> int:
    """Photos decoded at once in this process (all sessions together): each may briefly hold a
    large image in memory."""
    default = max(2, min(4, os.cpu_count() or 2))
    return max(1, int(os.environ.get("WEATHER_MAX_DECODES", default)))
