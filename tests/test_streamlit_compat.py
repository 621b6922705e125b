"""pages/ui/streamlit_compat.py: both Streamlit adjustments apply on the pinned Streamlit, and each one
says so loudly (a warning) when a Streamlit upgrade moved what it adjusts."""

import pytest
from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.scriptrunner import script_runner

from pages.ui import streamlit_compat


@pytest.fixture(autouse=True)
def fresh_warnings(monkeypatch):
    monkeypatch.setattr(streamlit_compat, "_warned", set())


def test_pinned_streamlit_is_the_tested_one():
    assert streamlit_compat.version_tested()


def test_importing_pages_ui_keeps_the_keras_session():
    import pages.ui  # noqa: F401  (applies the adjustments)

    assert script_runner._clean_problem_modules is streamlit_compat._no_clean


def test_keras_adjustment_is_loud_when_streamlit_moved_it(monkeypatch):
    monkeypatch.delattr(script_runner, "_clean_problem_modules")
    with pytest.warns(UserWarning, match="_clean_problem_modules"):
        assert streamlit_compat.keep_keras_session() is False


def test_legacy_pages_mode_flag_exists_and_is_left_alone_outside_a_script_run(monkeypatch):
    monkeypatch.setattr(PagesManager, "uses_pages_directory", True)
    assert streamlit_compat.leave_legacy_pages_mode() is True
    assert PagesManager.uses_pages_directory is True  # no script run: nothing to switch, no rerun


def test_legacy_pages_adjustment_is_loud_when_streamlit_dropped_the_flag(monkeypatch):
    monkeypatch.delattr(PagesManager, "uses_pages_directory")
    with pytest.warns(UserWarning, match="uses_pages_directory"):
        assert streamlit_compat.leave_legacy_pages_mode() is False


def test_untested_version_is_loud(monkeypatch):
    monkeypatch.setattr(streamlit_compat.st, "__version__", "9.0.0")
    with pytest.warns(UserWarning, match="untested"):
        streamlit_compat.apply()
