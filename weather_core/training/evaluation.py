"""Honest evaluation of a run: every image of the untouched test split (or any folder), with
accuracy, loss, confusion matrix, per-class precision/recall/F1 and the misclassified files."""

from pathlib import Path

import numpy as np

from .. import data
from ..use import inference
from ..models import pipeline


def metrics_from_predictions(labels, probabilities, class_names):
    """Plain-numpy metrics; `labels` are class indices, `probabilities` N x classes."""
    labels = np.asarray(labels, dtype=int)
    probabilities = np.asarray(probabilities, dtype="float64")
    k = len(class_names)
    predicted = probabilities.argmax(axis=1) if len(labels) else np.zeros(0, dtype=int)
    confusion = np.zeros((k, k), dtype=int)
    np.add.at(confusion, (labels, predicted), 1)
    eps = 1e-7
    picked = np.clip(probabilities[np.arange(len(labels)), labels], eps, 1.0) if len(labels) else []
    per_class = {}
    for index, name in enumerate(class_names):
        tp = int(confusion[index, index])
        predicted_as = int(confusion[:, index].sum())
        actual = int(confusion[index].sum())
        precision = tp / predicted_as if predicted_as else 0.0
        recall = tp / actual if actual else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_class[name] = {"precision": precision, "recall": recall, "f1": f1, "support": actual}
    return {
        "accuracy": float((predicted == labels).mean()) if len(labels) else 0.0,
        "loss": float(-np.log(picked).mean()) if len(labels) else 0.0,
        "n": int(len(labels)),
        "classes": list(class_names),
        "confusion_matrix": confusion.tolist(),
        "per_class": per_class,
    }, predicted


def evaluate_run(run_dir, split=None, images=None, batch_size=32):
    """Score a run's best model on a loaded split, or on a folder (`images`: class sub-folders or a
    flat folder named like the real data). Returns the CLI's JSON object."""
    class_names, size = inference.run_classes(run_dir)
    if split is None:
        folder = images if images is not None else data.split_dirs(_run_data(run_dir))["test"]
        split = pipeline.load_split(folder, size, class_names)
    if len(split) == 0:
        raise data.DataError("no labelled photos to evaluate")
    model = inference.load_model(run_dir)
    dataset = pipeline.make_dataset(split, size, batch_size, len(class_names))
    probabilities = np.concatenate([np.asarray(model(x, training=False)) for x, _ in dataset])
    report, predicted = metrics_from_predictions(split.labels, probabilities, class_names)
    # Every photo's prediction, so the error explorer can list any confusion-matrix cell.
    report["predictions"] = [
        {"file": split.files[i], "true": class_names[split.labels[i]],
         "predicted": class_names[predicted[i]], "confidence": round(float(probabilities[i].max()), 6),
         "probabilities": {c: round(float(p), 6) for c, p in zip(class_names, probabilities[i])}}
        for i in range(len(split))
    ]
    report["misclassified"] = [row for row in report["predictions"] if row["true"] != row["predicted"]]
    report["unreadable"] = [{"file": f, "error": e} for f, e in split.errors.items()]
    return report


def _run_data(run_dir):
    data_dir = inference.runs.read_config(run_dir).get("data")  # a checked text, or absent
    if not data_dir:
        raise data.DataError(f"run {Path(run_dir).name}: config.json names no dataset; use --images")
    return data_dir
