"""A hostile student's run folders (issue 12, bugs 1-8): the exact files that took pages down or
leaked a file, each read as a damaged run with a one-line message, never an error page or a leak."""

import json
import os
import shutil
import stat
import zipfile
from pathlib import Path

import pytest

from pages.ui import formatting, i18n
from weather_core import cli, runs, settings
from weather_core.use import export, inference
from support import copy_run, demo_photo, open_page, texts

pytestmark = pytest.mark.usefixtures("roots")  # this module's own data, runs and cache roots

HUGE_INT = "1" * 5000  # beyond Python's int-to-str limit: a plain ValueError, not JSONDecodeError
DEEP = "[" * 100_000  # RecursionError in json.loads


def hostile(source, root, name, state="finished", **files):
    """A copy of a trained run whose files are replaced by the given raw texts."""
    run_dir = copy_run(source, root, name)
    for file_name, text in files.items():
        (run_dir / file_name.replace("_json", ".json").replace("_jsonl", ".jsonl")).write_text(text)
    status = runs.read_json(run_dir / "status.json") or {}
    if "status_json" not in files:  # an interrupted run: the Train page shows it without asking
        runs.write_json_atomic(run_dir / "status.json",
                               {**status, "state": state, "pid": 2**22 + 7, "test_accuracy": 0.99})
    return run_dir


def metrics_rows(*rows) -> str:
    return "".join(row + "\n" for row in rows)


def open_compare(*ids):
    return open_page("pages/compare.py", query={"runs": ",".join(ids)})


def every_message(at) -> str:
    return " ".join(texts(kind) for kind in (at.warning, at.error, at.caption, at.info, at.markdown,
                                                   at.header))


# ---------------------------------------------------------------------------------------------
# Bugs 1 and 2: numbers and nesting beyond Python's limits, non-finite durations


@pytest.fixture
def bug_1_and_2_runs(one_epoch_run, empty_runs):
    good = copy_run(one_epoch_run, empty_runs, "20990101-000000-model_1-good")
    row = '{"epoch": 1, "loss": 0.5, "accuracy": 0.5, "val_loss": 0.5, "val_accuracy": 0.5, "seconds": %s}'
    made = [
        hostile(one_epoch_run, empty_runs, "20990101-000001-model_1-digits", state="running",
                metrics_jsonl=metrics_rows(row % HUGE_INT)),
        hostile(one_epoch_run, empty_runs, "20990101-000002-model_1-deepconfig", config_json=DEEP),
        hostile(one_epoch_run, empty_runs, "20990101-000003-model_1-deepmetrics", state="running",
                metrics_jsonl=DEEP),
        hostile(one_epoch_run, empty_runs, "20990101-000004-model_1-infinity", state="running",
                metrics_jsonl=metrics_rows(row % "Infinity")),
        hostile(one_epoch_run, empty_runs, "20990101-000005-model_1-e999", state="running",
                metrics_jsonl=metrics_rows(row % "1e999")),
        hostile(one_epoch_run, empty_runs, "20990101-000006-model_1-e308", state="running",
                metrics_jsonl=metrics_rows(row % "1e308", (row % "1e308").replace('"epoch": 1', '"epoch": 2'))),
    ]
    return good, made


def test_bug_1_and_2_files_read_as_damaged_runs_or_dropped_rows(bug_1_and_2_runs):
    _, made = bug_1_and_2_runs
    by_id = {r.run_id: r for r in runs.list_runs()}
    assert by_id["20990101-000002-model_1-deepconfig"].state == "damaged"
    assert "config.json is not valid JSON" in by_id["20990101-000002-model_1-deepconfig"].problem
    for run_dir in made[:1] + made[2:]:
        info = by_id[run_dir.name]
        assert info.metrics == [], (run_dir.name, info.metrics)  # the row with the bad number is dropped
        assert info.state == "interrupted"  # not damaged: its other files are fine
    assert formatting.duration(float("inf")) == "–" and formatting.duration(2e308) == "–"


@pytest.mark.parametrize("page", ["pages/compare.py", "pages/train.py", "pages/classify.py", "pages/errors.py"])
def test_bug_1_and_2_pages_stay_up_and_name_the_damaged_run(bug_1_and_2_runs, page):
    good, made = bug_1_and_2_runs
    at = open_compare(*(p.name for p in made), good.name) if page.endswith("compare.py") else open_page(page)
    messages = every_message(at)
    if page.endswith("train.py"):  # every interrupted run is shown with its results and time
        assert "20990101-000004-model_1-infinity" in messages
    else:
        assert "20990101-000002-model_1-deepconfig" in messages and "config.json is not valid JSON" in messages


