"""The sidebar box that changes who is at this tab: sign-in (OIDC) or a name with its PIN, the
instructor unlock, and writing the identity's signed cookies (pages.ui.identity says who it is)."""

import json

import streamlit as st

from pages.ui import i18n, identity
from pages.ui.i18n import t
from weather_core.jobs import names

NAME_PICK, PIN_PICK, SECRET_PICK, NEW_SECRET_PICK = "who_name", "who_pin", "instructor_secret", "instructor_new"


def sidebar() -> None:
    """Sign-in (OIDC), or the name and PIN; the instructor unlock; the cookies to write."""
    with st.sidebar.container(border=True):
        problem = identity.sign_in_problem()
        if identity.oidc_configured() and not problem:
            _login_box()
        elif problem:
            st.caption(t("who.sign_in_broken", problem=problem))
        if not identity.login_name():
            _name_box(folded=identity.oidc_configured() and not problem)
        _instructor_box()
    _write_cookies()


def _login_box():
    if identity.login_name():
        st.caption(t("who.signed_in", name=identity.login_name()))
        if st.button(t("who.logout"), key="logout"):
            st.logout()
    elif st.button(t("who.login"), key="login", type="primary"):
        st.login()


def _name_box(folded):
    user = identity.current_user()
    if not identity.is_guest():
        st.caption(t("who.signed_in", name=user))
        st.button(t("who.sign_out"), key="sign_out", on_click=_signed_out)
        return
    box = st.expander(t("who.name_fallback"), icon=":material/badge:") if folded else st.container()
    with box:
        st.caption(t("who.guest", name=user))
        with st.form("claim_name", border=False):
            st.text_input(t("who.name"), key=NAME_PICK, max_chars=40, placeholder=t("who.name_placeholder"))
            st.text_input(t("who.pin"), key=PIN_PICK, type="password", max_chars=64, help=t("who.pin_help"))
            st.form_submit_button(t("who.use_name"), on_click=_claimed)
        if message := st.session_state.pop("who_refused", None):
            st.error(message)


def _claimed():
    state = st.session_state
    given, pin = state.get(NAME_PICK) or "", state.get(PIN_PICK) or ""
    state[PIN_PICK] = ""
    try:
        name = names.sign_in(given, pin)
    except names.NameError as error:
        state["who_refused"] = i18n.said(error)
        return
    state[identity.USER_KEY] = name
    identity.remember(identity.USER_COOKIE, names.token_for(name))


def _signed_out():
    st.session_state[identity.USER_KEY] = names.new_guest_name()
    st.session_state[identity.INSTRUCTOR_KEY] = False
    identity.remember(identity.USER_COOKIE, names.token_for(st.session_state[identity.USER_KEY]))
    identity.remember(identity.ROLE_COOKIE, None)


def _instructor_box():
    if identity.is_instructor():
        st.caption(t("who.instructor_on"))
        return
    signs_in = identity.oidc_configured() and not identity.sign_in_problem()
    if signs_in and identity.secrets_section("instructor").get("logins"):
        return  # the instructor signs in; the allow-list makes them the instructor
    if identity.secret() or names.instructor_claimed():
        st.text_input(t("who.instructor_secret"), type="password", key=SECRET_PICK, on_change=_secret_given)
    elif identity.is_local():
        with st.expander(t("who.become_instructor"), icon=":material/school:"):
            st.text_input(t("who.new_passphrase"), type="password", key=NEW_SECRET_PICK, on_change=_became)
    else:
        st.caption(t("who.instructor_how"))
    if message := st.session_state.pop("instructor_refused", None):
        st.error(message)


def _unlocked():
    st.session_state[identity.INSTRUCTOR_KEY] = True
    token = names.token_for(names.INSTRUCTOR, identity.secret())
    identity.remember(identity.ROLE_COOKIE, token, seconds=12 * 3600)


def _secret_given():
    given = st.session_state.get(SECRET_PICK) or ""
    st.session_state[SECRET_PICK] = ""
    try:
        right = names.check_instructor(given, identity.secret())
    except names.GuessesLocked as error:
        st.session_state["instructor_refused"] = i18n.said(error)
        return
    if right:
        _unlocked()
    else:
        st.session_state["instructor_refused"] = t("who.instructor_refused")


def _became():
    passphrase = st.session_state.get(NEW_SECRET_PICK) or ""
    st.session_state[NEW_SECRET_PICK] = ""
    if names.instructor_claimed() or not identity.is_local():
        return  # someone was quicker, or the request is not from this machine after all
    try:
        names.set_instructor_passphrase(passphrase)
    except names.NameError as error:
        st.session_state["instructor_refused"] = i18n.said(error)
        return
    _unlocked()


def _write_cookies():
    """The browser keeps the identity across reloads: SameSite=Strict, so no other site's page sends
    it; Secure over HTTPS."""
    pending = st.session_state.pop(identity.COOKIES_KEY, None)
    if not pending:
        return
    secure = "; Secure" if str(getattr(st.context, "url", "") or "").startswith("https") else ""
    lines = [f"document.cookie = {json.dumps(cookie)} + '=' + {json.dumps(value or '')} + "
             f"'; path=/; max-age={seconds if value else 0}; SameSite=Strict{secure}';"
             for cookie, (value, seconds) in pending.items()]
    with st.sidebar:
        st.html(f"<script>{''.join(lines)}</script>", unsafe_allow_javascript=True)
