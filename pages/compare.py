"""Compare: several runs' curves overlaid, their final scores, and the settings that differ."""

import streamlit as st

from pages.ui import formatting
from pages.ui.i18n import t
from weather_core import report

# Bookkeeping that always differs between runs or is too long for a table.
IGNORED_KEYS = {"packages", "device", "split", "class_names"}


def linked(all_runs):
    """Labels of the runs named in the URL (`?runs=<id1>,<id2>`); unknown ids get a warning."""
    wanted = [i.strip() for i in str(st.query_params.get("runs") or "").split(",") if i.strip()]
    by_id = {r.run_id: r.label() for r in all_runs}
    unknown = [i.replace("`", "")[:60] for i in wanted if i not in by_id]
    if unknown:
        st.warning(t("compare.unknown_runs", runs=", ".join(f"`{i}`" for i in unknown[:5])))
    return list(dict.fromkeys(by_id[i] for i in wanted if i in by_id))


def pick(all_runs):
    labels = {r.label(): r for r in all_runs}
    with_metrics = [label for label, r in labels.items() if r.metrics]
    chosen = st.multiselect(t("compare.pick"), list(labels), default=linked(all_runs) or with_metrics[:2])
    return [labels[label] for label in chosen]


def take_home(chosen):
    from pages.ui import run_actions

    with_model = [r for r in chosen if r.has_model]
    if with_model:
        st.subheader(t("export.title"))
        st.caption(t("export.intro"))
        for info in with_model:
            with st.container(border=True):
                st.markdown(f"**{info.run_id}**")
                run_actions.export(info, "compare")


def final_table(chosen):
    return [{t("compare.col.run"): r.run_id, t("compare.col.model"): r.config.get("model"),
             t("compare.col.state"): formatting.state_label(r.state), t("compare.col.best_val"): formatting.percent(r.best_val_accuracy),
             t("compare.col.test"): formatting.percent(r.test_accuracy), t("compare.col.epochs"): len(r.metrics),
             t("compare.col.time"): formatting.duration(sum(m.get("seconds", 0) for m in r.metrics))}
            for r in chosen]


def differences(chosen):
    """Only the config keys whose values are not the same in every chosen run."""
    keys = sorted({key for r in chosen for key in r.config} - IGNORED_KEYS)
    differing = [k for k in keys if len({repr(r.config.get(k)) for r in chosen}) > 1]
    return differing, [{t("compare.col.run"): r.run_id, **{k: str(r.config.get(k)) for k in differing}}
                       for r in chosen]


def overlay(chosen):
    from pages.ui import charts
    from weather_core.models import canonical

    series = [(r.run_id, r.metrics) for r in chosen]
    models = {canonical(r.config.get("model")) for r in chosen}
    references = [(t("compare.reference", name=name, text=text), value)
                  for name, text, value, keys in report.SCORES if models & set(keys)]
    left, right = st.columns(2)
    left.plotly_chart(charts.curves(series, "accuracy", references), key="compare-accuracy")
    right.plotly_chart(charts.curves(series, "loss"), key="compare-loss")


def show(chosen):
    overlay(chosen)
    st.subheader(t("compare.final"))
    st.dataframe(final_table(chosen), hide_index=True)
    st.subheader(t("compare.settings"))
    differing, rows = differences(chosen)
    if len(chosen) < 2:
        st.caption(t("compare.need_two"))
    elif differing:
        st.dataframe(rows, hide_index=True)
    else:
        st.caption(t("compare.same_settings"))
    take_home(chosen)


def reported():
    st.subheader(t("compare.reported"))
    st.dataframe([{t("compare.col.model"): name, t("compare.col.reported"): text}
                  for name, text, _, _ in report.SCORES], hide_index=True)
    st.caption(t("compare.reported_note"))


st.title(t("compare.title"))
st.markdown(t("compare.intro"))
from weather_core import runs  # noqa: E402  (no TensorFlow: run folders are plain files)

all_runs = runs.list_runs()
if not all_runs:
    st.info(t("compare.no_runs"))
else:
    chosen = pick(all_runs)
    if chosen:
        show(chosen)
reported()
