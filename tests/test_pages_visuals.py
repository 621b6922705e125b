"""The pictures of issues 10 and 14 on their pages (AppTest): Compare with four runs named by what
differs, Models' parameters, layer diagram and feature maps, the Dataset page's duplicate groups
as thumbnails with their splits and the leaking 7:3 option, Errors' marked cell and per-class
scores, Classify's photo beside its heat map with an opacity slider, and Korean chart labels."""

import shutil

import pytest

from pages.ui import i18n, session
from weather_core import data, runs, settings
from support import assert_clean, open_page, run_data_at, shown, texts

pytestmark = pytest.mark.usefixtures("roots")
CLASSES = {"cloudy", "rain", "shine", "sunrise"}


def charts(at):
    return [chart.proto.spec for chart in at.get("plotly_chart")]


def figure(at, index):
    import json

    return json.loads(at.get("plotly_chart")[index].proto.spec)


def four_runs(trained_run, root):
    """Four copies of a run: two identical, two with other settings (learning rate, epochs)."""
    changes = [{}, {}, {"learning_rate": 0.5}, {"epochs": 3}]
    ids = []
    for index, change in enumerate(changes):
        target = shutil.copytree(trained_run, root / f"run-{index}")
        config = runs.read_json(target / "config.json")
        runs.write_json_atomic(target / "config.json", {**config, **change})
        ids.append(target.name)
    return ids


def test_compare_four_runs_names_colours_and_error_bars(trained_run, empty_runs):
    ids = four_runs(trained_run, empty_runs)
    at = open_page("pages/compare.py")
    at.multiselect[0].set_value([next(o for o in at.multiselect[0].options if o.startswith(i)) for i in ids]).run()
    assert_clean(at)
    accuracy, loss, tested = (figure(at, i) for i in range(3))
    legend = [trace["name"] for trace in accuracy["data"] if trace.get("showlegend", True) and trace.get("name")]
    lr = runs.read_json(trained_run / "config.json")["learning_rate"]
    assert legend == [f"epochs 1 · lr {lr:g} #1", f"epochs 1 · lr {lr:g} #2", "epochs 1 · lr 0.5",
                      f"epochs 3 · lr {lr:g}", "train", "validation"]
    colours = {trace["name"]: trace["line"]["color"] for trace in accuracy["data"] if trace.get("name") in legend[:4]}
    assert len(set(colours.values())) == 4
    status = runs.read_json(trained_run / "status.json")
    p, n = status["test_accuracy"], status["test_n"]
    bars = [trace for trace in tested["data"] if trace.get("name") in legend[:4]]
    assert len(bars) == 4
    assert bars[0]["error_x"]["array"][0] == pytest.approx((p * (1 - p) / n) ** 0.5)
    assert any(trace["name"] == i18n.t("compare.report_bars") for trace in tested["data"])  # model_1: ~87-90 %


def test_compare_in_korean_names_settings_in_korean(trained_run, empty_runs, monkeypatch):
    monkeypatch.setattr(i18n, "BARE_LANGUAGE", "ko")  # AppTest formats widget values outside a run
    four_runs(trained_run, empty_runs)
    at = open_page("pages/compare.py", lang="ko")
    frames = [frame.value for frame in at.dataframe]
    assert "이름" in frames[0].columns
    assert "run-0 (테스트" in " ".join(at.multiselect[0].options)


def test_models_page_shows_parameters_diagram_and_a_layers_feature_maps(trained_run, app_demo):
    with run_data_at(trained_run, app_demo):  # the same demo photos, in this module's data root
        _models_page_shows(trained_run)


def _models_page_shows(trained_run):
    at = open_page("pages/models.py")  # model_1: trained_run is a model_1 run
    params, diagram = figure(at, 0), figure(at, 1)
    assert params["layout"]["yaxis"]["type"] == "log"
    assert "14.7 M (100%)" in params["data"][0]["text"]
    boxes = diagram["data"][-1]
    assert boxes["x"][0] == "conv2d" and boxes["text"][0] == "Conv2D<br>250×250×32"
    assert i18n.t("models.maps_from", run=trained_run.name, acc=f"{runs.load_run(trained_run).test_accuracy:.1%}") \
        in texts(at.caption)
    maps = next(image for image in at.image if len(image.value) > 1)
    assert len(maps.value) == 16
    layer = next(s for s in at.selectbox if s.label == i18n.t("models.layer"))
    assert layer.value == "conv2d"
    layer.set_value("max_pooling2d_1").run()
    assert_clean(at)
    deeper = next(image for image in at.image if len(image.value) > 1)
    assert deeper.value != maps.value
    assert "max_pooling2d_1" in texts(at.caption)


def test_models_page_without_a_run_says_so(empty_runs):
    at = open_page("pages/models.py")
    assert i18n.t("models.no_run_for_maps", model=i18n.model_title("model_1")) in texts(at.info)


