"""Home: what the class will do, page by page, and what the report got wrong."""

import streamlit as st

from pages.ui import t

STEPS = [
    ("pages/dataset.py", ":material/folder_open:", "home.step.dataset"),
    ("pages/augmentation.py", ":material/shuffle:", "home.step.augmentation"),
    ("pages/models.py", ":material/layers:", "home.step.models"),
    ("pages/train.py", ":material/model_training:", "home.step.train"),
    ("pages/compare.py", ":material/monitoring:", "home.step.compare"),
    ("pages/classify.py", ":material/image_search:", "home.step.classify"),
    ("pages/errors.py", ":material/troubleshoot:", "home.step.errors"),
]
FLAWS = ["home.flaw.test_is_val", "home.flaw.steps", "home.flaw.relu", "home.flaw.matching",
         "home.flaw.256", "home.flaw.shear", "home.flaw.batch", "home.flaw.bn"]


def walkthrough():
    st.subheader(t("home.steps"))
    for number, (page, icon, key) in enumerate(STEPS, start=1):
        left, right = st.columns([1, 3])
        with left:
            st.page_link(page, label=t(f"{key}.title", n=number), icon=icon)
        with right:
            st.markdown(t(f"{key}.text"))


def flaws():
    st.subheader(t("home.flaws"))
    st.markdown("\n".join(f"- {t(key)}" for key in FLAWS))


st.title(t("home.title"))
st.markdown(t("home.intro"))
walkthrough()
flaws()
st.caption(t("home.demo_note"))
