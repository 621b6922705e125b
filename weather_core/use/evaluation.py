"""Honest evaluation of a run: every image of the untouched test split (or any folder), with
accuracy, loss, confusion matrix, per-class precision/recall/F1 and the misclassified files."""

from pathlib import Path

import numpy as np

from .. import data
from . import inference
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


def most_confused(report, top=3) -> list[dict]:
    """The pairs of classes a report mixes up most, both directions counted: [{"classes": (a, b),
    "total", "a_as_b", "b_as_a", "share" (of all mistakes)}], most mistakes first, none when none."""
    classes, matrix = report["classes"], report["confusion_matrix"]
    mistakes = sum(matrix[i][j] for i in range(len(classes)) for j in range(len(classes)) if i != j)
    pairs = []
    for i in range(len(classes)):
        for j in range(i + 1, len(classes)):
            total = matrix[i][j] + matrix[j][i]
            if total:
                pairs.append({"classes": (classes[i], classes[j]), "total": total,
                              "a_as_b": matrix[i][j], "b_as_a": matrix[j][i], "share": total / mistakes})
    pairs.sort(key=lambda pair: (-pair["total"], pair["classes"]))
    return pairs[:top]


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
    tta = inference.uses_tta(run_dir)
    probabilities = np.concatenate([inference.probabilities_of(model, np.asarray(x), tta)
                                    for x, _ in dataset])
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
