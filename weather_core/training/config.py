"""A training's settings: TrainConfig (one field per row of runs/training_settings.py, defaults and
ranges from there, checked once) and the run folder it becomes (create_run), with packages recorded."""

import platform
from dataclasses import asdict, dataclass, field, fields
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from .. import data, runs
from ..models import MODELS, canonical
from ..models.augment import REPORT_SETTINGS, settings_from
from ..runs.training_settings import DEFAULTS, problems
from . import recipes
from .distill import check_teachers

TENSORBOARD_DIR = "tensorboard"  # in each run folder


@dataclass
class TrainConfig:
    """The settings of one training; what each means: runs/training_settings.py."""
    data: str
    model: str = DEFAULTS["model"]
    epochs: int = DEFAULTS["epochs"]
    batch_size: int = DEFAULTS["batch_size"]
    image_size: int = DEFAULTS["image_size"]
    learning_rate: float = DEFAULTS["learning_rate"]
    augment: bool = DEFAULTS["augment"]
    # with augment: the Augmentation page's settings (augment.AugmentSettings' names); {}: the report's
    augment_settings: dict = field(default_factory=dict)
    reduce_lr: bool = DEFAULTS["reduce_lr"]
    early_stopping: int = DEFAULTS["early_stopping"]
    seed: int = DEFAULTS["seed"]
    mixed_precision: bool = DEFAULTS["mixed_precision"]
    lr_schedule: str = DEFAULTS["lr_schedule"]
    warmup_epochs: int = DEFAULTS["warmup_epochs"]
    label_smoothing: float = DEFAULTS["label_smoothing"]
    flip: bool = DEFAULTS["flip"]
    crop: bool = DEFAULTS["crop"]
    jitter: float = DEFAULTS["jitter"]
    ema: bool = DEFAULTS["ema"]
    tta: bool = DEFAULTS["tta"]
    mixup: float = DEFAULTS["mixup"]
    cutmix: float = DEFAULTS["cutmix"]
    teachers: list = field(default_factory=list)  # run folders; none (the table's default) = off
    recipe: str = DEFAULTS["recipe"]

    def validate(self):
        """Raises ValueError naming the first setting out of its range (nothing is clamped)."""
        self.model = canonical(self.model)  # a run folder from before the `_report` names
        if self.model not in MODELS:
            raise ValueError(f"unknown model {self.model!r}; choose from {', '.join(MODELS)}")
        if self.recipe not in recipes.RECIPES:
            raise ValueError(f"unknown recipe {self.recipe!r}; choose from {', '.join(recipes.RECIPES)}")
        found = problems(asdict(self))
        if self.reduce_lr and self.lr_schedule == "cosine":
            found.append("ReduceLROnPlateau needs the constant learning-rate schedule, not cosine")
        if found:
            raise ValueError(found[0])
        self.teachers = check_teachers(self.teachers)
        if self.augment_settings:
            chosen, report = settings_from(self.augment_settings).to_dict(), REPORT_SETTINGS.to_dict()
            # only what differs from the report's: a run's config (and Compare) names the changes
            self.augment_settings = {k: list(v) if isinstance(v, tuple) else v
                                     for k, v in chosen.items() if v != report[k]}
        splits = data.split_dirs(self.data)  # raises DataError when there is nothing to train on
        if not data.list_images(splits["train"]) or not data.list_images(splits["val"]):
            raise data.DataError("the training and validation splits need at least one photo each")
        return self

    @classmethod
    def from_dict(cls, values):
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in values.items() if k in names})


def package_versions():
    found = {"python": platform.python_version()}
    for name in ("tensorflow", "keras", "numpy", "pillow", "split-folders"):
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = None
    return found


def create_run(config: TrainConfig, root=None, owner="", max_minutes=None) -> Path:
    """A new run folder holding the whole config (with its owner and the class's time limit, if
    any) and a 'queued' status, once every check has passed; nothing is trained yet."""
    config.validate()
    record = {**asdict(config), "data": str(Path(config.data).resolve()),
              "optimizer": "adam", "loss": "categorical_crossentropy",
              "callbacks": _callback_names(config), "packages": package_versions(),
              "owner": owner, "max_minutes": max_minutes}
    return runs.create_run_folder(record, root)


def _callback_names(config):
    names = []
    if config.lr_schedule == "cosine":
        names.append(f"CosineDecay(warmup_epochs={config.warmup_epochs})")
    if config.reduce_lr:
        names.append("ReduceLROnPlateau(monitor='val_accuracy', factor=0.1, patience=5, cooldown=3)")
    if config.early_stopping:
        names.append(f"EarlyStopping(monitor='val_accuracy', patience={config.early_stopping})")
    return names


