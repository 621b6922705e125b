"""Models: the report's three CNNs layer by layer, checked against the report's own tables."""

import numpy as np
import streamlit as st

from pages.ui import i18n, lesson_links, widgets
from pages.ui.i18n import t
from weather_core import models
from weather_core.models import DEFAULT_IMAGE_SIZE, MODELS, report
from weather_core.training import value_range

@st.cache_data(max_entries=16, show_spinner=False)
def summary(name, image_size):
    return models.summary(name, image_size)


def choose():
    link = lesson_links.Lesson()  # a lesson link may open a model: ?model=model_2_report&image_size=250
    names = list(MODELS)
    left, right = st.columns([2, 1])
    name = left.selectbox(t("models.pick"), names, index=names.index(link.choice("model", names, names[0])),
                          format_func=i18n.model_title)
    info = MODELS[name]
    largest = value_range("image_size")[1]
    size = right.number_input(t("models.size"), min_value=info.min_image_size, max_value=largest, step=1,
                              value=link.number("image_size", DEFAULT_IMAGE_SIZE, info.min_image_size, largest))
    link.show()
    return name, info, int(size)


def layer_frame(table):
    pd = widgets.import_pandas()

    frame = pd.DataFrame(table["layers"])
    frame["output_shape"] = frame["output_shape"].map(lambda s: "(None, " + ", ".join(map(str, s)) + ")")
    return frame.rename(columns={column: t(f"models.col.{column}") for column in frame.columns})


def totals(table, info, size):
    ours = (table["total_params"], table["non_trainable_params"])
    reported = (info.report_total_params, info.report_non_trainable_params)
    cols = st.columns(3)
    cols[0].metric(t("models.total"), f"{ours[0]:,}")
    cols[1].metric(t("models.trainable"), f"{table['trainable_params']:,}")
    cols[2].metric(t("models.non_trainable"), f"{ours[1]:,}")
    if reported[0] is None:  # a variant of ours, not one of the report's
        st.info(t(f"models.why.{table['model']}"), icon=":material/lightbulb:")
        return
    st.markdown(t("models.report_numbers", total=reported[0], non=reported[1]))
    if ours == reported:
        st.success(t("models.match"), icon=":material/check_circle:")
    elif size == report.IMAGE_SIZE:
        st.error(t("models.mismatch"), icon=":material/error:")
    else:
        st.warning(t("models.other_size", size=size))


def note_256(name):
    with widgets.shown_errors():
        at_256, at_250 = summary(name, 256)["total_params"], summary(name, report.IMAGE_SIZE)["total_params"]
        st.info(t("models.note_256", at_256=at_256, at_250=at_250) if at_256 != at_250
                else t("models.note_256_same"))


def relu_flaw(name):
    st.header(t("models.relu_title"))
    st.code("model.add(Dense(4, activation='relu'))   # the report's Model 2\n"
            "model.compile(loss='categorical_crossentropy', ...)", language="python")
    outputs = np.array([0.0, 2.4, 0.0, 0.6])
    shares = outputs / outputs.sum()
    st.markdown(t("models.relu_text", outputs=outputs.tolist(), shares=[round(float(v), 2) for v in shares]))
    if name == "model_2":
        st.caption(t("models.relu_fixed"))


st.title(t("models.title"))
st.markdown(t("models.intro"))
name, info, size = choose()
if info.report_result is not None:
    st.caption(t("models.report_result", result=t(f"models.result.{name}")
                 if i18n.has_text(f"models.result.{name}") else info.report_result))
table = None
with widgets.shown_errors(), st.spinner(t("models.building")):
    table = summary(name, size)
if table:
    totals(table, info, size)
    st.dataframe(layer_frame(table), hide_index=True,
                 column_config={t("models.col.params"): st.column_config.NumberColumn(format="localized")})
    from pages.ui import charts, layer_view, model_charts

    st.plotly_chart(model_charts.params_per_layer(table["layers"]), key="models-params",
                    alt=t("alt.params", model=i18n.model_title(name)))
    st.caption(t("models.params_text"))
    layer_view.section(name, table["layers"])
    st.plotly_chart(charts.feature_maps(table["layers"]), alt=t("alt.feature_map_sizes", model=i18n.model_title(name)))
    st.caption(t("models.shapes_text"))
    if info.report_total_params is not None:
        note_256(name)
    if name.startswith("model_2"):
        relu_flaw(name)
