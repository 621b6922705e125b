"""Comparing runs: which settings differ, a short name for each run made of those settings, and
the uncertainty of a test accuracy measured on n photos."""

import math

from .training_settings import as_trained

# Bookkeeping that always differs between runs or is too long to name a run by.
IGNORED_KEYS = {"packages", "device", "split", "class_names", "data", "created", "run_id"}


def differing_settings(configs) -> list[str]:
    """The config keys whose values are not the same in every config (a setting added since an old
    run was made counts at the value it trained with), sorted."""
    configs = [as_trained(config) for config in configs]
    keys = sorted({key for config in configs for key in config} - IGNORED_KEYS)
    return [key for key in keys if len({repr(config.get(key)) for config in configs}) > 1]


def value_text(value) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, dict):  # augment_settings: {} is the report's
        return ", ".join(f"{key} {value_text(v)}" for key, v in value.items()) or "–"
    if isinstance(value, (list, tuple)):
        return "–".join(value_text(v) for v in value)
    return str(value)


def run_names(configs, fallbacks, key_label=str, value_label=value_text) -> list[str]:
    """A short name per run from the settings that differ ("model_3 · epochs 20"); runs whose
    settings are all the same are told apart by a number, and a run with nothing to name it by
    uses its fallback (its id). key_label and value_label may translate a setting's name and value."""
    differing = sorted(differing_settings(configs), key=lambda key: key != "model")  # the model first
    configs = [as_trained(config) for config in configs]
    names = []
    for config, fallback in zip(configs, fallbacks):
        parts = [value_label(config.get(key)) if key == "model"
                 else f"{key_label(key)} {value_label(config.get(key))}" for key in differing]
        names.append(" · ".join(parts) or fallback)
    seen = {}
    for index, name in enumerate(names):
        seen.setdefault(name, []).append(index)
    for indexes in seen.values():
        if len(indexes) > 1:
            for number, index in enumerate(indexes, start=1):
                names[index] = f"{names[index]} #{number}"
    return names


def standard_error(accuracy, n) -> float | None:
    """One standard error of an accuracy measured on n photos: sqrt(p (1 - p) / n)."""
    if not isinstance(accuracy, (int, float)) or not n:
        return None
    return math.sqrt(accuracy * (1 - accuracy) / n)
