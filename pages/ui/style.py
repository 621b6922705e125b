"""The little CSS the dashboard adds to Streamlit's: labels wrap instead of being cut off with an
ellipsis, and Korean breaks between words (word-break: keep-all), never inside one ("테스/트")."""

import streamlit as st

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


def css(lang) -> str:
    return WRAP_LABELS + (KOREAN if lang == "ko" else "")


def apply(lang) -> None:
    """Add the style to the page (an invisible element)."""
    st.html(f"<style>{css(lang)}</style>")
