"""Training a run: its settings (config: TrainConfig, ranges, create_run), the fit itself (fit),
the callback that writes the run folder as it goes (callback), the test-split score (evaluation)
and time estimates (estimate). Imports use, models, data, runs and the base; never jobs."""

from .config import (DEFAULTS, LR_SCHEDULES, RANGES, TENSORBOARD_DIR, TrainConfig, create_run,
                     package_versions, value_range)
from .fit import run_training, train

__all__ = ["DEFAULTS", "LR_SCHEDULES", "RANGES", "TENSORBOARD_DIR", "TrainConfig", "create_run",
           "package_versions", "run_training", "train", "value_range"]
