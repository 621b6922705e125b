"""The little CSS the dashboard adds to Streamlit's: labels wrap instead of being cut off with an
ellipsis, Korean breaks between words (word-break: keep-all), never inside one ("테스/트"), and the
sidebar's projector switch makes all text larger for the back row of a bright room, and whatever has
the keyboard's focus wears a ring that a projector shows."""

import streamlit as st

from pages.ui.i18n import t

WRAP_LABELS = """
[data-testid="stWidgetLabel"], [data-testid="stWidgetLabel"] p,
[data-testid="stCheckbox"] label p, [data-testid="stRadio"] label p {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important; }
[data-baseweb="tag"] { max-width: none !important; height: auto !important; }
[data-baseweb="tag"] span { max-width: none !important; white-space: normal !important;
  overflow: visible !important; text-overflow: clip !important; }
[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] p,
[data-testid="stMetricValue"] div { white-space: normal !important; overflow: visible !important;
  text-overflow: clip !important; }
"""
KOREAN = """
[data-testid="stAppViewContainer"] :is(h1, h2, h3, h4, p, li, label, span, td, th, div) {
  word-break: keep-all !important; overflow-wrap: break-word; }
"""


# Streamlit sizes its text in rem, so a larger root font scales every label, table and heading;
# plotly draws its own text, so the charts' fonts grow through their SVG text nodes.
PROJECTOR = """
html { font-size: 22px !important; }
.js-plotly-plot .main-svg text { font-size: 15px !important; }
.js-plotly-plot .main-svg .gtitle { font-size: 20px !important; }
"""
# Streamlit marks a focused select box by a 1 px border colour alone: a 3 px ring in the theme's
# primary colour instead, on every control a keyboard reaches (WCAG 2.4.7, focus visible).
FOCUS = """
:focus-visible { outline: 3px solid {primary} !important; outline-offset: 2px !important; }
[data-baseweb="select"] input:focus-visible { outline: none !important; }
[data-baseweb="select"]:has(input:focus-visible) > div { outline: 3px solid {primary}; outline-offset: 2px; }
"""
PROJECTOR_KEY = "projector"
PROJECTOR_URL_KEY = "projector_url"  # whether the URL said so on the last run


def css(lang, projector=False) -> str:
    focus = FOCUS.replace("{primary}", st.get_option("theme.primaryColor") or "#1f6feb")
    return WRAP_LABELS + focus + (KOREAN if lang == "ko" else "") + (PROJECTOR if projector else "")


def projector_sidebar() -> bool:
    """The sidebar's "Projector: large text" switch (kept in the URL as ?projector=1)."""
    state = st.session_state
    asked = st.query_params.get(PROJECTOR_KEY) == "1"
    if asked and not state.get(PROJECTOR_URL_KEY):  # a new link asks for it: the link wins
        state[PROJECTOR_KEY] = True
    on = st.sidebar.toggle(t("app.projector"), key=PROJECTOR_KEY, help=t("app.projector_help"))
    if on:
        st.query_params[PROJECTOR_KEY] = "1"
    elif PROJECTOR_KEY in st.query_params:
        del st.query_params[PROJECTOR_KEY]
    state[PROJECTOR_URL_KEY] = on
    return on


def apply(lang, projector=False) -> None:
    """Add the style to the page (an invisible element)."""
    st.html(f"<style>{css(lang, projector)}</style>")
