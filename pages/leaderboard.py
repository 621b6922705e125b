"""Leaderboard: the class's finished runs, best test accuracy first (ties: the faster training),
with owner and recipe: the table an instructor projects at the end of a lesson."""

import streamlit as st

from pages.ui import formatting, identity
from pages.ui.i18n import t


def rows(board, me):
    return [{t("leaderboard.col.rank"): row["rank"],
             t("leaderboard.col.owner"): (row["owner"] or "–") + (" ★" if me and row["owner"] == me else ""),
             t("leaderboard.col.recipe"): row["recipe"] or "–", t("leaderboard.col.model"): row["model"],
             t("leaderboard.col.test"): formatting.percent(row["test_accuracy"]),
             t("leaderboard.col.time"): formatting.duration(row["seconds"]),
             t("leaderboard.col.run"): row["run"]} for row in board]


@st.fragment(run_every=10)
def board():
    from weather_core.jobs import classroom
    from weather_core import runs

    ranked = classroom.leaderboard(runs.list_runs())
    if not ranked:
        st.info(t("leaderboard.empty"))
        return
    st.table(rows(ranked, identity.current_user()), hide_index=True)  # plain, large text: projectable
    st.caption(t("leaderboard.note"))


st.title(t("leaderboard.title"))
st.markdown(t("leaderboard.intro"))
board()
