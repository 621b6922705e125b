"""Named training recipes: what each changes from the settings table's defaults (which are
`quick`'s), for the CLI (`train --recipe NAME`) and the Train page, and the figures
scripts/bench_recipes.py measured for each (read from its output file, never typed)."""

import json
from pathlib import Path

from ..runs.training_settings import DEFAULTS, RECIPE_SETTINGS, as_trained

RESULTS_FILE = Path(__file__).resolve().parent / "recipe_results.json"
DEFAULT_RECIPE = DEFAULTS["recipe"]

_CHANGES = {
    # A lesson's worth, the table's defaults: the small separable sky_net at 96 px (cheaper than
    # Model 3 at 64, and more accurate: bench figures in README "Recipes"), a cosine schedule that
    # needs no validation-driven drops, label smoothing and horizontal flips (the sky has no left
    # and right). Random crops and EMA were measured too and cost accuracy on 20 epochs (the lever chart).
    "quick": {},
    # The same recipe given more pixels and epochs.
    "best": dict(image_size=128, epochs=30),
    # The report's own settings, as it ran them: Model 3 with Keras' BatchNorm momentum, 256 px
    # photos (its tables add up at 250), the generator's batch of 32, its augmentation and
    # ReduceLROnPlateau, 50 epochs.
    "report": dict(model="model_3_report", image_size=250, epochs=50, batch_size=32,
                   learning_rate=1e-3, lr_schedule="constant", warmup_epochs=0, reduce_lr=True,
                   label_smoothing=0.0, flip=False, augment=True),
}
RECIPES = {name: {**{key: DEFAULTS[key] for key in RECIPE_SETTINGS}, **changes}
           for name, changes in _CHANGES.items()}


def resolve(name=DEFAULT_RECIPE, **overrides) -> dict:
    """A recipe's settings with explicit values on top (None means 'not given')."""
    if name not in RECIPES:
        raise ValueError(f"unknown recipe {name!r}; choose from {', '.join(RECIPES)}")
    given = {key: value for key, value in overrides.items() if value is not None}
    return {**RECIPES[name], **given, "recipe": name}


def differences(config) -> dict:
    """{setting: the run's value} where a run's config differs from the recipe it started from
    (config["recipe"]); {} when it is that recipe exactly, or names no known recipe."""
    recipe = RECIPES.get(config.get("recipe"))
    if recipe is None:
        return {}
    differs, config = {}, as_trained(config)
    for key, wanted in recipe.items():
        value = config.get(key, wanted)
        same = value == wanted or (isinstance(value, (int, float)) and isinstance(wanted, (int, float))
                                   and not isinstance(value, bool) and abs(value - wanted) < 1e-12)
        if not same:
            differs[key] = value
    return differs


def measured(results_file=None) -> dict:
    """The benchmark file as bench_recipes.py wrote it: {"recipes": {...}, "levers": {...}}, each
    entry a cross-validated figure; {} when it was never run or cannot be read."""
    try:
        payload = json.loads(Path(results_file or RESULTS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return {}
    return payload if isinstance(payload, dict) else {}


def levers(results_file=None) -> list[dict]:
    """Every measured lever's cross-validated figure with its name and its `train` options (""
    for the baseline, the recipe unchanged), lowest accuracy first, for the lever chart; only those
    that predicted every photo (the most any lever did)."""
    entries = measured(results_file).get("levers")
    found = []
    for name, entry in entries.items() if isinstance(entries, dict) else ():
        figure = _figure(entry)
        if figure is not None:
            options = entry.get("options")
            found.append({"name": str(name), "options": options if isinstance(options, str) else "", **figure})
    # A lever still being measured (the bench saves after each training) has not predicted every
    # photo yet: its figure is a screening one, left out until its folds are all in.
    whole = max((lever["n"] for lever in found), default=0)
    return sorted((lever for lever in found if lever["n"] == whole), key=lambda lever: lever["accuracy"])


def cross_validated(name, results_file=None, section="recipes") -> dict | None:
    """A recipe's (or lever's) cross-validated figure: {"accuracy", "standard_error", "n", "folds",
    "seeds", "seconds"}, or None when it was not cross-validated (a one-split score is no estimate)."""
    entries = measured(results_file).get(section)
    return _figure(entries.get(name) if isinstance(entries, dict) else None)


def _figure(entry) -> dict | None:
    """cross_validated's figure from one entry of the results file."""
    if not isinstance(entry, dict):
        return None
    figure = {key: entry.get(key) for key in ("accuracy", "standard_error", "n", "folds")}
    figure.update(seeds=entry.get("seeds"), seconds=entry.get("mean_seconds"))
    numbers_ok = all(isinstance(figure[k], (int, float)) and not isinstance(figure[k], bool)
                     for k in ("accuracy", "standard_error", "n", "folds", "seconds"))
    if not numbers_ok or not isinstance(figure["seeds"], list) or not figure["seeds"]:
        return None
    return figure
