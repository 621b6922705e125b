"""A training's settings: TrainConfig (defaults from the `quick` recipe, ranges from recipes.py,
checked once) and the run folder it becomes (create_run), with packages recorded."""

import platform
import time
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from .. import data, runs
from ..models import recipes

# The defaults are the `quick` recipe (weather_core/models/recipes.py; figures in README "Recipes").
DEFAULTS = dict(recipes.RECIPES[recipes.DEFAULT_RECIPE], early_stopping=0, seed=123)
LR_SCHEDULES = ("constant", "cosine")
TENSORBOARD_DIR = "tensorboard"  # in each run folder


@dataclass
class TrainConfig:
    data: str
    model: str = DEFAULTS["model"]
    epochs: int = DEFAULTS["epochs"]
    batch_size: int = DEFAULTS["batch_size"]
    image_size: int = DEFAULTS["image_size"]
    learning_rate: float = DEFAULTS["learning_rate"]
    augment: bool = DEFAULTS["augment"]  # the report's augmentation (rotation, shifts, brightness...)
    # with augment: the Augmentation page's settings (augment.AugmentSettings' names); {}: the report's
    augment_settings: dict = field(default_factory=dict)
    reduce_lr: bool = DEFAULTS["reduce_lr"]  # the report's ReduceLROnPlateau on val_accuracy
    early_stopping: int = DEFAULTS["early_stopping"]  # patience in epochs; 0 = off
    seed: int = DEFAULTS["seed"]
    mixed_precision: bool = True  # where the hardware pays for it (see device.setup_device)
    lr_schedule: str = DEFAULTS["lr_schedule"]  # constant, or cosine decay after a linear warm-up
    warmup_epochs: int = DEFAULTS["warmup_epochs"]
    label_smoothing: float = DEFAULTS["label_smoothing"]
    flip: bool = DEFAULTS["flip"]  # random horizontal flips of training photos
    crop: bool = DEFAULTS["crop"]  # random-resized crops of training photos (models/augment.SkyCrop)
    jitter: float = DEFAULTS["jitter"]  # brightness and contrast jitter with the crops, at most +-
    ema: bool = DEFAULTS["ema"]  # score and save an exponential moving average of the weights
    tta: bool = DEFAULTS["tta"]  # test-time flip: average each photo's and its mirror's prediction
    mixup: float = DEFAULTS["mixup"]  # mixup's Beta(a, a) for blending pairs of training photos; 0 = off
    recipe: str = recipes.DEFAULT_RECIPE  # the recipe these settings started from

    def validate(self):
        from ..models import MODELS, canonical

        self.model = canonical(self.model)  # a run folder from before the `_report` names
        if self.model not in MODELS:
            raise ValueError(f"unknown model {self.model!r}; choose from {', '.join(MODELS)}")
        checks = [(low <= getattr(self, name) <= high, f"{name.replace('_', ' ')} must be {low}..{high}")
                  for name, (low, high) in RANGES.items()]
        checks += [(0 < self.learning_rate < 1, "learning rate must be between 0 and 1"),
                   (self.early_stopping >= 0, "early stopping patience must be >= 0"),
                   (self.lr_schedule in LR_SCHEDULES,
                    f"learning-rate schedule must be one of {', '.join(LR_SCHEDULES)}"),
                   (not (self.reduce_lr and self.lr_schedule == "cosine"),
                    "ReduceLROnPlateau needs the constant learning-rate schedule, not cosine"),
                   (0 <= self.warmup_epochs <= 100, "warm-up epochs must be 0..100"),
                   (0 <= self.label_smoothing < 1, "label smoothing must be 0..1"),
                   (0 <= self.jitter <= 0.5, "brightness and contrast jitter must be 0..0.5"),
                   (0 <= self.mixup <= 1, "mixup must be 0..1")]
        for ok, message in checks:
            if not ok:
                raise ValueError(message)
        if self.augment_settings:
            from ..models.augment import REPORT_SETTINGS, settings_from

            chosen, report = settings_from(self.augment_settings).to_dict(), REPORT_SETTINGS.to_dict()
            # only what differs from the report's: a run's config (and Compare) names the changes
            self.augment_settings = {k: list(v) if isinstance(v, tuple) else v
                                     for k, v in chosen.items() if v != report[k]}
        data.split_dirs(self.data)  # raises DataError when there is nothing to train on
        return self

    @classmethod
    def from_dict(cls, values):
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in values.items() if k in names})


RANGES = recipes.RANGES  # epochs, batch_size, image_size: (lowest, highest)
value_range = recipes.value_range


def package_versions():
    from importlib.metadata import PackageNotFoundError, version

    found = {"python": platform.python_version()}
    for name in ("tensorflow", "keras", "numpy", "pillow", "split-folders"):
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = None
    return found


def create_run(config: TrainConfig, root=None) -> Path:
    """A new run folder holding the config and a 'queued' status; nothing is trained yet."""
    config.validate()
    run_dir = runs.new_run_dir(config.model, root)
    record = {**asdict(config), "data": str(Path(config.data).resolve()),
              "optimizer": "adam", "loss": "categorical_crossentropy",
              "callbacks": _callback_names(config), "packages": package_versions()}
    runs.write_json_atomic(run_dir / "config.json", record)
    runs.write_status(run_dir, "queued", created=time.time())  # the trainer's pid comes later
    return run_dir


def _callback_names(config):
    names = []
    if config.lr_schedule == "cosine":
        names.append(f"CosineDecay(warmup_epochs={config.warmup_epochs})")
    if config.reduce_lr:
        names.append("ReduceLROnPlateau(monitor='val_accuracy', factor=0.1, patience=5, cooldown=3)")
    if config.early_stopping:
        names.append(f"EarlyStopping(monitor='val_accuracy', patience={config.early_stopping})")
    return names


