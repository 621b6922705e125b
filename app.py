"""Weather CNN Classroom: a walkthrough of a student's weather-photo CNN report, page by page.

The router: page config, st.navigation over the page registry (pages/ui/nav.py), the two sidebars."""

import sys
from pathlib import Path

import streamlit as st

ROOT = Path(__file__).resolve().parent
if str(ROOT) not in sys.path:  # `streamlit run` adds it; AppTest and other runners may not
    sys.path.insert(0, str(ROOT))

from pages.ui import class_settings, i18n, identity_box, nav, session, style  # noqa: E402  (needs the path above)
from pages.ui.i18n import t  # noqa: E402

st.set_page_config(page_title=t("app.title"), page_icon=":material/partly_cloudy_day:", layout="wide")
navigation = st.navigation([st.Page(page.path, title=t(page.title_key), icon=page.icon,
                                    default=page is nav.HOME) for page in nav.PAGES])
i18n.language_sidebar()  # English / 한국어, kept in the URL as ?lang=
style.apply(i18n.language(), style.projector_sidebar())  # labels wrap; Korean breaks between words
identity_box.sidebar()  # who is at this tab (a signed cookie, never the URL), and the instructor unlock
# Reserve the sidebar slots now, fill them after the page ran: a page may prepare a dataset (the
# class settings list it at once) or change the active one.
class_slot = st.sidebar.container()
dataset_slot = st.sidebar.container()
session.link_note()  # a lesson link's ?dataset= this server does not have
navigation.run()
class_settings.panel(class_slot)  # the instructor's: the class's default dataset, caps, names
session.dataset_sidebar(dataset_slot)
session.keep_in_url()  # ?dataset=<id>: a reload opens on the same photos
