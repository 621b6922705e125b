"""Grouped k-fold cross-validation (weather_core/data/folds.py): duplicate groups never cross a fold,
every photo is in exactly one test fold (so predicted once per seed), folds are balanced by class,
and the standard error counts a duplicate group once."""

import math

import pytest

from weather_core import data
from weather_core.data import folds


def photo_names(units):
    return [f for unit in units for f in unit]


@pytest.fixture(scope="module")
def real_units(mwd_dir, tmp_path_factory):
    out = tmp_path_factory.mktemp("mwd_prepared")
    summary = data.prepare(mwd_dir, out)
    groups = [g["files"] for g in summary["duplicate_groups"]]
    return out, folds.units_of(out / "sorted", groups), groups


def test_units_cover_every_photo_once_and_keep_groups_whole(demo_prepared):
    summary = data.load_summary(demo_prepared)
    sorted_dir = demo_prepared / "sorted"
    fake_group = sorted(f"{p.parent.name}/{p.name}" for p in sorted(sorted_dir.glob("cloudy/*"))[:3])
    units = folds.units_of(sorted_dir, [fake_group])
    names = photo_names(units)
    assert len(names) == len(set(names)) == sum(summary["classes"].values())
    assert fake_group in units


def test_every_photo_is_in_exactly_one_test_fold_and_groups_stay_whole(real_units):
    _, units, groups = real_units
    dealt = folds.assign_folds(units, k=5, seed=0)
    fold_of = {f: i for i, fold in enumerate(dealt) for unit in fold for f in unit}
    assert sorted(fold_of) == sorted(photo_names(units))
    assert len(photo_names(u for fold in dealt for u in fold)) == len(fold_of)  # no photo twice
    assert groups and all(len({fold_of[f] for f in group}) == 1 for group in groups)
    sizes = [len(photo_names(fold)) for fold in dealt]
    assert max(sizes) - min(sizes) <= 3  # 845 photos: 169 each, whole groups permitting


def test_folds_are_stratified_by_class(real_units):
    _, units, _ = real_units
    dealt = folds.assign_folds(units, k=5, seed=0)
    for name in ("cloudy", "rain", "shine", "sunrise"):
        per_fold = [sum(1 for f in photo_names(fold) if f.startswith(name + "/")) for fold in dealt]
        assert max(per_fold) - min(per_fold) <= 4, (name, per_fold)


def test_a_fold_split_keeps_test_train_and_val_apart(real_units, tmp_path):
    prepared, units, _ = real_units
    dealt = folds.assign_folds(units, k=5, seed=0)
    counts = folds.write_fold(prepared / "sorted", tmp_path / "fold2", dealt, 2)
    splits = data.split_dirs(tmp_path / "fold2")
    names = {s: {f"{p.parent.name}/{p.name}" for p in splits[s].glob("*/*")} for s in splits}
    assert {s: len(n) for s, n in names.items()} == counts
    assert names["test"] == set(photo_names(dealt[2]))
    assert not (names["train"] & names["val"]) and not (names["train"] & names["test"])
    assert sum(counts.values()) == len(photo_names(units))
    assert 0.13 < counts["val"] / sum(counts.values()) < 0.17


def test_assignment_is_reproducible_and_seeded(real_units):
    _, units, _ = real_units
    assert folds.assign_folds(units, 5, seed=0) == folds.assign_folds(units, 5, seed=0)
    assert folds.assign_folds(units, 5, seed=0) != folds.assign_folds(units, 5, seed=1)
    with pytest.raises(ValueError):
        folds.assign_folds(units, k=1)


def test_grouped_standard_error_counts_a_group_once():
    singles = [[f"cloudy/{i}.jpg"] for i in range(100)]
    correct = {u[0]: float(i % 10 != 0) for i, u in enumerate(singles)}  # 90 % right
    figure = folds.grouped_accuracy(correct, singles)
    assert figure["accuracy"] == pytest.approx(0.9)
    assert figure["standard_error"] == pytest.approx(math.sqrt(0.9 * 0.1 / 99), rel=1e-6)
    # The same ten wrong photos, each now with four identical copies: the accuracy stays, but the
    # evidence is still 100 photos, not 500, so the error must not shrink.
    grouped = [[f"{u[0]}#{c}" for c in range(5)] for u in singles]
    copies = {f: correct[u[0]] for u, g in zip(singles, grouped) for f in g}
    figure5 = folds.grouped_accuracy(copies, grouped)
    assert figure5["accuracy"] == pytest.approx(0.9) and figure5["n"] == 500
    assert figure5["standard_error"] == pytest.approx(figure["standard_error"], rel=1e-6)
