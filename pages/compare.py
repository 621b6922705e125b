"""Compare: several runs' curves overlaid, their final scores, and the settings that differ."""

import streamlit as st

from pages.ui import formatting, i18n, identity, run_actions, session, widgets
from pages.ui.i18n import t
from weather_core import runs
from weather_core.models import canonical, report
from weather_core.runs import comparison


def linked(all_runs):
    """Labels of the runs named in the URL (`?runs=<id1>,<id2>`); unknown ids get a warning."""
    wanted = [i.strip() for i in str(st.query_params.get("runs") or "").split(",") if i.strip()]
    by_id = {r.run_id: formatting.run_label(r) for r in all_runs}
    unknown = [i for i in wanted if i not in by_id]
    if unknown:
        st.warning(t("compare.unknown_runs", runs=", ".join(formatting.plain(i, 60) for i in unknown[:5])))
    return list(dict.fromkeys(by_id[i] for i in wanted if i in by_id))


def mine_first(all_runs):
    """This user's runs first, then the class's (each newest first)."""
    me = identity.current_user()
    return sorted(all_runs, key=lambda r: not (me and r.owner == me))


def pick(all_runs):
    """The runs to compare: only runs with at least one epoch (a run cancelled in the queue has
    no curve, no bar and no score to show), the URL's first, else the two newest."""
    labels = {formatting.run_label(r): r for r in mine_first(all_runs) if r.metrics}
    asked = linked(all_runs)
    untrained = [label for label in asked if label not in labels]
    if untrained:
        st.caption(t("compare.untrained", runs=formatting.plain(", ".join(untrained), 300)))
    wanted = [label for label in asked if label in labels]
    chosen = st.multiselect(t("compare.pick"), list(labels), default=wanted or list(labels)[:2])
    return [labels[label] for label in chosen]


def take_home(chosen):
    with_model = [r for r in chosen if r.has_model]
    if with_model:
        st.header(t("export.title"))
        st.caption(t("export.intro"))
        for info in with_model:
            with st.container(border=True):
                st.markdown(f"**{formatting.plain(formatting.run_label(info))}**")
                run_actions.export(info, "compare")


def setting_name(key) -> str:
    return t(f"setting.{key}") if i18n.has_text(f"setting.{key}") else key


def setting_value(value) -> str:
    text = comparison.value_text(value)
    return t(f"setting.{text}") if isinstance(value, bool) else text


def names(chosen):
    """Each run named by the settings that differ, in the UI language."""
    return comparison.run_names([r.config for r in chosen], [r.run_id for r in chosen],
                                setting_name, setting_value)


def final_table(chosen, labels):
    return [{t("compare.col.name"): label, t("compare.col.run"): r.run_id,
             t("compare.col.owner"): r.owner or "–", t("compare.col.model"): r.config.get("model"),
             t("compare.col.state"): formatting.state_label(r.state), t("compare.col.best_val"): formatting.percent(r.best_val_accuracy),
             t("compare.col.test"): formatting.percent(r.test_accuracy), t("compare.col.epochs"): len(r.metrics),
             t("compare.col.time"): formatting.duration(r.training_seconds)}
            for r, label in zip(chosen, labels)]


def differences(chosen, labels):
    """Only the config keys whose values are not the same in every chosen run; the dataset first
    when the runs trained on different ones (their scores then measure different test photos)."""
    differing = comparison.differing_settings([r.config for r in chosen])
    datasets = [session.dataset_label(r.config.get("data") or "–") for r in chosen]
    if len(set(datasets)) > 1:
        differing = ["dataset", *differing]
    return differing, [{t("compare.col.name"): label,
                        **{setting_name(k): dataset if k == "dataset" else setting_value(r.config.get(k))
                           for k in differing}}
                       for r, label, dataset in zip(chosen, labels, datasets)]


def reported_scores(chosen):
    """(translated name, value) of the report's figures for the chosen runs' models."""
    models = {canonical(r.config.get("model")) for r in chosen}
    return [(t(f"compare.score.{index}"), text, value)
            for index, (_, text, value, keys) in enumerate(report.SCORES) if models & set(keys)]


def overlay(chosen, labels):
    from pages.ui import compare_charts

    series = [(label, r.metrics) for r, label in zip(chosen, labels)]
    scores = reported_scores(chosen)
    references = [(t("compare.reference", name=name, text=text), value) for name, text, value in scores]
    st.caption(t("compare.named_by"))
    left, right = st.columns(2)
    left.plotly_chart(compare_charts.curves(series, "accuracy", references), key="compare-accuracy",
                      alt=t("alt.compare_accuracy"))
    right.plotly_chart(compare_charts.curves(series, "loss"), key="compare-loss", alt=t("alt.compare_loss"))
    tested = [(label, r.test_accuracy, r.status.get("test_n")) for r, label in zip(chosen, labels)]
    st.plotly_chart(compare_charts.test_bars(tested, [(name, value) for name, _, value in scores]),
                    key="compare-test", alt=t("alt.compare_test"))
    counts = sorted({n for _, _, n in tested if isinstance(n, int) and n > 0})
    if counts:
        st.caption(t("compare.test_note", n=formatting.plain(" / ".join(map(str, counts))),
                     point=100 / counts[0]))
    st.caption(t("compare.stars"))


def show(chosen):
    for info in chosen:
        if info.problem:
            st.warning(t("runs.damaged", run=formatting.plain(info.run_id), problem=formatting.plain(info.problem)))
    labels = names(chosen)
    overlay(chosen, labels)
    st.header(t("compare.final"))
    table = final_table(chosen, labels)
    st.dataframe(table, hide_index=True)
    pd = widgets.import_pandas()
    st.download_button(t("compare.csv"), pd.DataFrame(table).to_csv(index=False), file_name="compare.csv",
                       mime="text/csv", icon=":material/download:", on_click="ignore", key="compare-csv")
    st.header(t("compare.settings"))
    differing, rows = differences(chosen, labels)
    if len(chosen) < 2:
        st.caption(t("compare.need_two"))
    elif differing:
        st.dataframe(rows, hide_index=True)
    else:
        st.caption(t("compare.same_settings"))
    take_home(chosen)


def reported():
    st.header(t("compare.reported"))
    st.dataframe([{t("compare.col.model"): t(f"compare.score.{index}"), t("compare.col.reported"): text}
                  for index, (_, text, _, _) in enumerate(report.SCORES)], hide_index=True)
    st.caption(t("compare.reported_note"))


st.title(t("compare.title"))
st.markdown(t("compare.intro"))
all_runs = runs.list_runs()
if not all_runs:
    st.info(t("compare.no_runs"))
else:
    chosen = pick(all_runs)
    if chosen:
        show(chosen)
reported()
