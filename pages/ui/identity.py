"""Who is at this browser tab and in which role. With OpenID Connect configured ([auth] in
.streamlit/secrets.toml) a student signs in with st.login; otherwise (or while sign-in is broken)
they claim a name with a PIN, and until then are this browser's own guest. A signed cookie keeps the
identity across reloads; a URL never carries it. The instructor role: a passphrase set on the
server (or secrets.toml's [instructor] secret), guesses slowed, or the OIDC `logins` allow-list."""

import ipaddress
import json
from urllib.parse import urlsplit

import streamlit as st

from pages.ui import i18n
from pages.ui.i18n import t
from weather_core.jobs import classroom, names, sign_in

USER_KEY = "user"  # session state: who this tab is (a claimed name or a guest name) without OIDC
INSTRUCTOR_KEY = "instructor"  # session state: True once the role was proven in this browser
COOKIES_KEY = "cookies_to_write"  # session state: {cookie: value} for the browser, written once
USER_COOKIE, ROLE_COOKIE = "weather_who", "weather_role"
NAME_PICK, PIN_PICK, SECRET_PICK, NEW_SECRET_PICK = "who_name", "who_pin", "instructor_secret", "instructor_new"
YEAR = 365 * 24 * 3600


def secrets_section(name) -> dict:
    """A [section] of secrets.toml as a dict; {} without the file or the section."""
    try:
        section = st.secrets.get(name)
    except Exception:  # noqa: BLE001  (no secrets.toml: Streamlit raises its own error types)
        return {}
    return dict(section) if section else {}


def oidc_configured() -> bool:
    return bool(secrets_section("auth"))


def sign_in_problem() -> str:
    """Why the configured sign-in cannot work now, in one line ("" when it can or is not configured)."""
    return sign_in.problem(secrets_section("auth")) if oidc_configured() else ""


def _login_name() -> str:
    if not oidc_configured():
        return ""
    user = st.user
    if not user.get("is_logged_in"):
        return ""
    return names.clean_name(user.get("email") or user.get("name") or "")


def _cookie(name) -> str:
    try:
        return st.context.cookies.get(name) or ""
    except Exception:  # noqa: BLE001  (no browser behind this session)
        return ""


def _remember(cookie, value, seconds=YEAR):
    """Have the browser keep `cookie` (written by the next sidebar(); None deletes it)."""
    st.session_state.setdefault(COOKIES_KEY, {})[cookie] = (value, seconds)


def current_user() -> str:
    """The owner name of this tab's runs and uploads: the signed-in user, the claimed name, or this
    browser's guest name (never '' without OIDC: a blank name is no identity two people share)."""
    if oidc_configured() and _login_name():
        return _login_name()
    state = st.session_state
    if not state.get(USER_KEY):
        state[USER_KEY] = names.name_from_token(_cookie(USER_COOKIE))
    if not state[USER_KEY]:
        state[USER_KEY] = names.new_guest_name()
        _remember(USER_COOKIE, names.token_for(state[USER_KEY]))
    return state[USER_KEY]


def is_guest() -> bool:
    return current_user().startswith(names.GUEST_PREFIX)


def owner() -> dict:
    """owner= and instructor= for weather_core.jobs.start_in_background."""
    return {"owner": current_user(), "instructor": is_instructor()}


def is_instructor() -> bool:
    state = st.session_state
    if INSTRUCTOR_KEY not in state:
        token = _cookie(ROLE_COOKIE)
        state[INSTRUCTOR_KEY] = bool(token) and names.name_from_token(token, _secret()) == names.INSTRUCTOR
    if state[INSTRUCTOR_KEY]:
        return True
    logins = secrets_section("instructor").get("logins") or []
    return oidc_configured() and classroom.is_allowed_login(_login_name(), logins)


def single_user() -> bool:
    """A server where nobody has an identity to prove: no sign-in, no instructor, no claimed name.
    Runs with no owner are anyone's there, and the instructor's everywhere else."""
    return not (oidc_configured() or _secret() or names.instructor_claimed() or names.claimed_names())


