"""Sorting by file name, splitting, prepare, the health report, and the real-data acceptance test
(safe zip extraction: test_archive.py)."""

import hashlib
import random
import shutil
from pathlib import Path

import pytest
from PIL import Image

from weather_core import CLASSES, data
from weather_core.data import health
from weather_core.data import DataError
from weather_core.data.images import DecodeCache
from support import jpeg_bytes, make_zip, tree


def jpeg(path, colour=(90, 120, 200), size=(48, 32), fmt="JPEG"):
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, colour).save(path, fmt)
    return path


def snapshot(folder):
    """Every file under folder with its bytes' hash and mtime: to prove a source is untouched."""
    return {
        p.relative_to(folder).as_posix(): (hashlib.sha1(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*")) if p.is_file()
    }


@pytest.fixture
def cache(tmp_path):
    return DecodeCache(tmp_path / "cache", 10**8)


@pytest.fixture
def messy(tmp_path):
    """A download as people really have it: odd cases, odd names, junk and broken files."""
    src = tmp_path / "messy"
    jpeg(src / "Cloudy12.JPG", (150, 150, 150))
    jpeg(src / "rain_03.png", (60, 60, 70), fmt="PNG")
    jpeg(src / "sunrise-7.jpeg", (240, 140, 60))
    jpeg(src / "shine1.jpg", (80, 140, 240), fmt="PNG")  # PNG named .jpg, as in the real data
    jpeg(src / "SUNRISE2.jpg", (230, 120, 70))
    jpeg(src / "rainbow_shine.jpg")
    jpeg(src / "holiday.jpg")
    (src / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    (src / "Thumbs.db").write_bytes(b"\xd0\xcf\x11\xe0")
    (src / "notes.txt").write_text("rain photos from 2018\n")
    (src / "rain_readme.md").write_text("# about\n")
    (src / "cloudy_empty.jpg").write_bytes(b"")
    broken = jpeg(src / "cloudy_broken.jpg", size=(300, 200))
    broken.write_bytes(broken.read_bytes()[:200])
    jpeg(src / "extra" / "rain9.jpg")
    return src


EXPECTED_SKIPS = {
    "rainbow_shine.jpg": "more than one class (rain, shine)",
    "holiday.jpg": "no class word",
    ".DS_Store": "hidden or system file",
    "Thumbs.db": "hidden or system file",
    "notes.txt": "not an image file (.txt)",
    "rain_readme.md": "not an image file (.md)",
    "cloudy_empty.jpg": "unreadable image",
    "cloudy_broken.jpg": "unreadable image",
    "extra": "folder",
}


@pytest.mark.parametrize("name,expected", [
    ("Cloudy12.JPG", "cloudy"), ("rain_03.png", "rain"), ("sunrise-7.jpeg", "sunrise"),
    ("SHINE.gif", "shine"), ("sunshine_4.jpg", "shine"), ("my RAIN pic.webp", "rain"),
    ("rainbow_shine.jpg", None), ("cloudy-rain.jpg", None), ("photo.jpg", None),
    ("rain/photo.jpg", None),  # folders do not count, only the file's own name
])
def test_class_of(name, expected):
    assert data.class_of(name) == expected


def test_match_classes_names_every_match():
    assert data.match_classes("rainbow_shine.jpg") == ["rain", "shine"]
    assert data.match_classes("Sunrise3.JPG") == ["sunrise"]
    assert data.match_classes("x.jpg") == []


def test_sort_by_name_skips_with_reasons_and_never_touches_the_source(messy, tmp_path, cache):
    before = snapshot(messy)
    result = data.sort_by_name(messy, tmp_path / "sorted", cache)

    assert snapshot(messy) == before
    assert result.counts == {"cloudy": 1, "rain": 1, "shine": 1, "sunrise": 2}
    assert tree(tmp_path / "sorted") == [
        "cloudy/Cloudy12.JPG", "rain/rain_03.png", "shine/shine1.jpg",
        "sunrise/SUNRISE2.jpg", "sunrise/sunrise-7.jpeg",
    ]
    assert sorted(result.files["sunrise"]) == [tmp_path / "sorted/sunrise/SUNRISE2.jpg",
                                               tmp_path / "sorted/sunrise/sunrise-7.jpeg"]
    reasons = {item["file"]: item["reason"] for item in result.skipped}
    assert set(reasons) == set(EXPECTED_SKIPS)
    for name, expected in EXPECTED_SKIPS.items():
        assert expected in reasons[name], (name, reasons[name])


def test_sort_decodes_every_photo_into_the_cache(messy, tmp_path, cache):
    data.sort_by_name(messy, tmp_path / "sorted", cache, decode_size=32)
    assert len(list(cache.root.glob("32/*/*.u8"))) == 5


def test_resorting_is_idempotent_and_leaves_nothing_stale(messy, tmp_path, cache):
    out = tmp_path / "sorted"
    data.sort_by_name(messy, out, cache)
    first = snapshot(out)
    data.sort_by_name(messy, out, cache)
    assert {k: v[0] for k, v in snapshot(out).items()} == {k: v[0] for k, v in first.items()}

    (out / "cloudy" / "stray.jpg").write_bytes(b"left by hand")
    (out / "notes.md").write_text("mine")  # not a class folder: not ours to delete
    (messy / "SUNRISE2.jpg").unlink()
    (messy / "Cloudy12.JPG").unlink()
    result = data.sort_by_name(messy, out, cache)
    assert result.counts["cloudy"] == 0 and result.counts["sunrise"] == 1
    assert tree(out) == ["notes.md", "rain/rain_03.png", "shine/shine1.jpg", "sunrise/sunrise-7.jpeg"]
    assert not list(tmp_path.glob(".sorted-*")), "staging folders must be cleaned up"


def test_sort_descends_into_a_single_wrapping_folder(tmp_path, cache):
    jpeg(tmp_path / "src" / "weather" / "cloudy1.jpg")
    jpeg(tmp_path / "src" / "weather" / "rain1.jpg")
    (tmp_path / "src" / "README.txt").write_text("dataset")
    result = data.sort_by_name(tmp_path / "src", tmp_path / "out", cache)
    assert result.counts == {"cloudy": 1, "rain": 1, "shine": 0, "sunrise": 0}
    assert result.skipped == [{"file": "README.txt", "reason": "not an image file (.txt)", "code": "not_image",
                               "ext": ".txt"}]


def test_sort_refuses_to_overwrite_its_own_source(messy, cache):
    with pytest.raises(DataError, match="must not contain the source"):
        data.sort_by_name(messy, messy, cache)
    with pytest.raises(DataError, match="must not contain the source"):
        data.sort_by_name(messy / "extra", messy, cache)
    assert (messy / "extra" / "rain9.jpg").exists()


def test_sort_with_nothing_to_sort_is_a_data_error(tmp_path, cache):
    (tmp_path / "src").mkdir()
    with pytest.raises(DataError, match="no photos"):
        data.sort_by_name(tmp_path / "src", tmp_path / "out", cache)
    (tmp_path / "src" / "notes.txt").write_text("x")
    jpeg(tmp_path / "src" / "holiday.jpg")
    with pytest.raises(DataError, match="2 files skipped"):
        data.sort_by_name(tmp_path / "src", tmp_path / "out", cache)
    with pytest.raises(DataError, match="not a folder"):
        data.sort_by_name(tmp_path / "missing", tmp_path / "out", cache)


def test_list_images_from_class_folders_and_flat_folders(demo_prepared, demo_raw):
    pairs = data.list_images(demo_prepared / "sorted")
    assert len(pairs) == 48 and pairs == sorted(pairs)
    assert {name for _, name in pairs} == set(CLASSES)
    assert all(path.parent.name == name for path, name in pairs)
    flat = data.list_images(demo_raw)
    assert [(p.name, c) for p, c in flat] == sorted((p.name, c) for p, c in pairs)


# ---------------------------------------------------------------------------------------------
# Splitting


def expected_split(n, ratio):
    train, val = int(n * ratio[0]), int(n * ratio[1])
    if len(ratio) == 2:
        return {"train": train, "val": n - train}
    return {"train": train, "val": val, "test": n - train - val}


def test_split_follows_split_folders_rule_and_resplits_cleanly(demo_prepared, tmp_path):
    sorted_dir = demo_prepared / "sorted"
    out = tmp_path / "split"
    state = random.getstate()
    counts = data.split(sorted_dir, out, (0.7, 0.15, 0.15), seed=123)
    assert random.getstate() == state
    for name in CLASSES:
        assert {s: counts[s][name] for s in counts} == expected_split(12, (0.7, 0.15, 0.15))
    three_way = tree(out)
    assert len(three_way) == 48 and len({Path(f).name for f in three_way}) == 48  # no photo twice

    counts = data.split(sorted_dir, out, (0.7, 0.3), seed=123)
    assert set(counts) == {"train", "val"} and not (out / "test").exists()
    assert {s: counts[s]["rain"] for s in counts} == expected_split(12, (0.7, 0.3))
    assert len(tree(out)) == 48

    data.split(sorted_dir, out, (0.7, 0.15, 0.15), seed=123)
    assert tree(out) == three_way  # same seed, same assignment
    data.split(sorted_dir, out, (0.7, 0.15, 0.15), seed=7)
    assert tree(out) != three_way


@pytest.mark.parametrize("ratio", [(0.5, 0.4), (0.7, 0.3, 0.0), (1.0,), (0.8, 0.3), (0.5, 0.2, 0.2, 0.1),
                                   (-0.2, 0.6, 0.6)])
def test_bad_ratios_are_refused(ratio):
    with pytest.raises(DataError):
        data.check_ratio(ratio)


def test_split_refuses_unknown_folders(tmp_path):
    jpeg(tmp_path / "sorted" / "cloudy" / "cloudy1.jpg")
    jpeg(tmp_path / "sorted" / "snow" / "snow1.jpg")
    with pytest.raises(DataError, match="snow"):
        data.split(tmp_path / "sorted", tmp_path / "split")


def test_split_dirs(demo_prepared, tmp_path):
    found = data.split_dirs(demo_prepared)
    assert found == {s: demo_prepared / "split" / s for s in ("train", "val", "test")}
    assert data.split_dirs(demo_prepared / "split") == found
    with pytest.raises(DataError, match="prepare"):
        data.split_dirs(tmp_path)


# ---------------------------------------------------------------------------------------------
# prepare


def test_prepare_a_folder(demo_raw, tmp_path, cache):
    out = tmp_path / "prepared"
    summary = data.prepare(demo_raw, out, cache=cache)
    assert summary["classes"] == {name: 12 for name in CLASSES}
    assert summary["splits"] == {
        s: {name: n for name in CLASSES} for s, n in expected_split(12, (0.7, 0.15, 0.15)).items()
    }
    assert summary["skipped"] == [] and summary["seed"] == 123
    assert summary["health"]["counts"] == {name: 12 for name in CLASSES}
    assert data.load_summary(out) == summary
    assert sorted(p.name for p in out.iterdir()) == ["prepared.json", "sorted", "split"]


def test_prepare_a_zip_like_a_download(demo_raw, tmp_path, cache):
    entries = {f"weather/{p.name}": p.read_bytes() for p in sorted(demo_raw.iterdir())}
    entries["weather/notes.txt"] = b"hello"
    entries["__MACOSX/weather/._cloudy1.jpg"] = b"junk"
    archive = make_zip(tmp_path / "weather.zip", entries)
    summary = data.prepare(archive, tmp_path / "prepared", ratio=(0.7, 0.3), cache=cache)
    assert summary["classes"] == {name: 12 for name in CLASSES}
    assert set(summary["splits"]) == {"train", "val"}
    assert summary["skipped"] == [{"file": "weather/notes.txt", "reason": "not an image file (.txt)",
                                   "code": "not_image", "ext": ".txt"}]
    assert sorted(p.name for p in (tmp_path / "prepared").iterdir()) == ["prepared.json", "sorted", "split"]


def test_prepare_refuses_bad_sources_without_harming_an_earlier_result(demo_raw, tmp_path, cache):
    out = tmp_path / "prepared"
    data.prepare(demo_raw, out, cache=cache)
    before = snapshot(out)

    one_class = tmp_path / "one_class"
    for path in demo_raw.glob("rain*.jpg"):
        jpeg(one_class / path.name)
    with pytest.raises(DataError, match="only one class"):
        data.prepare(one_class, out, cache=cache)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(DataError, match="no photos whose name contains cloudy/rain/shine/sunrise"):
        data.prepare(empty, out, cache=cache)
    with pytest.raises(DataError, match="not found"):
        data.prepare(tmp_path / "missing", out, cache=cache)
    (tmp_path / "photo.jpg").write_bytes(jpeg_bytes())
    with pytest.raises(DataError, match="folder or a .zip"):
        data.prepare(tmp_path / "photo.jpg", out, cache=cache)
    with pytest.raises(DataError, match="sum to 1"):
        data.prepare(demo_raw, out, ratio=(0.5, 0.2), cache=cache)
    with pytest.raises(DataError, match="must not contain the source"):
        data.prepare(out / "sorted", out, cache=cache)

    assert snapshot(out) == before
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []


def test_health_report_finds_formats_modes_duplicates_and_broken_files(tmp_path, cache):
    sorted_dir = tmp_path / "sorted"
    jpeg(sorted_dir / "cloudy" / "cloudy1.jpg", size=(100, 50))
    shutil.copy(sorted_dir / "cloudy" / "cloudy1.jpg", sorted_dir / "cloudy" / "cloudy2.jpg")
    shutil.copy(sorted_dir / "cloudy" / "cloudy1.jpg", sorted_dir / "cloudy" / "cloudy3.jpg")
    jpeg(sorted_dir / "rain" / "rain1.jpg", fmt="PNG")
    Image.new("L", (30, 60), 40).save(sorted_dir / "rain" / "rain2.jpg")
    (sorted_dir / "shine").mkdir()
    Image.new("RGBA", (20, 20)).save(sorted_dir / "shine" / "shine1.png")
    broken = jpeg(sorted_dir / "shine" / "shine2.jpg", size=(300, 200))
    broken.write_bytes(broken.read_bytes()[:300])

    report = health.health_report(sorted_dir, cache=cache, decode_size=32)
    assert report["counts"] == {"cloudy": 3, "rain": 2, "shine": 2}
    assert report["imbalance"]["ratio"] == 1.5 and report["imbalance"]["largest"] == "cloudy"
    assert report["formats"] == {"JPEG": 4, "PNG": 2}
    assert report["mismatched_extension"] == [{"file": "rain/rain1.jpg", "format": "PNG"}]
    assert report["modes"] == {"RGB": 4, "L": 1, "RGBA": 1}
    assert [u["file"] for u in report["unreadable"]] == ["shine/shine2.jpg"]
    assert report["duplicates"] == [["cloudy/cloudy1.jpg", "cloudy/cloudy2.jpg", "cloudy/cloudy3.jpg"]]
    assert report["sizes"]["width"]["max"] == 100 and report["sizes"]["height"]["max"] == 60
    assert report["total_images"] == 7


def test_imbalance_notes():
    assert health.imbalance({"cloudy": 10, "rain": 9})["note"] == "roughly balanced"
    assert health.imbalance({"cloudy": 40, "rain": 10})["ratio"] == 4.0
    assert health.imbalance({"cloudy": 4, "rain": 0})["ratio"] is None


# ---------------------------------------------------------------------------------------------
# The real data (skipped in a fresh clone without ../shared)


@pytest.mark.slow
def test_prepare_real_data(mwd_dir, tmp_path):
    cache = DecodeCache(tmp_path / "cache", 2**31)
    before = snapshot(mwd_dir)
    summary = data.prepare(mwd_dir, tmp_path / "mwd", cache=cache)

    counts = {"cloudy": 222, "rain": 156, "shine": 190, "sunrise": 277}
    assert summary["classes"] == counts
    assert summary["skipped"] == []
    for name, n in counts.items():
        # Twins follow their group's first photo, so each split is near split-folders' own rule.
        got = {s: summary["splits"][s][name] for s in summary["splits"]}
        assert sum(got.values()) == n
        for split_name, expected in expected_split(n, (0.7, 0.15, 0.15)).items():
            assert abs(got[split_name] - expected) <= 0.03 * n, (name, got)
    # Every photo was decoded: one cache entry per distinct file content.
    distinct = len({digest for digest, _ in before.values()})
    assert len(list(cache.root.glob("250/*/*.u8"))) == distinct
    report = summary["health"]
    assert report["formats"]["PNG"] >= 1 and report["formats"]["GIF"] >= 1
    assert {"L", "RGBA"} <= set(report["modes"])
    assert report["unreadable"] == []
    assert snapshot(mwd_dir) == before


def test_sort_accepts_copies_already_in_class_folders(tmp_path):
    from PIL import Image

    source = tmp_path / "download" / "dataset"
    for folder, names in {"Cloudy": ["img_001.jpg", "cloudy9.jpg"], "rain": ["r2.png"],
                          "shine": ["s1.jpg"], "notes": ["x.jpg"]}.items():
        (source / folder).mkdir(parents=True)
        for name in names:
            Image.new("RGB", (40, 30), (90, 120, 200)).save(source / folder / name,
                                                            format="PNG" if name.endswith("png") else "JPEG")
    result = data.sort_by_name(tmp_path / "download", tmp_path / "sorted")
    assert result.counts == {"cloudy": 2, "rain": 1, "shine": 1, "sunrise": 0}
    assert sorted(p.name for p in (tmp_path / "sorted" / "cloudy").iterdir()) == ["cloudy9.jpg", "img_001.jpg"]
    assert [item["file"] for item in result.skipped] == ["dataset/notes"]


def test_prepared_json_keeps_the_splits_in_their_order(tmp_path, messy):
    data.prepare(messy, tmp_path / "out", ratio=(0.5, 0.25, 0.25))
    summary = data.load_summary(tmp_path / "out")
    assert list(summary["splits"]) == ["train", "val", "test"]
