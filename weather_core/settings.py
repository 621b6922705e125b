"""Where data, decoded-image cache and training runs live (overridable by environment)."""

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def data_root() -> Path:
    return Path(os.environ.get("WEATHER_DATA_DIR", PROJECT_ROOT / "data")).resolve()


def runs_root() -> Path:
    return Path(os.environ.get("WEATHER_RUNS_DIR", PROJECT_ROOT / "runs")).resolve()


def cache_root() -> Path:
    return Path(os.environ.get("WEATHER_CACHE_DIR", data_root() / "cache")).resolve()


def cache_max_bytes() -> int:
    return int(float(os.environ.get("WEATHER_CACHE_MB", "2048")) * 2**20)


def max_concurrent_trainings() -> int:
    return max(1, int(os.environ.get("WEATHER_MAX_TRAININGS", "1")))
