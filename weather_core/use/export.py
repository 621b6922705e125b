"""Take a run home: one zip with the Keras model, a TFLite export, labels, config, metrics as CSV
and a short model card."""

import csv
import io
import json
import tempfile
import zipfile
from pathlib import Path

from . import inference
from .. import runs


def metrics_csv(run_dir) -> str:
    rows = runs.read_metrics(run_dir)
    columns = ["epoch", "loss", "accuracy", "val_loss", "val_accuracy", "lr", "seconds",
               "train_images_per_second", "best"]
    out = io.StringIO()
    writer = csv.DictWriter(out, columns, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def model_card(run_dir) -> str:
    run = runs.load_run(run_dir)
    config, evaluation = run.config, runs.read_evaluation(run_dir)[0] or {}
    split = {name: part for name, part in config.get("split", {}).items() if isinstance(part, dict)}
    lines = [
        f"# Model card: {run.run_id}",
        "",
        f"- Model: `{config.get('model')}` at {config.get('image_size')}x{config.get('image_size')}x3,"
        f" inputs scaled to 0..1 (pixel / 255)",
        f"- Classes (output order): {', '.join(config.get('class_names', []))}",
        f"- Data: `{config.get('data')}`; split "
        + ", ".join(f"{name} {part.get('count')}" for name, part in split.items()),
        f"- Training: {config.get('epochs')} epochs, batch {config.get('batch_size')}, Adam lr "
        f"{config.get('learning_rate')}, augmentation {'on' if config.get('augment') else 'off'}, "
        f"callbacks: {', '.join(config.get('callbacks', [])) or 'none'}, seed {config.get('seed')}",
        f"- Device: {config.get('device', {}).get('type')} {config.get('device', {}).get('gpus') or ''}",
        f"- Packages: {json.dumps(config.get('packages', {}))}",
        f"- Best validation accuracy: {run.best_val_accuracy}",
    ]
    if evaluation:
        lines += [f"- Test accuracy: {evaluation.get('accuracy', 0):.4f} on {evaluation['n']} photos "
                  "that neither training nor learning-rate scheduling saw", "",
                  "Confusion matrix (rows: true, columns: predicted):", "",
                  "| | " + " | ".join(evaluation["classes"]) + " |",
                  "|---" * (len(evaluation["classes"]) + 1) + "|"]
        lines += [f"| {name} | " + " | ".join(map(str, row)) + " |"
                  for name, row in zip(evaluation["classes"], evaluation["confusion_matrix"])]
    return "\n".join(lines) + "\n"


def tflite_bytes(run_dir) -> bytes:
    model = inference.load_model(run_dir)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "model.tflite"
        model.export(str(path), format="litert", verbose=False)
        return path.read_bytes()


def export_zip(run_dir, out_path=None, include_tflite=True) -> bytes:
    """The run as one zip (returned as bytes, and written to `out_path` when given). Only the run's
    own regular files go in: a link (to /etc/shadow, to another run) is never followed."""
    run_dir = Path(run_dir)
    model = runs.read_own_bytes(run_dir, inference.model_path(run_dir).name)  # no links, see there
    config = runs.read_own_bytes(run_dir, "config.json")
    if model is None or config is None:
        raise ValueError(f"run {run_dir.name}: its model or config.json is missing or a link; nothing exported")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("model.keras", model)
        if include_tflite:
            archive.writestr("model.tflite", tflite_bytes(run_dir))
        archive.writestr("labels.txt", "\n".join(runs.read_config(run_dir).get("class_names", [])) + "\n")
        archive.writestr("config.json", config)
        evaluation = runs.read_own_bytes(run_dir, "evaluation.json")
        if evaluation is not None:
            archive.writestr("evaluation.json", evaluation)
        archive.writestr("metrics.csv", metrics_csv(run_dir))
        archive.writestr("MODEL_CARD.md", model_card(run_dir))
    payload = buffer.getvalue()
    if out_path:
        Path(out_path).write_bytes(payload)
    return payload


def tflite_predict(tflite_payload: bytes, images_0_1):
    """Run the exported TFLite model on a batch (N, H, W, 3) of float32 inputs."""
    import numpy as np
    import tensorflow as tf

    interpreter = tf.lite.Interpreter(model_content=tflite_payload)
    input_index = interpreter.get_input_details()[0]["index"]
    output_index = interpreter.get_output_details()[0]["index"]
    results = []
    for image in images_0_1:
        interpreter.resize_tensor_input(input_index, [1, *image.shape])
        interpreter.allocate_tensors()
        interpreter.set_tensor(input_index, image[None].astype("float32"))
        interpreter.invoke()
        results.append(interpreter.get_tensor(output_index)[0])
    return np.stack(results)
