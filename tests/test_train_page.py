"""The Train page: recipes with their measured figures, live progress (phase, batch-level curves,
the trainer's ETA), and an ablation pair's curves overlaid."""

import json
import os
import time

import pytest

from pages.ui import i18n
from weather_core.training import recipes
from weather_core import runs
from support import assert_clean, open_page, texts

pytestmark = pytest.mark.usefixtures("roots")


def number(at, key):
    return next(n for n in at.number_input if n.label == i18n.t(f"train.{key}"))


def cv_entry(accuracy, error, seconds, seeds):
    return {"accuracy": accuracy, "standard_error": error, "n": 845, "units": 774, "folds": 5,
            "seeds": seeds, "mean_seconds": seconds, "trainings": []}


def test_picking_a_recipe_fills_the_form_and_shows_its_cross_validated_figure(app_demo, tmp_path,
                                                                              monkeypatch):
    results = tmp_path / "recipe_results.json"
    results.write_text(json.dumps({"recipes": {
        "best": cv_entry(0.9341, 0.0082, 412.0, [1, 2, 3]),
        # A one-split score of the old format is no estimate: the page must not show it.
        "report": {"mean_accuracy": 0.9481, "mean_seconds": 3612.0, "seeds": [{"seed": 1}]}}}))
    monkeypatch.setattr(recipes, "RESULTS_FILE", results)
    at = open_page("pages/train.py")
    assert number(at, "image_size").value == recipes.RECIPES["quick"]["image_size"]
    assert i18n.t("recipe.unmeasured") in texts(at.caption)
    at.radio[0].set_value("best").run()
    assert_clean(at)
    assert number(at, "image_size").value == recipes.RECIPES["best"]["image_size"]
    assert number(at, "epochs").value == recipes.RECIPES["best"]["epochs"]
    assert "**93.4% ± 0.8** on 845 photos, 5 folds, 3 training seed(s)" in texts(at.caption)
    estimate = i18n.t("train.estimate", time="", n="", speed="").split("(")[0][:20]
    assert estimate not in texts(at.caption)  # one time per recipe: the measured one
    next(n for n in at.number_input if n.label == i18n.t("train.epochs")).set_value(31).run()
    assert estimate in texts(at.caption)  # changed settings: their own estimate
    at.radio[0].set_value("report").run()
    assert number(at, "image_size").value == recipes.RECIPES["report"]["image_size"]
    assert i18n.t("recipe.unmeasured") in texts(at.caption)
    assert "94.8" not in texts(at.caption)
    reduce_lr = next(c for c in at.checkbox if c.label == i18n.t("train.reduce_lr"))
    assert reduce_lr.value is True and not reduce_lr.disabled


def test_a_recipe_in_a_lesson_link_is_preselected(app_demo):
    from streamlit.testing.v1 import AppTest

    from support import APP, TIMEOUT

    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["recipe"] = "best"
    at.query_params["epochs"] = "7"
    at.run()
    at.switch_page("pages/train.py").run()
    assert_clean(at)
    assert at.radio[0].value == "best" and number(at, "epochs").value == 7


def live_run(root, phase="validating", eta=42.0):
    run_dir = root / "20990101-000000-model_3-cafe"
    run_dir.mkdir(parents=True)
    runs.write_json_atomic(run_dir / "config.json", {"model": "model_3", "epochs": 5, "image_size": 64})
    runs.write_status(run_dir, "running", pid=os.getpid(), started=time.time() - 30, phase=phase,
                      epoch=2, epochs=5, batch=37, steps=37, eta_seconds=eta)
    for step in range(1, 9):
        runs.append_progress(run_dir, {"epoch": step / 4, "loss": 1.5 - step / 10, "accuracy": step / 10})
    runs.append_metrics(run_dir, {"epoch": 1, "loss": 1.1, "accuracy": 0.5, "val_loss": 1.0,
                                  "val_accuracy": 0.6, "seconds": 12.0, "lr": 0.002})
    return run_dir


def test_live_progress_names_the_phase_and_the_trainers_eta(app_demo, empty_runs):
    run_dir = live_run(empty_runs)
    at = open_page("pages/train.py", train_run=str(run_dir))
    bar = at.get("progress")[0]
    assert "batch 37/37, validating · about 42 s left" in bar.proto.text
    charts = [c for c in at.get("plotly_chart") if c.key.startswith("acc-")]
    figure = json.loads(charts[0].proto.spec)
    train, val = figure["data"][0], figure["data"][1]
    assert len(train["x"]) == 8 and train["x"][0] == 0.25  # batch-level points before epoch 2
    assert val["x"] == [1] and train["line"]["color"] != val["line"]["color"]
    assert figure["layout"]["xaxis"]["dtick"] == 1  # whole epochs on the axis


def test_loading_phase_before_the_first_batch(app_demo, empty_runs):
    run_dir = live_run(empty_runs, phase="loading")
    at = open_page("pages/train.py", train_run=str(run_dir))
    assert at.get("progress")[0].proto.text == i18n.t("train.phase_loading")


