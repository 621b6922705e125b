"""Hardening against bad input, through the entry points a user really hits: every kind of broken
or odd photo in one batch (inference.predict and the Classify page), non-ASCII file names through
prepare and predict, empty / one-class / junk-only folders and hostile zips on the Dataset page."""

import io
import json
import re
import shutil
import time
import unicodedata
import zipfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from pages.ui import i18n
from weather_core import CLASSES, data, runs, settings
from weather_core.use import inference
from weather_core.data import DataError
from support import assert_clean, demo_photo, open_page, png_declaring, shown, texts, zip_bytes

ROOT = Path(__file__).resolve().parent.parent

KOREAN_NAMES = ["맑음_shine_01.jpg", "비 rain 2.JPG", "흐림-cloudy-3.jpeg", "일출 sunrise 4.png"]


pytestmark = pytest.mark.usefixtures("roots")  # this module's own data, runs and cache roots


# ---------------------------------------------------------------------------------------------
# Photo files: the broken kinds, the odd-but-valid kinds


def _encode(image, fmt, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def bad_files():
    """(name, bytes, what the error must say) for each kind of file that is not a usable photo."""
    noise = np.random.default_rng(0).integers(0, 256, (200, 200, 3), dtype=np.uint8)
    jpeg = _encode(Image.fromarray(noise), "JPEG")
    model_zip = io.BytesIO()
    with zipfile.ZipFile(model_zip, "w") as archive:  # what a .keras file is: never opened as a model
        archive.writestr("config.json", json.dumps({"class_name": "Functional"}))
        archive.writestr("metadata.json", "{}")
    return [
        ("empty.jpg", b"", "not an image"),
        ("notes.jpg", b"these are my notes, not a photo\n", "not an image"),
        ("truncated.jpg", jpeg[: len(jpeg) // 2], "unreadable image"),
        ("bomb.png", png_declaring(30000, 30000), "too large"),
        ("model.jpg", model_zip.getvalue(), "not an image"),
    ]


def odd_photos(photo: bytes):
    """(name, bytes) of valid photos in the formats real downloads contain; `photo` is a JPEG."""
    upright = Image.open(io.BytesIO(photo)).convert("RGB")
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90 degrees clockwise to display"
    frames = [Image.new("RGB", (40, 30), colour).convert("P") for colour in ((200, 30, 30), (30, 30, 200))]
    animated = io.BytesIO()
    frames[0].save(animated, "GIF", save_all=True, append_images=frames[1:], duration=100)
    ramp = np.tile(np.linspace(0, 65535, 64, dtype=np.uint16), (48, 1))
    return [
        ("cmyk.jpg", _encode(upright.convert("CMYK"), "JPEG")),
        ("sixteen_bit.png", _encode(Image.fromarray(ramp), "PNG")),
        ("animated.gif", animated.getvalue()),
        ("exif_rotated.jpg", _encode(upright.transpose(Image.Transpose.ROTATE_90), "JPEG", exif=exif.tobytes())),
        (KOREAN_NAMES[0], photo),
        (KOREAN_NAMES[1], photo),
    ]


# ---------------------------------------------------------------------------------------------
# Bad input through inference.predict: each bad file gets its message, the rest still classify


def _check_batch(results, bad, good):
    assert [r["file"] for r in results] == [name for name, *_ in bad] + [name for name, _ in good]
    for result, (name, _, expected) in zip(results, bad):
        assert "class" not in result, name
        assert expected in result["error"], (name, result["error"])
    for result in results[len(bad):]:
        assert "error" not in result, result
        assert result["class"] in CLASSES
        assert sum(result["probabilities"].values()) == pytest.approx(1.0, abs=1e-4)


def test_predict_batch_of_bad_and_odd_files_from_bytes(tiny_run, demo_raw):
    """What the Classify page does: uploads' bytes with their names."""
    bad, good = bad_files(), odd_photos(demo_photo(demo_raw)) + [("sky.jpg", demo_photo(demo_raw, "sunrise2.jpg"))]
    files = [content for _, content, _ in bad] + [content for _, content in good]
    names = [name for name, *_ in bad] + [name for name, _ in good]
    start = time.perf_counter()
    results = inference.predict(tiny_run, files, names=names)
    _check_batch(results, bad, good)
    assert time.perf_counter() - start < 30  # the bomb is refused from its header, not decoded


def test_predict_batch_of_bad_and_odd_files_from_paths(tiny_run, demo_raw, tmp_path):
    """The CLI's path: files on disk (the JPEG fast path reads them differently from bytes)."""
    bad, good = bad_files(), odd_photos(demo_photo(demo_raw))
    paths = []
    for name, content, *_ in bad + good:
        (tmp_path / name).write_bytes(content)
        paths.append(tmp_path / name)
    results = inference.predict(tiny_run, paths, names=[p.name for p in paths])
    _check_batch(results, bad, good)
    missing = inference.predict(tiny_run, [tmp_path / "gone.jpg"])
    assert "error" in missing[0]


# ---------------------------------------------------------------------------------------------
# Non-ASCII file names through prepare (folder and zip), sort and predict


def _korean_source(folder, demo_raw):
    """Three photos per class with Korean, Japanese, accented and NFD-normalised names, plus junk."""
    folder.mkdir(parents=True)
    names = {
        "cloudy": ["흐림-cloudy-3.jpeg", "Ñublado cloudy 5.jpg", "구름 많음 cloudy.JPG"],
        "rain": ["비 rain 2.JPG", unicodedata.normalize("NFD", "소나기_rain_7.jpg"), "雨の日 rain.jpg"],
        "shine": ["맑음_shine_01.jpg", "晴れ shine.jpg", "Sonnenschein shine ü.jpg"],
        "sunrise": ["일출 sunrise 4.png", "日の出_sunrise.jpg", "amanecer sunrise ñ.jpg"],
    }
    for name, files in names.items():
        sources = sorted(demo_raw.glob(f"{name}*.jpg"))
        for source, target in zip(sources, files):
            if target.endswith(".png"):
                Image.open(source).save(folder / target, "PNG")
            else:
                shutil.copy(source, folder / target)
    (folder / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1\x00")
    (folder / "사진 메모.txt").write_text("memo", encoding="utf-8")
    (folder / "하위 폴더").mkdir()
    shutil.copy(sorted(demo_raw.glob("rain*.jpg"))[-1], folder / "하위 폴더" / "비 rain 9.jpg")
    return names


def _check_prepared(out, names, source_root):
    summary = data.load_summary(out)
    assert summary["classes"] == {name: 3 for name in CLASSES}
    for name, files in names.items():
        assert sorted(p.name for p in (out / "sorted" / name).iterdir()) == sorted(files)
    in_splits = sorted(p.name for p in (out / "split").glob("*/*/*"))
    assert in_splits == sorted(f for files in names.values() for f in files)
    skipped = {row["file"]: row["reason"] for row in summary["skipped"]}
    assert set(skipped) == {f"{source_root}.DS_Store", f"{source_root}사진 메모.txt", f"{source_root}하위 폴더"}
    assert "hidden" in skipped[f"{source_root}.DS_Store"]
    assert "folder" in skipped[f"{source_root}하위 폴더"]


def test_non_ascii_names_through_prepare_and_predict(tiny_run, demo_raw, tmp_path):
    src = tmp_path / "사진"
    names = _korean_source(src, demo_raw)
    out = tmp_path / "prepared 데이터"
    data.prepare(src, out)
    _check_prepared(out, names, "")

    # the same photos as a zip (UTF-8 names, wrapped in a folder, with macOS junk)
    archive = tmp_path / "날씨 사진.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for path in sorted(src.rglob("*")):
            if path.is_file():
                zipped.write(path, f"사진/{path.relative_to(src).as_posix()}")
        zipped.writestr("__MACOSX/사진/._맑음_shine_01.jpg", b"junk")
    out_zip = tmp_path / "from zip"
    data.prepare(archive, out_zip)
    _check_prepared(out_zip, names, "사진/")

    photos = [out / "sorted" / "shine" / "맑음_shine_01.jpg", out / "sorted" / "rain" / "비 rain 2.JPG"]
    results = inference.predict(tiny_run, photos, names=[p.name for p in photos])
    assert [r["file"] for r in results] == ["맑음_shine_01.jpg", "비 rain 2.JPG"]
    assert all(r["class"] in CLASSES for r in results)


def test_empty_junk_only_and_one_class_folders_are_data_errors(demo_raw, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    junk = tmp_path / "junk"
    junk.mkdir()
    (junk / ".DS_Store").write_bytes(b"\0Bud1")
    (junk / "photos").mkdir()
    (junk / "photos" / ".DS_Store").write_bytes(b"\0Bud1")
    (junk / "holiday.jpg").write_bytes(demo_photo(demo_raw))
    one = tmp_path / "one class"
    for path in sorted(demo_raw.glob("rain*.jpg"))[:4]:
        one.mkdir(exist_ok=True)
        shutil.copy(path, one / f"비 {path.name}")
    with pytest.raises(DataError, match="no photos whose name contains cloudy/rain/shine/sunrise"):
        data.prepare(empty, tmp_path / "out")
    with pytest.raises(DataError, match=r"no photos whose name .* \(\d+ files skipped\)"):
        data.prepare(junk, tmp_path / "out")
    with pytest.raises(DataError, match=r"only one class \(rain\).*at least two classes"):
        data.prepare(one, tmp_path / "out")
    assert not (tmp_path / "out" / "sorted").exists()


# ---------------------------------------------------------------------------------------------
# Dataset page: bad folders, paths outside the roots, hostile zips


def _prepare_folder(at, value):
    at.text_input[0].set_value(value).run()
    at.button[0].click().run()
    assert_clean(at)
    return texts(at.error)


def test_dataset_page_refuses_bad_folders_with_a_message(demo_raw, roots, tmp_path):
    data_root = settings.data_root()
    (data_root / "class").mkdir(parents=True, exist_ok=True)
    empty = data_root / "class" / "빈 폴더"
    empty.mkdir()
    one = data_root / "class" / "one"
    one.mkdir()
    for path in sorted(demo_raw.glob("rain*.jpg"))[:3]:
        shutil.copy(path, one / path.name)
    outside = tmp_path / "outside"
    outside.mkdir()
    shutil.copytree(demo_raw, outside / "photos")
    (data_root / "class" / "link_out").symlink_to(outside / "photos", target_is_directory=True)

    at = open_page("pages/dataset.py")
    at.radio[0].set_value("folder").run()
    assert "no photos whose name contains" in _prepare_folder(at, str(empty))
    assert "only one class (rain)" in _prepare_folder(at, str(one))
    refused = i18n.t("dataset.folder_refused", roots="")
    for bad in ["../", "../../etc", "/etc", str(outside / "photos"), str(data_root / "class" / "link_out"),
                f"{data_root}/../../", f"{data_root}-evil", "~"]:
        assert refused in _prepare_folder(at, bad), bad
    assert not (settings.prepared_root() / "dataset").exists() and not (settings.prepared_root() / "one").exists()


def _lying_zip(photo) -> bytes:
    """A zip whose one entry says 3 GiB: the declared size alone must stop it."""
    raw = bytearray(zip_bytes({"cloudy1.jpg": photo}))
    declared = (3 * 2**30).to_bytes(4, "little")
    local, central = raw.index(b"PK\x03\x04"), raw.index(b"PK\x01\x02")
    raw[local + 22: local + 26] = declared
    raw[central + 24: central + 28] = declared
    return bytes(raw)


def test_dataset_page_refuses_hostile_zips(demo_raw, roots):
    photo = demo_photo(demo_raw)
    escaping = zip_bytes({"photos/cloudy1.jpg": photo, "photos/rain1.jpg": photo,
                           "../../escaped_rain.jpg": photo})
    absolute = zip_bytes({"cloudy1.jpg": photo, "/tmp/escaped_abs_rain.jpg": photo})
    cases = [("escape.zip", escaping, "unsafe path"), ("absolute.zip", absolute, "unsafe path"),
             ("bomb.zip", _lying_zip(photo), "refusing to extract"),
             ("not_a_zip.zip", b"PK but not really a zip", "damaged zip file")]
    at = open_page("pages/dataset.py")
    at.radio[0].set_value("zip").run()
    for name, content, expected in cases:
        at.file_uploader[0].set_value((name, content, "application/zip"))
        at.button[0].click().run()
        assert_clean(at)
        assert expected in texts(at.error), (name, texts(at.error))
    assert not list(settings.data_root().parent.rglob("escaped_*"))
    assert not Path("/tmp/escaped_abs_rain.jpg").exists()
    assert not [p for p in settings.data_root().rglob(".extract-*")]  # no half extraction left


# ---------------------------------------------------------------------------------------------
# Classify page: one batch with every bad kind; models only from the runs root, never uploads


def test_classify_page_batch_with_bad_files(tiny_run, demo_raw, monkeypatch):
    import keras

    loaded = []
    real_load = keras.saving.load_model
    monkeypatch.setattr(keras.saving, "load_model",
                        lambda path, *a, **k: loaded.append((Path(path), k.get("safe_mode"))) or real_load(path, *a, **k))
    inference._MODELS.clear()
    bad = bad_files()
    good = odd_photos(demo_photo(demo_raw)) + [("sky.jpg", demo_photo(demo_raw, "shine4.jpg"))]
    uploads = [(name, content, "image/png" if name.endswith("png") else "image/jpeg")
               for name, content, *_ in bad + good]
    at = open_page("pages/classify.py")
    at.file_uploader[0].set_value(uploads).run()
    assert_clean(at)
    errors = [shown(e.value) for e in at.error]
    assert len(errors) == len(bad), errors
    for (name, _, expected), message in zip(bad, errors):
        assert message.startswith(f"{name}: ") and expected in message, message
        assert "Traceback" not in message and "/" not in message.split(": ", 1)[1]  # no server paths
    results = [m.group(1) for m in (re.match(r"\*\*(.+?)\*\*: ", shown(e.value)) for e in at.markdown) if m]
    assert results == [name for name, _ in good]
    assert len(at.get("plotly_chart")) >= len(good)  # a probability chart per classified photo
    # one model load, from the run folder inside the runs root, in safe mode; no upload was ever a model
    assert loaded and all(settings.runs_root() in path.resolve().parents and safe for path, safe in loaded)
    assert {path.name for path, _ in loaded} <= {runs.BEST_MODEL, runs.LAST_MODEL}


def test_the_cores_messages_are_said_in_korean(tiny_run, demo_raw, monkeypatch):
    """Errors from weather_core carry a key: Korean pages say them in Korean, one limit for every
    image too large, never PIL's own words."""
    monkeypatch.setattr(i18n, "BARE_LANGUAGE", "ko")  # AppTest formats widget options outside the run
    at = open_page("pages/classify.py", lang="ko")
    at.file_uploader[0].set_value([("notes.jpg", b"these are my notes", "image/jpeg"),
                                   ("bomb.png", png_declaring(30000, 30000), "image/png")]).run()
    assert_clean(at)
    shown_errors = texts(at.error)
    assert "notes.jpg: 이미지가 아닙니다" in shown_errors
    assert "bomb.png: 이미지가 너무 큽니다: 900,000,000 픽셀" in shown_errors
    assert "decompression" not in shown_errors and "not an image" not in shown_errors

    at = open_page("pages/dataset.py", lang="ko")
    at.radio[0].set_value("zip").run()
    at.file_uploader[0].set_value(("cut.zip", b"PK but not really a zip", "application/zip"))
    at.button[0].click().run()
    assert "손상된 zip 파일 cut" in texts(at.error) and "damaged" not in texts(at.error)
