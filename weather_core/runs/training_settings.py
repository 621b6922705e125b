"""The training settings a run records, one row each: type, range or choices, default (the `quick`
recipe's), CLI option and lesson-link key. TrainConfig, config.json's checks, the CLI, the Train
form and lesson links all read this table; a new setting is one row here plus its use."""

from dataclasses import dataclass

from .kinds import KIND_OF_TYPE, is_kind


@dataclass(frozen=True)
class Setting:
    name: str  # TrainConfig's field and config.json's key
    kind: type  # bool, int, float, str, or tuple (of texts)
    default: object
    help: str
    low: float | None = None  # inclusive range of a number
    high: float | None = None
    choices: tuple = ()  # the allowed texts (model and recipe names are checked where they live)
    flag: str | None = None  # the CLI option, e.g. "--learning-rate"; None: not on the command line
    link: str | None = None  # the lesson-link key; None: a link cannot set it
    old_keys: tuple = ()  # link keys and CLI options of earlier versions, still read
    in_recipe: bool = True  # recipes (training/recipes.py) set it; seed and the like are per run
    in_form: bool = False  # the Train form has a widget for it (key "<recipe>-<name>")
    added_later: bool = False  # run folders from before it lack it, and trained with its default (off)

    def range_text(self) -> str:
        """'1e-05..0.01', 'one of constant, cosine': what the messages name."""
        if self.choices:
            return f"one of {', '.join(self.choices)}"
        return f"{self.low:g}..{self.high:g}"

    def problem(self, value) -> str | None:
        """Why `value` cannot be this setting (naming the range), or None when it can."""
        label, kind = self.name.replace("_", " "), KIND_OF_TYPE[self.kind]
        if not is_kind(value, kind):
            return f"{label} must be {kind}"
        if self.choices and value not in self.choices:
            return f"{label} must be {self.range_text()}, not {value!r}"
        if self.low is not None and not self.low <= value <= self.high:
            return f"{label} must be {self.range_text()}, not {value:g}"
        return None


SETTINGS = (
    Setting("recipe", str, "quick", "named settings; the options below override them",
            flag="--recipe", link="recipe", in_recipe=False),
    Setting("model", str, "sky_net", "the network (a Models page name)", flag="--model", link="model",
            in_form=True),
    Setting("epochs", int, 20, "passes over the training split", 1, 1000, flag="--epochs", link="epochs",
            in_form=True),
    Setting("batch_size", int, 16, "photos per step", 1, 1024, flag="--batch-size", link="batch_size",
            in_form=True),
    Setting("image_size", int, 96, "photos are resized to this many pixels square", 32, 512,
            flag="--image-size", link="image_size", in_form=True),
    Setting("learning_rate", float, 2e-3, "Adam's learning rate (the peak with the cosine schedule)",
            1e-5, 1e-2, flag="--learning-rate", link="learning_rate", old_keys=("lr",), in_form=True),
    Setting("lr_schedule", str, "cosine", "constant, or cosine decay after a linear warm-up",
            choices=("constant", "cosine"), flag="--lr-schedule", link="schedule", in_form=True),
    Setting("warmup_epochs", int, 1, "epochs of linear warm-up before the cosine decay", 0, 100,
            flag="--warmup-epochs", link="warmup_epochs"),
    Setting("reduce_lr", bool, False, "the report's ReduceLROnPlateau on val_accuracy (constant schedule only)",
            flag="--reduce-lr", link="reduce_lr", in_form=True),
    Setting("label_smoothing", float, 0.1, "targets of 1 - s + s/K and s/K (K classes) instead of 1 and 0", 0.0, 0.5,
            flag="--label-smoothing", link="smoothing", in_form=True),
    Setting("flip", bool, True, "random horizontal flips of training photos", flag="--flip", link="flip",
            in_form=True),
    Setting("augment", bool, False, "the report's augmentation (rotation, shifts, brightness ...)",
            flag="--augment", link="augment", in_form=True),
    Setting("crop", bool, False, "random-resized crops of training photos (scale 0.3-1, aspect 3/4-4/3)",
            flag="--crop", link="crop", in_form=True, added_later=True),
    Setting("jitter", float, 0.0, "brightness and contrast jitter with the crops, at most +-", 0.0, 0.5,
            flag="--jitter", link="jitter", added_later=True),
    Setting("ema", bool, False, "score and keep an exponential moving average of the weights",
            flag="--ema", link="ema", in_form=True, added_later=True),
    Setting("tta", bool, False, "test-time flip: average each photo's and its mirror's prediction",
            flag="--tta", link="tta", in_form=True, added_later=True),
    Setting("mixup", float, 0.0, "mixup: blend pairs of training photos, weights from Beta(a, a); 0 = off",
            0.0, 1.0, flag="--mixup", link="mixup", added_later=True),
    Setting("cutmix", float, 0.0, "cutmix: paste a box of another training photo, its area 1 - a Beta(a, a) "
            "draw; 0 = off", 0.0, 1.0, flag="--cutmix", link="cutmix", added_later=True),
    Setting("teachers", tuple, (), "run folders whose averaged predictions become half of each training "
            "photo's target (knowledge distillation); none = off", flag="--teachers", in_recipe=False, added_later=True),
    Setting("early_stopping", int, 0, "stop after this many epochs without a better val_accuracy; 0 = off",
            0, 1000, flag="--early-stopping", link="early_stopping", in_recipe=False),
    Setting("seed", int, 123, "fixes the initial weights, the order of photos and every random change",
            0, 2**31 - 1, flag="--seed", link="seed", in_recipe=False, in_form=True),
    Setting("mixed_precision", bool, True, "float16 maths where the hardware pays for it",
            flag="--mixed-precision", in_recipe=False),
)
BY_NAME = {setting.name: setting for setting in SETTINGS}
DEFAULTS = {setting.name: setting.default for setting in SETTINGS}
RECIPE_SETTINGS = tuple(setting.name for setting in SETTINGS if setting.in_recipe)


def as_trained(config) -> dict:
    """A run's config with each setting added after it was written filled in at its default: what
    the run trained with. Comparisons of old and new runs then see no change that was none."""
    later = {s.name: list(s.default) if s.kind is tuple else s.default for s in SETTINGS if s.added_later}
    return {**later, **config}


def value_range(name) -> tuple:
    """(lowest, highest) allowed value of a numeric setting."""
    return BY_NAME[name].low, BY_NAME[name].high


def problems(values) -> list[str]:
    """What is wrong with the known settings in `values` (unknown keys are not this table's)."""
    return [found for name, value in values.items() if name in BY_NAME
            for found in [BY_NAME[name].problem(value)] if found]
