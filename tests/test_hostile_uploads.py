"""A hostile student's uploads and commands (issue 12, bugs 9-12 and the quotas): nested folders,
same-name photos, too many photos, too much storage, nan ratios, unknown explain choices, huge PNGs."""

import numpy as np
import pytest
from PIL import Image

from weather_core import cli, data, settings
from weather_core.data import images, quota
from support import copy_run, demo_photo, open_page, texts, zip_bytes

pytestmark = pytest.mark.usefixtures("roots")  # this module's own data, runs and cache roots


def demo_entries(demo_raw, prefix="", per_class=3) -> dict:
    return {f"{prefix}{name}{i}.jpg": demo_photo(demo_raw, f"{name}{i}.jpg")
            for name in ("cloudy", "rain", "shine", "sunrise") for i in range(1, per_class + 1)}


def upload(at, name, content):
    at.radio[0].set_value("zip").run()
    at.file_uploader[0].set_value((name, content, "application/zip"))
    at.button[0].click().run()
    return at


# ---------------------------------------------------------------------------------------------
# Bug 9: photos under 1,100 nested folders


def nested_zip(demo_raw, depth=1100) -> bytes:
    return zip_bytes(demo_entries(demo_raw, prefix="d/" * depth))


def test_bug_9_deep_zip_is_refused_with_its_reason_and_leaves_nothing(demo_raw, tmp_path):
    source = tmp_path / "deep.zip"
    source.write_bytes(nested_zip(demo_raw))
    assert source.stat().st_size < 120_000
    out = tmp_path / "prepared"
    with pytest.raises(data.DataError, match=r"1100 folders deep \(limit 32\)"):
        data.prepare(source, out)
    assert not out.exists()  # no empty prepared/ folder left behind
    # 32 folders still work: the limit is for hostile zips, not for real ones
    source.write_bytes(nested_zip(demo_raw, depth=32))
    assert sum(data.prepare(source, out)["classes"].values()) == 12


def test_bug_9_dataset_page_names_the_depth_and_keeps_no_upload(demo_raw):
    at = upload(open_page("pages/dataset.py"), "deep.zip", nested_zip(demo_raw))
    assert "folders deep (limit 32)" in texts(at.error)
    assert not list((settings.data_root() / "uploads").glob("*.zip"))
    assert not list((settings.data_root() / "prepared").glob("deep*"))


# ---------------------------------------------------------------------------------------------
# Bug 10: Cloudy/cloudy1.jpg and cloudy/cloudy1.jpg


def test_bug_10_same_names_are_renamed_and_every_count_is_true(demo_raw, tmp_path):
    entries = demo_entries(demo_raw, prefix="photos/")
    entries |= {"photos/Cloudy/cloudy1.jpg": demo_photo(demo_raw, "cloudy5.jpg"),
                "photos/cloudy/cloudy1.jpg": demo_photo(demo_raw, "cloudy6.jpg"),
                "photos/Rain/RAIN1.jpg": demo_photo(demo_raw, "rain7.jpg")}
    source = tmp_path / "same.zip"
    source.write_bytes(zip_bytes(entries))
    summary = data.prepare(source, tmp_path / "out")
    on_disk = {name: len(list((tmp_path / "out" / "sorted" / name).iterdir())) for name in summary["classes"]}
    assert summary["classes"] == on_disk == {"cloudy": 5, "rain": 4, "shine": 3, "sunrise": 3}
    split_total = sum(sum(counts.values()) for counts in summary["splits"].values())
    assert split_total == sum(on_disk.values()) == 15
    renamed = {row["file"]: row["as"] for row in summary["renamed"]}
    assert len(renamed) == 3 and all(row["code"] == "same_name" for row in summary["renamed"])
    # first come (folders sort before files, capitals first), first kept under its own name
    assert renamed == {"photos/cloudy/cloudy1.jpg": "cloudy/cloudy1_2.jpg", "photos/cloudy1.jpg": "cloudy/cloudy1_3.jpg",
                       "photos/rain1.jpg": "rain/rain1_2.jpg"}