def _secret():
    return secrets_section("instructor").get("secret")


def is_local() -> bool:
    """The browser runs on the server's own machine, with no proxy in between: only there may
    someone become the instructor without a secret. Streamlit gives no IP address for a loopback
    connection; the page's own address must be the loopback too, and no proxy header present."""
    try:
        ip, headers, url = st.context.ip_address, st.context.headers, st.context.url
    except Exception:  # noqa: BLE001
        return False
    forwarded = any(headers.get(h) for h in ("X-Forwarded-For", "Forwarded", "X-Real-Ip")) if headers else False
    host = urlsplit(url or "").hostname or ""
    return _loopback(ip) and _loopback(host) and not forwarded


def _loopback(address) -> bool:
    """None (Streamlit's word for a loopback client), localhost, 127.x, ::1 or ::ffff:127.x."""
    if address is None or address == "localhost":
        return True
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return False
    return parsed.is_loopback or bool(getattr(parsed, "ipv4_mapped", None) and parsed.ipv4_mapped.is_loopback)


# ---------------------------------------------------------------------------------------------
# The sidebar box


def sidebar() -> None:
    """Sign-in (OIDC), or the name and PIN; the instructor unlock; the cookies to write."""
    with st.sidebar.container(border=True):
        problem = sign_in_problem()
        if oidc_configured() and not problem:
            _login_box()
        elif problem:
            st.caption(t("who.sign_in_broken", problem=problem))
        if not _login_name():
            _name_box(folded=oidc_configured() and not problem)
        _instructor_box()
    _write_cookies()


def _login_box():
    if _login_name():
        st.caption(t("who.signed_in", name=_login_name()))
        if st.button(t("who.logout"), key="logout"):
            st.logout()
    elif st.button(t("who.login"), key="login", type="primary"):
        st.login()


def _name_box(folded):
    user = current_user()
    if not is_guest():
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
    state[USER_KEY] = name
    _remember(USER_COOKIE, names.token_for(name))


def _signed_out():
    st.session_state[USER_KEY] = names.new_guest_name()
    st.session_state[INSTRUCTOR_KEY] = False
    _remember(USER_COOKIE, names.token_for(st.session_state[USER_KEY]))
    _remember(ROLE_COOKIE, None)


def _instructor_box():
    if is_instructor():
        st.caption(t("who.instructor_on"))
        return
    if oidc_configured() and not sign_in_problem() and secrets_section("instructor").get("logins"):
        return  # the instructor signs in; the allow-list makes them the instructor
    if _secret() or names.instructor_claimed():
        st.text_input(t("who.instructor_secret"), type="password", key=SECRET_PICK, on_change=_secret_given)
    elif is_local():
        with st.expander(t("who.become_instructor"), icon=":material/school:"):
            st.text_input(t("who.new_passphrase"), type="password", key=NEW_SECRET_PICK, on_change=_became)
    else:
        st.caption(t("who.instructor_how"))
    if message := st.session_state.pop("instructor_refused", None):
        st.error(message)


def _unlocked():
    st.session_state[INSTRUCTOR_KEY] = True
    _remember(ROLE_COOKIE, names.token_for(names.INSTRUCTOR, _secret()), seconds=12 * 3600)


def _secret_given():
    given = st.session_state.get(SECRET_PICK) or ""
    st.session_state[SECRET_PICK] = ""
    try:
        right = names.check_instructor(given, _secret())
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
    if names.instructor_claimed() or not is_local():
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
    pending = st.session_state.pop(COOKIES_KEY, None)
    if not pending:
        return
    secure = "; Secure" if str(getattr(st.context, "url", "") or "").startswith("https") else ""
    lines = [f"document.cookie = {json.dumps(cookie)} + '=' + {json.dumps(value or '')} + "
             f"'; path=/; max-age={seconds if value else 0}; SameSite=Strict{secure}';"
             for cookie, (value, seconds) in pending.items()]
    with st.sidebar:
        st.html(f"<script>{''.join(lines)}</script>", unsafe_allow_javascript=True)
