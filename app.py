"""Weather CNN Classroom: a walkthrough of a student's weather-photo CNN report, page by page."""

import sys
from pathlib import Path

import streamlit as st

ROOT = Path(__file__).resolve().parent
if str(ROOT) not in sys.path:  # `streamlit run` adds it; AppTest and other runners may not
    sys.path.insert(0, str(ROOT))

from pages import ui  # noqa: E402  (needs the path above)
from pages.ui import t  # noqa: E402

st.set_page_config(page_title=t("app.title"), page_icon=":material/partly_cloudy_day:", layout="wide")

PAGES = [
    st.Page("pages/home.py", title=t("nav.home"), icon=":material/home:", default=True),
    st.Page("pages/dataset.py", title=t("nav.dataset"), icon=":material/folder_open:"),
    st.Page("pages/augmentation.py", title=t("nav.augmentation"), icon=":material/shuffle:"),
    st.Page("pages/models.py", title=t("nav.models"), icon=":material/layers:"),
    st.Page("pages/train.py", title=t("nav.train"), icon=":material/model_training:"),
    st.Page("pages/compare.py", title=t("nav.compare"), icon=":material/monitoring:"),
    st.Page("pages/classify.py", title=t("nav.classify"), icon=":material/image_search:"),
    st.Page("pages/errors.py", title=t("nav.errors"), icon=":material/troubleshoot:"),
]

navigation = st.navigation(PAGES)
ui.language_sidebar()  # English / 한국어, kept in the URL as ?lang=
# Reserve the sidebar slot now, fill it after the page ran: a page may change the active dataset.
dataset_slot = st.sidebar.container()
navigation.run()
ui.dataset_sidebar(dataset_slot)