# ---------------------------------------------------------------------------------------------
# Bug 3: config values of the wrong type; bug 4: evaluation.json of the wrong shape


def test_bug_3_config_of_wrong_types_is_a_damaged_run_on_compare(one_epoch_run, empty_runs):
    good = copy_run(one_epoch_run, empty_runs, "20990101-000000-model_1-good")
    config = runs.read_json(good / "config.json")
    bad = hostile(one_epoch_run, empty_runs, "20990101-000007-model_1-types",
                  config_json=json.dumps({**config, "model": {"x": [1]}, "image_size": "big"}))
    info = runs.load_run(bad)
    assert info.state == "damaged" and info.problem == "config.json: model is not a text"
    assert "model" not in info.config and "image_size" not in info.config
    at = open_compare(bad.name, good.name)
    assert len(at.multiselect[0].value) == 2
    assert "config.json: model is not a text" in texts(at.warning)


@pytest.mark.parametrize("matrix", [[[1]], "abc"])
def test_bug_4_evaluation_of_the_wrong_shape_is_a_message_on_errors(one_epoch_run, empty_runs, matrix):
    run_dir = hostile(one_epoch_run, empty_runs, "20990101-000008-model_1-matrix")
    report = runs.read_json(run_dir / "evaluation.json")
    runs.write_json_atomic(run_dir / "evaluation.json", {**report, "confusion_matrix": matrix})
    assert runs.read_evaluation(run_dir) == (None, "evaluation.json: confusion_matrix is not 4x4 counts")
    at = open_page("pages/errors.py")
    assert "confusion_matrix is not 4x4 counts" in texts(at.warning)


# ---------------------------------------------------------------------------------------------
# Bugs 5, 6, 7: links out of a run, run folders that are links, photos outside the roots


def test_bug_5_export_never_follows_a_link_out_of_the_run(one_epoch_run, empty_runs, tmp_path):
    secret = tmp_path / "shadow"
    secret.write_text("root:SECRET-HASH:19000:0:99999:7:::\n")
    run_dir = copy_run(one_epoch_run, empty_runs, "20990101-000009-model_1-link")
    (run_dir / "evaluation.json").unlink()
    (run_dir / "evaluation.json").symlink_to(secret)
    payload = export.export_zip(run_dir, converted=False)
    with zipfile.ZipFile(__import__("io").BytesIO(payload)) as archive:
        assert "evaluation.json" not in archive.namelist()
        assert all(b"SECRET-HASH" not in archive.read(name) for name in archive.namelist())
    # the CLI's export is the same function, reached through the run id
    out = tmp_path / "run.zip"
    assert cli.main(["export", run_dir.name, "--out", str(out)]) == 0
    with zipfile.ZipFile(out) as archive:
        assert "evaluation.json" not in archive.namelist() and "model.tflite" in archive.namelist()
        assert all(b"SECRET-HASH" not in archive.read(name) for name in archive.namelist())
    # a linked config.json or model is refused outright
    (run_dir / "config.json").rename(tmp_path / "config.json")
    (run_dir / "config.json").symlink_to(tmp_path / "config.json")
    with pytest.raises(ValueError, match="missing or a link"):
        export.export_zip(run_dir, converted=False)


def test_bug_6_a_run_folder_linked_to_outside_is_neither_listed_nor_loaded(one_epoch_run, empty_runs, tmp_path):
    outside = copy_run(one_epoch_run, tmp_path, "elsewhere")
    link = empty_runs / "20990101-000010-model_1-outside"
    link.symlink_to(outside, target_is_directory=True)
    inside = copy_run(one_epoch_run, empty_runs, "20990101-000011-model_1-inside")
    assert [r.run_id for r in runs.list_runs()] == [inside.name]
    assert runs.is_run_folder(inside, empty_runs) and not runs.is_run_folder(link, empty_runs)
    with pytest.raises(ValueError, match="not a run folder"):
        runs.resolve_run(link.name)
    with pytest.raises(ValueError, match="not a run folder"):
        inference.model_path(link)
    with pytest.raises(ValueError, match="not a run folder"):
        export.export_zip(link, converted=False)
    assert cli.main(["export", str(link), "--out", str(tmp_path / "x.zip")]) == cli.EXIT_ERROR
    at = open_page("pages/classify.py")
    assert link.name not in str(at.selectbox[0].options)


