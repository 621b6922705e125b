"""The teaching additions, driven through streamlit's AppTest on the demo data and one tiny trained
run: why a photo got its class (Grad-CAM, feature maps), the error explorer, one-click ablation
pairs, lesson links, preselected runs on Compare, taking a run home as a zip, resume and discard."""

import io
import os
import zipfile
from dataclasses import fields
from pathlib import Path
from urllib.parse import parse_qs

import pytest

from pages.ui import charts, i18n, lesson_links
from weather_core import jobs, runs, training
from weather_core.training import recipes
from support import assert_clean, copy_run, open_page, run_data_at, shown, texts

ROOT = Path(__file__).resolve().parent.parent

APP = str(ROOT / "app.py")
TIMEOUT = 120  # the first TensorFlow import on a busy 2-core machine is slow
CLASSES = ["cloudy", "rain", "shine", "sunrise"]


# ---------------------------------------------------------------------------------------------
# Fixtures: conftest's private roots and demo dataset; a copy of the session's two-epoch run


pytestmark = pytest.mark.usefixtures("roots")  # this module's own data, runs and cache roots


@pytest.fixture(scope="module")
def trained_run(two_epoch_run, app_demo, roots):
    """Two epochs (conftest's run has one): curves with more than one point."""
    return copy_run(two_epoch_run, roots / "runs")


@pytest.fixture
def media(monkeypatch):
    """Every file a run hands to Streamlit's media storage (images, downloads): (name, bytes)."""
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
    from streamlit.testing.v1 import app_test

    stored = []

    class Recording(MemoryMediaFileStorage):
        def load_and_get_id(self, path_or_data, mimetype, kind, filename=None):
            stored.append((filename, path_or_data))
            return super().load_and_get_id(path_or_data, mimetype, kind, filename)

    monkeypatch.setattr(app_test, "MemoryMediaFileStorage", Recording)
    return stored


def labelled(widgets, key):
    return next(w for w in widgets if w.label == i18n.t(key))


# ---------------------------------------------------------------------------------------------
# 1 Why this class? (Classify)


def test_classify_explains_a_photo_with_grad_cam_and_feature_maps(trained_run, app_demo):
    photo = next((app_demo / "split" / "test" / "sunrise").iterdir()).read_bytes()
    at = open_page("pages/classify.py")
    at.file_uploader[0].set_value([("sky.jpg", photo, "image/jpeg")]).run()
    assert_clean(at)
    examples = [b for b in at.button if b.label == i18n.t("classify.try_example")]
    assert len(at.image) == 1 + len(examples)  # the photo beside the example row: nothing explained until asked
    labelled(at.toggle, "why.title").set_value(True).run()
    assert_clean(at)
    result = next(shown(m.value) for m in at.markdown if shown(m.value).startswith("**sky.jpg**"))
    predicted = next(c for c in CLASSES if f"**: {c} (" in result)
    heat = next(i for i in at.image if "Grad-CAM" in i.captions[0])
    assert heat.captions == [i18n.t("why.overlay", cls=predicted)]
    maps = next(i for i in at.image if len(i.value) > 1)
    assert len(maps.value) == 16 and maps.captions[0] in ("#1", "#1 silent")  # the first conv layer has 32 filters
    assert any(i.captions == [i18n.t("why.photo")] for i in at.image)  # the photo beside its heat map

    other = next(c for c in CLASSES if c != predicted)
    labelled(at.selectbox, "why.class").set_value(other).run()
    assert_clean(at)
    heat_other = next(i for i in at.image if "Grad-CAM" in i.captions[0])
    assert heat_other.captions == [i18n.t("why.overlay", cls=other)]
    assert heat_other.value != heat.value  # another class, another picture

    layer = labelled(at.selectbox, "why.layer")
    assert len(layer.options) == 3  # model_1's three convolutions, the first shown first
    layer.set_value(layer.options[-1]).run()
    assert_clean(at)
    deeper = next(i for i in at.image if len(i.value) > 1)
    assert deeper.value != maps.value and layer.options[-1] in texts(at.caption)


# ---------------------------------------------------------------------------------------------
# 2 Errors


def test_errors_page_lists_the_photos_of_a_chosen_cell(trained_run, app_demo):
    report = runs.read_json(trained_run / "evaluation.json")
    with run_data_at(trained_run, app_demo):  # the same demo photos, in this module's data root
        _errors_page_lists_the_photos(report)


