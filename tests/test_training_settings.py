"""One table of training settings (weather_core/runs/training_settings.py): the CLI's options, the
Train form's widgets, lesson-link keys, TrainConfig's fields and config.json's checks all follow it,
and a value out of range is refused with its range, from the CLI and from a link, never clamped."""

import os
import subprocess
import sys
from dataclasses import MISSING, fields
from urllib.parse import parse_qs

import pytest

from weather_core import settings
from weather_core.cli.main import build_parser
from weather_core.runs import checks
from weather_core.training import BY_NAME, DEFAULTS, SETTINGS, TrainConfig, recipes
from support import open_page, texts

pytestmark = pytest.mark.usefixtures("roots")


def train_option_strings() -> set[str]:
    parser = build_parser()
    train = next(a for a in parser._subparsers._group_actions[0].choices.items() if a[0] == "train")[1]
    return {flag for action in train._actions for flag in action.option_strings}


def test_the_cli_offers_exactly_the_tables_settings():
    wanted = set()
    for setting in SETTINGS:
        if setting.flag:
            wanted |= {setting.flag, *(f"--{old}" for old in setting.old_keys)}
            if setting.kind is bool:
                wanted.add(setting.flag.replace("--", "--no-", 1))
    assert train_option_strings() - {"-h", "--help", "--data", "--runs", "--json"} == wanted


def test_trainconfig_and_the_config_checks_have_one_field_per_setting():
    assert {f.name for f in fields(TrainConfig)} - {"data", "augment_settings"} == set(BY_NAME)
    defaults = {f.name: f.default if f.default_factory is MISSING else f.default_factory()
                for f in fields(TrainConfig) if f.name in BY_NAME}
    assert defaults == {**DEFAULTS, "teachers": []}  # a fresh list per config, as config.json holds it
    assert set(BY_NAME) <= set(checks.CONFIG_KINDS)
    assert recipes.RECIPES["quick"] == {key: DEFAULTS[key] for key in recipes.RECIPES["quick"]}


def test_the_form_and_its_share_link_follow_the_table(app_demo):
    at = open_page("pages/train.py")
    form_keys = {w.key.split("-", 1)[1] for w in [*at.number_input, *at.checkbox, *at.selectbox,
                                                  *at.select_slider] if w.key and w.key.startswith("quick-")}
    assert form_keys == {s.name for s in SETTINGS if s.in_form}
    shared = next(c.value for c in at.code if c.value.startswith("/train?"))
    link_keys = set(parse_qs(shared.split("?", 1)[1]))
    assert link_keys == {s.link for s in SETTINGS if s.link}


def test_every_link_key_reaches_the_training_it_starts(app_demo):
    """A link that changes each settable value away from the recipe's: the form's config has them all."""
    changed = dict(model="model_1", epochs="7", batch_size="8", image_size="64", learning_rate="0.0003",
                   schedule="constant", warmup_epochs="0", reduce_lr="1", smoothing="0.2", flip="0",
                   augment="1", crop="1", jitter="0.2", ema="1", tta="1", mixup="0.4", cutmix="0.3", early_stopping="3",
                   seed="9")
    assert set(changed) | {"recipe"} == {s.link for s in SETTINGS if s.link}
    at = open_page("pages/train.py", query=changed)
    assert not at.warning, texts(at.warning)
    shared = next(c.value for c in at.code if c.value.startswith("/train?"))
    back = {key: values[0] for key, values in parse_qs(shared.split("?", 1)[1]).items()}
    as_numbers = {key: float(value) for key, value in changed.items() if key not in ("model", "schedule")}
    assert {key: float(back[key]) for key in as_numbers} == as_numbers
    assert back["model"] == "model_1" and back["schedule"] == "constant"


def test_a_link_out_of_range_is_refused_with_its_range_and_starts_nothing(app_demo, empty_runs):
    at = open_page("pages/train.py", query={"lr": "0.05", "epochs": "0"})
    warning = texts(at.warning)
    assert 'lr="0.05"' in warning and "1e-05..0.01" in warning
    assert 'epochs="0"' in warning and "1..1000" in warning
    assert at.select_slider[0].value == DEFAULTS["learning_rate"]  # refused, not clamped to 0.01
    assert not any(empty_runs.iterdir())


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "weather_core", *map(str, args)], capture_output=True,
                          text=True, cwd=settings.PROJECT_ROOT, env=os.environ.copy(), timeout=120)


@pytest.mark.parametrize("option, value, message", [
    ("--learning-rate", "0.5", "learning rate must be 1e-05..0.01, not 0.5"),
    ("--lr", "0", "learning rate must be 1e-05..0.01, not 0"),
    ("--label-smoothing", "0.7", "label smoothing must be 0..0.5, not 0.7"),
    ("--epochs", "0", "epochs must be 1..1000, not 0"),
])
def test_the_cli_refuses_a_value_out_of_range_before_making_a_run_folder(demo_prepared, tmp_path, option,
                                                                          value, message):
    result = run_cli("train", "--data", demo_prepared, option, value, "--runs", tmp_path / "runs", "--json")
    assert result.returncode != 0
    assert message in result.stderr
    assert not (tmp_path / "runs").exists() or not any((tmp_path / "runs").iterdir())


def test_every_setting_names_its_range_when_refused():
    for setting in SETTINGS:
        if setting.low is not None:
            assert setting.range_text() in setting.problem(setting.high * 2 + 1)
            assert setting.problem(setting.default) is None, setting.name
        elif setting.choices:
            assert setting.range_text() in setting.problem("nonesuch")


def test_a_run_with_the_largest_seed_keeps_it_in_its_checked_config():
    """The table and config.json's checks share one test per kind: a seed the CLI accepts is never
    dropped as 'not a whole number' when the run is read back."""
    from weather_core.runs import checks

    largest = BY_NAME["seed"].high
    assert BY_NAME["seed"].problem(largest) is None
    clean, problem = checks.clean_config({"seed": largest, "teachers": ["a", "b"]})
    assert problem is None and clean["seed"] == largest


def test_a_run_from_before_a_setting_existed_is_no_different_from_one_with_it_off():
    from weather_core.runs import comparison

    later = {s.name for s in SETTINGS if s.added_later}
    new = {**recipes.RECIPES["quick"], "recipe": "quick", "seed": 1, "teachers": []}
    old = {key: value for key, value in new.items() if key not in later}
    assert later >= {"mixup", "cutmix", "teachers"} and len(old) < len(new)
    assert comparison.differing_settings([old, new]) == []
    assert recipes.differences(old) == {}
    assert comparison.differing_settings([old, {**new, "cutmix": 0.5}]) == ["cutmix"]
    assert comparison.run_names([old, {**new, "cutmix": 0.5}], ["a", "b"]) == ["cutmix 0", "cutmix 0.5"]
