"""Duplicate groups (exact and resized copies) and the leak-free split that keeps each group in one
split; the real photos' acceptance check skips when ../shared is absent."""

import json

import numpy as np
import pytest
from PIL import Image

from weather_core import data, settings
from weather_core.data import duplicates

REAL = settings.shared_photos()


def photo(path, seed, size=(160, 120)):
    """A distinct picture per seed: smooth random blobs, like a sky, not flat colour."""
    rng = np.random.default_rng(seed)
    small = rng.integers(0, 256, (6, 8, 3), dtype=np.uint8)
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(small).resize(size, Image.Resampling.BICUBIC).save(path, quality=92)
    return path


def resized_copy(src, dst, size):
    dst.parent.mkdir(parents=True, exist_ok=True)
    Image.open(src).resize(size, Image.Resampling.LANCZOS).save(dst, quality=80)
    return dst


def test_groups_find_exact_and_resized_copies_and_nothing_else(tmp_path):
    originals = [photo(tmp_path / f"cloudy{i}.jpg", seed=i) for i in range(12)]
    exact = tmp_path / "cloudy_copy.jpg"
    exact.write_bytes(originals[0].read_bytes())
    smaller = resized_copy(originals[1], tmp_path / "cloudy_small.jpg", (80, 60))
    groups = duplicates.find_groups([*originals, exact, smaller])
    assert groups == [
        {"kind": "exact", "files": sorted([str(originals[0]), str(exact)]),
         "identical": [sorted([str(originals[0]), str(exact)])]},  # the byte-identical ones (health's count)
        {"kind": "near", "files": sorted([str(originals[1]), str(smaller)]), "identical": []},
    ]


def test_twins_across_counts_files_with_a_twin_elsewhere():
    groups = [{"files": ["a", "b", "c"]}, {"files": ["d", "e"]}]
    assert duplicates.twins_across(groups, {"a": "train", "b": "train", "c": "test",
                                            "d": "val", "e": "val"}) == 3
    assert duplicates.twins_across(groups, {f: "train" for f in "abcde"}) == 0


def flat_source(tmp_path, per_class=20, copies=6):
    """A flat download with `copies` resized twins per class (as the real data has)."""
    src = tmp_path / "src"
    seed = 0
    for name in ("cloudy", "rain", "shine", "sunrise"):
        for i in range(per_class):
            seed += 1
            original = photo(src / f"{name}{i}.jpg", seed)
            if i < copies:
                resized_copy(original, src / f"{name}{i + 100}.jpg", (96, 72))
    return src


def test_prepare_keeps_every_resized_copy_in_its_originals_split(tmp_path, cache):
    src = flat_source(tmp_path)
    summary = data.prepare(src, tmp_path / "out", cache=cache)
    assert len(summary["duplicate_groups"]) == 24
    assert {g["kind"] for g in summary["duplicate_groups"]} == {"near"}
    assert summary["cross_split_twins"] == 0
    split_dir = tmp_path / "out" / "split"
    where = {p.name: p.parent.parent.name for p in split_dir.glob("*/*/*")}
    assert len(where) == 104  # nothing lost, nothing copied twice
    for name in ("cloudy", "rain", "shine", "sunrise"):
        for i in range(6):
            assert where[f"{name}{i}.jpg"] == where[f"{name}{i + 100}.jpg"]
    counts = {s: sum(c.values()) for s, c in summary["splits"].items()}
    assert abs(counts["train"] - 0.7 * 104) <= 6 and counts["val"] >= 12 and counts["test"] >= 12
    groups = summary["health"]["duplicate_groups"]
    assert all(len(set(g["splits"])) == 1 for g in groups)
    assert json.loads((tmp_path / "out" / "prepared.json").read_text())["cross_split_twins"] == 0


def test_split_like_report_lets_copies_leak_and_counts_them(tmp_path, cache):
    src = flat_source(tmp_path)
    summary = data.prepare(src, tmp_path / "out", cache=cache, keep_twins_together=False)
    assert summary["keep_twins_together"] is False
    leaked = [g for g in summary["health"]["duplicate_groups"] if len(set(g["splits"])) > 1]
    assert leaked, "with 24 twin pairs split file by file, some pairs straddle a boundary"
    assert summary["cross_split_twins"] == 2 * len(leaked)


def test_split_is_reproducible_with_groups(tmp_path, cache):
    src = flat_source(tmp_path)
    first = data.prepare(src, tmp_path / "a", cache=cache)
    second = data.prepare(src, tmp_path / "b", cache=cache)
    layout = [sorted(p.relative_to(tmp_path / d / "split").as_posix()
                     for p in (tmp_path / d / "split").glob("*/*/*")) for d in ("a", "b")]
    assert layout[0] == layout[1] and first["splits"] == second["splits"]


@pytest.mark.skipif(not REAL.is_dir(), reason="the real photos (../shared/datasets/mwd) are absent")
@pytest.mark.slow
def test_real_photos_split_without_twins_across_splits(tmp_path, cache):
    summary = data.prepare(REAL, tmp_path / "mwd", cache=cache)
    assert summary["cross_split_twins"] == 0
    exact = [g for g in summary["duplicate_groups"] if g["kind"] == "exact"]
    pairs = sum(len(g["files"]) * (len(g["files"]) - 1) // 2 for g in summary["duplicate_groups"])
    assert len(exact) >= 15 and pairs >= 70  # 17 byte-identical pairs and ~56 resized copies
    leaky = data.prepare(REAL, tmp_path / "leaky", cache=cache, keep_twins_together=False)
    assert leaky["cross_split_twins"] > 40
