"""Training a run: its settings (config, and the named recipes with their measured figures), the fit
(fit), the callback that writes the run folder as it goes (callback) and time estimates (estimate).
Imports use (to score the run), models, data, runs and the base; never jobs."""

from ..runs.training_settings import BY_NAME, DEFAULTS, SETTINGS, value_range
from . import recipes
from .config import TENSORBOARD_DIR, TrainConfig, create_run, package_versions
from .fit import run_training, train

__all__ = ["BY_NAME", "DEFAULTS", "SETTINGS", "TENSORBOARD_DIR", "TrainConfig", "create_run",
           "package_versions", "recipes", "run_training", "train", "value_range",
           # public modules, imported where used (importing them here would slow every page)
           "callback", "estimate"]
