"""Take a run home: one zip with a model that takes raw photos (its resizing and rescaling
inside) as Keras, TFLite (float and quantized) and ONNX files, labels, a predict.py of a few lines,
config, metrics as CSV and a short model card."""

import csv
import io
import json
import tempfile
import zipfile
from pathlib import Path

import numpy as np

from .. import runs
from . import inference


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
        f"- Model: `{config.get('model')}` at {config.get('image_size')}x{config.get('image_size')}x3."
        " Every file here takes raw photos: uint8 RGB pixels of any size, shape (1, height, width,"
        " 3); resizing (bilinear, then a 4x4 average for smooth shrinking) and scaling to 0..1 are"
        " inside the model" + (", and so is the test-time flip (a photo's and its mirror image's"
        " probabilities averaged)" if config.get("tta") else ""),
        "- Use: `python predict.py photo.jpg` (onnxruntime, pillow, numpy); in Keras,"
        " `keras.saving.load_model('model.keras')(pixels[None])`; on a phone, `model.tflite` or"
        " the 4x smaller `model_quantized.tflite` (8-bit weights)",
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


# Shrinking in the model: bilinear to 4x the model's size, then a 4x4 average. Plain bilinear
# aliases on a 4752-pixel photo; this stays close to the dashboard's own (antialiased) decode with
# ops that TFLite and ONNX both have (tf.image's antialiased resize has neither).
SUPERSAMPLE = 4
PREDICT_PY = """\"\"\"Classify photos with this zip's model.onnx: python predict.py photo.jpg [more.jpg ...]
(pip install onnxruntime pillow numpy). The model resizes and scales the photo itself.\"\"\"

import sys
from pathlib import Path

import numpy as np
import onnxruntime
from PIL import Image, ImageOps

here = Path(__file__).parent
labels = (here / "labels.txt").read_text().split()
session = onnxruntime.InferenceSession(str(here / "model.onnx"))
for path in sys.argv[1:]:
    photo = ImageOps.exif_transpose(Image.open(path)).convert("RGB")
    pixels = np.asarray(photo, dtype=np.uint8)[None]  # (1, height, width, 3), any size
    probabilities = session.run(None, {session.get_inputs()[0].name: pixels})[0][0]
    best = int(probabilities.argmax())
    print(f"{path}: {labels[best]} ({probabilities[best]:.0%})")
"""


def raw_photo_model(run_dir):
    """The run's model behind its own preprocessing: uint8 photos (1, height, width, 3) of any
    size in, class probabilities out, test-time flip included when the run was scored with it."""
    import keras

    model = inference.load_model(run_dir)
    size = model.input_shape[1]
    photo = keras.Input((None, None, 3), dtype="uint8", name="photo")
    x = keras.layers.Resizing(size * SUPERSAMPLE, size * SUPERSAMPLE, dtype="float32")(
        keras.ops.cast(photo, "float32"))
    x = keras.layers.AveragePooling2D(SUPERSAMPLE, dtype="float32")(x)
    x = keras.layers.Rescaling(1 / 255, dtype="float32")(x)
    probabilities = model(x, training=False)
    if inference.uses_tta(run_dir):
        probabilities = (probabilities + model(keras.ops.flip(x, axis=2), training=False)) / 2
    raw = keras.Model(photo, probabilities, name=f"{model.name}_raw_photos")
    raw(keras.ops.zeros((1, size, size, 3), "uint8"))  # built: the exporters need a called model
    return raw


def converted_files(raw, folder) -> dict:
    """{file name: bytes} of the raw-photo model as Keras, TFLite (float, quantized) and ONNX."""
    import tensorflow as tf

    folder = Path(folder)
    raw.save(folder / "model.keras")
    builtins_only = {"supported_ops": [tf.lite.OpsSet.TFLITE_BUILTINS]}  # no Flex: runs on phones
    raw.export(str(folder / "model.tflite"), format="litert", verbose=False, target_spec=builtins_only)
    raw.export(str(folder / "model_quantized.tflite"), format="litert", verbose=False,
               target_spec=builtins_only, optimizations=[tf.lite.Optimize.DEFAULT])
    raw.export(str(folder / "model.onnx"), format="onnx", verbose=False)
    names = ("model.keras", "model.tflite", "model_quantized.tflite", "model.onnx")
    return {name: (folder / name).read_bytes() for name in names}


def export_zip(run_dir, out_path=None, converted=True) -> bytes:
    """The run as one zip (returned as bytes, and written to `out_path` when given). Only the run's
    own regular files go in: a link (to /etc/shadow, to another run) is never followed. Without
    `converted`, the run's own model.keras (0..1 inputs at its size) instead of the raw-photo files."""
    run_dir = Path(run_dir)
    model = runs.read_own_bytes(run_dir, inference.model_path(run_dir).name)  # no links, see there
    config = runs.read_own_bytes(run_dir, "config.json")
    if model is None or config is None:
        raise ValueError(f"run {run_dir.name}: its model or config.json is missing or a link; nothing exported")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        if converted:
            with tempfile.TemporaryDirectory() as tmp:
                for name, payload in converted_files(raw_photo_model(run_dir), tmp).items():
                    archive.writestr(name, payload)
            archive.writestr("predict.py", PREDICT_PY)
        else:
            archive.writestr("model.keras", model)
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


def tflite_predict(tflite_payload: bytes, photos):
    """Run an exported TFLite model on raw photos: uint8 arrays (height, width, 3) of any size."""
    import tensorflow as tf

    interpreter = tf.lite.Interpreter(model_content=tflite_payload)
    input_index = interpreter.get_input_details()[0]["index"]
    output_index = interpreter.get_output_details()[0]["index"]
    results = []
    for photo in photos:
        interpreter.resize_tensor_input(input_index, [1, *photo.shape])
        interpreter.allocate_tensors()
        interpreter.set_tensor(input_index, np.asarray(photo, dtype=np.uint8)[None])
        interpreter.invoke()
        results.append(interpreter.get_tensor(output_index)[0])
    return np.stack(results)