def test_ablation_pair_is_drawn_overlaid(app_demo, empty_runs):
    pair = []
    for name, flip in (("20990101-000000-model_3-aaaa", True), ("20990101-000001-model_3-bbbb", False)):
        run_dir = empty_runs / name
        run_dir.mkdir()
        runs.write_json_atomic(run_dir / "config.json", {"model": "model_3", "epochs": 2, "flip": flip,
                                                          "augment": False, "batch_size": 16})
        runs.write_status(run_dir, "finished", test_accuracy=0.9, test_n=10)
        for epoch in (1, 2):
            runs.append_metrics(run_dir, {"epoch": epoch, "loss": 1.0, "accuracy": 0.5,
                                          "val_loss": 1.0, "val_accuracy": 0.5 + epoch / 10})
        pair.append(name)
    at = open_page("pages/train.py", ablation_pair=pair)
    assert_clean(at)
    overlaid = [json.loads(c.proto.spec) for c in at.get("plotly_chart") if c.key.startswith("ablation-")]
    names = [trace["name"] for fig in overlaid for trace in fig["data"]]
    flips = f"{i18n.t('train.flip')} {i18n.t('ablation.on')}", f"{i18n.t('train.flip')} {i18n.t('ablation.off')}"
    assert any(n.startswith(flips[0]) for n in names) and any(n.startswith(flips[1]) for n in names)


def test_learning_rate_is_read_under_either_name(app_demo):
    for name in ("lr", "learning_rate"):
        at = open_page("pages/train.py", query={name: "0.0003"})
        assert not at.warning and at.select_slider[0].value == 0.0003


def test_the_augmentation_pages_settings_reach_the_training_and_its_record(app_demo, empty_runs):
    """Page 2 feeds page 4: sliders moved on Augmentation are offered on Train as "mine"; the run's
    config records only what differs from the report's, and Compare names it."""
    from weather_core.jobs import run_queue

    holder = empty_runs / "20990101-000000-model_1-busy"  # holds the only slot: the new run waits
    holder.mkdir()
    runs.write_json_atomic(holder / "config.json", {"model": "model_1", "epochs": 3, "image_size": 32})
    runs.write_status(holder, "running", pid=os.getpid(), created=time.time())
    at = open_page("pages/augmentation.py")
    at.slider[2].set_value(45.0).run()  # rotation: 20 in the report
    assert_clean(at)
    assert i18n.t("augment.to_train") in texts(at.caption)
    at.switch_page("pages/train.py").run()
    next(c for c in at.checkbox if c.label == i18n.t("train.augment")).check().run()
    which = next(r for r in at.radio if r.label == i18n.t("train.augment_which"))
    which.set_value("mine").run()
    next(b for b in at.button if b.label == i18n.t("train.start")).click().run()
    assert_clean(at)
    queued = next(r for r in runs.list_runs(empty_runs) if r.state == "queued")
    assert queued.config["augment"] is True and queued.config["augment_settings"] == {"rotation_degrees": 45.0}
    run_queue.cancel(queued.path)


def test_augmentation_settings_out_of_range_are_refused_and_the_trainer_uses_them(demo_prepared, tmp_path):
    from weather_core.models import augment
    from weather_core.training import TrainConfig, create_run
    from weather_core.training.fit import _augmenter

    for bad in ({"rotation_degrees": 400}, {"brightness": [1.5, 0.5]}, {"colour": 1}, {"zoom": "big"}):
        with pytest.raises(ValueError):
            create_run(TrainConfig(data=str(demo_prepared), augment=True, augment_settings=bad), tmp_path)
    assert list(tmp_path.iterdir()) == []
    config = TrainConfig(data=str(demo_prepared), augment=True,
                         augment_settings={"rotation_degrees": 5.0, "zoom": 0.2}).validate()
    assert config.augment_settings == {"rotation_degrees": 5.0}  # zoom 0.2 is the report's already
    assert _augmenter(config).settings == augment.AugmentSettings(rotation_degrees=5.0)
    assert _augmenter(TrainConfig(data=str(demo_prepared), augment=True)).settings == augment.REPORT_SETTINGS


def test_a_long_run_asks_for_a_confirmation_and_the_instructor_can_forbid_it(app_demo, empty_runs):
    from weather_core import jobs
    from weather_core.jobs import classroom

    holder = empty_runs / "20990101-000000-model_1-busy"  # holds the only slot: the new run waits
    holder.mkdir()
    runs.write_json_atomic(holder / "config.json", {"model": "model_1", "epochs": 3, "image_size": 32})
    runs.write_status(holder, "running", pid=os.getpid(), created=time.time())
    link = {"model": "model_3", "image_size": "250", "epochs": "400"}
    classroom.set_max_epoch_pixels(None)  # the instructor lifted the epochs x pixels ceiling
    at = open_page("pages/train.py", query=link, user="ana")
    start = next(b for b in at.button if b.label == i18n.t("train.start"))
    assert start.disabled and "15" in texts(at.warning)
    at.checkbox(key="long-run-confirm").check().run()
    next(b for b in at.button if b.label == i18n.t("train.start")).click().run()
    assert_clean(at)
    queued = [r for r in runs.list_runs(empty_runs) if r.state == "queued"]
    assert len(queued) == 1 and queued[0].config["epochs"] == 400
    jobs.cancel(queued[0].path)
    classroom.set_long_runs(15, forbid=True)
    try:
        at = open_page("pages/train.py", query=link, user="ben")
        assert next(b for b in at.button if b.label == i18n.t("train.start")).disabled
        assert "15" in texts(at.error)  # refused, with the limit; and nothing to confirm it with
        assert i18n.t("train.long_confirm", minutes=1).split(":")[0] not in [c.label.split(":")[0] for c in at.checkbox]
    finally:
        classroom.set_long_runs(15, forbid=False)
        classroom.set_max_epoch_pixels(classroom.DEFAULTS["max_epoch_pixels"])