# ---------------------------------------------------------------------------------------------
# Quotas: photos per dataset, storage per owner (the data root today)


def test_too_many_photos_are_refused_before_any_is_decoded(demo_raw, tmp_path, monkeypatch):
    monkeypatch.setenv("WEATHER_MAX_PHOTOS", "40")
    cache = images.DecodeCache(root=tmp_path / "cache")
    with pytest.raises(data.DataError, match=r"48 photos in raw; a dataset may hold at most 40"):
        data.prepare(demo_raw, tmp_path / "out", cache=cache)
    assert not (tmp_path / "cache").exists() and not (tmp_path / "out").exists()


def test_the_storage_limit_refuses_a_dataset_that_does_not_fit(demo_raw, monkeypatch):
    storage = quota.storage_for()
    out = settings.data_root() / "prepared" / "fits"
    data.prepare(demo_raw, out, storage=storage)
    used = storage.used()
    assert used > 0
    monkeypatch.setenv("WEATHER_STORAGE_MB", str(used / 2**20 * 1.5))
    with pytest.raises(data.DataError, match="storage limit reached"):
        data.prepare(demo_raw, settings.data_root() / "prepared" / "too-much", storage=quota.storage_for())
    assert not (settings.data_root() / "prepared" / "too-much").exists()
    assert quota.storage_for().used() == used


# ---------------------------------------------------------------------------------------------
# Bugs 11 and 12: the command line


def test_bug_11_a_nan_ratio_is_refused_before_anything_is_written(demo_raw, tmp_path, capsys):
    out = tmp_path / "out"
    assert cli.main(["prepare", str(demo_raw), "--out", str(out), "--ratio", "nan", "nan"]) == cli.EXIT_ERROR
    assert "ratio values must be finite numbers" in capsys.readouterr().err
    assert not out.exists()


def test_bug_12_explain_names_the_choices(one_epoch_run, empty_runs, demo_raw, tmp_path, capsys):
    run_dir = copy_run(one_epoch_run, empty_runs)
    photo = demo_raw / "rain1.jpg"
    base = ["explain", run_dir.name, str(photo)]
    assert cli.main(base + ["--out", str(tmp_path / "a.png"), "--class", "nope"]) == cli.EXIT_ERROR
    assert "unknown class 'nope'; choose from cloudy, rain, shine, sunrise" in capsys.readouterr().err
    assert cli.main(base + ["--out", str(tmp_path / "a.png"), "--layer", "nope"]) == cli.EXIT_ERROR
    assert "unknown layer 'nope'; choose from conv2d" in capsys.readouterr().err
    assert cli.main(base + ["--out", str(tmp_path)]) == cli.EXIT_ERROR
    assert "is a folder; give a file name such as" in capsys.readouterr().err
    assert cli.main(base + ["--out", str(tmp_path / "a.png")]) == 0
    assert Image.open(tmp_path / "a.png").size == (640, 320)


# ---------------------------------------------------------------------------------------------
# Huge PNGs: shrunk in their own mode before the RGB copy


def test_a_huge_png_is_shrunk_before_its_rgb_copy_and_decodes_alike(tmp_path):
    big = Image.new("L", (4000, 3000), 0)
    big.paste(255, (0, 0, 2000, 3000))  # left half white
    path = tmp_path / "big.png"
    big.save(path)
    reduced = images.open_rgb(path, max_side=250)
    assert 500 <= min(reduced.size) < 1000 and reduced.mode == "RGB"
    array = images.decode(path, 100)
    full = np.asarray(images.open_rgb(path).resize((100, 100), Image.Resampling.BILINEAR, reducing_gap=3.0))
    assert array.shape == (100, 100, 3)
    assert np.abs(array.astype(int) - full.astype(int)).mean() < 2  # the same picture
    assert array[:, :45].min() == 255 and array[:, 55:].max() == 0
    assert images.DECODE_SLOTS._initial_value == settings.max_concurrent_decodes()
