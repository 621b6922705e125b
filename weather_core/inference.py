"""Loading a run's trained model (safely, from the runs root only) and classifying photos."""

import threading
from collections import OrderedDict
from pathlib import Path

import numpy as np

from . import runs
from .images import ImageError, decode
from .pipeline import to_model_input

_MODELS = OrderedDict()  # (path, mtime) -> model; a few at most, so memory stays bounded
_MODELS_MAX = 3
_LOCK = threading.Lock()


def model_path(run_dir) -> Path:
    run_dir = Path(run_dir)
    for name in (runs.BEST_MODEL, runs.LAST_MODEL):
        if (run_dir / name).exists():
            return run_dir / name
    raise ValueError(f"run {run_dir.name} has no saved model yet")


def load_model(run_dir):
    """The run's best model; safe_mode refuses arbitrary code (no lambdas) in the file."""
    import keras

    path = model_path(run_dir)
    key = (str(path), path.stat().st_mtime_ns)
    with _LOCK:
        if key in _MODELS:
            _MODELS.move_to_end(key)
            return _MODELS[key]
        model = keras.saving.load_model(path, compile=False, safe_mode=True)
        _MODELS[key] = model
        while len(_MODELS) > _MODELS_MAX:
            _MODELS.popitem(last=False)
        return model


def run_classes(run_dir):
    config = runs.read_json(Path(run_dir) / "config.json", {}) or {}
    return config.get("class_names") or ["cloudy", "rain", "shine", "sunrise"], int(config["image_size"])


def predict_arrays(run_dir, arrays):
    """Probabilities (N x classes) for uint8 images already at the run's image size."""
    model = load_model(run_dir)
    batch = to_model_input(np.stack(arrays))
    with _LOCK:  # one Keras call at a time keeps memory flat when many sessions classify
        return np.asarray(model(batch, training=False), dtype="float64")


def predict(run_dir, sources, names=None):
    """Classify files or bytes; each result is {file, class, probabilities} or {file, error}."""
    class_names, size = run_classes(run_dir)
    names = names or [str(s) for s in sources]
    results, good, arrays = [], [], []
    for name, source in zip(names, sources):
        try:
            arrays.append(decode(source, size))
            good.append(len(results))
            results.append({"file": name})
        except (ImageError, OSError) as error:
            results.append({"file": name, "error": str(error)})
    if arrays:
        probabilities = predict_arrays(run_dir, arrays)
        for index, row in zip(good, probabilities):
            results[index]["class"] = class_names[int(row.argmax())]
            results[index]["probabilities"] = {c: round(float(p), 6) for c, p in zip(class_names, row)}
    return results
