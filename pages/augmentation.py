"""Augmentation: the report's ImageDataGenerator settings as Keras layers, previewed on one photo."""

import streamlit as st

from pages.ui import formatting, i18n, lesson_links, session, widgets
from pages.ui.i18n import t
from weather_core.data import decode
from weather_core.models import augment

PREVIEW_SIZE = 160  # training resizes to a square too; small keeps the preview quick on a CPU
COUNT = 8
SEED_KEY = "augment_seed"


def pick_image(prepared):
    """(path or bytes, name) of the photo to augment: an upload wins over the training split."""
    uploaded = st.file_uploader(t("augment.upload"), type=widgets.photo_types())
    if uploaded is not None:
        return uploaded.getvalue(), uploaded.name
    files = sorted((prepared / "split" / "train").glob("*/*")) if prepared else []
    if not files:
        st.warning(t("augment.no_train_images"))
        return None, None
    choice = st.selectbox(t("augment.pick"), files, format_func=lambda p: f"{i18n.class_label(p.parent.name)} / {p.name}")
    return str(choice), choice.name


MY_SETTINGS_KEY = "my_augmentation"  # session state: what the Train form offers as "my settings"


def choose_settings():
    ranges, s = augment.RANGES, augment.REPORT_SETTINGS

    link = lesson_links.Lesson()  # a lesson link may set the sliders: ?rotation=0&brightness=0.8,1.2&flip=0

    def slider(column, label, name, link_name, step):
        low, high = ranges[name]
        return column.slider(t(label), low, high, float(link.number(link_name, getattr(s, name), low, high,
                                                                    integer=False)), step)

    left, right = st.columns(2)
    values = dict(
        shear_degrees=slider(left, "augment.shear", "shear_degrees", "shear", 0.1),
        zoom=slider(left, "augment.zoom", "zoom", "zoom", 0.05),
        rotation_degrees=slider(left, "augment.rotation", "rotation_degrees", "rotation", 1.0),
        width_shift=slider(right, "augment.width_shift", "width_shift", "width_shift", 0.05),
        height_shift=slider(right, "augment.height_shift", "height_shift", "height_shift", 0.05),
        brightness=tuple(right.slider(t("augment.brightness"), *ranges["brightness"],
                                      link.numbers("brightness", tuple(s.brightness), *ranges["brightness"]), 0.05)),
        horizontal_flip=st.checkbox(t("augment.flip"), link.flag("flip", s.horizontal_flip)),
    )
    link.show()
    st.session_state[MY_SETTINGS_KEY] = values
    if values != s.to_dict():
        st.caption(t("augment.to_train"))
    return values


@st.cache_data(max_entries=32, show_spinner=False)
def original(source):
    return decode(source, PREVIEW_SIZE)


@st.cache_data(max_entries=32, show_spinner=False)
def samples(source, settings, seed):
    from weather_core.models import augment_layers  # imports Keras: only once a preview is drawn

    return augment_layers.preview(original(source), augment.AugmentSettings(**settings), COUNT, seed)


def describe(settings):
    """Keras' equivalent layers, with the code comment in the UI language."""
    chosen = augment.AugmentSettings(**settings)
    low, high = chosen.brightness
    return "\n".join(t("augment.brightness_comment", low=low, high=high) if line.startswith("# brightness")
                     else line for line in augment.describe_layers(chosen))


def show_samples(source, name, settings):
    seed = st.session_state.setdefault(SEED_KEY, 0)
    if st.button(t("augment.reroll")):
        seed = st.session_state[SEED_KEY] = seed + 1
    with widgets.shown_errors(), st.spinner(t("augment.working")):
        st.image(original(source), width=200, caption=t("augment.original", name=formatting.plain(name)),
                 alt=t("alt.original", file=name))
        grid = samples(source, settings, seed)
        st.markdown(t("augment.grid", n=len(grid), seed=seed))
        st.image(list(grid), width=150, caption=[f"#{i + 1}" for i in range(len(grid))],
                 alt=[t("alt.augmented", n=i + 1, file=name) for i in range(len(grid))])


st.title(t("augment.title"))
st.markdown(t("augment.intro"))
prepared = session.active_dataset()
source, name = pick_image(prepared)
settings = choose_settings()
if source is not None:
    show_samples(source, name, settings)
st.header(t("augment.layers"))
st.code(describe(settings), language="python")
st.info(t("augment.teach_shear"))
st.info(t("augment.teach_brightness"))
st.caption(t("augment.teach_train_only"))
