"""Sorting a download into class folders by file name: which words name a class, what is skipped
and why, the decode cache it fills, re-sorting, and the source it never touches."""

import pytest

from weather_core import CLASSES, data
from weather_core.data import DataError
from support import jpeg, snapshot, tree


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
