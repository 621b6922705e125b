"""Errors: which test photos a finished run gets wrong, and where its model looked (Grad-CAM)."""

from pathlib import Path

import streamlit as st

from pages.ui import explain_panel, formatting, i18n, widgets
from pages.ui.i18n import t
from weather_core import runs, settings
from weather_core.use import evaluation

CELL_KEY = "errors_cell"  # the chosen cell, "true|predicted" (the selectbox's key)
CLICK_KEY = "errors_clicked"  # the last cell clicked in the chart, so a click applies once
SHOWN = 12
COLUMNS = 4


def scored_runs():
    """Finished runs with a test report."""
    return widgets.usable_runs(runs.list_runs(),
                               lambda r: r.has_model and runs.own_file(r.path, "evaluation.json"))


def cells(report):
    """{'true|predicted': count} of the non-empty cells: mistakes first, the most common first."""
    classes, matrix = report["classes"], report["confusion_matrix"]
    found = [(matrix[i][j], a, b) for i, a in enumerate(classes) for j, b in enumerate(classes)
             if matrix[i][j]]
    found.sort(key=lambda cell: (cell[1] == cell[2], -cell[0]))
    return {f"{a}|{b}": n for n, a, b in found}


def cell_label(cell, counts):
    true, predicted = cell.split("|")
    key = "errors.cell_correct" if true == predicted else "errors.cell"
    return t(key, true=i18n.class_label(true), predicted=i18n.class_label(predicted), n=counts[cell])


def choose_cell(run, report, counts):
    """The confusion matrix (click a cell; the chosen one stays framed) beside per-class precision,
    recall and F1, and the same choice as a selectbox."""
    from pages.ui import charts

    left, right = st.columns(2)
    marked = st.session_state.get(CELL_KEY)
    matrix = charts.confusion_clickable(report, tuple(marked.split("|")) if marked in counts else None)
    with left:
        event = st.plotly_chart(matrix, key=f"errors-matrix-{run.run_id}", on_select="rerun",
                                selection_mode="points", alt=t("alt.confusion"))
    right.plotly_chart(charts.per_class(report), key=f"errors-per-class-{run.run_id}", alt=t("alt.per_class"))
    points = (event or {}).get("selection", {}).get("points", [])
    if points:
        cell = f"{points[0].get('y')}|{points[0].get('x')}"
        if cell != st.session_state.get(CLICK_KEY):
            st.session_state[CLICK_KEY] = cell
            if cell in counts:
                st.session_state[CELL_KEY] = cell
            else:
                st.caption(t("errors.empty_cell"))
    if st.session_state.get(CELL_KEY) not in counts:
        st.session_state[CELL_KEY] = next(iter(counts))
    if st.session_state[CELL_KEY] != marked:
        st.rerun()  # draw the frame around the cell just chosen
    return st.selectbox(t("errors.pick_cell"), list(counts), key=CELL_KEY,
                        format_func=lambda cell: cell_label(cell, counts))


def confused_pairs(report):
    """One line per pair of classes the run mixes up most, with both directions."""
    pairs = evaluation.most_confused(report)
    if not pairs:
        st.success(t("errors.no_confusion"), icon=":material/check_circle:")
        return
    lines = [t("errors.pair", a=i18n.class_label(p["classes"][0]), b=i18n.class_label(p["classes"][1]),
               n=p["total"], share=f"{p['share']:.0%}", a_as_b=p["a_as_b"], b_as_a=p["b_as_a"])
             for p in pairs]
    st.markdown(t("errors.most_confused") + "\n" + "\n".join(f"- {line}" for line in lines))


def locate(run, row):
    """A test photo's file: where it was scored, else under the run's dataset folder; only ever a
    file inside the data root (evaluation.json may name any path: /etc/shadow is not shown)."""
    path = Path(row["file"])
    candidate = Path(run.config.get("data") or ".") / "split" / "test" / row["true"] / path.name
    for found in (path, candidate):
        if found.is_file() and settings.inside(found, settings.data_root()):
            return found
    return None


def photos(run, report, cell):
    """The cell's test photos, most confident first, each with its Grad-CAM overlay."""
    true, predicted = cell.split("|")
    names = {"predicted": i18n.class_label(predicted), "true": i18n.class_label(true)}
    rows = [r for r in report.get("predictions", []) if (r["true"], r["predicted"]) == (true, predicted)]
    rows.sort(key=lambda r: -r["confidence"])
    target = st.radio(t("errors.explain"), list(names), horizontal=True, disabled=true == predicted,
                      format_func=lambda option: t(f"errors.explain_{option}", cls=names[option]))
    opacity = explain_panel.opacity_slider("errors-opacity")
    explained = predicted if target == "predicted" else true
    st.caption(t("errors.showing", shown=min(SHOWN, len(rows)), n=len(rows)))
    columns = st.columns(COLUMNS)
    for index, row in enumerate(rows[:SHOWN]):
        with columns[index % COLUMNS]:
            name, path = Path(row["file"]).name, locate(run, row)
            if path is None:
                st.warning(t("errors.missing", file=formatting.plain(name)))
                continue
            result = explain_panel.overlay(run.path, str(path), explained)
            if result is not None:
                explain_panel.photo_and_heat(result, opacity, explained, width="stretch", short=True)
                st.caption(t("errors.photo", file=formatting.plain(name), predicted=names["predicted"], p=row["confidence"],
                             true=names["true"], true_p=row["probabilities"].get(true, 0.0)))


st.title(t("errors.title"))
st.markdown(t("errors.intro"))
run = widgets.pick_run(t("errors.pick_run"), scored_runs())
if run is None:
    st.info(t("errors.no_run"))
    st.page_link("pages/train.py", label=t("classify.to_train"), icon=":material/model_training:")
else:
    report, problem = runs.read_evaluation(run.path)
    if problem:
        st.warning(t("runs.damaged", run=formatting.plain(run.run_id), problem=formatting.plain(problem)))
    elif not report["n"] or not any(map(any, report["confusion_matrix"])):
        st.warning(t("errors.no_report"))
    else:
        st.caption(t("errors.accuracy", acc=formatting.percent(report.get("accuracy")), n=report["n"]))
        confused_pairs(report)
        st.info(t("errors.teach"), icon=":material/school:")
        counts = cells(report)
        cell = choose_cell(run, report, counts)
        if "predictions" not in report:
            st.warning(t("errors.no_predictions"))
        else:
            photos(run, report, cell)
