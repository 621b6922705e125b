"""Home: what the class will do, page by page, and what the report got wrong."""

import streamlit as st

from pages.ui import nav
from pages.ui.i18n import t

FLAWS = ["home.flaw.test_is_val", "home.flaw.steps", "home.flaw.relu", "home.flaw.matching",
         "home.flaw.256", "home.flaw.shear", "home.flaw.batch", "home.flaw.bn"]


def walkthrough():
    st.header(t("home.steps"))
    for number, page in enumerate(nav.STEPS, start=1):
        left, right = st.columns([1, 3])
        with left:
            st.page_link(page.path, label=t(f"home.step.{page.name}.title", n=number), icon=page.icon)
        with right:
            st.markdown(t(f"home.step.{page.name}.text"))


def flaws():
    st.header(t("home.flaws"))
    st.markdown("\n".join(f"- {t(key)}" for key in FLAWS))


st.title(t("home.title"))
st.markdown(t("home.intro"))
walkthrough()
flaws()
st.caption(t("home.demo_note"))
