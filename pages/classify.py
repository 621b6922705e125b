"""Classify: upload photos, take one with the camera or click an example from the test split, and
let a trained run say which weather each one shows."""

from pathlib import Path

import streamlit as st

from pages.ui import formatting, i18n, session, widgets
from pages.ui.i18n import t
from weather_core import data, runs
from weather_core.use import inference

EXAMPLE_KEY = "classify-example"


def trained_runs():
    return widgets.usable_runs(runs.list_runs(), lambda r: r.has_model)


def examples_of(run):
    """Test-split photos of the run's own dataset (never seen in its training), else of the
    active dataset."""
    return data.example_photos(run.config.get("data") or "") or \
        data.example_photos(session.active_dataset_path())


def clicked_example(run):
    """A row of example photos to click; the clicked one as (name, bytes), or None."""
    examples = examples_of(run)
    if not examples:
        return None
    st.markdown(t("classify.examples"))
    columns = st.columns(min(len(examples), 8))
    for index, path in enumerate(examples):
        with columns[index % len(columns)], widgets.shown_errors():
            st.image(widgets.square_thumbnail(str(path), 120), caption=formatting.plain(path.name),
                     alt=t("alt.example", file=path.name))
            if st.button(t("classify.try_example"), key=f"example-{index}", width="stretch"):
                st.session_state[EXAMPLE_KEY] = str(path)
    chosen = st.session_state.get(EXAMPLE_KEY)
    if chosen not in {str(path) for path in examples}:
        return None
    try:
        return Path(chosen).name, Path(chosen).read_bytes()
    except OSError:
        return None


def photos_to_classify(run):
    """This run's photos, as (name, bytes): the uploads, the camera's shot, a clicked example."""
    files = st.file_uploader(t("classify.upload"), type=widgets.photo_types(), accept_multiple_files=True)
    photos = [(f.name, f.getvalue()) for f in files or []]
    # The camera is opt-in: the browser asks for permission only once someone wants it.
    if st.toggle(t("classify.camera_on"), key="camera-on"):
        shot = st.camera_input(t("classify.camera"), key="camera")
        if shot is not None:
            photos.append((t("classify.camera_name"), shot.getvalue()))
    example = clicked_example(run)
    return photos + ([example] if example else [])


def classify(run_dir, photos):
    """inference.predict on the photos' bytes; one result per photo, errors included."""
    return inference.predict(run_dir, [content for _, content in photos], names=[name for name, _ in photos])


def show(run_dir, index, result, content):
    from pages.ui import charts, explain_panel

    with st.container(border=True):
        if "error" in result:
            error = i18n.error_text(result.get("error_key"), result.get("error_values"), result["error"])
            st.error(t("classify.bad_file", file=formatting.plain(result["file"]), error=formatting.plain(error, 300)))
            return
        left, right = st.columns([1, 2])
        with widgets.shown_errors():
            left.image(widgets.thumbnail(content, 240), caption=formatting.plain(result["file"]),
                       alt=t("alt.photo", file=result["file"]))
        confidence = result["probabilities"][result["class"]]
        right.markdown(t("classify.result", file=formatting.plain(result["file"]), cls=i18n.class_label(result["class"]), p=confidence))
        close = formatting.close_call(result["probabilities"])
        if close:
            first, p1, second, p2 = close
            right.warning(t("classify.unsure", first=i18n.class_label(first), p1=p1, second=i18n.class_label(second),
                            p2=p2, margin=round(formatting.UNSURE_MARGIN * 100)), icon=":material/help:")
        right.plotly_chart(charts.probabilities(result["probabilities"]), key=f"probabilities-{index}",
                           alt=t("alt.probabilities", file=result["file"]))
        explain_panel.section(run_dir, f"{index}-{explain_panel.digest(content)[:12]}", content, result["class"],
                    list(result["probabilities"]))


st.title(t("classify.title"))
st.markdown(t("classify.intro"))
run = widgets.pick_run(t("classify.pick_run"), trained_runs())
if run is None:
    st.info(t("classify.no_run"))
    st.page_link("pages/train.py", label=t("classify.to_train"), icon=":material/model_training:")
    st.code(f"python -m weather_core train --data {session.active_dataset_path()} --model model_1 --epochs 5",
            language="bash")
else:
    st.caption(t("classify.run_info", model=formatting.plain(run.config.get("model")), size=run.config.get("image_size"),
                 acc=formatting.percent(run.test_accuracy)))
    photos = photos_to_classify(run)
    if photos:
        results = None
        with widgets.shown_errors(), st.spinner(t("classify.working")):
            results = classify(run.path, photos)
        for index, (result, (_, content)) in enumerate(zip(results or [], photos)):
            show(run.path, index, result, content)