def _errors_page_lists_the_photos(report):
    at = open_page("pages/errors.py")
    assert at.title[0].value == i18n.t("errors.title")
    assert len(at.get("plotly_chart")) == 2  # the confusion matrix, per-class precision/recall/F1
    cell = labelled(at.selectbox, "errors.pick_cell")
    classes, matrix = report["classes"], report["confusion_matrix"]
    expected = {f"{a}|{b}": matrix[i][j] for i, a in enumerate(classes) for j, b in enumerate(classes)
                if matrix[i][j]}
    assert set(cell.options) == {i18n.t("errors.cell_correct" if a == b else "errors.cell", true=a,
                                      predicted=b, n=n) for (a, b), n in
                                 ((k.split("|"), v) for k, v in expected.items())}
    # choose the fullest cell: its photos are listed, each with a heat map, most confident first
    fullest = max(expected, key=expected.get)
    cell.set_value(fullest).run()
    assert_clean(at)
    true, predicted = fullest.split("|")
    images = [shown(c.value) for c in at.caption if ".jpg:" in shown(c.value)]  # each under its photo
    assert len(images) == min(12, expected[fullest])
    assert len([i for i in at.image if i.captions == [i18n.t("why.photo")]]) == len(images)
    rows = sorted((r for r in report["predictions"] if (r["true"], r["predicted"]) == (true, predicted)),
                  key=lambda r: -r["confidence"])
    listed = [Path(r["file"]).name for r in rows[:12]]
    in_columns = [listed[i] for column in range(4) for i in range(column, len(listed), 4)]  # a 4-wide grid
    assert [caption.split(":")[0] for caption in images] == in_columns
    assert i18n.t("errors.showing", shown=len(images), n=expected[fullest]) in texts(at.caption)


# ---------------------------------------------------------------------------------------------
# 3 Ablation pairs, best-epoch markers


def test_ablation_queues_a_pair_that_differs_in_one_setting(app_demo, empty_runs):
    at = open_page("pages/train.py")
    at.selectbox[0].set_value("model_1")
    for key, value in (("epochs", 1), ("batch_size", 16), ("image_size", 32)):
        labelled(at.number_input, f"train.{key}").set_value(value)
    at.run()
    labelled(at.radio, "ablation.setting").set_value("batch_size").run()
    labelled(at.button, "ablation.queue").click().run()
    pair = [empty_runs / name for name in at.session_state["ablation_pair"]]
    try:
        assert_clean(at)
        assert sorted(p.name for p in empty_runs.iterdir() if not p.name.startswith(".")) == sorted(
            p.name for p in pair)
        first, second = (runs.read_json(p / "config.json") for p in pair)
        assert (first["batch_size"], second["batch_size"]) == (16, 128)
        # Only the settings: a trainer that already started adds device, split and class names.
        settings = {f.name for f in fields(training.TrainConfig)} - {"batch_size"}
        assert {k: first[k] for k in settings} == {k: second[k] for k in settings}
        assert first["model"] == "model_1" and first["epochs"] == 1 and first["image_size"] == 32
        assert at.query_params["pair"] == ",".join(p.name for p in pair)
        assert at.session_state["train_run"] == str(pair[0])
    finally:
        for run_dir in pair:
            jobs.kill(run_dir)


def test_finished_pair_links_to_compare(trained_run, empty_runs):
    pair = [copy_run(trained_run, empty_runs, name).name for name in ("pair-a", "pair-b")]
    at = open_page("pages/train.py", ablation_pair=pair)
    assert_clean(at)
    link = next(p for p in at.get("page_link") if p.value == i18n.t("ablation.compare"))
    assert parse_qs(link.proto.query_string) == {"runs": ["pair-a,pair-b"]}
    assert link.proto.page.endswith("compare")


def test_curves_star_the_best_epoch():
    rows = [{"epoch": 1, "val_accuracy": 0.5, "best": True, "lr": 1e-3},
            {"epoch": 2, "val_accuracy": 0.7, "best": True, "lr": 1e-3},
            {"epoch": 3, "val_accuracy": 0.7, "best": False, "lr": 1e-4}]
    assert charts.best_epoch(rows)["epoch"] == 2
    unmarked = [{"epoch": 1, "val_accuracy": 0.4}, {"epoch": 2, "val_accuracy": 0.6}]
    assert charts.best_epoch(unmarked)["epoch"] == 2
    fig = charts.curves([("a", rows), ("b", rows[:1])], "accuracy")
    stars = [trace for trace in fig.data if trace.marker.symbol == "star"]
    assert [(s.name, list(s.x), list(s.y)) for s in stars] == [
        (f"a {i18n.t('chart.best')}", [2], [0.7]), (f"b {i18n.t('chart.best')}", [1], [0.5])]
    assert len(fig.layout.shapes) == 1  # the learning-rate drop before epoch 3
    assert not [t for t in charts.curves([("a", rows)], "loss").data if t.marker.symbol == "star"]


