"""The report's ImageDataGenerator settings (AugmentSettings), their allowed ranges and the Keras
layers that would do the same job, for teaching; no Keras here (the layers that augment training
batches are in augment_layers.py)."""

import math
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class AugmentSettings:
    """Defaults are the report's ImageDataGenerator arguments, with the same meanings."""

    shear_degrees: float = 0.2  # ImageDataGenerator's shear_range is an angle in degrees
    zoom: float = 0.2  # zoom each axis by a factor in [1 - zoom, 1 + zoom]
    horizontal_flip: bool = True
    width_shift: float = 0.2  # fraction of the width
    height_shift: float = 0.2
    rotation_degrees: float = 20.0
    brightness: tuple = (0.5, 1.5)  # multiplies pixel values, as PIL's ImageEnhance does

    def to_dict(self):
        return asdict(self)


REPORT_SETTINGS = AugmentSettings()
# What the Augmentation page's sliders offer and a run's augment_settings may hold: (lowest, highest).
RANGES = {"shear_degrees": (0.0, 45.0), "zoom": (0.0, 0.5), "rotation_degrees": (0.0, 90.0),
          "width_shift": (0.0, 0.5), "height_shift": (0.0, 0.5), "brightness": (0.1, 2.0)}


def settings_from(record) -> AugmentSettings:
    """AugmentSettings from a run's `augment_settings` (a dict from JSON), checked: a missing key
    keeps the report's value; an unknown key or a value out of RANGES is refused, with the range."""
    if not isinstance(record, dict):
        raise ValueError("augmentation settings must be a table of named values")
    known = REPORT_SETTINGS.to_dict()
    unknown = sorted(set(record) - set(known))
    if unknown:
        raise ValueError(f"unknown augmentation setting(s): {', '.join(map(str, unknown))[:200]}")
    values = {**known, **record}
    for name, (low, high) in RANGES.items():
        parts = values[name] if name == "brightness" else [values[name]]
        if name == "brightness" and (not isinstance(parts, (list, tuple)) or len(parts) != 2):
            raise ValueError("brightness must be two numbers, lowest and highest")
        ok = all(isinstance(v, (int, float)) and not isinstance(v, bool) and low <= v <= high for v in parts)
        if not ok or (name == "brightness" and parts[0] > parts[1]):
            raise ValueError(f"{name.replace('_', ' ')} must be {low}..{high}")
    if not isinstance(values["horizontal_flip"], bool):
        raise ValueError("horizontal flip must be true or false")
    return AugmentSettings(**{**values, "brightness": tuple(values["brightness"])})


def describe_layers(settings=REPORT_SETTINGS):
    """Keras' built-in layers that do the same job, one per line, for teaching. (Training uses
    one fused layer instead: the same transforms in a single resampling.)"""
    s = settings
    lines = []
    if s.shear_degrees:
        lines.append(f"layers.RandomShear(x_factor=tan({s.shear_degrees}°)="
                     f"{math.tan(math.radians(s.shear_degrees)):.4f}, fill_mode='nearest')")
    if s.zoom:
        lines.append(f"layers.RandomZoom(({-s.zoom}, {s.zoom}), ({-s.zoom}, {s.zoom}), "
                     "fill_mode='nearest')")
    if s.horizontal_flip:
        lines.append("layers.RandomFlip('horizontal')")
    if s.width_shift or s.height_shift:
        lines.append(f"layers.RandomTranslation({s.height_shift}, {s.width_shift}, "
                     "fill_mode='nearest')")
    if s.rotation_degrees:
        lines.append(f"layers.RandomRotation({s.rotation_degrees}/360, fill_mode='nearest')")
    if tuple(s.brightness) != (1.0, 1.0):
        low, high = s.brightness
        lines.append(f"# brightness: x * uniform({low}, {high}), clipped to 0..255 "
                     "(layers.RandomBrightness adds an offset instead)")
    return lines
