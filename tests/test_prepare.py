"""prepare (sort, split, health report in one step) from a folder or a zip, its progress stages,
its refusals, the health report, and the real-data acceptance test (safe zip extraction:
test_archive.py)."""

import shutil

import pytest
from PIL import Image

from weather_core import CLASSES, data
from weather_core.data import DataError, health
from weather_core.data.images import DecodeCache
from support import expected_split, jpeg, jpeg_bytes, make_zip, snapshot


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


def test_prepare_reports_every_stage_with_its_counts(demo_raw, tmp_path, cache):
    entries = {f"weather/{p.name}": p.read_bytes() for p in sorted(demo_raw.iterdir())}
    entries["weather/notes.txt"] = b"hello"
    seen = []
    data.prepare(make_zip(tmp_path / "weather.zip", entries), tmp_path / "prepared", cache=cache,
                 progress=lambda stage, done, total: seen.append((stage, done, total)))
    assert [stage for stage in dict.fromkeys(s for s, _, _ in seen)] == list(data.STAGES)
    decoded = [(done, total) for stage, done, total in seen if stage == "decode"]
    assert decoded == [(n, 48) for n in range(1, 49)]  # every photo, in order; the .txt is no photo
    assert [(d, t) for s, d, t in seen if s == "hash"][-1] == (48, 48)
    assert seen[-1] == ("health", 48, 48)


def test_throttled_progress_keeps_each_stages_first_and_last_count():
    from weather_core.data.preparing import Throttled

    passed = []
    report = Throttled(lambda *args: passed.append(args), interval=3600)
    for stage in ("decode", "hash"):
        for done in range(1, 101):
            report(stage, done, 100)
    assert passed == [("decode", 1, 100), ("decode", 100, 100), ("hash", 1, 100), ("hash", 100, 100)]


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


def test_prepared_json_keeps_the_splits_in_their_order(tmp_path, messy):
    data.prepare(messy, tmp_path / "out", ratio=(0.5, 0.25, 0.25))
    summary = data.load_summary(tmp_path / "out")
    assert list(summary["splits"]) == ["train", "val", "test"]


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
