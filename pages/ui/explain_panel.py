"""Why this class? Grad-CAM heat maps and convolution feature maps of a run's own model, cached per
(run, photo, class, layer). Shared by the Classify and Errors pages."""

import hashlib
from contextlib import contextmanager
from pathlib import Path

import streamlit as st

from pages.ui import i18n
from pages.ui.formatting import plain
from pages.ui.i18n import t
from weather_core.use import explain, inference

DISPLAY_SIZE = 240
MAP_LIMIT = 16
OPACITY = 0.45  # the heat map's share of an overlay until a slider says otherwise


def digest(source) -> str:
    """What identifies a photo for the cache: its bytes, or a file's path, size and mtime."""
    if isinstance(source, bytes):
        return hashlib.sha1(source).hexdigest()
    stat = Path(source).stat()
    return hashlib.sha1(f"{source}|{stat.st_size}|{stat.st_mtime_ns}".encode()).hexdigest()


def model_version(run_dir) -> int:
    """The saved model's mtime: a resumed run's new model gets new heat maps."""
    return inference.model_path(run_dir).stat().st_mtime_ns


@contextmanager
def shown_failures():
    """The explanation of one photo failing shows a message there, never a traceback."""
    try:
        yield
    except Exception as error:  # noqa: BLE001  (TensorFlow raises many kinds; the page goes on)
        st.error(t("why.failed", message=plain(i18n.said(error), 300)))


@st.cache_data(max_entries=128, show_spinner=False)
def grad_cam(run_dir, photo_digest, class_name, version, _source):
    result = explain.explain_file(run_dir, _source, class_name=class_name, display_size=DISPLAY_SIZE)
    return {key: result[key] for key in ("image", "cam", "overlay", "class", "probabilities")}


@st.cache_data(max_entries=64, show_spinner=False)
def layer_maps(run_dir, photo_digest, layer, version, _source):
    return explain.layer_maps(run_dir, _source, layer_name=layer, limit=MAP_LIMIT)


@st.cache_data(max_entries=16, show_spinner=False)
def conv_layers(run_dir, version):
    return explain.conv_layer_names(inference.load_model(run_dir))


def overlay(run_dir, source, class_name=None):
    """The Grad-CAM result for `class_name` (None: the predicted class), or None after a message."""
    with shown_failures(), st.spinner(t("why.working")):
        return grad_cam(str(run_dir), digest(source), class_name, model_version(run_dir), source)
    return None


def blended(result, opacity):
    """The photo with the heat map laid over it at `opacity` (0: the photo, 1: the heat map)."""
    return explain.overlay(result["image"], result["cam"], alpha=opacity)


def opacity_slider(key) -> float:
    return st.slider(t("why.opacity"), 0.0, 1.0, OPACITY, 0.05, key=key, help=t("why.opacity_help"))


def photo_and_heat(result, opacity, class_name, width=DISPLAY_SIZE, short=False):
    """The photo and its overlay side by side, so the heat map never hides what it explains;
    `short` captions suit a grid of many photos."""
    left, right = st.columns(2)
    left.image(result["image"], width=width, caption=t("why.photo"), alt=t("alt.model_input"))
    heat = t("why.heat_short") if short else t("why.overlay", cls=i18n.class_label(class_name))
    right.image(blended(result, opacity), width=width, caption=heat,
                alt=t("alt.heat_map", cls=i18n.class_label(class_name)))


def show_maps(result):
    """A layer's feature maps; a silent one (black: under 1 % of the layer's peak) says so under its tile."""
    maps, silent = result["maps"], result["silent"]
    st.image(list(maps), width=72, caption=[t("why.silent_tile", i=i + 1) if quiet else f"#{i + 1}"
                                            for i, quiet in enumerate(silent)],
             alt=[t("alt.feature_map", i=i + 1, layer=result["layer"]) for i in range(len(maps))])
    st.caption(t("why.maps", n=len(maps), layer=plain(result["layer"]), size=maps.shape[-1]))
    if any(silent):
        st.info(t("why.silent", n=sum(silent), total=len(silent)), icon=":material/visibility_off:")


def label(name, predicted):
    return t("why.predicted", cls=i18n.class_label(name)) if name == predicted else i18n.class_label(name)


def section(run_dir, key, source, predicted, classes):
    """Under a classified photo, on request: the heat map for any class and one layer's feature
    maps. Off by default so that a classification costs one prediction on a shared server."""
    if not st.toggle(t("why.title"), key=f"why-show-{key}"):
        return
    left, right = st.columns([1, 1])
    with left:
        chosen = st.selectbox(t("why.class"), classes, index=classes.index(predicted), key=f"why-class-{key}",
                              format_func=lambda c: label(c, predicted))
        opacity = opacity_slider(f"why-opacity-{key}")
        result = overlay(run_dir, source, chosen)
        if result is not None:
            photo_and_heat(result, opacity, chosen, width=DISPLAY_SIZE - 20)
    with right:
        st.caption(t("why.how_to_read"))
        with shown_failures():
            version = model_version(run_dir)
            layers = conv_layers(str(run_dir), version)
            layer = st.selectbox(t("why.layer"), layers, key=f"why-layer-{key}")
            show_maps(layer_maps(str(run_dir), digest(source), layer, version, source))
