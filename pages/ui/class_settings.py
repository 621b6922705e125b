"""The instructor's class settings, in the sidebar once the role is unlocked: the dataset every
student starts on, the cap on epochs x image size of any one run, how long a student's run may
train, how long it may be expected to take before it asks for a confirmation or is refused
(weather_core.jobs.classroom), and freeing a name whose PIN was forgotten (weather_core.jobs.names)."""

import streamlit as st

from pages.ui import identity, session, widgets
from pages.ui.i18n import t
from weather_core.jobs import classroom, names
from weather_core.training import value_range


def _default_picked():
    with widgets.shown_errors():
        classroom.set_default_dataset(st.session_state["class_default_pick"])


def _cap_picked():
    classroom.set_max_epoch_pixels(st.session_state["class_cap_pick"])


def _minutes_picked():
    classroom.set_max_run_minutes(st.session_state["class_minutes_pick"])


def _long_picked():
    classroom.set_long_runs(st.session_state["class_long_pick"], st.session_state["class_forbid_pick"])


def _reset_pin():
    name = st.session_state.get("class_reset_pick")
    if name and names.reset(name):
        st.toast(t("classset.reset_done", name=name))


def _address_picked():
    with widgets.shown_errors():
        classroom.set_public_address(st.session_state["class_address_pick"])


def panel(slot):
    """Nothing for a student; the instructor's settings, applied to the whole server at once, drawn
    into `slot` (a sidebar container)."""
    if not identity.is_instructor():
        return
    current = classroom.load()
    ids = [classroom.dataset_id(path) for path in session.prepared_datasets()]
    default = current["default_dataset"] if current["default_dataset"] in ids else classroom.DEMO_DATASET
    st.session_state["class_default_pick"] = default
    st.session_state["class_cap_pick"] = int(current["max_epoch_pixels"] or 0)
    st.session_state["class_minutes_pick"] = int(current["max_run_minutes"] or 0)
    st.session_state["class_long_pick"] = int(current["long_run_minutes"])
    st.session_state["class_forbid_pick"] = bool(current["forbid_long_runs"])
    st.session_state["class_address_pick"] = current["public_address"] or ""
    with slot.expander(t("classset.title"), icon=":material/school:"):
        st.selectbox(t("classset.default_dataset"), ids, key="class_default_pick", on_change=_default_picked)
        most = value_range("epochs")[1] * value_range("image_size")[1]  # epochs x pixels of the largest training
        st.number_input(t("classset.cap"), 0, most, step=320, key="class_cap_pick",
                        on_change=_cap_picked, help=t("classset.cap_help"))
        st.number_input(t("classset.max_minutes"), 0, 7 * 24 * 60, step=30, key="class_minutes_pick",
                        on_change=_minutes_picked, help=t("classset.max_minutes_help"))
        st.number_input(t("classset.long_minutes"), 1, 24 * 60, step=5, key="class_long_pick",
                        on_change=_long_picked, help=t("classset.long_minutes_help"))
        st.toggle(t("classset.forbid_long"), key="class_forbid_pick", on_change=_long_picked)
        st.text_input(t("classset.address"), key="class_address_pick", on_change=_address_picked,
                      placeholder="http://10.0.0.5:8501", help=t("classset.address_help"))
        _names_section()


def _names_section():
    """Free a claimed name whose PIN its student forgot (they claim it again with a new one)."""
    claimed = names.claimed_names()
    if not claimed:
        return
    st.selectbox(t("classset.reset_name"), claimed, key="class_reset_pick", help=t("classset.reset_help"))
    st.button(t("classset.reset"), key="class_reset", on_click=_reset_pin, icon=":material/lock_reset:")
