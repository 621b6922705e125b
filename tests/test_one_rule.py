"""One rule per decision: who may change a run (enforced by jobs, only shown by pages), the time
left of a training, the duplicate groups a dataset has, the photo extensions and the hidden files."""

import ast
import shutil
from pathlib import Path

import pytest
from PIL import Image

from weather_core import data, jobs
from weather_core.data import duplicates, health
from weather_core.jobs.classroom import Who
from weather_core.training import estimate
from support import owned_run

PAGES = Path(__file__).resolve().parent.parent / "pages"


@pytest.mark.parametrize("identities", ["off", "on"])
def test_an_ownerless_run_is_anyones_only_without_identities(tmp_path, identities):
    single_user = identities == "off"
    nobodys = owned_run(tmp_path, "20990101-000000-model_1-none", owner="", state="cancelled")
    anas = owned_run(tmp_path, "20990101-000001-model_1-ana", owner="ana", state="cancelled")
    student, teacher = Who("ben", single_user=single_user), Who("", instructor=True, single_user=single_user)
    if single_user:  # nobody has an identity: a run nobody owns is anyone's
        jobs.discard(nobodys, tmp_path, who=Who("", single_user=True))
        assert not nobodys.exists()
    else:  # it is the instructor's
        for action in (lambda: jobs.cancel(nobodys, who=student), lambda: jobs.discard(nobodys, tmp_path, who=student),
                       lambda: jobs.resume_in_background(nobodys, who=student)):
            with pytest.raises(PermissionError, match="only its owner or the instructor"):
                action()
        assert nobodys.exists()
        jobs.discard(nobodys, tmp_path, who=teacher)
        assert not nobodys.exists()
    with pytest.raises(PermissionError):  # an owned run is its owner's, whatever the server
        jobs.discard(anas, tmp_path, who=student)
    jobs.discard(anas, tmp_path, who=Who("ana", single_user=single_user))
    assert not anas.exists()


def test_every_page_action_on_a_run_passes_who_asks():
    """Pages only show the rule; each call that changes a run hands the core the asker."""
    calls = []
    for path in PAGES.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                    and node.func.attr in ("cancel", "discard", "resume_in_background") \
                    and getattr(node.func.value, "id", None) == "jobs":
                calls.append((path.name, any(k.arg == "who" for k in node.keywords)))
    assert calls and all(passed for _, passed in calls), calls


def test_the_time_left_is_one_rule_for_the_trainer_the_page_and_the_queue():
    status = {"epoch": 2, "epochs": 4, "batch": 5, "steps": 10, "started": 100.0}
    rows = [{"epoch": 1, "seconds": 30.0}]
    # what a page or the queue computes from the folder is the trainer's rule with the same inputs
    assert estimate.remaining_seconds(status, rows, now=200.0) == estimate.seconds_left(
        [30.0], epochs=4, epoch=2, batch=5, steps=10, epoch_elapsed=15.0)
    assert estimate.time_left({**status, "eta_seconds": 12.0}, rows, now=200.0) == 12.0  # the trainer's own
    assert estimate.time_left({"epoch": 0, "epochs": 4, "started": 100.0}, [], 130.0, expected_seconds=50.0) == 20.0


def test_the_health_report_counts_the_duplicate_finders_identical_groups(tmp_path):
    sorted_dir = tmp_path / "sorted"
    (sorted_dir / "cloudy").mkdir(parents=True)
    Image.new("RGB", (64, 48), (120, 130, 140)).save(sorted_dir / "cloudy" / "cloudy1.jpg")
    shutil.copy(sorted_dir / "cloudy" / "cloudy1.jpg", sorted_dir / "cloudy" / "cloudy2.jpg")
    Image.new("RGB", (64, 48), (121, 130, 140)).save(sorted_dir / "cloudy" / "cloudy3.jpg")  # near, not equal
    groups = duplicates.find_groups(sorted(sorted_dir.rglob("*.jpg")))
    report = health.health_report(sorted_dir)
    assert report["duplicates"] == [["cloudy/cloudy1.jpg", "cloudy/cloudy2.jpg"]]
    assert report["duplicates"] == [[Path(f).relative_to(sorted_dir).as_posix() for f in same]
                                    for g in groups for same in g["identical"]]


def test_one_list_of_photo_extensions_and_one_hidden_file_rule():
    from pages.ui import widgets

    assert set(data.IMAGE_EXTENSIONS) == set(health.EXTENSION_FORMATS)
    assert {f".{kind}" for kind in widgets.photo_types()} == data.IMAGE_EXTENSIONS
    assert data.is_hidden(".DS_Store") and data.is_hidden("Thumbs.db") and not data.is_hidden("cloudy1.jpg")
