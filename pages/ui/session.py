"""The active dataset: the one prepared folder every page works on (session state, kept in the URL
as ?dataset=<id> so lesson links and reloads open on it; the class default when none is chosen), the
sidebar picker (a student's own datasets, the demo and the class default)."""

import re
from pathlib import Path

import streamlit as st

from pages.ui import identity
from pages.ui.formatting import split_totals
from pages.ui.i18n import class_label, t
from pages.ui.widgets import shown_errors
from weather_core import data, settings
from weather_core.data import demo
from weather_core.jobs import classroom

DATASET_KEY = "dataset_dir"  # the active prepared folder (str), the one source of truth
PICK_KEY = "dataset_pick"  # the sidebar widget's own key, synced from DATASET_KEY every run
DATASET_URL_KEY = "dataset_url"  # the ?dataset= value last read from or written to the URL
UNKNOWN_KEY = "dataset_unknown"  # a ?dataset= id this server does not have (shown until another pick)


def slug(text) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", str(text)).strip("._") or "dataset"


def prepared_datasets() -> list[str]:
    """Prepared folders under the data root (demo first), as strings for widgets."""
    root = settings.data_root()
    found = {str(p.parent) for pattern in ("*/prepared.json", "*/*/prepared.json")
             for p in root.glob(pattern)} if root.exists() else set()
    demo = str(settings.demo_dir())
    return [demo] + sorted(found - {demo})


def dataset_label(path) -> str:
    path = Path(path)
    if path == settings.demo_dir():
        return t("sidebar.demo")
    return path.name


def _url_dataset():
    """A new (or edited) ?dataset=<id> in the URL wins over the session's choice, as ?lang= does."""
    wanted = st.query_params.get("dataset")
    if not wanted or wanted == st.session_state.get(DATASET_URL_KEY):
        return
    st.session_state[DATASET_URL_KEY] = wanted
    path = classroom.dataset_path(wanted)
    if path is not None:
        st.session_state[DATASET_KEY] = str(path)
        st.session_state.pop(UNKNOWN_KEY, None)
    else:
        st.session_state[UNKNOWN_KEY] = str(wanted).replace("`", "")[:60]


def link_note() -> None:
    """A warning, above the page, while the link's ?dataset= names a dataset this server lacks."""
    active_dataset_path()
    if st.session_state.get(UNKNOWN_KEY):
        st.warning(t("lesson.unknown_dataset", dataset=st.session_state[UNKNOWN_KEY]), icon=":material/link:")


def active_dataset_path() -> Path:
    """The chosen prepared folder, else the class default, else the demo; nothing is generated
    here (cheap enough for Home)."""
    _url_dataset()
    chosen = st.session_state.get(DATASET_KEY)
    if chosen and (Path(chosen) / "prepared.json").exists():
        return Path(chosen)
    default = classroom.dataset_path(classroom.load()["default_dataset"])
    return default if default is not None else settings.demo_dir()


def keep_in_url() -> None:
    """?dataset=<id> of the active dataset, put back when a page change dropped it."""
    active = active_dataset_path()
    wanted = classroom.dataset_id(active)
    if st.query_params.get("dataset") != wanted and (active != settings.demo_dir() or "dataset" in st.query_params):
        st.query_params["dataset"] = wanted
        st.session_state[DATASET_URL_KEY] = wanted


def active_dataset() -> Path | None:
    """The active prepared folder, generating the demo on first use; None (and an error) on failure."""
    path = active_dataset_path()
    if path == settings.demo_dir() and not (path / "prepared.json").exists():
        with st.spinner(t("dataset.generating_demo")), shown_errors():
            path = demo.ensure_demo_dataset()
        if not (path / "prepared.json").exists():
            return None
    return path


def set_active_dataset(path) -> None:
    st.session_state[DATASET_KEY] = str(path)
    st.session_state.pop(UNKNOWN_KEY, None)
    keep_in_url()


def read_summary(path):
    """prepared.json of a prepared folder, or None (with an st.error when it is unreadable)."""
    with shown_errors():
        return data.load_summary(path)
    return None


def load_active_summary():
    """(prepared folder, prepared.json summary) of the active dataset, or (None, None)."""
    path = active_dataset()
    if path is None:
        return None, None
    return path, read_summary(path)


def _picked():
    set_active_dataset(st.session_state[PICK_KEY])


def dataset_sidebar(slot) -> None:
    """The active-dataset picker and its counts, drawn into `slot` (a sidebar container)."""
    active = str(active_dataset_path())
    options = [str(p) for p in classroom.visible_datasets(prepared_datasets(), identity.current_user(),
                                                          identity.is_instructor())]
    if active not in options:
        options.insert(0, active)
    st.session_state[PICK_KEY] = active
    with slot:
        st.selectbox(t("sidebar.dataset"), options, key=PICK_KEY, format_func=dataset_label,
                     on_change=_picked)
        summary = read_summary(active)
        if summary is None:
            st.caption(t("sidebar.not_generated"))
            return
        st.caption(t("sidebar.counts", counts=split_totals(summary)))
        classes = ", ".join(f"{class_label(name)} {n}" for name, n in summary["classes"].items())
        st.caption(t("sidebar.classes", classes=classes))

