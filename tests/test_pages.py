"""The dashboard's pages, driven through streamlit's AppTest: each page renders without an
exception, and its main interaction works on the generated demo data (sort and split, the
augmentation grid, a model's parameter total, a background training, comparing and classifying)."""

import io
import json
import os
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from pages.ui import i18n, nav, session
from weather_core.training import estimate
from weather_core import jobs, runs, settings
from weather_core.models import report
from support import assert_clean, copy_run, open_page, shown, texts

ROOT = Path(__file__).resolve().parent.parent

APP = str(ROOT / "app.py")
PAGES = [page.path for page in nav.PAGES]
TIMEOUT = 90  # the first TensorFlow import on a busy 2-core machine is slow


# ---------------------------------------------------------------------------------------------
# Fixtures (conftest): private roots, the demo dataset (app_demo), one tiny trained run


pytestmark = pytest.mark.usefixtures("roots")  # this module's own data, runs and cache roots


def frame_values(at):
    return [frame.value for frame in at.dataframe]


def plotly_charts(at):
    return at.get("plotly_chart")


# ---------------------------------------------------------------------------------------------
# Rendering


def test_home_renders_without_importing_tensorflow():
    script = (
        "import sys, json, time\n"
        "from streamlit.testing.v1 import AppTest\n"
        f"start = time.time(); at = AppTest.from_file({APP!r}, default_timeout=30).run()\n"
        "print(json.dumps({'tf': 'tensorflow' in sys.modules, 'keras': 'keras' in sys.modules,\n"
        "  'errors': [str(e.value) for e in at.exception], 'titles': [t.value for t in at.title],\n"
        "  'links': len(at.get('page_link')), 'seconds': time.time() - start}))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         cwd=ROOT, env=os.environ, timeout=120, check=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["errors"] == []
    assert result["titles"] == [i18n.t("home.title")]
    assert result["links"] == len(nav.STEPS) == 8  # one link per walkthrough step
    assert not result["tf"] and not result["keras"]


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders(page, trained_run):
    at = open_page(page)
    assert at.title, f"{page} has no title"
    assert not at.error, [e.value for e in at.error]
    assert at.sidebar.selectbox[0].label == i18n.t("sidebar.dataset")


# ---------------------------------------------------------------------------------------------
# 1 Dataset


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


# ---------------------------------------------------------------------------------------------
# 2 Augmentation, 3 Models


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


# ---------------------------------------------------------------------------------------------
# 4 Train


@pytest.mark.slow  # trains in a subprocess
def test_train_page_trains_in_the_background(app_demo):
    at = open_page("pages/train.py")
    at.selectbox[0].set_value("model_1")
    for label, value in (("epochs", 1), ("batch_size", 16), ("image_size", 32)):
        next(n for n in at.number_input if n.label == i18n.t(f"train.{label}")).set_value(value)
    at.run()
    assert "about **" in texts(at.caption)
    at.button[0].click().run()
    assert_clean(at)
    run_dir = Path(at.session_state["train_run"])
    try:
        deadline = time.time() + 150
        while runs.current_state(run_dir) in runs.ACTIVE and time.time() < deadline:
            time.sleep(1)
        assert runs.current_state(run_dir) == "finished", (run_dir / "log.txt").read_text()[-2000:]
    finally:
        jobs.kill(run_dir)
    assert runs.read_metrics(run_dir)[0]["epoch"] == 1
    at.run()
    assert_clean(at)
    assert i18n.t("train.finished", epochs=1) in texts(at.success)
    assert at.metric[0].value.endswith("%")  # the test-split accuracy
    run_charts = [c for c in plotly_charts(at) if c.key != "lever-chart"]
    assert len(run_charts) == 4  # accuracy, loss, confusion matrix, per-class bars


def _fake_run(root, run_id, state, **status):
    run_dir = root / run_id
    run_dir.mkdir(parents=True)
    runs.write_json_atomic(run_dir / "config.json", {"model": "model_1", "epochs": 3, "image_size": 32})
    runs.write_status(run_dir, state, created=time.time(), **status)
    return run_dir


def test_train_page_reattaches_to_a_queued_run(app_demo, empty_runs):
    _fake_run(empty_runs, "20990101-000000-model_1-beef", "queued", pid=os.getpid(), position=1)
    at = open_page("pages/train.py")
    assert "20990101-000000-model_1-beef" in texts(at.header)
    assert i18n.t("train.queued", position=1) in texts(at.info)
    cancel = next(b for b in at.button if b.label == i18n.t("train.cancel"))
    cancel.click().run()
    assert_clean(at)
    assert runs.cancel_requested(empty_runs / "20990101-000000-model_1-beef")


def test_a_double_click_on_start_queues_one_run_and_follows_it(app_demo, empty_runs):
    _fake_run(empty_runs, "20990101-000000-model_1-busy", "running", pid=os.getpid())  # holds the slot
    at = open_page("pages/train.py")
    for _ in range(2):  # the second click lands before the page has shown the first run
        next(b for b in at.button if b.label == i18n.t("train.start")).click().run()
        assert_clean(at)
    queued = [r for r in runs.list_runs(empty_runs) if r.state == "queued"]
    assert len(queued) == 1 and at.session_state["train_run"] == str(queued[0].path)
    assert at.query_params["run"] == queued[0].run_id
    assert queued[0].run_id in texts(at.header)
    # the second click returned the student's own queued run: nothing calls it "another training"
    assert i18n.t("train.will_queue", n=2) not in texts(at.info)
    # while it waits or trains, the form is folded away under its run's progress and curves
    folded = next(e for e in at.expander if e.label == i18n.t("train.new_run"))
    assert i18n.t("train.start") in [b.label for b in folded.button]


def test_train_page_finds_a_students_finished_run_after_a_reload(app_demo, empty_runs):
    """No session state, no ?run= (a reload, then a page switch): the named student's latest run,
    finished, with its results; never a classmate's, never anything for a nameless tab."""
    for run_id, owner in (("20990101-000001-model_1-mine", "ana"), ("20990101-000002-model_1-them", "ben")):
        run_dir = _fake_run(empty_runs, run_id, "finished", pid=None, finished=time.time())
        config = runs.read_json(run_dir / "config.json")
        runs.write_json_atomic(run_dir / "config.json", {**config, "owner": owner})
    at = open_page("pages/train.py", user="ana")
    assert i18n.t("train.on_dataset", name=i18n.t("sidebar.demo")) in texts(at.caption)  # the form's dataset
    assert "20990101-000001-model_1-mine" in texts(at.header)
    assert "20990101-000002-model_1-them" not in texts(at.header)
    nameless = open_page("pages/train.py")
    assert "model_1-" not in texts(nameless.header) and i18n.t("train.no_run") in texts(nameless.caption)


def test_train_page_shows_failed_and_interrupted_runs(app_demo, empty_runs):
    run_dir = _fake_run(empty_runs, "run-failed", "failed", pid=None, error="DataError: no photos")
    (run_dir / "log.txt").write_text("Epoch 1/3\ntraining failed: no photos\n")
    at = open_page("pages/train.py", train_run=str(run_dir))
    assert "This run is failed: DataError: no photos" in texts(at.error)
    assert any(c.value.endswith("training failed: no photos") for c in at.code)  # the run's log
    # a running status whose process is gone (server restarted, process killed): interrupted
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    run_dir = _fake_run(empty_runs, "run-gone", "running", pid=gone.pid, epoch=1, epochs=3)
    at = open_page("pages/train.py", train_run=str(run_dir))
    assert "This run is interrupted" in texts(at.error)


def test_estimate_uses_measured_throughputs():
    assert estimate.images_per_second("model_3", 192) == 19.4
    assert estimate.images_per_second("model_3", 128) == pytest.approx(26.3 * (160 / 128) ** 2)
    assert estimate.images_per_second("model_2_report", 250) == estimate.images_per_second("model_2", 250) == 9.5
    assert estimate.images_per_second("model_1", 64) == pytest.approx(300.0)  # 4x fewer pixels than 128
    assert estimate.images_per_second("model_1", 240) == pytest.approx(19.0 * (250 / 240) ** 2)
    expected = estimate.STARTUP_SECONDS + 30 * 168 / 19.4 * 1.15
    assert estimate.estimate_seconds("model_3", 192, 30, 168) == pytest.approx(expected)


def test_progress_and_time_left():
    assert estimate.fraction_done({"epoch": 0, "epochs": 4}) == 0.0
    status = {"epoch": 2, "epochs": 4, "batch": 5, "steps": 10, "started": 100.0}
    assert estimate.fraction_done(status) == pytest.approx(1.5 / 4)
    rows = [{"epoch": 1, "seconds": 30.0}]
    assert estimate.remaining_seconds(status, rows, now=200.0) == pytest.approx(2.5 * 30.0)
    # During the first epoch (no epoch measured yet): its pace per batch, +15 % validation, the
    # trainer's own rule (estimate.seconds_left): 5 of 10 batches in 75 s, 4 epochs.
    first = {**status, "epoch": 1}
    assert estimate.remaining_seconds(first, [], now=175.0) == pytest.approx(75.0 / 5 * 10 * 1.15 * 4 - 75.0)
    assert estimate.remaining_seconds({"epoch": 0, "epochs": 4}, [], now=1.0) is None


# ---------------------------------------------------------------------------------------------
# 5 Compare, 6 Classify


def test_compare_overlays_two_runs_and_their_differences(trained_run, empty_runs):
    first, second = empty_runs / "run-a", empty_runs / "run-b"
    shutil.copytree(trained_run, first)
    shutil.copytree(trained_run, second)
    config = runs.read_json(second / "config.json")
    runs.write_json_atomic(second / "config.json", {**config, "learning_rate": 0.01})
    at = open_page("pages/compare.py")
    assert len(at.multiselect[0].value) == 2
    assert len(plotly_charts(at)) == 3  # accuracy, loss, test accuracy per run
    final, settings, reported = frame_values(at)
    assert sorted(final["run"]) == ["run-a", "run-b"]
    lr = f"{config['learning_rate']:g}"
    assert sorted(final["name"]) == sorted([f"lr {lr}", "lr 0.01"])  # named by what differs
    assert list(settings.columns) == ["name", "lr"]
    assert sorted(settings["lr"]) == sorted([lr, "0.01"])
    assert "91.25 %" in reported.to_string()
    csv = next(b for b in at.get("download_button") if b.proto.label == i18n.t("compare.csv"))
    assert csv.proto.label  # the final scores as a CSV, for grading
    n = runs.read_json(first / "status.json")["test_n"]
    note = i18n.t("compare.test_note", n=n, point=100 / n)  # the runs' own count of test photos
    assert note in texts(at.caption) and i18n.t("compare.stars") in texts(at.caption)

    # a run on another dataset: its scores measure other photos, so the dataset is named first
    third = empty_runs / "run-c"
    shutil.copytree(trained_run, third)
    runs.write_json_atomic(third / "config.json", {**config, "data": str(empty_runs / "lesson-set")})
    at = open_page("pages/compare.py", query={"runs": "run-a,run-c"})
    _, settings, _ = frame_values(at)
    assert list(settings.columns)[:2] == ["name", "dataset"] and "lesson-set" in list(settings["dataset"])

    # a run cancelled in the queue never trained: a link naming it compares the others and says so
    queued = empty_runs / "run-d"
    shutil.copytree(trained_run, queued)
    (queued / "metrics.jsonl").unlink()
    runs.write_status(queued, "cancelled", pid=None)
    at = open_page("pages/compare.py", query={"runs": "run-a,run-d"})
    final = frame_values(at)[0]
    assert list(final["run"]) == ["run-a"] and "run-d" in texts(at.caption)


def test_the_text_under_a_runs_scores_follows_its_settings_and_state(trained_run, empty_runs):
    run_dir = copy_run(trained_run, empty_runs, "run-plain")
    config = runs.read_json(run_dir / "config.json")
    at = open_page("pages/train.py", train_run=str(run_dir))
    assert i18n.t("train.honest") in texts(at.caption) and "ReduceLROnPlateau" not in texts(at.caption)
    runs.write_json_atomic(run_dir / "config.json", {**config, "reduce_lr": True, "lr_schedule": "constant"})
    at = open_page("pages/train.py", train_run=str(run_dir))
    assert i18n.t("train.honest_reduce_lr") in texts(at.caption)
    status = runs.read_json(run_dir / "status.json")
    runs.write_json_atomic(run_dir / "status.json", {k: v for k, v in status.items() if not k.startswith("test_")}
                           | {"state": "cancelled", "error": "cancelled by the user"})
    at = open_page("pages/train.py", train_run=str(run_dir))
    assert "optimistic" not in texts(at.caption)  # a cancelled run was never tested


def test_classify_uploads_a_good_and_a_bad_photo(trained_run, app_demo):
    photo = next((app_demo / "split" / "test" / "rain").iterdir()).read_bytes()
    at = open_page("pages/classify.py")
    at.file_uploader[0].set_value([("sky.jpg", photo, "image/jpeg"),
                                   ("broken.png", b"definitely not a png", "image/png")]).run()
    assert_clean(at)
    assert "broken.png: not an image" in texts(at.error)
    result = next(shown(m.value) for m in at.markdown if shown(m.value).startswith("**sky.jpg**"))
    assert any(name in result for name in ("cloudy", "rain", "shine", "sunrise"))
    # one prediction only: the photo and its probabilities; "Why this class?" waits for a click,
    # and the camera (which asks the browser for permission) is off until someone wants it
    examples = [button for button in at.button if button.label == i18n.t("classify.try_example")]
    assert len(plotly_charts(at)) == 1 and len(at.image) == 1 + len(examples)
    assert {toggle.label: toggle.value for toggle in at.main.toggle} == {
        i18n.t("classify.camera_on"): False, i18n.t("why.title"): False}
    assert not at.camera_input


def test_classify_takes_a_camera_photo(trained_run, app_demo):
    from PIL import Image

    sky = Image.open(next((app_demo / "split" / "test" / "sunrise").iterdir())).convert("RGB")
    shot = io.BytesIO()
    sky.save(shot, format="JPEG")  # what the browser's camera widget sends
    at = open_page("pages/classify.py")
    next(toggle for toggle in at.toggle if toggle.label == i18n.t("classify.camera_on")).set_value(True).run()
    assert_clean(at)
    assert at.camera_input[0].label == i18n.t("classify.camera")
    at.camera_input[0].set_value(("image.jpg", shot.getvalue(), "image/jpeg")).run()
    assert_clean(at)
    result = next(shown(m.value) for m in at.markdown
                  if shown(m.value).startswith(f"**{i18n.t('classify.camera_name')}**"))
    assert any(name in result for name in ("cloudy", "rain", "shine", "sunrise"))
    assert len(plotly_charts(at)) == 1


def test_classify_offers_test_split_examples_of_every_class_and_classifies_a_click(trained_run, app_demo):
    from weather_core import data

    at = open_page("pages/classify.py")
    examples = [button for button in at.button if button.label == i18n.t("classify.try_example")]
    photos = data.example_photos(runs.read_config(trained_run)["data"])
    assert len(examples) == len(photos) == 8  # two of each class, from the split it never trained on
    assert {path.parent.name for path in photos} == {"cloudy", "rain", "shine", "sunrise"}
    assert {path.parent.parent.name for path in photos} == {"test"}
    assert not plotly_charts(at)  # nothing is classified before a click
    examples[5].click().run()
    assert_clean(at)
    assert any(shown(m.value).startswith(f"**{photos[5].name}**") for m in at.markdown)
    assert len(plotly_charts(at)) == 1


def test_a_classification_never_clears_the_keras_session(trained_run, app_demo, monkeypatch):
    """Streamlit clears the Keras session after every script run once Keras is imported (a full
    garbage collection and TensorFlow's kernel cache each time); pages/__init__.py turns it off."""
    import keras

    cleared = []
    monkeypatch.setattr(keras.backend, "clear_session", lambda *args, **kwargs: cleared.append(1))
    photo = next((app_demo / "split" / "test" / "shine").iterdir()).read_bytes()
    at = open_page("pages/classify.py")
    at.file_uploader[0].set_value([("sky.jpg", photo, "image/jpeg")]).run()
    assert_clean(at)
    assert any(shown(m.value).startswith("**sky.jpg**") for m in at.markdown)
    assert cleared == []


def test_projector_switch_enlarges_text_and_a_link_keeps_it(app_demo):
    def page_css(at):
        return " ".join(html.proto.body for html in at.get("html"))

    at = open_page("pages/models.py")
    switch = next(toggle for toggle in at.toggle if toggle.label == i18n.t("app.projector"))
    assert switch.value is False and "font-size: 22px" not in page_css(at)
    switch.set_value(True).run()
    assert_clean(at)
    assert "font-size: 22px" in page_css(at) and at.query_params["projector"] == "1"
    assert "font-size: 22px" in page_css(open_page("pages/train.py", query={"projector": "1"}))


def test_classify_without_a_trained_run_says_how_to_get_one(empty_runs):
    at = open_page("pages/classify.py")
    assert i18n.t("classify.no_run") in texts(at.info)
    assert "python -m weather_core train" in at.code[0].value
