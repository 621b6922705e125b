"""The Compare and Classify pages through AppTest, on one tiny trained run: curves overlaid with their
differences, uploads good and bad, the camera, test-split examples, no run yet."""

import io
import shutil
from pathlib import Path

import pytest

from pages.ui import i18n
from weather_core import runs
from support import assert_clean, copy_run, frame_values, open_page, plotly_charts, shown, texts

pytestmark = pytest.mark.usefixtures("roots")  # this module's own data, runs and cache roots


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


def test_classify_without_a_trained_run_says_how_to_get_one(empty_runs):
    at = open_page("pages/classify.py")
    assert i18n.t("classify.no_run") in texts(at.info)
    assert "python -m weather_core train" in at.code[0].value
