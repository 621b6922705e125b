"""The Train page's class queue: every queued and running training on a timeline with its expected
start and finish, and the on-demand dispatch (a waiting run starts when a slot is free, even after a
worker died or the server restarted)."""

import time

import streamlit as st

from pages.ui import formatting
from pages.ui.i18n import t
from weather_core import jobs, runs, settings
from weather_core.jobs import ray_backend, timeline


def timeline_figure(rows, now):
    import plotly.graph_objects as go

    ms = 1000.0
    colours = {"running": "#1f6feb", "queued": "#8ab4f8", "waiting": "#c9d1d9"}
    labels = [f"{row['owner'] or '–'} · {row['model']} · {row['run'][-4:]}" for row in rows]
    figure = go.Figure(go.Bar(
        y=labels, base=[row["start"] * ms for row in rows],
        x=[max(1.0, row["finish"] - row["start"]) * ms for row in rows], orientation="h",
        marker_color=[colours.get(row["state"], "#c9d1d9") for row in rows],
        customdata=[[formatting.state_label(row["state"]) if row["state"] != "waiting" else t("queue.waiting"),
                     formatting.duration(max(0.0, row["start"] - now)),
                     formatting.duration(max(0.0, row["finish"] - now))] for row in rows],
        hovertemplate=f"%{{y}}<br>%{{customdata[0]}}<br>{t('queue.col.starts')}: %{{customdata[1]}}"
                      f"<br>{t('queue.col.finishes')}: %{{customdata[2]}}<extra></extra>"))
    figure.update_layout(xaxis_type="date", height=80 + 28 * len(rows), margin=dict(l=10, r=10, t=10, b=10),
                         yaxis=dict(autorange="reversed"), showlegend=False)
    figure.add_vline(x=now * ms, line_dash="dot", line_color="#cf222e")
    return figure


def table(rows, now):
    return [{t("queue.col.owner"): row["owner"] or "–", t("queue.col.run"): row["run"],
             t("queue.col.state"): t("queue.waiting") if row["state"] == "waiting"
             else formatting.state_label(row["state"]),
             t("queue.col.starts"): formatting.duration(max(0.0, row["start"] - now)),
             t("queue.col.finishes"): formatting.duration(max(0.0, row["finish"] - now))} for row in rows]


def refresh_ray_runs(all_runs) -> bool:
    """Ray's view of the runs it holds (pending position, stopped or failed jobs); True if any."""
    on_ray = [r.path for r in all_runs if r.state in runs.ACTIVE and r.status.get("backend") == "ray"]
    return bool(on_ray) and ray_backend.refresh_all(on_ray)


@st.fragment(run_every=5)
def section():
    """The queue timeline (nothing when nobody trains); also starts waiting runs on free slots."""
    all_runs = runs.list_runs()
    if jobs.dispatch_if_needed(all_runs) or refresh_ray_runs(all_runs):
        all_runs = runs.list_runs()
    now = time.time()
    rows = timeline.plan(all_runs, now)
    if not rows:
        return
    st.header(t("queue.title"))
    st.caption(t("queue.intro", slots=settings.max_concurrent_trainings(), cap=settings.max_runs_per_owner()))
    waiting = [row for row in rows if row["state"] != "running"]
    st.markdown(t("queue.wait", n=len(waiting), clear=formatting.duration(max(row["finish"] for row in rows) - now)))
    st.plotly_chart(timeline_figure(rows, now), key="queue-timeline", alt=t("alt.queue"))
    st.dataframe(table(rows, now), hide_index=True)
