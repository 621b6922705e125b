"""Loading a run's trained model (safely, from the runs root only) and classifying photos."""

import threading
from collections import OrderedDict
from pathlib import Path

import numpy as np

from ..data.images import ImageError, decode
from ..models.pipeline import to_model_input
from .. import CLASSES, runs
from ..models import build

_MODELS = OrderedDict()  # (path, mtime) -> model; a few at most, so memory stays bounded
_MODELS_MAX = 3
MODEL_LOCK = threading.Lock()  # one model load or call at a time: memory stays flat under load


def model_path(run_dir) -> Path:
    """best.keras (else last.keras) of a run folder, under the rule every reader of runs applies
    (runs.is_run_folder): never through a link, to the folder or to the file."""
    run_dir = Path(run_dir)
    if not runs.is_run_folder(run_dir):
        raise ValueError(f"run {run_dir.name} is not a run folder (a link to elsewhere?); refusing to "
                         "load its model")
    for name in (runs.BEST_MODEL, runs.LAST_MODEL):
        path = run_dir / name
        if path.is_symlink():
            raise ValueError(f"run {run_dir.name}: {name} is a link (to a file outside the run folder?); "
                             "refusing to load it")
        if runs.own_file(run_dir, name):
            return path
    raise ValueError(f"run {run_dir.name} has no saved model yet")


def load_model(run_dir):
    """The run's best model; safe_mode refuses arbitrary code (no lambdas) in the file."""
    import keras

    path = model_path(run_dir)
    key = (str(path), path.stat().st_mtime_ns)
    with MODEL_LOCK:
        if key in _MODELS:
            _MODELS.move_to_end(key)
            return _MODELS[key]
        try:
            model = keras.saving.load_model(path, compile=False, safe_mode=True)
        except Exception as error:  # keras says "File not found" for a damaged zip: say what it is
            raise ValueError(_load_error(Path(run_dir).name, path.name, error)) from None
        try:
            model = _as_float32(model, run_dir)
        except Exception as error:  # a config.json that names another model, or edited weights
            raise ValueError(f"run {Path(run_dir).name}: config.json does not match its model "
                             f"({type(error).__name__})") from None
        _MODELS[key] = model
        while len(_MODELS) > _MODELS_MAX:
            _MODELS.popitem(last=False)
        return model


def _as_float32(model, run_dir):
    """Models trained in mixed precision (bfloat16 on CPUs, float16 on GPUs) are rebuilt in float32
    with the same weights: exact probabilities, any CPU, and a TFLite export without extra ops."""
    import keras

    if all(layer.dtype_policy.name == "float32" for layer in model.layers):
        return model
    config = runs.read_config(run_dir)
    if "model" not in config or "image_size" not in config:
        raise ValueError(f"run {Path(run_dir).name}: config.json is missing or damaged")
    previous = keras.mixed_precision.global_policy()
    keras.mixed_precision.set_global_policy("float32")
    try:
        clean = build(config["model"], config["image_size"], model.output_shape[-1])
    finally:
        keras.mixed_precision.set_global_policy(previous)
    clean.set_weights(model.get_weights())
    return clean


def _load_error(run_id, name, error) -> str:
    if "safe_mode" in str(error) or "unsafe" in str(error):
        return (f"run {run_id}: {name} contains Python code (e.g. a Lambda layer); safe mode refuses "
                "to load it, and it was not run")
    return f"run {run_id}: {name} cannot be loaded (damaged or not a Keras model file)"


def run_classes(run_dir):
    config = runs.read_config(run_dir)  # image_size a whole number, class_names texts, when present
    size, names = config.get("image_size"), config.get("class_names") or list(CLASSES)
    if size is None or size <= 0:
        raise ValueError(f"run {Path(run_dir).name} is damaged: config.json is missing or has no "
                         "valid image_size/class_names")
    return names, size


def uses_tta(run_dir) -> bool:
    """Whether the run was trained to be scored with test-time flips (config.json's `tta`)."""
    return runs.read_config(run_dir).get("tta") is True


def probabilities_of(model, batch, tta=False):
    """The model's probabilities for a batch in 0..1; with tta, the mean of each photo's and its
    mirror image's (the sky has no left and right, so both are fair views of the same photo)."""
    with MODEL_LOCK:
        found = np.asarray(model(batch, training=False), dtype="float64")
        if tta:
            found = (found + np.asarray(model(batch[:, :, ::-1], training=False), dtype="float64")) / 2
    return found


def predict_arrays(run_dir, arrays):
    """Probabilities (N x classes) for uint8 images already at the run's image size."""
    return probabilities_of(load_model(run_dir), to_model_input(np.stack(arrays)), uses_tta(run_dir))


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
            results.append({"file": name, "error": str(error), **error_key(error)})
    if arrays:
        probabilities = predict_arrays(run_dir, arrays)
        for index, row in zip(good, probabilities):
            results[index]["class"] = class_names[int(row.argmax())]
            results[index]["probabilities"] = {c: round(float(p), 6) for c, p in zip(class_names, row)}
    return results


def error_key(error) -> dict:
    """{"error_key", "error_values"} of a UserError (what a page translates), else {}."""
    key = getattr(error, "key", None)
    return {"error_key": key, "error_values": dict(error.values)} if key else {}
