"""The Models page's layer diagram: click a layer (or pick it below) to see its feature maps for a
sample photo, computed by the best finished run of that model (CNN Explainer's idea, on our models)."""

from pathlib import Path

import streamlit as st

from pages.ui import formatting, i18n
from pages.ui.i18n import t
from weather_core import runs, settings
from weather_core.use import inference

LAYER_KEY = "models_layer"  # the layer shown (the selectbox's key)
DIAGRAM_KEY = "models-diagram"  # the diagram's selection state
SAMPLE_KEY = "models_sample"
CLICK_KEY = "models_clicked"  # the layer last clicked, so the selectbox can choose another


def best_run_of(model_name):
    """The finished run of exactly this model with the best test score, or None."""
    return runs.best_run(candidates=[r for r in runs.list_runs() if r.config.get("model") == model_name])


def sample_photos(run) -> dict:
    """{class: first test photo} of the run's dataset (its sorted photos when it has no test split)."""
    data = Path(run.config.get("data") or ".")
    if not settings.inside(data, settings.data_root()):  # a config.json naming /etc shows nothing
        return {}
    found = {}
    for folder in (data / "split" / "test", data / "sorted"):
        for class_dir in sorted(p for p in folder.glob("*") if p.is_dir()):
            photos = sorted(p for p in class_dir.iterdir() if p.is_file())
            if photos and class_dir.name not in found:
                found[class_dir.name] = photos[0]
    return found


def clicked_layer(names):
    """The layer clicked in the diagram on the last run, read before the diagram is drawn again."""
    points = ((st.session_state.get(DIAGRAM_KEY) or {}).get("selection") or {}).get("points") or []
    name = points[0].get("x") if points else None
    return name if name in names else None


@st.cache_data(max_entries=16, show_spinner=False)
def run_layer_names(run_dir, version):
    return [layer.name for layer in inference.load_model(run_dir).layers]


def section(model_name, layers):
    """The diagram, then the chosen layer's feature maps from the model's best finished run."""
    from pages.ui import explain_panel, model_charts

    with_maps = [layer["name"] for layer in layers if model_charts.has_maps(layer)]
    clicked = clicked_layer(with_maps)
    if clicked and clicked != st.session_state.get(CLICK_KEY):  # a click applies once
        st.session_state[LAYER_KEY] = clicked
    st.session_state[CLICK_KEY] = clicked
    if st.session_state.get(LAYER_KEY) not in with_maps:
        st.session_state[LAYER_KEY] = with_maps[0] if with_maps else None
    st.plotly_chart(model_charts.layer_diagram(layers, st.session_state[LAYER_KEY]), key=DIAGRAM_KEY,
                    on_select="rerun", selection_mode="points",
                    alt=t("alt.layer_diagram", model=i18n.model_title(model_name)))
    st.caption(t("models.diagram_text"))
    run = best_run_of(model_name)
    if run is None or not with_maps:
        st.info(t("models.no_run_for_maps", model=i18n.model_title(model_name)))
        return
    left, right = st.columns([1, 3])
    layer = left.selectbox(t("models.layer"), with_maps, key=LAYER_KEY)
    photos = sample_photos(run)
    if not photos:
        st.info(t("models.no_sample"))
        return
    cls = left.radio(t("models.sample"), list(photos), key=SAMPLE_KEY, format_func=i18n.class_label)
    left.image(str(photos[cls]), width=160, alt=t("alt.layer_sample", cls=i18n.class_label(cls)))
    with right, explain_panel.shown_failures():
        version = explain_panel.model_version(run.path)
        names = run_layer_names(str(run.path), version)
        # The run's model was built in another process: its layers are the same, in the same order.
        index = [layer["name"] for layer in layers].index(layer)
        st.caption(t("models.maps_from", run=formatting.plain(run.run_id), acc=f"{run.test_accuracy:.1%}"))
        source = str(photos[cls])
        result = explain_panel.layer_maps(str(run.path), explain_panel.digest(source), names[index], version, source)
        explain_panel.show_maps({**result, "layer": layer})  # named as in the diagram