def test_a_silent_feature_map_is_marked(tiny_trained_run, demo_raw, tmp_path):
    """A filter whose bias is hugely negative outputs 0 everywhere after its ReLU; one whose output
    is a ten-thousandth of the others' is black beside them, and silent too."""
    import keras

    from weather_core.use import explain, inference

    run_dir = shutil.copytree(tiny_trained_run, tmp_path / "run")
    model = keras.models.load_model(inference.model_path(run_dir))
    conv = next(layer for layer in model.layers if isinstance(layer, keras.layers.Conv2D))
    kernel, bias = conv.get_weights()
    bias[0] = -1e4
    kernel[..., 1], bias[1] = kernel[..., 1] * 1e-4, abs(bias[1]) * 1e-4 + 1e-6
    conv.set_weights([kernel, bias])
    model.save(inference.model_path(run_dir))
    first_conv = explain.conv_layer_names(inference.load_model(run_dir))[0]  # loaded as float32: renamed
    result = explain.layer_maps(run_dir, demo_raw / "rain1.jpg", layer_name=first_conv, limit=8)
    assert result["silent"][:2] == [True, True] and not all(result["silent"][2:])
    assert not result["maps"][0].any() and not result["maps"][1].any()  # both shown black
    assert all(result["maps"][i].any() for i, quiet in enumerate(result["silent"]) if not quiet)


def test_dataset_shows_duplicate_groups_with_their_splits_and_the_leaking_option(demo_raw, tmp_path):
    from PIL import Image

    raw = tmp_path / "raw"
    shutil.copytree(demo_raw, raw)
    shutil.copy(raw / "cloudy1.jpg", raw / "cloudy98.jpg")  # an exact copy
    Image.open(raw / "rain1.jpg").resize((48, 48)).save(raw / "rain99.jpg")  # a resized copy
    out = settings.prepared_root() / "twins"
    summary = data.prepare(raw, out, ratio=(0.7, 0.3), keep_twins_together=False)
    at = open_page("pages/dataset.py", **{session.DATASET_KEY: str(out)})
    groups = summary["health"]["duplicate_groups"]
    assert len(groups) >= 2
    pair = [image for image in at.image
            if len(image.value) == 2 and any("cloudy98.jpg" in shown(c) for c in image.captions)]
    assert len(pair) == 1
    splits = dict(zip(next(g["files"] for g in groups if "cloudy/cloudy98.jpg" in g["files"]),
                      next(g["splits"] for g in groups if "cloudy/cloudy98.jpg" in g["files"])))
    assert sorted(map(shown, pair[0].captions)) == sorted(f"{f.split('/')[1]} · {i18n.t('split.' + s)}" for f, s in splits.items())
    assert i18n.t("dataset.leaky") in texts(at.warning)
    at.radio[1].set_value("report").run()  # the report's 7:3 preset offers the leaking split
    assert_clean(at)
    assert any(box.label == i18n.t("dataset.leak_split") for box in at.checkbox)
    at.radio[1].set_value("default").run()
    assert not any(box.label == i18n.t("dataset.leak_split") for box in at.checkbox)


def test_errors_marks_the_chosen_cell_beside_per_class_scores(trained_run):
    at = open_page("pages/errors.py")
    matrix, scores = figure(at, 0), figure(at, 1)
    report = runs.read_json(trained_run / "evaluation.json")
    cell = next(s for s in at.selectbox if s.label == i18n.t("errors.pick_cell"))
    true, predicted = cell.value.split("|")
    (frame,) = matrix["layout"]["shapes"]
    assert frame["x0"] == report["classes"].index(predicted) - 0.5
    assert frame["y0"] == report["classes"].index(true) - 0.5
    assert [trace["name"] for trace in scores["data"]] == ["precision", "recall", "F1"]
    assert scores["data"][1]["y"] == [report["per_class"][c]["recall"] for c in report["classes"]]
    classes, counts = report["classes"], report["confusion_matrix"]
    other = next(f"{a}|{b}" for i, a in enumerate(classes) for j, b in enumerate(classes)
                 if counts[i][j] and f"{a}|{b}" != cell.value)
    cell.set_value(other).run()
    assert_clean(at)
    (moved,) = figure(at, 0)["layout"]["shapes"]
    assert moved["x0"] == report["classes"].index(other.split("|")[1]) - 0.5


def test_opacity_zero_shows_the_photo_itself(trained_run, app_demo):
    photo = next((app_demo / "split" / "test" / "rain").iterdir()).read_bytes()
    at = open_page("pages/classify.py")
    at.file_uploader[0].set_value([("sky.jpg", photo, "image/jpeg")]).run()
    next(toggle for toggle in at.toggle if toggle.label == i18n.t("why.title")).set_value(True).run()
    assert_clean(at)
    slider = next(s for s in at.slider if s.label == i18n.t("why.opacity"))
    heat = next(i for i in at.image if "Grad-CAM" in i.captions[0]).value
    slider.set_value(0.0).run()
    assert_clean(at)
    original = next(i for i in at.image if i.captions == [i18n.t("why.photo")]).value
    plain = next(i for i in at.image if "Grad-CAM" in i.captions[0]).value
    assert plain == original and heat != original


@pytest.mark.parametrize("page", ["pages/errors.py", "pages/dataset.py", "pages/compare.py"])
def test_korean_charts_name_no_class_in_english(page, trained_run, app_demo, monkeypatch):
    monkeypatch.setattr(i18n, "BARE_LANGUAGE", "ko")
    at = open_page(page, lang="ko")
    for index in range(len(at.get("plotly_chart"))):
        spec = figure(at, index)
        labels = [*spec["layout"].get("xaxis", {}).get("ticktext", []), *spec["layout"].get("yaxis", {}).get("ticktext", []),
                  *(trace.get("name") for trace in spec["data"] if trace.get("name"))]
        assert not CLASSES & set(labels), (page, labels)
