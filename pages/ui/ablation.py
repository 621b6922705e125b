"""Ablation, change one thing: queue two runs that differ in one setting only, watch both, then
open them side by side on the Compare page (`?runs=<id1>,<id2>`)."""

from dataclasses import replace

import streamlit as st

from pages.ui import formatting, identity, widgets
from pages.ui.i18n import t
from weather_core import jobs, runs

PAIR_KEY = "ablation_pair"
PAIR_PARAM = "pair"  # the pair also sits in the Train page's URL, so a reload keeps it
# setting -> (TrainConfig field, the two values compared)
VARIANTS = {
    "flip": ("flip", (True, False)),
    "augment": ("augment", (True, False)),
    "lr_schedule": ("lr_schedule", ("cosine", "constant")),
    "reduce_lr": ("reduce_lr", (True, False)),
    "batch_size": ("batch_size", (16, 128)),
}


def describe(field, value):
    label = t(f"train.{field}")
    if isinstance(value, bool):
        return f"{label} {t('ablation.on') if value else t('ablation.off')}"
    if field == "lr_schedule":
        return f"{label} {t(f'train.schedule_{value}')}"
    return f"{label} {value}"


def queue(config, setting):
    """Start the pair in the background: `config` with the setting's first value, then its second;
    returns the two run folders (fewer when one could not start)."""
    field, values = VARIANTS[setting]
    if field in ("reduce_lr", "lr_schedule"):
        # ReduceLROnPlateau steers a constant rate; neither run of a schedule pair uses it.
        config = replace(config, reduce_lr=False, lr_schedule="constant", warmup_epochs=0)
    started = []
    with widgets.shown_errors():
        for value in values:
            started.append(jobs.start_in_background(replace(config, **{field: value}), **identity.owner()))
    if len(started) == 2:
        st.session_state[PAIR_KEY] = [path.name for path in started]
        st.query_params[PAIR_PARAM] = ",".join(path.name for path in started)
    return started


def pair_ids():
    """The remembered pair (URL first, then this session), if both run folders still exist."""
    raw = st.query_params.get(PAIR_PARAM)
    ids = str(raw).split(",") if raw else st.session_state.get(PAIR_KEY) or []
    found = []
    for run_id in ids[:2]:
        try:
            found.append(runs.resolve_run(run_id.strip()).name)
        except ValueError:
            pass
    return found if len(found) == 2 else []


def table(infos):
    for info in infos:
        done = f"{len(info.metrics)}/{info.config.get('epochs', '?')}"
        st.markdown(t("ablation.row", run=formatting.plain(info.run_id), state=formatting.state_label(info.state), done=done,
                      best=formatting.percent(info.best_val_accuracy), test=formatting.percent(info.test_accuracy),
                      setting=formatting.plain(", ".join(describe(f, info.config.get(f)) for f, _ in VARIANTS.values()))))
    if not any(info.state in runs.ACTIVE for info in infos):
        st.page_link("pages/compare.py", label=t("ablation.compare"), icon=":material/monitoring:",
                     query_params={"runs": ",".join(info.run_id for info in infos)})


def _load(ids):
    return [runs.load_run(runs.resolve_run(run_id)) for run_id in ids]


@st.fragment(run_every=3)
def live(ids):
    infos = _load(ids)
    if not any(info.state in runs.ACTIVE for info in infos):
        st.rerun()  # the whole page redraws, with the Compare link
    table(infos)
    overlaid(infos)


def overlaid(infos):
    """Both runs' live curves in one chart each, labelled by the setting that differs."""
    from pages.ui import live_charts

    labels = [", ".join(describe(f, info.config.get(f)) for f, _ in VARIANTS.values()
                        if len({str(i.config.get(f)) for i in infos}) > 1) for info in infos]
    series = [(label, runs.read_progress(info.path), info.metrics) for label, info in zip(labels, infos)]
    if any(progress or rows for _, progress, rows in series):
        left, right = st.columns(2)
        left.plotly_chart(live_charts.live_curves(series, "accuracy"), key="ablation-acc", alt=t("alt.compare_accuracy"))
        right.plotly_chart(live_charts.live_curves(series, "loss"), key="ablation-loss", alt=t("alt.compare_loss"))


def section(config, on_queue=None):
    """The 'change one thing' panel under the Train form; `config` None disables queueing;
    `on_queue(run folders)` is called once a pair is queued."""
    ids = pair_ids()
    with st.expander(t("ablation.title"), expanded=bool(ids), icon=":material/science:"):
        st.markdown(t("ablation.intro"))
        setting = st.radio(t("ablation.setting"), list(VARIANTS), horizontal=True,
                           format_func=lambda name: t(f"ablation.vary.{name}"))
        field, values = VARIANTS[setting]
        st.caption(t("ablation.will_queue", a=describe(field, values[0]), b=describe(field, values[1])))
        if setting == "batch_size":
            st.caption(t("ablation.batch_note"))
        if st.button(t("ablation.queue"), disabled=config is None, icon=":material/playlist_add:"):
            started = queue(config, setting)
            if len(started) == 2:
                ids = [path.name for path in started]
                if on_queue:
                    on_queue(started)
        if len(ids) == 2:
            with widgets.shown_errors():
                infos = _load(ids)
                if any(info.state in runs.ACTIVE for info in infos):
                    live(ids)
                else:
                    table(infos)
                    overlaid(infos)
