"""Names claimed with a PIN, the instructor passphrase, guesses slowed then locked, and the signed
tokens that keep an identity across reloads (weather_core.jobs.names)."""

import json
import socket

import pytest

from weather_core.jobs import names


@pytest.fixture(autouse=True)
def data_root(tmp_path, monkeypatch):
    monkeypatch.setenv("WEATHER_DATA_DIR", str(tmp_path))
    return tmp_path


def test_a_name_is_claimed_with_a_pin_and_nobody_else_can_use_it(data_root):
    assert names.sign_in("Ana K.", "4711") == "Ana K."
    assert names.is_claimed("ana k.") and names.claimed_names() == ["Ana K."]
    assert names.sign_in("ana k.", "4711") == "Ana K."  # the claimed spelling comes back
    with pytest.raises(names.NameError, match="not the PIN") as wrong:
        names.sign_in("Ana K.", "1234")
    assert wrong.value.key == "names_wrong_pin"
    stored = (data_root / "names.json").read_text()
    assert "4711" not in stored and json.loads(stored)["names"]["ana k."]["hash"]  # a salted hash only
    with pytest.raises(names.NameError, match="at least 4"):
        names.sign_in("ben", "12")
    with pytest.raises(names.NameError, match="server's own"):
        names.sign_in("guest-1234", "secret")


def test_pin_guessing_is_slowed_then_locked_and_the_instructor_can_reset(data_root):
    names.sign_in("ana", "right-pin")
    now = 1_000_000.0
    for _ in range(names.FREE_GUESSES):  # a few typos cost nothing
        with pytest.raises(names.NameError, match="not the PIN"):
            names.sign_in("ana", "wrong", now=now)
    with pytest.raises(names.GuessesLocked, match="try again in 1 s") as slowed:
        names.sign_in("ana", "right-pin", now=now)  # even the right PIN waits its turn
    assert slowed.value.key == "names_wait"
    assert names.sign_in("ana", "right-pin", now=now + 1) == "ana"  # and then works: the count restarts
    for guess in range(names.LOCK_AFTER):
        now += 61
        with pytest.raises(names.NameError, match="not the PIN"):
            names.sign_in("ana", f"guess{guess}", now=now)
    with pytest.raises(names.GuessesLocked, match="ask the instructor") as locked:
        names.sign_in("ana", "right-pin", now=now + 60)
    assert locked.value.key == "names_locked" and locked.value.values["minutes"] == 14
    assert names.reset("ana")
    assert names.sign_in("ana", "new-pin", now=now + 61) == "ana"  # claimed again, with a new PIN


def test_an_hour_of_guessing_as_fast_as_allowed_gets_few_guesses_through(data_root):
    names.sign_in("ana", "right-pin")
    now, guesses = 0.0, 0
    while now < 3600:
        try:
            names.sign_in("ana", f"g{guesses}", now=now)
            raise AssertionError("a guess was right")
        except names.GuessesLocked as wait:
            now += wait.seconds
        except names.NameError:
            guesses += 1
    # 10 in the first minute (3 free, then 1, 2, 4 ... 32 s apart), then one per 15-minute lock
    assert guesses == names.LOCK_AFTER + 3


def test_the_instructor_passphrase_and_secret_are_throttled_too(data_root):
    assert not names.instructor_claimed()
    with pytest.raises(names.NameError, match="at least 8"):
        names.set_instructor_passphrase("short")
    names.set_instructor_passphrase("correct horse battery")
    assert names.instructor_claimed()
    assert names.check_instructor("correct horse battery", now=0)
    assert names.check_instructor("from secrets.toml", secret="from secrets.toml", now=0)
    for _ in range(names.FREE_GUESSES):
        assert not names.check_instructor("wrong", now=0)
    with pytest.raises(names.GuessesLocked):
        names.check_instructor("correct horse battery", now=0)


def test_tokens_name_their_holder_and_cannot_be_forged_or_outlive_a_reset(data_root):
    names.sign_in("ana", "4711")
    token = names.token_for("ana")
    assert names.name_from_token(token) == "ana"
    guest = names.new_guest_name()
    assert names.name_from_token(names.token_for(guest)) == guest
    encoded, mac = token.split(".")
    forged = names.token_for("ana").replace(encoded, names.token_for("ben").split(".")[0])
    assert names.name_from_token(forged) == ""  # ben's name with ana's signature
    assert names.name_from_token("ana") == names.name_from_token("") == names.name_from_token("a.b.c") == ""
    assert names.name_from_token(names.token_for("ben")) == ""  # ben never claimed his name
    names.reset("ana")
    names.sign_in("ana", "someone-else")
    assert names.name_from_token(token) == ""  # the old claim's token
    role = names.token_for(names.INSTRUCTOR, secret="s3cret")
    assert names.name_from_token(role, secret="s3cret") == names.INSTRUCTOR
    assert names.name_from_token(role, secret="changed") == ""
    assert (data_root / ".server_key").stat().st_mode & 0o077 == 0  # the signing key is the server's only


def test_sign_in_problem_says_in_one_line_why_sign_in_cannot_work(tmp_path):
    import http.server
    import threading

    from weather_core.jobs import sign_in

    class Discovery(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            body = b'{"authorization_endpoint": "x"}' if self.path.startswith("/good") else b"<html>"
            self.send_response(200)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Discovery)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    here = f"http://127.0.0.1:{server.server_port}"
    try:
        assert sign_in.problem({"server_metadata_url": f"{here}/good"}) == ""
        assert sign_in.problem({"school": {"server_metadata_url": f"{here}/good"}}) == ""  # [auth.school]
        assert "no OpenID Connect discovery document" in sign_in.problem({"server_metadata_url": f"{here}/bad"})
        assert "names no server_metadata_url" in sign_in.problem({"client_id": "x"})
    finally:
        server.shutdown()
    closed = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    assert "does not answer" in sign_in.problem({"server_metadata_url": f"{closed}/.well-known/x"})


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
