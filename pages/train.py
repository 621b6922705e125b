"""Train: start a training in the background, watch it live, cancel it, and read its test score."""

import time
from pathlib import Path

import streamlit as st

from pages.ui import ablation, formatting, identity, queue_view, run_actions, session, train_form, widgets
from pages.ui.i18n import t
from weather_core import jobs, runs, settings
from weather_core.jobs import classroom
from weather_core.training import estimate

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


def progress(info):
    """The bar: phase, epoch and batch, and time left as the trainer measured it."""
    status = {"epochs": info.config.get("epochs"), **info.status}
    phase = status.get("phase") or ("training" if status.get("epoch") else "loading")
    if phase == "loading":
        st.progress(0.0, text=t("train.phase_loading"))
        return
    left = estimate.time_left(status, info.metrics, time.time())
    st.progress(estimate.fraction_done(status), text=t(
        "train.progress", phase=t(f"train.phase_{phase}"), epoch=min(status.get("epoch") or 1, status["epochs"] or 1),
        epochs=status["epochs"], batch=status.get("batch", 0), steps=status.get("steps", "?"),
        eta=formatting.duration(left) if left is not None else "…"))


def curves(infos, labels=None):
    """Live curves of one run, or of several overlaid (an ablation pair)."""
    from pages.ui import live_charts

    series = [(label, runs.read_progress(info.path), info.metrics)
              for label, info in zip(labels or [""] * len(infos), infos)]
    if not any(progress or rows for _, progress, rows in series):
        return
    key = "-".join(info.run_id for info in infos)
    left, right = st.columns(2)
    left.plotly_chart(live_charts.live_curves(series, "accuracy"), key=f"acc-{key}", alt=t("alt.curves_accuracy"))
    right.plotly_chart(live_charts.live_curves(series, "loss"), key=f"loss-{key}", alt=t("alt.curves_loss"))


def starting(info) -> bool:
    """A queued run whose trainer has a slot and is loading: not waiting for anyone."""

    if runs.is_waiting(info) or info.status.get("backend") == "ray" or info.status.get("position"):
        return False
    running = sum(1 for r in runs.list_runs() if r.state == "running" and r.path != info.path)
    return running < settings.max_concurrent_trainings()


@st.fragment(run_every=2)
def live(run_dir):
    info = runs.load_run(run_dir)
    if info.state not in runs.ACTIVE:
        st.rerun()  # the whole page redraws with the final results
    if info.state == "queued" and starting(info):
        st.info(t("train.starting"))
    elif info.state == "queued":
        st.info(t("train.queued", position=info.status.get("position", 0)))
    else:
        progress(info)
    curves([info])
    run_actions.cancel(info)


def results(info):
    if info.state == "finished":
        st.success(t("train.finished", epochs=len(info.metrics)))
    elif info.state == "cancelled":
        st.warning(t("train.cancelled", error=formatting.plain(info.status.get("error", ""), 300)))
    else:
        st.error(t("train.failed", state=formatting.state_label(info.state), error=formatting.plain(info.problem or info.status.get("error") or t("train.no_error"), 300)))
        with st.expander(t("train.log")):
            st.code(formatting.log_tail(info.path / "log.txt") or t("train.no_log"), language="text")
    cols = st.columns(3)
    cols[0].metric(t("train.test_accuracy"), formatting.percent(info.test_accuracy))
    cols[1].metric(t("train.best_val"), formatting.percent(info.best_val_accuracy))
    cols[2].metric(t("train.time"), formatting.duration(info.training_seconds))
    if info.test_accuracy is None and info.state == "finished":
        st.warning(t("train.no_test"))
    elif info.test_accuracy is not None:  # the explanation follows what this run really did
        st.caption(t("train.honest_reduce_lr" if info.config.get("reduce_lr") else "train.honest"))
    curves([info])
    report, _ = runs.read_evaluation(info.path)
    if report is not None:
        from pages.ui import charts

        left, right = st.columns(2)
        left.plotly_chart(charts.confusion(report), key=f"confusion-{info.run_id}", alt=t("alt.confusion"))
        right.plotly_chart(charts.per_class(report), key=f"per-class-{info.run_id}", alt=t("alt.per_class"))
    run_actions.export(info, "train")
    run_actions.stopped(info, on_discard=run_actions.forget)


def show_run(run_dir):
    info = runs.load_run(run_dir)
    st.header(t("train.run", run=formatting.plain(info.run_id),
                   model=formatting.plain(info.config.get("model", "?"))))
    data = info.config.get("data")
    if isinstance(data, str) and data:
        st.caption(t("train.run_dataset", name=formatting.plain(session.dataset_label(data))))
    run_actions.owner_note(info)
    if info.state in runs.ACTIVE:
        live(str(run_dir))
    else:
        results(info)


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
    show_run(run)
if not shown:
    st.caption(t("train.no_run"))
queue_view.section()
