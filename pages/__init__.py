"""The dashboard's pages (run by app.py through st.navigation) and their UI helpers.

A Streamlit server treats a folder named pages/ as an old-style multipage app until the first
st.navigation call in the process: the very first page load would run a page file on its own
(no sidebar, helper modules listed as pages). This package is imported first by app.py and every
page, so on that first load it switches the old mode off and reruns: app.py takes over. It also stops
Streamlit clearing the Keras session after every script run (see below)."""

import streamlit as st
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

try:
    from streamlit.runtime.pages_manager import PagesManager
except ImportError:  # a future Streamlit without the old mode
    PagesManager = None

if PagesManager is not None and PagesManager.uses_pages_directory and get_script_run_ctx():
    PagesManager.uses_pages_directory = False
    st.rerun()

# Once Keras is imported, Streamlit calls keras.backend.clear_session() after every script run,
# for apps that build a model on each run. This app never does: weather_core.inference loads each
# model once per process. The clear (a full garbage collection and TensorFlow's kernel cache
# thrown away) took a quarter of the server's CPU in scripts/load_test.py, and the next
# prediction then rebuilt its TensorFlow kernels.
try:
    from streamlit.runtime.scriptrunner import script_runner
except ImportError:  # a future Streamlit that moved it: the app still works, only slower
    script_runner = None
if script_runner is not None and hasattr(script_runner, "_clean_problem_modules"):
    script_runner._clean_problem_modules = lambda: None
