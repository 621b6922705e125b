"""What the pages share (a subfolder, so Streamlit's legacy pages/ scan does not list it as pages).

Streamlit adjustments come first: when Streamlit runs a page file on its own (its legacy pages/ mode,
on a server's first page load) that page's first import is from pages.ui, which then hands over
to app.py. See streamlit_compat.py."""

from pages.ui import streamlit_compat

streamlit_compat.apply()
