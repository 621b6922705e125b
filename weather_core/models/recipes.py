"""Named training recipes: one table for the CLI (`train --recipe NAME`) and the Train page, the
allowed range of the settings a form offers, and the figures scripts/bench_recipes.py measured for
each (read from its output file, never typed)."""

import json
from pathlib import Path

RESULTS_FILE = Path(__file__).resolve().parent / "recipe_results.json"
DEFAULT_RECIPE = "quick"
# (lowest, highest) of the settings with a range: TrainConfig checks them, the forms offer them,
# and a model builder refuses an image size outside them.
RANGES = {"epochs": (1, 1000), "batch_size": (1, 1024), "image_size": (32, 512)}

RECIPES = {
    # A lesson's worth: small photos, a cosine schedule that needs no validation-driven drops,
    # label smoothing and horizontal flips (the sky has no left and right).
    "quick": dict(model="model_3", image_size=64, epochs=20, batch_size=16, learning_rate=2e-3,
                  lr_schedule="cosine", warmup_epochs=1, reduce_lr=False, label_smoothing=0.1,
                  flip=True, augment=False),
    # The same recipe given more pixels and epochs.
    "best": dict(model="model_3", image_size=96, epochs=30, batch_size=16, learning_rate=2e-3,
                 lr_schedule="cosine", warmup_epochs=1, reduce_lr=False, label_smoothing=0.1,
                 flip=True, augment=False),
    # The report's own settings, as it ran them: Model 3 with Keras' BatchNorm momentum, 256 px
    # photos (its tables add up at 250), the generator's batch of 32, its augmentation and
    # ReduceLROnPlateau, 50 epochs.
    "report": dict(model="model_3_report", image_size=250, epochs=50, batch_size=32,
                   learning_rate=1e-3, lr_schedule="constant", warmup_epochs=0, reduce_lr=True,
                   label_smoothing=0.0, flip=False, augment=True),
}


def value_range(name) -> tuple:
    """(lowest, highest) allowed value of a ranged setting: epochs, batch_size, image_size."""
    return RANGES[name]


def resolve(name=DEFAULT_RECIPE, **overrides) -> dict:
    """A recipe's settings with explicit values on top (None means 'not given')."""
    if name not in RECIPES:
        raise ValueError(f"unknown recipe {name!r}; choose from {', '.join(RECIPES)}")
    given = {key: value for key, value in overrides.items() if value is not None}
    return {**RECIPES[name], **given, "recipe": name}


def measured(results_file=None) -> dict:
    """{recipe: {"seeds": [{"seed", "seconds", "test_accuracy", "n_test"}...], "mean_accuracy",
    "mean_seconds", ...}} as bench_recipes.py wrote it; {} when it was never run."""
    try:
        payload = json.loads(Path(results_file or RESULTS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return {}
    recipes = payload.get("recipes") if isinstance(payload, dict) else None
    return recipes if isinstance(recipes, dict) else {}
