"""One run as the Train page shows it: while it waits or trains, its place in the queue or its
progress bar with live curves (a fragment polling the run folder); once stopped, its score,
curves, confusion matrix, export and what can be done with it."""

import time

import streamlit as st

from pages.ui import formatting, run_actions, session
from pages.ui.i18n import t
from weather_core import runs, settings
from weather_core.training import estimate


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
