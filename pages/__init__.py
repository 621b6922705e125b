"""The dashboard's pages (run by app.py through st.navigation) and their UI helpers.

A Streamlit server treats a folder named pages/ as an old-style multipage app until the first
st.navigation call in the process: the very first page load would run a page file on its own
(no sidebar, helper modules listed as pages). This package is imported first by app.py and every
page, so on that first load it switches the old mode off and reruns: app.py takes over."""

import streamlit as st
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

try:
    from streamlit.runtime.pages_manager import PagesManager
except ImportError:  # a future Streamlit without the old mode
    PagesManager = None

if PagesManager is not None and PagesManager.uses_pages_directory and get_script_run_ctx():
    PagesManager.uses_pages_directory = False
    st.rerun()
