"""Export benchmark: a run's zip files (raw-photo Keras, TFLite float and quantized, ONNX) with
their sizes, each one's accuracy on the run's own test split from full-size photos, and how often
each agrees with the dashboard's `predict` (which decodes and resizes with PIL).

Run:  .venv/bin/python -m scripts.bench_export RUN_DIR
"""

import argparse
import io
import tempfile
import time
import zipfile
from pathlib import Path

import numpy as np

from weather_core import runs
from weather_core.data import split_dirs
from weather_core.data.images import open_rgb
from weather_core.use import export, inference


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run", type=Path)
    args = parser.parse_args()
    config = runs.read_config(args.run)
    test_dir = split_dirs(config["data"])["test"]
    photos = sorted(p for p in test_dir.glob("*/*") if p.is_file())
    truth = [p.parent.name for p in photos]
    start = time.perf_counter()
    payload = export.export_zip(args.run)
    print(f"export of {args.run.name}: {time.perf_counter() - start:.1f} s, zip {len(payload) / 2**20:.2f} MiB")
    archive = zipfile.ZipFile(io.BytesIO(payload))
    labels = archive.read("labels.txt").decode().split()
    expected = [row["class"] for row in inference.predict(args.run, [str(p) for p in photos])]
    pixels = [np.asarray(open_rgb(p)) for p in photos]
    import onnxruntime

    with tempfile.TemporaryDirectory() as tmp:
        archive.extractall(tmp)
        onnx = onnxruntime.InferenceSession(str(Path(tmp) / "model.onnx"))
        runners = {
            "model.onnx": lambda p: onnx.run(None, {onnx.get_inputs()[0].name: p[None]})[0][0],
            "model.tflite": lambda p: export.tflite_predict(archive.read("model.tflite"), [p])[0],
            "model_quantized.tflite": lambda p: export.tflite_predict(archive.read("model_quantized.tflite"), [p])[0],
        }
        print(f"{'file':<24} {'size':>10} {'test accuracy':>14} {'agrees with predict':>20}")
        print(f"{'predict (PIL decode)':<24} {'':>10} {np.mean([e == t for e, t in zip(expected, truth)]):>14.4f} {'':>20}")
        for name, run in runners.items():
            found = [labels[int(np.argmax(run(p)))] for p in pixels]
            accuracy = np.mean([f == t for f, t in zip(found, truth)])
            agree = np.mean([f == e for f, e in zip(found, expected)])
            print(f"{name:<24} {len(archive.read(name)) / 1024:>8.0f} KiB {accuracy:>14.4f} {agree:>20.4f}")
    print(f"model.keras {len(archive.read('model.keras')) / 1024:.0f} KiB; {len(photos)} test photos")


if __name__ == "__main__":
    main()
