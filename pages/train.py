"""Train: start a training in the background, watch it live, cancel it, and read its test score."""

from pathlib import Path

import streamlit as st

from pages.ui import ablation, formatting, identity, queue_view, run_actions, run_view, session, train_form, widgets
from pages.ui.i18n import t
from weather_core import jobs, runs
from weather_core.jobs import classroom

RUN_KEY = "train_run"
NOTICE_KEY = "train_notice"  # a message for the next run of the page (Start reruns it)


def start(config, confirmed_long=False):
    busy = {r.run_id for r in runs.list_runs() if r.state in runs.ACTIVE}
    with widgets.shown_errors():
        run_dir = jobs.start_in_background(config, owner=identity.current_user(),
                                           instructor=identity.is_instructor(), confirmed_long=confirmed_long)
        st.session_state[RUN_KEY] = str(run_dir)
        st.query_params["run"] = run_dir.name
        # A second click returns the run already queued: it is the student's own, not "another".
        if busy and run_dir.name not in busy:
            st.session_state[NOTICE_KEY] = t("train.will_queue", n=len(busy))
        st.rerun()  # the page redraws around the new run: its curves first, the form folded


def long_run_guard(config, summary):
    """(may start, confirmed): a student's run estimated over the class's time limit asks for a
    confirmation, or is refused where the instructor forbids long runs (the core checks it too)."""
    limits, minutes = classroom.load(), classroom.estimated_minutes(config, summary)  # no second read
    if identity.is_instructor() or minutes <= limits["long_run_minutes"]:
        return True, False
    if limits["forbid_long_runs"]:
        st.error(t("train.long_forbidden", minutes=round(minutes), limit=limits["long_run_minutes"]))
        return False, False
    st.warning(t("train.long_warning", minutes=round(minutes), limit=limits["long_run_minutes"]))
    confirmed = st.checkbox(t("train.long_confirm", minutes=round(minutes)), key="long-run-confirm")
    return confirmed, confirmed


def runs_to_show():
    """This session's run (or the URL's ?run=); else this user's active or interrupted runs, oldest
    first; else this named user's latest run, finished or not: a reload, a page switch or a server
    restart never hides a student's run. Everyone's queue is the timeline below."""
    chosen = st.session_state.get(RUN_KEY) or run_actions.linked_run()
    if chosen and (Path(chosen) / "config.json").exists():
        return [Path(chosen)]
    every = runs.list_runs()  # newest first
    waiting = [r for r in every if r.state in (*runs.ACTIVE, "interrupted")]
    if run_actions.mine(waiting):
        return [r.path for r in reversed(run_actions.mine(waiting))]
    me = identity.current_user()
    latest = next((r for r in every if me and r.owner == me), None)
    return [latest.path] if latest else []


def training_now(run_dirs) -> bool:
    return any(runs.load_run(run_dir).state in runs.ACTIVE for run_dir in run_dirs)


st.title(t("train.title"))
st.markdown(t("train.intro"))
notice = st.session_state.pop(NOTICE_KEY, None)
if notice:
    st.info(notice)
prepared, summary = session.load_active_summary()
shown = runs_to_show()
# While a run trains, its live curves come first on a projected screen and the form folds away.
busy = training_now(shown)
form_area = st.expander(t("train.new_run"), icon=":material/tune:") if busy and summary else st.container()
if summary:
    with form_area:
        with st.container(border=True):
            st.caption(t("train.on_dataset", name=formatting.plain(session.dataset_label(prepared))))
            config = train_form.choose_config(prepared)
            if config is not None:
                train_form.show_estimate(config, summary)
                allowed, confirmed = long_run_guard(config, summary)
                if st.button(t("train.start"), type="primary", disabled=not allowed):
                    start(config, confirmed)
                train_form.share(config)
        ablation.section(config, on_queue=lambda dirs: st.session_state.update({RUN_KEY: str(dirs[0])}))
for run in shown:
    run_view.show_run(run)
if not shown:
    st.caption(t("train.no_run"))
queue_view.section()