# ---------------------------------------------------------------------------------------------
# 4 Lesson links


def test_lesson_link_sets_the_train_form(app_demo):
    query = dict(model="model_3", epochs="50", batch_size="16", image_size="128", augment="1",
                 reduce_lr="0", lr="0.001", seed="7")  # the report's Model 3 recipe, without the callback
    at = open_page("pages/train.py", query=query)
    assert not at.warning, [w.value for w in at.warning]
    assert at.selectbox[0].value == "model_3"
    values = {key: labelled(at.number_input, f"train.{key}").value
              for key in ("epochs", "batch_size", "image_size", "seed")}
    assert values == {"epochs": 50, "batch_size": 16, "image_size": 128, "seed": 7}
    assert labelled(at.checkbox, "train.augment").value is True
    assert labelled(at.checkbox, "train.reduce_lr").value is False
    assert at.select_slider[0].value == 0.001
    shared = next(c.value for c in at.code if c.value.startswith("/train?"))
    shared_values = {k: v[0] for k, v in parse_qs(shared.split("?", 1)[1]).items()}
    # The link repeats every setting a link can set: the query's (`lr` under its one name now), and
    # the recipe's for the rest.
    quick = recipes.RECIPES["quick"]
    given = {key: value for key, value in query.items() if key != "lr"}
    assert shared_values == {**given, "learning_rate": "0.001", "reduce_lr": "0", "recipe": "quick",
                             "flip": str(int(quick["flip"])), "schedule": quick["lr_schedule"],
                             "smoothing": str(quick["label_smoothing"]),
                             "warmup_epochs": str(quick["warmup_epochs"]), "jitter": str(quick["jitter"]),
                             "mixup": str(quick["mixup"]), "cutmix": str(quick["cutmix"]), "early_stopping": "0",
                             **{lever: str(int(quick[lever])) for lever in ("crop", "ema", "tta")}}

    at = open_page("pages/train.py", query=dict(epochs="5000", batch_size="lots", model="model_9",
                                                 lr="0.5", augment="maybe"))
    defaults = training.DEFAULTS  # out of range is refused, never clamped (issue 30): the recipe's value stays
    assert labelled(at.number_input, "train.epochs").value == defaults["epochs"]
    assert labelled(at.number_input, "train.batch_size").value == defaults["batch_size"]  # ignored
    assert at.selectbox[0].value == defaults["model"]
    assert at.select_slider[0].value == defaults["learning_rate"]
    warning = texts(at.warning)
    for part in ('epochs="5000"', 'batch_size="lots"', 'model="model_9"', 'lr="0.5"', 'augment="maybe"',
                 "1..1000", "1e-05..0.01"):
        assert part in warning


def test_lesson_links_on_models_and_augmentation(app_demo):
    at = open_page("pages/models.py", query=dict(model="model_2_report", image_size="250"))
    assert at.selectbox[0].value == "model_2_report" and at.number_input[0].value == 250
    assert at.metric[0].value == "10,648,772"
    at = open_page("pages/augmentation.py", query=dict(rotation="0", brightness="0.8,1.2", flip="0"))
    assert labelled(at.slider, "augment.rotation").value == 0.0
    assert labelled(at.slider, "augment.brightness").value == (0.8, 1.2)
    assert labelled(at.checkbox, "augment.flip").value is False
    assert "RandomRotation" not in at.code[0].value and "RandomFlip" not in at.code[0].value


def test_lesson_link_with_an_old_seed_model_name_opens_the_report_version(app_demo):
    at = open_page("pages/models.py", query=dict(model="model_2_seed", image_size="250"))
    assert at.selectbox[0].value == "model_2_report" and at.number_input[0].value == 250


