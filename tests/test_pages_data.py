"""The Dataset, Augmentation and Models pages through AppTest, on the generated demo data: sort and
split with counts, a zip upload's skipped files, the data root's limits, the augmentation grid, the
report's parameter totals."""

import io
import zipfile
from pathlib import Path

import pytest

from pages.ui import i18n, session
from weather_core import settings
from weather_core.models import report
from support import assert_clean, frame_values, open_page, plotly_charts, texts

pytestmark = pytest.mark.usefixtures("roots")  # this module's own data, runs and cache roots


def _sort_and_split(at, ratio):
    at.radio[1].set_value(ratio)
    at.button[0].click().run()
    assert_clean(at)
    return at


def test_dataset_sort_and_split_shows_counts(app_demo):
    at = open_page("pages/dataset.py")
    _sort_and_split(at, "report")
    assert i18n.t("dataset.prepared", n=240, name="demo-0.7-0.3-s123") in texts(at.success)
    table = frame_values(at)[0]
    assert list(table.columns) == ["train", "val", "total"]
    assert table.loc["cloudy"].tolist() == [42, 18, 60] and table.loc["total", "total"] == 240
    assert i18n.t("dataset.no_test_split") in texts(at.warning)
    assert at.session_state[session.DATASET_KEY].endswith("demo-0.7-0.3-s123")
    assert "Split: train 168 · val 72" in texts(at.sidebar.get("caption"))

    _sort_and_split(at, "default")
    table = frame_values(at)[0]
    assert list(table.columns) == ["train", "val", "test", "total"]
    assert table.loc["total"].tolist() == [168, 36, 36, 240]
    assert len(plotly_charts(at)) == 2  # per-class bar chart, image sizes per class
    assert len(at.image) == 4 and all(len(image.value) == 6 for image in at.image)


def test_dataset_zip_upload_lists_skipped_files(app_demo):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted((app_demo.parent / "raw").glob("*[12].jpg")):
            archive.write(path, f"photos/{path.name}")
        archive.writestr("photos/rainbow_shine.jpg", (app_demo.parent / "raw" / "shine1.jpg").read_bytes())
        archive.writestr("photos/notes.txt", "not a photo")
    at = open_page("pages/dataset.py")
    at.radio[0].set_value("zip").run()
    at.file_uploader[0].set_value(("my photos.zip", buffer.getvalue(), "application/zip"))
    at.button[0].click().run()
    assert_clean(at)
    assert not at.error, [e.value for e in at.error]
    skipped = {row["file"]: row["reason"] for row in frame_values(at)[1].to_dict("records")}
    assert "more than one class" in skipped["photos/rainbow_shine.jpg"]
    assert "not an image file" in skipped["photos/notes.txt"]
    assert not list(settings.uploads_root().glob("my_photos-*.zip"))  # prepared: the upload is not kept
    # the work showed its stages: a finished status box holding one bar per stage, each at its end
    from weather_core import data

    photos = sum(data.load_summary(at.session_state[session.DATASET_KEY])["classes"].values())
    status = next(box for box in at.main.get("status"))
    assert status.label == i18n.t("dataset.prepared_short", n=photos) and status.state == "complete"
    bars = [bar.proto.text for bar in at.main.get("progress")]
    assert [text.split(" · ")[0] for text in bars] == [i18n.t(f"dataset.stage.{s}") for s in data.STAGES]
    assert all(text.endswith(f"{n}/{n}") for text, n in zip(bars, (1, photos, photos, photos, photos)))


def test_dataset_refuses_folders_outside_the_data_root(app_demo):
    at = open_page("pages/dataset.py")
    at.radio[0].set_value("folder").run()
    at.text_input[0].set_value("/etc").run()
    at.button[0].click().run()
    assert_clean(at)
    assert "not allowed" in texts(at.error)


def test_augmentation_sliders_change_the_layers_and_grid(app_demo):
    at = open_page("pages/augmentation.py")
    assert len(at.image[1].value) == 8  # the original, then a grid of eight samples
    assert "RandomRotation(20.0/360" in at.code[0].value
    rotation = next(s for s in at.slider if s.label == i18n.t("augment.rotation"))
    rotation.set_value(0.0).run()
    assert_clean(at)
    assert "RandomRotation" not in at.code[0].value and "RandomShear" in at.code[0].value
    assert len(at.image[1].value) == 8
    before = at.image[1].value
    at.button[0].click().run()  # re-roll: a new seed, new samples
    assert_clean(at)
    assert "seed 1" in texts(at.markdown) and at.image[1].value != before


def test_models_page_matches_the_reports_totals():
    at = open_page("pages/models.py")
    model_1_total = f"{report.PARAMS['model_1'][0]:,}"
    assert at.metric[0].value == model_1_total
    assert i18n.t("models.match") in texts(at.success)
    assert len(frame_values(at)[0]) == 8 and len(plotly_charts(at)) == 3  # parameters, diagram, shapes
    assert model_1_total in texts(at.info) and "256" in texts(at.info)  # the 256-vs-250 note
    at.number_input[0].set_value(128).run()
    assert_clean(at)
    assert i18n.t("models.other_size", size=128) in texts(at.warning)
    at.selectbox[0].set_value("model_3")
    at.number_input[0].set_value(250)
    at.run()
    assert_clean(at)
    assert (at.metric[0].value, at.metric[2].value) == ("1,375,396", "1,920")
    at.selectbox[0].set_value("model_2_report").run()
    assert_clean(at)
    assert "Dense(4, activation='relu')" in " ".join(c.value for c in at.code)
    assert at.metric[0].value == "10,648,772"
