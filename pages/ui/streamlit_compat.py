"""The two adjustments this app makes to Streamlit's internals, each checked against the Streamlit it was
measured on and loud (a warning, once) when it no longer applies. apply() runs from pages/ui/__init__.py:
a page file run on its own (Streamlit's legacy multipage mode, below) imports pages.ui before anything.

1. Legacy multipage mode. A Streamlit server treats a folder named pages/ as an old-style multipage
   app until the first st.navigation call in the process: the very first page load of /train would
   run pages/train.py on its own (no sidebar, no navigation). On that first load, switch the old
   mode off and rerun, so app.py takes over.
2. Keras session clearing. Once Keras is imported, Streamlit calls keras.backend.clear_session()
   after every script run, for apps that build a model on each run. This app never does:
   weather_core.use.inference loads each model once per process. The clear (a full garbage collection
   and TensorFlow's kernel cache thrown away) took a quarter of the server's CPU in
   scripts/load_test.py, and the next prediction then rebuilt its TensorFlow kernels."""

import warnings

import streamlit as st

TESTED_VERSIONS = ("1.67",)  # Streamlit versions (major.minor) both adjustments were checked on
_warned = set()


def _loud(what) -> None:
    if what not in _warned:
        _warned.add(what)
        warnings.warn(f"streamlit_compat: {what} (Streamlit {st.__version__}; checked on "
                      f"{', '.join(TESTED_VERSIONS)}). See pages/ui/streamlit_compat.py.", stacklevel=3)


def version_tested() -> bool:
    return any(st.__version__ == v or st.__version__.startswith(v + ".") for v in TESTED_VERSIONS)


def leave_legacy_pages_mode() -> bool:
    """Switch the pages/ folder mode off inside a script run (then rerun). False when it does not apply."""
    try:
        from streamlit.runtime.pages_manager import PagesManager
        from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx
    except ImportError:
        _loud("PagesManager moved: the legacy pages/ mode is not switched off")
        return False
    if not hasattr(PagesManager, "uses_pages_directory"):
        _loud("PagesManager.uses_pages_directory is gone: the legacy pages/ mode is not switched off")
        return False
    if PagesManager.uses_pages_directory and get_script_run_ctx(suppress_warning=True):
        PagesManager.uses_pages_directory = False
        st.rerun()
    return True


def keep_keras_session() -> bool:
    """Stop Streamlit clearing the Keras session after each run. False when it does not apply."""
    try:
        from streamlit.runtime.scriptrunner import script_runner
    except ImportError:
        script_runner = None
    if script_runner is None or not hasattr(script_runner, "_clean_problem_modules"):
        _loud("script_runner._clean_problem_modules is gone: Keras sessions are cleared after every run")
        return False
    script_runner._clean_problem_modules = _no_clean
    return True


def _no_clean() -> None:
    """Replaces script_runner._clean_problem_modules (see the module docstring, 2.)."""


def apply() -> None:
    if not version_tested():
        _loud("untested Streamlit version")
    keep_keras_session()
    leave_legacy_pages_mode()
