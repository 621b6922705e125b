"""Sign-in with OpenID Connect, end to end: a real provider (oidc-provider-mock) on the loopback,
`[auth]` in a secrets.toml pointing at it, and Chromium signing a student and the instructor (the
`logins` allow-list) in through the provider's form. Their runs carry their identity; the
instructor sees the class settings. A provider that does not answer, or a client secret it refuses,
leaves the name box working (skipped without chromium: tests/browser_support.py)."""

import os
import secrets

import httpx
import pytest

from browser_support import (PAGE_TIMEOUT, VIEWPORT, assert_no_error, chromium, expect, free_port, settle,
                             streamlit_server)
from pages.ui.i18n import EN
from weather_core import jobs, runs

pytestmark = pytest.mark.browser

STUDENT, TEACHER = "ana@school.example", "teacher@school.example"


def auth_secrets(path, port, provider, client_secret="any", client_id="weather"):
    path.write_text(f"""
[auth]
redirect_uri = "http://127.0.0.1:{port}/oauth2callback"
cookie_secret = "{secrets.token_hex(16)}"
client_id = "{client_id}"
client_secret = "{client_secret}"
server_metadata_url = "{provider}/.well-known/openid-configuration"

[instructor]
logins = ["{TEACHER}"]
""")
    return path


@pytest.fixture(scope="module")
def provider():
    """The provider, with the two users' claims; clients must register (a wrong secret is refused)."""
    import oidc_provider_mock

    with oidc_provider_mock.run_server_in_thread(require_client_registration=True) as server:
        url = f"http://127.0.0.1:{server.server_port}"
        for email, name in ((STUDENT, "Ana"), (TEACHER, "Teacher")):
            assert httpx.put(f"{url}/users/{email}", json={"email": email, "name": name}).status_code == 204
        yield url


def registered(provider, port) -> dict:
    """A client of the provider whose callback is the dashboard on `port`: its id and secret."""
    answer = httpx.post(f"{provider}/oauth2/clients",
                        json={"redirect_uris": [f"http://127.0.0.1:{port}/oauth2callback"]})
    assert answer.status_code == 201, answer.text
    return answer.json()


@pytest.fixture(scope="module")
def browser():
    with chromium() as launched:
        yield launched


def server_env(base):
    return {**os.environ, "WEATHER_DATA_DIR": str(base / "data"), "WEATHER_RUNS_DIR": str(base / "runs"),
            "WEATHER_CACHE_DIR": str(base / "cache"), "WEATHER_MAX_TRAININGS": "1"}


def fresh_tab(browser, url):
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(PAGE_TIMEOUT)
    tab = context.new_page()
    tab.goto(url, wait_until="domcontentloaded")
    settle(tab)
    return tab


def sign_in(tab, email):
    tab.get_by_role("button", name=EN["who.login"]).click()
    tab.locator('input[name="sub"]').first.fill(email)  # the provider's own form
    tab.get_by_role("button", name="Authorize").click()
    tab.wait_for_url("http://127.0.0.1:*/**", timeout=PAGE_TIMEOUT)  # back at the dashboard's home
    settle(tab)


def test_a_student_and_the_instructor_sign_in_through_the_provider(provider, browser, tmp_path):
    port = free_port()
    client = registered(provider, port)
    secrets_file = auth_secrets(tmp_path / "secrets.toml", port, provider, client["client_secret"],
                                client["client_id"])
    with streamlit_server(tmp_path / "server.log", env=server_env(tmp_path), port=port,
                          extra_args=["--secrets.files", str(secrets_file)]) as app:
        ana = fresh_tab(browser, f"{app}/train")
        sign_in(ana, STUDENT)
        expect(ana.get_by_text(EN["who.signed_in"].format(name=STUDENT).replace("**", ""))).to_be_visible()
        expect(ana.get_by_text(EN["classset.title"], exact=True)).to_have_count(0)  # no class settings for a student
        ana.goto(f"{app}/train", wait_until="domcontentloaded")
        settle(ana)
        ana.get_by_role("button", name=EN["train.start"]).click()
        settle(ana)
        started = [r for r in runs.list_runs(tmp_path / "runs")]
        try:
            assert [r.owner for r in started] == [STUDENT]  # the run carries her identity
        finally:
            for info in started:
                jobs.cancel(info.path)
                jobs.kill(info.path)
        assert_no_error(ana)

        teacher = fresh_tab(browser, f"{app}/train")
        sign_in(teacher, TEACHER)
        expect(teacher.get_by_text(EN["who.instructor_on"])).to_be_visible()
        expect(teacher.get_by_text(EN["classset.title"], exact=True)).to_be_visible()


def test_a_refused_client_secret_or_a_silent_provider_leaves_the_name_box(provider, browser, tmp_path):
    port = free_port()
    client = registered(provider, port)
    wrong = auth_secrets(tmp_path / "wrong.toml", port, provider, "not-the-secret", client["client_id"])
    with streamlit_server(tmp_path / "wrong.log", env=server_env(tmp_path), port=port,
                          extra_args=["--secrets.files", str(wrong)]) as app:
        tab = fresh_tab(browser, f"{app}/train")
        sign_in(tab, STUDENT)  # the provider refuses the token exchange: nobody is signed in
        expect(tab.get_by_role("button", name=EN["who.login"])).to_be_visible()
        tab.get_by_text(EN["who.name_fallback"]).click()
        expect(tab.get_by_role("textbox", name=EN["who.pin"])).to_be_visible()
        assert_no_error(tab)
    silent = auth_secrets(tmp_path / "silent.toml", port, f"http://127.0.0.1:{free_port()}")  # nobody there
    with streamlit_server(tmp_path / "silent.log", env=server_env(tmp_path), port=free_port(),
                          extra_args=["--secrets.files", str(silent)]) as app:
        tab = fresh_tab(browser, f"{app}/train")
        expect(tab.get_by_text("does not answer")).to_be_visible()  # one clear line
        expect(tab.get_by_role("textbox", name=EN["who.pin"])).to_be_visible()  # and the name box, open
        expect(tab.get_by_role("button", name=EN["who.login"])).to_have_count(0)
