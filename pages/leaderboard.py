"""Leaderboard: the class's finished runs on one dataset, best test accuracy first (ties: the
faster training): a dot plot of accuracy +-1 standard error against time, which shows the runs that
one test split cannot tell from the top, the table an instructor projects (each run linked to its
Errors page) and its CSV for grading."""

import streamlit as st

from pages.ui import formatting, identity, session
from pages.ui.formatting import plain
from pages.ui.i18n import language, t
from weather_core import runs
from weather_core.jobs import classroom


def recipe(row, text=plain) -> str:
    """The run's recipe, or "custom (from quick: epochs, model)" when its settings differ."""
    if not row["recipe"]:
        return "–"
    if row["custom"]:
        return t("leaderboard.custom", recipe=text(row["recipe"]), changed=text(", ".join(row["changed"])))
    return text(row["recipe"])


def score(row) -> str:
    if row["standard_error"] is None:
        return formatting.percent(row["test_accuracy"])
    return f"{formatting.percent(row['test_accuracy'])} ± {100 * row['standard_error']:.1f}"


def rows(board, me, links=True):
    """The table's rows; `links`: markdown, each run id a link to its Errors page (off: plain text,
    for the CSV)."""
    text = plain if links else str

    def run_cell(run_id):
        return f"[{plain(run_id)}](errors?run={run_id}&lang={language()})" if links else run_id

    return [{t("leaderboard.col.rank"): row["rank"],
             t("leaderboard.col.owner"): text(row["owner"] or "–") + (" ★" if me and row["owner"] == me else ""),
             t("leaderboard.col.recipe"): recipe(row, text), t("leaderboard.col.model"): text(row["model"]),
             t("leaderboard.col.dataset"): text(session.dataset_label(row["dataset"]) if row["dataset"] else "–"),
             t("leaderboard.col.test"): score(row),
             t("leaderboard.col.tied"): "≈ 1" if row["tied"] else "",
             t("leaderboard.col.time"): formatting.duration(row["seconds"]),
             t("leaderboard.col.run"): run_cell(row["run"])} for row in board]


def pick_dataset():
    """The dataset whose runs are ranked: the active one when it has finished runs, else the one
    with most; None when no run has finished."""
    counts = {}
    for info in runs.list_runs():
        if info.finished and info.test_accuracy is not None:
            counts[classroom.run_dataset(info)] = counts.get(classroom.run_dataset(info), 0) + 1
    if not counts:
        return None
    options = sorted(counts, key=lambda path: -counts[path])
    active = str(session.active_dataset_path().resolve())
    index = options.index(active) if active in options else 0
    return st.selectbox(t("leaderboard.dataset"), options, index=index, key="leaderboard-dataset",
                        format_func=lambda path: t("leaderboard.dataset_option", name=session.dataset_label(path)
                                                   if path else "–", n=counts[path]))


@st.fragment(run_every=10)
def board(dataset):
    import pandas as pd

    from pages.ui import leaderboard_chart

    ranked = classroom.leaderboard(runs.list_runs(), dataset=dataset)
    if not ranked:
        st.info(t("leaderboard.empty"))
        return
    st.plotly_chart(leaderboard_chart.figure(ranked), key="leaderboard-chart", alt=t("alt.leaderboard"))
    tied = sum(row["tied"] for row in ranked)
    st.caption(t("leaderboard.tied_note", n=tied) if tied else t("leaderboard.none_tied"))
    me = identity.current_user()
    st.table(rows(ranked, me), hide_index=True, alt=t("leaderboard.chart"))  # large text: projectable
    st.caption(t("leaderboard.note"))
    st.download_button(t("leaderboard.csv"), pd.DataFrame(rows(ranked, me, links=False)).to_csv(index=False),
                       file_name="leaderboard.csv", mime="text/csv", icon=":material/download:",
                       on_click="ignore", key="leaderboard-csv")


st.title(t("leaderboard.title"))
st.markdown(t("leaderboard.intro"))
chosen = pick_dataset()
if chosen is None:
    st.info(t("leaderboard.empty"))
else:
    board(chosen)