def test_lesson_parsing_never_fails():
    from streamlit.testing.v1 import AppTest as Probe

    def script():
        import streamlit as st

        from pages.ui import lesson_links as lessons

        link = lessons.Lesson()
        st.session_state["values"] = (
            link.number("n", 5, 1, 10), link.number("f", 0.5, 0.0, 1.0, integer=False),
            link.numbers("pair", (1.0, 2.0), 0.0, 3.0), link.flag("on", True),
            link.choice("c", ["a", "b"], "a"), link.number("nan", 3, 1, 9))
        st.session_state["notes"] = link.notes

    at = Probe.from_function(script)
    at.query_params.update(n="7.5", f="-2", pair="2.5,9", on="OFF", c="b", nan="nan")
    at.run()
    assert_clean(at)
    assert at.session_state["values"] == (5, 0.5, (1.0, 2.0), False, "b", 3)
    assert len(at.session_state["notes"]) == 4  # n ignored, f and pair out of range, nan ignored
    assert lesson_links.url("train", {"augment": True, "lr": 0.001}) == "/train?augment=1&lr=0.001"


# ---------------------------------------------------------------------------------------------
# 5 Compare preselects ?runs=, take a run home, resume and discard


def test_compare_preselects_the_runs_in_the_url(trained_run, empty_runs):
    for name in ("run-a", "run-b", "run-c"):
        copy_run(trained_run, empty_runs, name)
    at = open_page("pages/compare.py", query={"runs": "run-c,run-a,no-such-run"})
    chosen = at.multiselect[0].value
    assert [label.split(" ")[0] for label in chosen] == ["run-c", "run-a"]
    assert "no-such-run" in texts(at.warning)
    assert sorted(at.dataframe[0].value["run"]) == ["run-a", "run-c"]


def test_export_button_produces_a_zip_download(trained_run, empty_runs, media):
    copy_run(trained_run, empty_runs, "run-a")
    at = open_page("pages/compare.py", query={"runs": "run-a"})

    def zips():
        return [b for b in at.get("download_button") if b.proto.label != i18n.t("compare.csv")]

    assert not zips()
    # the final scores table as CSV, for grading: the run and its test accuracy
    table = next(data for name, data in reversed(media) if name == "compare.csv").decode()
    assert "run-a" in table.splitlines()[1] and i18n.t("compare.col.test") in table.splitlines()[0]
    labelled(at.button, "export.prepare").click().run()
    assert_clean(at)
    download = zips()
    assert len(download) == 1 and download[0].label.startswith("Download the zip")
    payload = next(data for name, data in reversed(media) if name == "run-a.zip")
    archive = zipfile.ZipFile(io.BytesIO(payload))
    expected = {"model.keras", "model.tflite", "model.onnx", "predict.py", "labels.txt", "MODEL_CARD.md", "metrics.csv"}
    assert expected <= set(archive.namelist())
    assert archive.read("labels.txt").decode().split() == CLASSES

    runs.write_status(empty_runs / "run-a", "running", pid=os.getpid())  # training again: no zip
    at = open_page("pages/compare.py", query={"runs": "run-a"})
    assert i18n.t("export.prepare") not in [b.label for b in at.button]


def test_stopped_run_can_be_resumed_or_discarded(trained_run, empty_runs):
    run_dir = copy_run(trained_run, empty_runs, "run-stopped")
    runs.write_status(run_dir, "cancelled", pid=None, error="cancelled by the user")
    at = open_page("pages/train.py", train_run=str(run_dir))
    assert i18n.t("export.prepare") in [b.label for b in at.button]  # a cancelled run has a model too
    discard = labelled(at.button, "stopped.discard")
    assert discard.disabled
    at.checkbox(key="discard-sure-run-stopped").check().run()
    labelled(at.button, "stopped.discard").click().run()
    assert_clean(at)
    assert not run_dir.exists() and "train_run" not in at.session_state

    run_dir = copy_run(trained_run, empty_runs, "run-failed")
    runs.write_json_atomic(run_dir / "config.json", {**runs.read_json(run_dir / "config.json"), "epochs": 3})
    runs.write_status(run_dir, "failed", pid=None, error="MemoryError")
    at = open_page("pages/train.py", train_run=str(run_dir))
    labelled(at.button, "stopped.resume").click().run()
    try:
        assert_clean(at)
        # A trainer was launched (it writes log.txt); at 32 px it may even have finished already.
        assert (run_dir / "log.txt").exists()
        assert runs.current_state(run_dir) in (*runs.ACTIVE, "finished")
        assert not runs.read_json(run_dir / "status.json").get("error")
        assert "train_run" in at.session_state and not labelled_or_none(at.button, "stopped.resume")
    finally:
        jobs.kill(run_dir)


def labelled_or_none(widgets, key):
    return next((w for w in widgets if w.label == i18n.t(key)), None)
