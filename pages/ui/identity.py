"""Who is at this browser tab and in which role. With OpenID Connect configured ([auth] in
.streamlit/secrets.toml) a student signs in with st.login; otherwise (or while sign-in is broken)
they claim a name with a PIN, and until then are this browser's own guest. A signed cookie keeps the
identity across reloads; a URL never carries it. The instructor role: a passphrase set on the
server (or secrets.toml's [instructor] secret), guesses slowed, or the OIDC `logins` allow-list.
The sidebar box that changes who one is: identity_box."""

import ipaddress
from urllib.parse import urlsplit

import streamlit as st

from weather_core.jobs import classroom, names, sign_in

USER_KEY = "user"  # session state: who this tab is (a claimed name or a guest name) without OIDC
INSTRUCTOR_KEY = "instructor"  # session state: True once the role was proven in this browser
COOKIES_KEY = "cookies_to_write"  # session state: {cookie: value} for the browser, written once
USER_COOKIE, ROLE_COOKIE = "weather_who", "weather_role"
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


def login_name() -> str:
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


def remember(cookie, value, seconds=YEAR):
    """Have the browser keep `cookie` (written by the next identity_box.sidebar(); None deletes it)."""
    st.session_state.setdefault(COOKIES_KEY, {})[cookie] = (value, seconds)


def current_user() -> str:
    """The owner name of this tab's runs and uploads: the signed-in user, the claimed name, or this
    browser's guest name (never '' without OIDC: a blank name is no identity two people share)."""
    if oidc_configured() and login_name():
        return login_name()
    state = st.session_state
    if not state.get(USER_KEY):
        state[USER_KEY] = names.name_from_token(_cookie(USER_COOKIE))
    if not state[USER_KEY]:
        state[USER_KEY] = names.new_guest_name()
        remember(USER_COOKIE, names.token_for(state[USER_KEY]))
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
        state[INSTRUCTOR_KEY] = bool(token) and names.name_from_token(token, secret()) == names.INSTRUCTOR
    if state[INSTRUCTOR_KEY]:
        return True
    logins = secrets_section("instructor").get("logins") or []
    return oidc_configured() and classroom.is_allowed_login(login_name(), logins)


def single_user() -> bool:
    """A server where nobody has an identity to prove: no sign-in, no instructor, no claimed name.
    Runs with no owner are anyone's there, and the instructor's everywhere else."""
    return not (oidc_configured() or secret() or names.instructor_claimed() or names.claimed_names())


def secret():
    """The instructor secret from secrets.toml's [instructor] section, if any."""
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
