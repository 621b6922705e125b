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


def cache_max_bytes() -> int:
    return int(float(os.environ.get("WEATHER_CACHE_MB", "2048")) * 2**20)


def max_concurrent_trainings() -> int:
    return max(1, int(os.environ.get("WEATHER_MAX_TRAININGS", "1")))


def max_runs_per_owner() -> int:
    """Queued + running trainings one person may have at once (fair turns on a shared server)."""
    return max(1, int(os.environ.get("WEATHER_MAX_RUNS_PER_OWNER", "2")))


def classroom_file() -> Path:
    """The class's settings (default dataset, caps) and who prepared which dataset."""
    return data_root() / "classroom.json"
