"""Whether the configured OpenID Connect sign-in ([auth] of secrets.toml, used by st.login) can work
right now: Authlib installed, and the provider's discovery document answering. Checked at most once
a minute per provider, so a page can fall back to names with PINs instead of a dead button."""

import json
import time
import urllib.request
from urllib.parse import urlsplit

CHECK_EVERY = 60.0
_checked = {}  # discovery URL -> (time, problem)


def metadata_url(auth) -> str:
    """The provider's discovery URL: [auth]'s own, or its first provider section's ([auth.school])."""
    if auth.get("server_metadata_url"):
        return str(auth["server_metadata_url"])
    for value in auth.values():
        if isinstance(value, dict) or hasattr(value, "get"):
            try:
                url = value.get("server_metadata_url")
            except Exception:  # noqa: BLE001
                continue
            if url:
                return str(url)
    return ""


def problem(auth) -> str:
    """'' when sign-in can work; otherwise why not, in one line (English; the page adds its words)."""
    try:
        import authlib  # noqa: F401  (Streamlit's `auth` extra)
    except ImportError:
        return "Authlib is not installed on the server (pip install 'streamlit[auth]')"
    url = metadata_url(auth)
    if not url:
        return "[auth] in secrets.toml names no server_metadata_url"
    now = time.monotonic()
    if url not in _checked or now - _checked[url][0] > CHECK_EVERY:
        _checked[url] = (now, _provider_problem(url))
    return _checked[url][1]


def _provider_problem(url) -> str:
    host = urlsplit(url).netloc or url[:60]
    try:
        with urllib.request.urlopen(url, timeout=3) as response:
            body = response.read(1_000_000)
    except (OSError, ValueError) as error:
        return f"the sign-in provider at {host} does not answer ({type(error).__name__})"
    try:
        document = json.loads(body)
    except ValueError:
        document = None
    if not isinstance(document, dict) or "authorization_endpoint" not in document:
        return f"the sign-in provider at {host} sent no OpenID Connect discovery document"
    return ""
