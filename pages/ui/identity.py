"""Who is at this browser tab and in which role. With OpenID Connect configured ([auth] in
.streamlit/secrets.toml) a student is st.login's user; otherwise they type a name, kept in the URL
(?user=) so a reload keeps it. Names are not authentication, and the sidebar says so. The instructor
role is unlocked by [instructor] secret (compared in constant time) or its `logins` allow-list."""

import re

import streamlit as st

from pages.ui.i18n import t
from weather_core.jobs import classroom

USER_KEY = "user"  # session state: the typed name, the one source of truth without OIDC
USER_PICK_KEY = "user_pick"  # the sidebar text box's own key
USER_URL_KEY = "user_url"  # the ?user= value last read from or written to the URL
INSTRUCTOR_KEY = "instructor"  # session state: True once the secret was given in this session
SECRET_PICK_KEY = "instructor_secret"
GUEST_KEY = "guest"  # session state: this session's own name while the user has given none


def secrets_section(name) -> dict:
    """A [section] of secrets.toml as a dict; {} without the file or the section."""
    try:
        section = st.secrets.get(name)
    except Exception:  # noqa: BLE001  (no secrets.toml: Streamlit raises its own error types)
        return {}
    return dict(section) if section else {}


def oidc_configured() -> bool:
    return bool(secrets_section("auth"))


def clean_name(text) -> str:
    """A name as shown and stored: letters, digits, spaces and . _ @ - only, at most 40 characters."""
    return re.sub(r"\s+", " ", re.sub(r"[^\w .@-]", "", str(text or ""))).strip()[:40]


def _login_name() -> str:
    user = st.user
    if not user.is_logged_in:
        return ""
    return clean_name(user.get("email") or user.get("name") or "")


def current_user() -> str:
    """The owner name of this tab's runs and uploads ('' while nobody is named)."""
    if oidc_configured():
        return _login_name()
    state = st.session_state
    url = clean_name(st.query_params.get("user"))
    if url and url != state.get(USER_URL_KEY):
        state[USER_KEY] = state[USER_URL_KEY] = url
    return state.get(USER_KEY) or guest_name()


def guest_name() -> str:
    """This session's own name while nobody is named: a blank name is no identity two people share."""
    import secrets

    if GUEST_KEY not in st.session_state:
        st.session_state[GUEST_KEY] = f"guest-{secrets.token_hex(2)}"
    return st.session_state[GUEST_KEY]


def single_user() -> bool:
    """A server where nobody has an identity to prove (no sign-in, no instructor secret): runs
    with no owner are anyone's there."""
    return not oidc_configured() and not secrets_section("instructor")


def owner() -> dict:
    """owner= and instructor= for weather_core.jobs.start_in_background."""
    return {"owner": current_user(), "instructor": is_instructor()}


def is_instructor() -> bool:
    if st.session_state.get(INSTRUCTOR_KEY):
        return True
    logins = secrets_section("instructor").get("logins") or []
    return oidc_configured() and classroom.is_allowed_login(_login_name(), logins)


def _named():
    name = clean_name(st.session_state[USER_PICK_KEY])
    st.session_state[USER_KEY] = st.session_state[USER_URL_KEY] = name
    if name:
        st.query_params["user"] = name
    else:
        st.query_params.pop("user", None)


def _secret_given():
    given = st.session_state.get(SECRET_PICK_KEY) or ""
    expected = secrets_section("instructor").get("secret")
    st.session_state[SECRET_PICK_KEY] = ""
    if classroom.secret_matches(given, expected):
        st.session_state[INSTRUCTOR_KEY] = True
    else:
        st.session_state["instructor_refused"] = True


def keep_in_url() -> None:
    """Put ?user= back into the URL when a page change dropped it (a reload keeps the name)."""
    name = current_user()
    if name and not oidc_configured() and st.query_params.get("user") != name:
        st.query_params["user"] = name
        st.session_state[USER_URL_KEY] = name


def sidebar() -> None:
    """The name box (or login button), the 'names are not authentication' note, the instructor unlock."""
    with st.sidebar.container(border=True):
        if oidc_configured():
            _login_box()
        else:
            st.session_state[USER_PICK_KEY] = current_user()
            st.text_input(t("who.name"), key=USER_PICK_KEY, on_change=_named, max_chars=40,
                          placeholder=t("who.name_placeholder"))
            st.caption(t("who.not_auth"))
        _instructor_box()


def _login_box():
    if st.user.is_logged_in:
        st.caption(t("who.signed_in", name=_login_name()))
        if st.button(t("who.logout"), key="logout"):
            st.logout()
    elif st.button(t("who.login"), key="login"):
        st.login()


def _instructor_box():
    if is_instructor():
        st.caption(t("who.instructor_on"))
        return
    if not secrets_section("instructor").get("secret"):
        return  # no secret configured: the role comes only from the logins allow-list (or not at all)
    st.text_input(t("who.instructor_secret"), type="password", key=SECRET_PICK_KEY, on_change=_secret_given)
    if st.session_state.pop("instructor_refused", False):
        st.caption(t("who.instructor_refused"))
