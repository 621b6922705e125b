"""Helpers shared by the test modules: private data/runs/cache roots, waiting for a background
process, opening a dashboard page under app.py with AppTest, and hostile inputs (a PNG header
declaring a huge image, a run whose model holds a Lambda layer)."""

import contextlib
import io
import re
import shutil
import struct
import time
import zipfile
import zlib
from pathlib import Path

import pytest

TINY = dict(model="model_1", epochs=1, image_size=32, batch_size=16)  # a run in seconds

ROOT = Path(__file__).resolve().parent.parent

APP = str(ROOT / "app.py")
TIMEOUT = 90  # the first TensorFlow import on a busy 2-core machine is slow


def private_roots(tmp_path_factory, name):
    """Generator for a module fixture: its own WEATHER_DATA/RUNS/CACHE_DIR under one folder."""
    base = tmp_path_factory.mktemp(name)
    patch = pytest.MonkeyPatch()
    for root in ("data", "runs", "cache"):
        patch.setenv(f"WEATHER_{root.upper()}_DIR", str(base / root))
    patch.delenv("WEATHER_MAX_TRAININGS", raising=False)
    yield base
    patch.undo()


def copy_run(run_dir, runs_root, name=None) -> Path:
    """A copy of a session-trained run in a runs root (pages list it, tests may change it)."""
    return Path(shutil.copytree(run_dir, Path(runs_root) / (name or Path(run_dir).name)))


@contextlib.contextmanager
def run_data_at(run_dir, prepared):
    """Meanwhile the run's config.json names `prepared` as its dataset. Pages show a run's photos
    only from inside the data root (issue 12): a session-trained run is pointed at the module's copy."""
    from weather_core import runs

    config = runs.read_json(Path(run_dir) / "config.json")
    runs.write_json_atomic(Path(run_dir) / "config.json", {**config, "data": str(prepared)})
    try:
        yield
    finally:
        runs.write_json_atomic(Path(run_dir) / "config.json", config)


def wait_for(predicate, timeout=180, every=0.3):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(every)
    return False


def open_page(page, query=None, secrets=None, **state):
    """A fresh session: app.py runs, then switches to `page` (as a click in the sidebar does),
    with `query` as the URL's parameters (a lesson link), `secrets` as secrets.toml's sections and
    `state` in session state."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for section, values in (secrets or {}).items():
        at.secrets[section] = values
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    at.query_params.update(query or {})
    at.switch_page(page).run()
    assert_clean(at)
    return at


def assert_clean(at):
    assert not at.exception, [e.value for e in at.exception]


def frame_values(at) -> list:
    """The data frames a page shows, in order."""
    return [frame.value for frame in at.dataframe]


def plotly_charts(at) -> list:
    return at.get("plotly_chart")


def shown(markdown) -> str:
    """Markdown source as a reader sees it: the backslash escapes of user values
    (pages.ui.formatting.plain) removed."""
    return re.sub(r"\\(.)", r"\1", str(markdown))


def texts(elements):
    """The elements' text as a reader sees it (escapes removed), joined."""
    return " ".join(shown(e.value) for e in elements)


def png_declaring(width, height) -> bytes:
    """A tiny PNG whose header claims width x height pixels (a decompression bomb)."""

    def chunk(kind, payload):
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    rows = zlib.compress(b"\x00" * (1 + (width + 7) // 8) * 4)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")


def demo_photo(demo_raw, name="rain1.jpg") -> bytes:
    """The bytes of one demo photo (conftest's demo_raw folder)."""
    return (demo_raw / name).read_bytes()


def lambda_run(root, marker: Path) -> Path:
    """A run folder whose best.keras holds a Lambda layer that would create `marker` if ever run."""
    import keras

    from weather_core import CLASSES, runs

    run_dir = root / "20990101-000009-model_1-lambda"
    run_dir.mkdir(parents=True)
    target = str(marker)
    inputs = keras.Input((32, 32, 3))
    hidden = keras.layers.Lambda(lambda x: (open(target, "w").close(), x)[1])(inputs)
    outputs = keras.layers.Dense(4, activation="softmax")(keras.layers.GlobalAveragePooling2D()(hidden))
    keras.Model(inputs, outputs).save(run_dir / runs.BEST_MODEL)
    marker.unlink(missing_ok=True)  # building the model ran the lambda once, here in the test
    runs.write_json_atomic(run_dir / "config.json", {"model": "model_1", "image_size": 32,
                                                     "class_names": list(CLASSES)})
    runs.write_status(run_dir, "finished", created=1.0, test_accuracy=0.5)
    return run_dir


# Files for the data-side tests: a zip of given entries, a small JPEG, a folder's file list


def make_zip(path, entries):
    """entries: {name or ZipInfo: bytes}; `path` may be a file object."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, payload in entries.items():
            archive.writestr(name, payload)
    return path


def zip_bytes(entries) -> bytes:
    return make_zip(io.BytesIO(), entries).getvalue()


def jpeg_bytes(colour=(100, 100, 100)):
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), colour).save(buffer, "JPEG")
    return buffer.getvalue()


def tree(folder):
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def jpeg(path, colour=(90, 120, 200), size=(48, 32), fmt="JPEG"):
    path.parent.mkdir(parents=True, exist_ok=True)
    from PIL import Image

    Image.new("RGB", size, colour).save(path, fmt)
    return path


def snapshot(folder):
    """Every file under folder with its bytes' hash and mtime: to prove a source is untouched."""
    import hashlib

    return {
        p.relative_to(folder).as_posix(): (hashlib.sha1(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*")) if p.is_file()
    }


def expected_split(n, ratio):
    """What split-folders gives one class of n photos: train and val rounded down, the rest test."""
    train, val = int(n * ratio[0]), int(n * ratio[1])
    if len(ratio) == 2:
        return {"train": train, "val": n - train}
    return {"train": train, "val": val, "test": n - train - val}


def owned_run(root, name, owner, state="queued", **status):
    """A run folder of `owner` in `state` (no training behind it): for pages that list or manage runs."""
    from weather_core import runs

    run_dir = Path(root) / name
    run_dir.mkdir(parents=True)
    runs.write_json_atomic(run_dir / "config.json", {"model": "model_1", "epochs": 3, "image_size": 32,
                                                     "owner": owner, "recipe": "quick"})
    runs.write_status(run_dir, state, created=time.time(), **status)
    return run_dir

