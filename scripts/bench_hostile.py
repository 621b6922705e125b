"""Figures for issue 12's two risks, each against its old code path in the same run:

  decode   peak memory (RSS) of decoding one 7900x7900 PNG (182 KB, under the pixel cap) for a
           training (250 px) and for a Dataset-page thumbnail (120 px), old path vs new
  summary  CPU seconds per classification before and after a Models-page summary, with the old
           summary (keras.backend.clear_session, then build) and the new one (no clear_session)

    .venv/bin/python -m scripts.bench_hostile [decode|summary]
"""

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLASSIFICATIONS = 40


def huge_png(path: Path) -> Path:
    from PIL import Image

    image = Image.new("1", (7900, 7900), 0)
    image.paste(1, (0, 0, 3950, 7900))
    image.save(path, optimize=True)
    return path


DECODE_VARIANTS = {
    "training 250 px, old": "np.asarray(images._open_rgb(p).resize((250, 250), Image.BILINEAR, reducing_gap=3.0))",
    "training 250 px, new": "images.decode(p, 250)",
    "thumbnail 120 px, old": "images._open_rgb(p).thumbnail((120, 120))",
    "thumbnail 120 px, new": "images.open_rgb(p, max_side=120).thumbnail((120, 120))",
}


def decode_child(expression, path) -> dict:
    """Peak RSS growth (MB) of one decode in a fresh process (the imports are done before)."""
    code = (f"import resource, numpy as np; from PIL import Image; from weather_core.data import images; p = {str(path)!r}; "
            "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss; "
            f"{expression}; "
            "print((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def bench_decode():
    with tempfile.TemporaryDirectory() as tmp:
        path = huge_png(Path(tmp) / "huge.png")
        print(f"PNG {path.stat().st_size / 1024:.0f} KB, 7900x7900, mode 1")
        figures = {name: decode_child(code, path) for name, code in DECODE_VARIANTS.items()}
    for name, mb in figures.items():
        print(f"  {name:<24} peak RSS +{mb:7.1f} MB")
    for use in ("training 250 px", "thumbnail 120 px"):
        old, new = figures[f"{use}, old"], figures[f"{use}, new"]
        print(f"  {use}: new/old = {new / old:.2f}")
    return figures


def cpu_per_classification(run_dir, arrays) -> float:
    from weather_core.use import inference

    start = time.process_time()
    for array in arrays:
        inference.predict_arrays(run_dir, [array])
    return (time.process_time() - start) / len(arrays)


def bench_summary():
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import keras
    import numpy as np

    from weather_core import CLASSES, models, runs

    size = 192
    with tempfile.TemporaryDirectory() as tmp:
        run_dir = Path(tmp) / "20990101-000000-model_3-bench"
        run_dir.mkdir()
        models.build("model_3", size, 4).save(run_dir / runs.BEST_MODEL)
        runs.write_json_atomic(run_dir / "config.json", {"model": "model_3", "image_size": size,
                                                         "class_names": list(CLASSES)})
        arrays = [np.random.default_rng(i).integers(0, 255, (size, size, 3), dtype=np.uint8)
                  for i in range(CLASSIFICATIONS)]
        cpu_per_classification(run_dir, arrays[:5])  # load and trace once
        figures = {"before any summary": cpu_per_classification(run_dir, arrays)}
        keras.backend.clear_session(free_memory=False)  # the old summary
        models.build("model_3", size, 4)
        figures["after the old summary"] = cpu_per_classification(run_dir, arrays)
        models.summary("model_3", size)  # the new summary
        figures["after the new summary"] = cpu_per_classification(run_dir, arrays)
    base = figures["before any summary"]
    print(f"model_3 at {size} px, {CLASSIFICATIONS} single-photo classifications each")
    for name, seconds in figures.items():
        print(f"  {name:<24} {seconds * 1000:7.1f} ms CPU per classification ({seconds / base:.2f}x)")
    return figures


if __name__ == "__main__":
    which = sys.argv[1:] or ["decode", "summary"]
    results = {}
    if "decode" in which:
        results["decode_peak_rss_mb"] = bench_decode()
    if "summary" in which:
        results["cpu_seconds_per_classification"] = bench_summary()
    print(json.dumps(results))
