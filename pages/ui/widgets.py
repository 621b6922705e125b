"""Small widgets and guards the pages share: expected errors shown as messages, thumbnails, the run
picker, and pandas imported safely from session threads."""

import threading
from contextlib import contextmanager

import numpy as np
import streamlit as st
from PIL import ImageOps

from pages.ui import i18n
from pages.ui.formatting import plain, run_label
from pages.ui.i18n import t
from weather_core import runs
from weather_core.data import IMAGE_EXTENSIONS, Throttled, open_rgb
from weather_core.exceptions import EXPECTED_ERRORS


@contextmanager
def shown_errors():
    """Run a library call; an expected error becomes an st.error with its message, not a traceback."""
    try:
        yield
    except EXPECTED_ERRORS as error:
        st.error(t("error.generic", message=plain(i18n.said(error), 400)))


@st.cache_data(max_entries=256, show_spinner=False)
def thumbnail(source, box, version=None):
    """A small upright RGB array of a photo (path or bytes); `version` (an mtime) renews the cache."""
    image = open_rgb(source, max_side=box)
    image.thumbnail((box, box))
    return np.asarray(image)


@st.cache_data(max_entries=512, show_spinner=False)
def square_thumbnail(source, side, version=None):
    """The photo's centre cut to a side x side square: a row of these has one even height."""
    return np.asarray(ImageOps.fit(open_rgb(source, max_side=side), (side, side)))


def usable_runs(all_runs, keep):
    """The runs `keep` accepts; the damaged ones among them are named, with why, in one caption
    (choosing one shows its message, never an error page)."""
    chosen = [r for r in all_runs if keep(r)]
    damaged = [r for r in chosen if r.problem]
    if damaged:
        st.caption(t("runs.listed_damaged", runs="; ".join(f"{plain(r.run_id)} ({plain(r.problem)})"
                                                           for r in damaged[:5])))
    return chosen


def pick_run(label, candidates):
    """A selectbox over `candidates` (runs.RunInfo), the link's ?run= or else the best run
    preselected; None when empty."""
    if not candidates:
        return None
    by_id = {r.run_id: r for r in candidates}
    ids, best = list(by_id), runs.best_run(candidates=candidates)
    index = ids.index(best.run_id) if best is not None else 0
    if st.query_params.get("run") in by_id:  # a Leaderboard row's link
        index = ids.index(st.query_params["run"])
    chosen = st.selectbox(label, ids, index=index, format_func=lambda i: run_label(by_id[i]))
    return by_id[chosen]


_IMPORT_LOCK = threading.Lock()


def import_pandas():
    """pandas, imported by one session thread at a time: two first-time imports racing in two
    threads (plotly imports pandas too) can hand one of them a half-initialised module."""
    with _IMPORT_LOCK:
        import pandas

    return pandas


def stage_bars(status, texts):
    """A progress callback (stage, done, total) drawing one bar per stage inside an st.status box,
    each labelled by the text `{texts}.{stage}`; throttled to about four updates a second."""
    bars = {}

    def report(stage, done, total):
        if stage not in bars:
            status.update(label=t(f"{texts}.{stage}"))
            bars[stage] = status.progress(0.0)
        bars[stage].progress(done / total if total else 1.0, text=f"{t(f'{texts}.{stage}')} · {done:,}/{total:,}")

    return Throttled(report)


def photo_types() -> list[str]:
    """The extensions an upload box accepts: the photo extensions weather_core reads, one list."""
    return sorted(extension.lstrip(".") for extension in IMAGE_EXTENSIONS)