def test_bug_7_errors_never_shows_a_file_outside_the_data_root(one_epoch_run, empty_runs, tmp_path, demo_raw):
    private = tmp_path / "private-photo-cloudy.jpg"  # outside every root, readable by the server
    private.write_bytes(demo_photo(demo_raw, "cloudy1.jpg"))
    run_dir = copy_run(one_epoch_run, empty_runs, "20990101-000012-model_1-paths")
    runs.write_status(run_dir, "finished", test_accuracy=0.99)
    classes = ["cloudy", "rain", "shine", "sunrise"]
    row = {"file": str(private), "true": "cloudy", "predicted": "rain", "confidence": 0.9,
           "probabilities": {c: 0.25 for c in classes}}
    matrix = [[0, 1, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]]
    runs.write_json_atomic(run_dir / "evaluation.json", {"classes": classes, "confusion_matrix": matrix,
                                                         "n": 1, "accuracy": 0.0, "predictions": [row]})
    at = open_page("pages/errors.py")
    assert "private-photo-cloudy.jpg: the photo is no longer" in texts(at.warning)
    assert not at.get("imgs")


# ---------------------------------------------------------------------------------------------
# Bug 8: user text is plain text wherever it is shown


def test_bug_8_a_link_cannot_inject_markdown_into_the_warning(trained_run):
    at = open_compare("x\n\n**Session expired:** [log in](http://evil.example/)")
    warning = " ".join(w.value for w in at.warning)  # the markdown source, escapes included
    assert "Session expired" in warning
    assert "**Session" not in warning and "](http" not in warning and "\n" not in warning
    assert formatting.plain("x\n\n**Session expired:** [log in](http://evil.example/)") == (
        "x \\*\\*Session expired\\:\\*\\* \\[log in\\]\\(http\\:\\/\\/evil\\.example\\/\\)")


def test_every_label_naming_a_value_goes_through_plain():
    """The locale texts no longer wrap user values in code spans a newline can break."""
    for table in (i18n.EN, i18n.KO):
        for key in ("lesson.ignored", "lesson.out_of_range", "ablation.row", "compare.unknown_runs"):
            assert "`{" not in table[key], key


# ---------------------------------------------------------------------------------------------
# File modes, permission errors, leftovers


def test_every_file_of_a_finished_run_has_the_same_mode(one_epoch_run):
    modes = {path.name: stat.S_IMODE(path.stat().st_mode) for path in one_epoch_run.iterdir()
             if path.is_file()}
    assert {"config.json", "status.json", "evaluation.json", "best.keras", "metrics.jsonl"} <= modes.keys()
    assert len(set(modes.values())) == 1, modes
    assert set(modes.values()) == {runs.file_mode()}


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file whatever its mode")
def test_an_unreadable_config_is_named_a_permission_error(one_epoch_run, empty_runs):
    run_dir = copy_run(one_epoch_run, empty_runs, "20990101-000013-model_1-mode")
    (run_dir / "config.json").chmod(0)
    assert "permission denied" in runs.load_run(run_dir).problem


def test_a_permission_error_is_named_even_for_root(one_epoch_run, empty_runs, monkeypatch):
    run_dir = copy_run(one_epoch_run, empty_runs, "20990101-000014-model_1-denied")
    real = Path.read_text

    def denied(path, *args, **kwargs):
        if path.name == "config.json":
            raise PermissionError(13, "Permission denied", str(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(Path, "read_text", denied)
    info = runs.load_run(run_dir)
    assert info.state == "damaged" and "permission denied" in info.problem


def test_half_saved_models_of_dead_trainers_are_removed_on_resume(one_epoch_run, empty_runs):
    from weather_core import jobs

    run_dir = copy_run(one_epoch_run, empty_runs, "20990101-000015-model_1-leftover")
    runs.write_status(run_dir, "interrupted")
    dead, alive = run_dir / f".tmp-{2**22 + 9}-last.keras", run_dir / f".tmp-{os.getpid()}-last.keras"
    dead.write_bytes(b"half a model")
    alive.write_bytes(b"being written right now")
    assert runs.remove_leftovers(run_dir) == [dead.name]
    assert not dead.exists() and alive.exists()
    dead.write_bytes(b"half a model")
    jobs.resume_in_background(run_dir)
    assert not dead.exists()
    jobs.kill(run_dir)


def test_error_messages_name_paths_relative_to_the_data_root(roots):
    from weather_core import data

    missing = settings.data_root() / "uploads" / "gone.zip"
    with pytest.raises(data.DataError) as caught:
        data.prepare(missing, settings.data_root() / "prepared" / "x")
    assert str(settings.data_root()) not in str(caught.value) and "uploads/gone.zip" in str(caught.value)
    shutil.rmtree(settings.data_root() / "prepared" / "x", ignore_errors=True)
