"""What can be done with one run: take it home as a zip, cancel it while it trains, resume or discard
it when it stopped. Cancel, resume and discard are for the run's owner and the instructor only."""

import streamlit as st

from pages.ui import i18n, identity, widgets
from pages.ui.formatting import plain
from pages.ui.i18n import t
from weather_core import jobs, runs
from weather_core.jobs import classroom
from weather_core.use import export as exporter

EXPORT_KEY = "export_zip"  # {"run": run id, "bytes": zip}: one prepared zip per session at most
STOPPED = ("interrupted", "failed", "cancelled")


def export(info, where):
    """'Prepare a zip' button (the TFLite and ONNX exports take seconds), then the download button;
    not while the run trains (its checkpoint is still changing; a stopped run's is final)."""
    if not info.has_model or info.state in ("queued", "running"):
        return
    ready = st.session_state.get(EXPORT_KEY) or {}
    slot = st.empty()  # the prepare button, replaced by the download button once the zip exists
    if ready.get("run") != info.run_id:
        if not slot.button(t("export.prepare"), key=f"export-{where}-{info.run_id}",
                           icon=":material/package_2:", help=t("export.help")):
            return
        try:
            with st.spinner(t("export.working")):
                payload = exporter.export_zip(info.path)
        except Exception as error:  # noqa: BLE001  (the TFLite converter raises many kinds)
            st.error(t("export.failed", message=plain(i18n.said(error), 300)))
            return
        ready = st.session_state[EXPORT_KEY] = {"run": info.run_id, "bytes": payload}
    slot.download_button(t("export.download", size=len(ready["bytes"]) / 2**20), ready["bytes"],
                         file_name=f"{info.run_id}.zip", mime="application/zip", on_click="ignore",
                         key=f"download-{where}-{info.run_id}", icon=":material/download:")


def who():
    """This browser's identity as the core's permission rule takes it (classroom.Who)."""
    return classroom.Who(identity.current_user(), identity.is_instructor(), identity.single_user())


def may_manage(info) -> bool:
    """Whether to offer cancel, resume and discard: the core's rule (classroom.can_manage), which
    jobs enforces again when the button is pressed."""
    return classroom.can_manage(info, *who())


def owner_note(info):
    """Whose run this is, and, when it is not this user's, that only they or the instructor may change it."""
    if not may_manage(info):
        st.caption(t("who.not_yours", owner=info.owner or t("who.no_owner")))
    elif info.owner:
        st.caption(t("who.owner", owner=info.owner))


def cancel(info):
    """The Cancel button of a queued or training run (a waiting run is cancelled at once)."""
    if runs.cancel_requested(info.path):
        st.caption(t("train.cancel_pending"))
    elif not may_manage(info):
        return  # the owner note under the run's heading says whose it is
    elif st.button(t("train.cancel"), key=f"cancel-{info.run_id}"):
        with widgets.shown_errors():
            jobs.cancel(info.path, who=who())
            st.caption(t("train.cancel_pending"))


def stopped(info, on_discard=None):
    """Resume (from the last saved epoch) or discard (after a confirmation) a stopped run."""
    if info.state not in STOPPED:
        return
    if not may_manage(info):
        return  # the owner note under the run's heading says whose it is
    st.markdown(t("stopped.what_now", done=len(info.metrics), epochs=info.config.get("epochs", "?")))
    left, right = st.columns(2)
    if left.button(t("stopped.resume"), key=f"resume-{info.run_id}", icon=":material/play_arrow:"):
        with widgets.shown_errors():
            jobs.resume_in_background(info.path, who=who())
            st.rerun()
    sure = right.checkbox(t("stopped.confirm", run=plain(info.run_id)), key=f"discard-sure-{info.run_id}")
    if right.button(t("stopped.discard"), key=f"discard-{info.run_id}", disabled=not sure,
                    icon=":material/delete:"):
        with widgets.shown_errors():
            jobs.discard(info.path, who=who())
            if on_discard:
                on_discard(info)
            st.toast(t("stopped.discarded", run=plain(info.run_id)))
            st.rerun()


def linked_run():
    """The run folder named by the URL's ?run=<id> (a reload keeps the run in view), or None."""
    wanted = st.query_params.get("run")
    try:
        return str(runs.resolve_run(wanted)) if wanted else None
    except ValueError:
        return None


def forget(_info=None):
    """After a discard: the page no longer shows that run."""
    st.session_state.pop("train_run", None)
    st.query_params.pop("run", None)


def mine(infos):
    """The runs this user may manage (the instructor: all of them), in the given order."""
    return [info for info in infos if may_manage(info)]
