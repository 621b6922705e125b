"""Classify: upload photos and let a trained run say which weather each one shows."""

import streamlit as st

from pages.ui import formatting, i18n, session, widgets
from pages.ui.i18n import t

PHOTO_TYPES = ["jpg", "jpeg", "png", "gif", "webp", "bmp"]


def trained_runs():
    from weather_core import runs

    return widgets.usable_runs(runs.list_runs(), lambda r: r.has_model)


def classify(run_dir, files):
    """inference.predict on the uploads' bytes; one result per file, errors included."""
    from weather_core.use import inference

    return inference.predict(run_dir, [f.getvalue() for f in files], names=[f.name for f in files])


def show(run_dir, index, result, content):
    from pages.ui import charts, explain_panel

    with st.container(border=True):
        if "error" in result:
            st.error(t("classify.bad_file", file=formatting.plain(result["file"]),
                       error=formatting.plain(result["error"], 300)))
            return
        left, right = st.columns([1, 2])
        with widgets.shown_errors():
            left.image(widgets.thumbnail(content, 240), caption=formatting.plain(result["file"]))
        confidence = result["probabilities"][result["class"]]
        right.markdown(t("classify.result", file=formatting.plain(result["file"]), cls=i18n.class_label(result["class"]), p=confidence))
        close = formatting.close_call(result["probabilities"])
        if close:
            first, p1, second, p2 = close
            right.warning(t("classify.unsure", first=i18n.class_label(first), p1=p1, second=i18n.class_label(second),
                            p2=p2, margin=round(formatting.UNSURE_MARGIN * 100)), icon=":material/help:")
        right.plotly_chart(charts.probabilities(result["probabilities"]), key=f"probabilities-{index}")
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
    files = st.file_uploader(t("classify.upload"), type=PHOTO_TYPES, accept_multiple_files=True)
    if files:
        results = None
        with widgets.shown_errors(), st.spinner(t("classify.working")):
            results = classify(run.path, files)
        for index, (result, upload) in enumerate(zip(results or [], files)):
            show(run.path, index, result, upload.getvalue())
