"""Splitting sorted photos into train/val/test as split-folders does, the ratios it accepts, the
split folders of a prepared dataset, and the example photos taken from its test split."""

import random
from pathlib import Path

import pytest

from weather_core import CLASSES, data
from weather_core.data import DataError
from support import expected_split, jpeg, tree


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


def test_example_photos_spread_over_each_class_of_the_test_split(demo_prepared, tmp_path):
    from weather_core.data import example_photos

    photos = example_photos(demo_prepared, per_class=2)
    assert len(photos) == 8 and {p.parent.parent.name for p in photos} == {"test"}
    assert {p.parent.name for p in photos} == {"cloudy", "rain", "shine", "sunrise"}
    # spread across a class's sorted files, hidden files skipped
    for split in ("train", "val", "test"):
        (tmp_path / "d" / "split" / split / "rain").mkdir(parents=True)
    for index in range(9):
        (tmp_path / "d" / "split" / "test" / "rain" / f"rain{index}.jpg").write_bytes(b"x")
    (tmp_path / "d" / "split" / "test" / "rain" / ".DS_Store").write_bytes(b"x")
    assert [p.name for p in example_photos(tmp_path / "d", per_class=3)] == ["rain0.jpg", "rain3.jpg", "rain6.jpg"]
    # nothing to offer, and no error, where there is no test split or no dataset at all
    (tmp_path / "split" / "train").mkdir(parents=True)
    (tmp_path / "split" / "val").mkdir()
    assert example_photos(tmp_path) == [] and example_photos(tmp_path / "missing") == []
