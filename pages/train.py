"""Train: start a training in the background, watch it live, cancel it, and read its test score."""

import time
from pathlib import Path

import streamlit as st

from pages import ui
from pages.ui import t

RUN_KEY = "train_run"
RATES = [1e-5, 1e-4, 3e-4, 1e-3, 3e-3, 1e-2]


def choose_config(prepared):
    from weather_core.models import MODELS
    from weather_core.training import DEFAULTS as d, TrainConfig

    cols = st.columns(4)
    model = cols[0].selectbox(t("train.model"), list(MODELS), index=list(MODELS).index(d["model"]),
                              format_func=lambda name: MODELS[name].title)
    epochs = cols[1].number_input(t("train.epochs"), 1, 1000, d["epochs"])
    batch_size = cols[2].number_input(t("train.batch_size"), 1, 1024, d["batch_size"])
    image_size = cols[3].number_input(t("train.image_size"), 32, 512, d["image_size"])
    cols = st.columns(4)
    rate = cols[0].select_slider(t("train.learning_rate"), sorted({*RATES, d["learning_rate"]}),
                                 d["learning_rate"])
    seed = cols[1].number_input(t("train.seed"), 0, 2**31 - 1, d["seed"])
    augment = cols[2].checkbox(t("train.augment"), d["augment"])
    reduce_lr = cols[3].checkbox(t("train.reduce_lr"), d["reduce_lr"], help=t("train.reduce_lr_help"))
    if image_size < MODELS[model].min_image_size:
        st.error(t("train.too_small", model=model, size=MODELS[model].min_image_size))
        return None
    return TrainConfig(data=str(prepared), model=model, epochs=int(epochs), batch_size=int(batch_size),
                       image_size=int(image_size), learning_rate=float(rate), augment=augment,
                       reduce_lr=reduce_lr, seed=int(seed))


def estimate(config, summary):
    train_count = sum(summary["splits"]["train"].values())
    seconds = ui.estimate_seconds(config.model, config.image_size, config.epochs, train_count)
    speed = ui.images_per_second(config.model, config.image_size)
    st.caption(t("train.estimate", time=ui.duration(seconds), n=train_count, speed=f"{speed:.0f}"))


def start(config):
    from weather_core import runs, training

    busy = [r for r in runs.list_runs() if r.state in runs.ACTIVE]
    with ui.shown_errors():
        run_dir = training.start_in_background(config)
        st.session_state[RUN_KEY] = str(run_dir)
        if busy:
            st.info(t("train.will_queue", n=len(busy)))


def current_run():
    """This session's run, else the newest active run (reattach after leaving the page)."""
    from weather_core import runs

    chosen = st.session_state.get(RUN_KEY)
    if chosen and (Path(chosen) / "config.json").exists():
        return Path(chosen)
    active = [r for r in runs.list_runs() if r.state in runs.ACTIVE]
    return active[0].path if active else None


def progress(info):
    status = {"epochs": info.config.get("epochs"), **info.status}
    if not status.get("epoch"):
        st.progress(0.0, text=t("train.loading"))
        return
    left = ui.remaining_seconds(status, info.metrics, time.time())
    st.progress(ui.fraction_done(status), text=t(
        "train.progress", epoch=status["epoch"], epochs=status["epochs"], batch=status.get("batch", 0),
        steps=status.get("steps", "?"), eta=ui.duration(left) if left is not None else "…"))


def curves(info):
    from pages import charts

    if not info.metrics:
        return
    left, right = st.columns(2)
    left.plotly_chart(charts.curves([("", info.metrics)], "accuracy"), key=f"acc-{info.run_id}")
    right.plotly_chart(charts.curves([("", info.metrics)], "loss"), key=f"loss-{info.run_id}")


@st.fragment(run_every=2)
def live(run_dir):
    from weather_core import runs

    info = runs.load_run(run_dir)
    if info.state not in runs.ACTIVE:
        st.rerun()  # the whole page redraws with the final results
    if info.state == "queued":
        st.info(t("train.queued", position=info.status.get("position", 0)))
    else:
        progress(info)
    curves(info)
    if runs.cancel_requested(run_dir):
        st.caption(t("train.cancel_pending"))
    elif st.button(t("train.cancel")):
        runs.request_cancel(run_dir)
        st.caption(t("train.cancel_pending"))


def results(info):
    from weather_core import runs

    if info.state == "finished":
        st.success(t("train.finished", epochs=len(info.metrics)))
    elif info.state == "cancelled":
        st.warning(t("train.cancelled", error=info.status.get("error", "")))
    else:
        st.error(t("train.failed", state=info.state, error=info.status.get("error") or t("train.no_error")))
        with st.expander(t("train.log")):
            st.code(ui.log_tail(info.path / "log.txt") or t("train.no_log"), language="text")
    cols = st.columns(3)
    cols[0].metric(t("train.test_accuracy"), ui.percent(info.test_accuracy))
    cols[1].metric(t("train.best_val"), ui.percent(info.best_val_accuracy))
    cols[2].metric(t("train.time"), ui.duration(sum(r.get("seconds", 0) for r in info.metrics)))
    if info.test_accuracy is None and info.state == "finished":
        st.warning(t("train.no_test"))
    else:
        st.caption(t("train.honest"))
    curves(info)
    report = runs.read_json(info.path / "evaluation.json")
    if report:
        from pages import charts

        st.plotly_chart(charts.confusion(report), key=f"confusion-{info.run_id}")


def show_run(run_dir):
    from weather_core import runs

    info = runs.load_run(run_dir)
    st.subheader(t("train.run", run=info.run_id, model=info.config.get("model", "?")))
    if info.state in runs.ACTIVE:
        live(str(run_dir))
    else:
        results(info)


st.title(t("train.title"))
st.markdown(t("train.intro"))
prepared, summary = ui.load_active_summary()
if summary:
    with st.container(border=True):
        config = choose_config(prepared)
        if config is not None:
            estimate(config, summary)
            if st.button(t("train.start"), type="primary"):
                start(config)
run = current_run()
if run is not None:
    show_run(run)
else:
    st.caption(t("train.no_run"))
