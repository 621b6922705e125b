"""Names nobody can borrow, under AppTest: a name is claimed with a PIN, a copied URL carries no
identity, a borrowed name cannot cancel, resume or discard, guessing is slowed and then locked, the
instructor role is claimed on the server's own machine and its passphrase throttled too, the
instructor frees a forgotten PIN, and a run with no owner is the instructor's once identities exist."""

import os

import pytest

from pages.ui import i18n, identity, identity_box
from support import assert_clean, open_page, owned_run, texts
from weather_core.jobs import names

pytestmark = pytest.mark.usefixtures("roots")


def session(page="pages/train.py", query=None, cookies=None, secrets=None, monkeypatch=None):
    """A fresh browser: `cookies` are what it sends (AppTest cannot send any; the test patches them in)."""
    if monkeypatch is not None:
        monkeypatch.setattr(identity, "_cookie", lambda name: (cookies or {}).get(name, ""))
    return open_page(page, query=query, secrets=secrets)


def claim(at, name, pin):
    at.sidebar.text_input(key=identity_box.NAME_PICK).input(name)
    at.sidebar.text_input(key=identity_box.PIN_PICK).input(pin)
    next(b for b in at.sidebar.button if b.label == i18n.t("who.use_name")).click().run()
    assert_clean(at)
    return at


def labels(at):
    return [b.label for b in at.button]


def test_a_name_is_claimed_with_a_pin_and_a_borrowed_name_changes_nothing(app_demo, roots, monkeypatch):
    first = session(monkeypatch=monkeypatch)
    guest = identity.names.GUEST_PREFIX
    assert guest in texts(first.sidebar.markdown) + texts(first.sidebar.caption)  # everyone has a name
    claim(first, "ana", "4711")
    assert i18n.t("who.signed_in", name="ana") in texts(first.sidebar.caption) and names.is_claimed("ana")
    stopped = owned_run(roots / "runs", "20990101-000010-model_1-ana", "ana", state="cancelled", pid=None)

    ben = session(query={"run": stopped.name, "user": "ana"}, monkeypatch=monkeypatch)  # ana's URL, copied
    assert i18n.t("who.signed_in", name="ana") not in texts(ben.sidebar.caption)
    assert i18n.t("who.not_yours", owner="ana") in texts(ben.caption)
    assert i18n.t("stopped.resume") not in labels(ben) and i18n.t("stopped.discard") not in labels(ben)
    claim(ben, "ana", "1234")  # ben types ana's name: her PIN is needed
    assert i18n.t("error.names_wrong_pin") in texts(ben.sidebar.error)
    assert i18n.t("stopped.resume") not in labels(ben)

    again = session(query={"run": stopped.name}, monkeypatch=monkeypatch)
    claim(again, "ANA", "4711")  # ana on another computer
    assert i18n.t("who.signed_in", name="ana") in texts(again.sidebar.caption)
    assert i18n.t("stopped.resume") in labels(again)


def test_a_reload_keeps_the_identity_through_the_signed_cookie_only(app_demo, monkeypatch):
    names.sign_in("cho", "2468")
    token = names.token_for("cho")
    reloaded = session(cookies={identity.USER_COOKIE: token}, monkeypatch=monkeypatch)
    assert i18n.t("who.signed_in", name="cho") in texts(reloaded.sidebar.caption)
    forged = session(cookies={identity.USER_COOKIE: token.replace(token.split(".")[0], "ZGFu")},
                     monkeypatch=monkeypatch)  # "dan" with cho's signature
    assert i18n.t("who.signed_in", name="dan") not in texts(forged.sidebar.caption)
    assert names.GUEST_PREFIX in texts(forged.sidebar.caption)


def test_pin_guessing_is_slowed_then_locked_with_the_reason_on_the_page(app_demo, monkeypatch):
    names.sign_in("dee", "right-pin")
    at = session(monkeypatch=monkeypatch)
    for guess in range(names.FREE_GUESSES):
        claim(at, "dee", f"wrong{guess}")
    claim(at, "dee", "right-pin")  # at once: it must wait
    assert "try again in" in texts(at.sidebar.error)
    assert i18n.t("who.signed_in", name="dee") not in texts(at.sidebar.caption)


def test_the_instructor_role_is_claimed_on_the_server_machine_and_its_passphrase_throttled(app_demo, roots,
                                                                                           monkeypatch):
    far = session(monkeypatch=monkeypatch)
    assert i18n.t("who.instructor_how") in texts(far.sidebar.caption)  # how to claim it, said where needed
    monkeypatch.setattr(identity, "is_local", lambda: True)
    here = session(monkeypatch=monkeypatch)
    here.sidebar.text_input(key=identity_box.NEW_SECRET_PICK).input("correct horse battery").run()
    assert i18n.t("who.instructor_on") in texts(here.sidebar.caption) and names.instructor_claimed()
    here.sidebar.selectbox(key="class_default_pick")  # the class settings are there

    student = session(monkeypatch=monkeypatch)
    assert not student.sidebar.get("expander") or i18n.t("who.become_instructor") not in [
        e.label for e in student.sidebar.expander]  # claimed once: now only the passphrase unlocks it
    for _ in range(names.FREE_GUESSES):
        student.sidebar.text_input(key=identity_box.SECRET_PICK).input("guess").run()
    assert i18n.t("who.instructor_refused") in texts(student.sidebar.error)
    student.sidebar.text_input(key=identity_box.SECRET_PICK).input("correct horse battery").run()
    assert "try again in" in texts(student.sidebar.error)
    assert i18n.t("who.instructor_on") not in texts(student.sidebar.caption)


def test_the_instructor_frees_a_forgotten_pin(app_demo, monkeypatch):
    names.sign_in("eve", "forgotten")
    teacher = session(monkeypatch=monkeypatch)
    teacher.session_state[identity.INSTRUCTOR_KEY] = True
    teacher.run()
    teacher.sidebar.selectbox(key="class_reset_pick").set_value("eve").run()
    next(b for b in teacher.sidebar.button if b.label == i18n.t("classset.reset")).click().run()
    assert not names.is_claimed("eve")
    assert names.sign_in("eve", "new-pin") == "eve"


def test_a_run_with_no_owner_is_the_instructors_once_anyone_has_an_identity(app_demo, roots, monkeypatch):
    busy = owned_run(roots / "runs", "20990101-000011-model_1-cli", "", state="running", pid=os.getpid())
    try:
        names.sign_in("fay", "1357")  # identities exist on this server now
        student = session(query={"run": busy.name}, monkeypatch=monkeypatch)
        assert i18n.t("train.cancel") not in labels(student)
        assert i18n.t("who.not_yours", owner=i18n.t("who.no_owner")) in texts(student.caption)
    finally:
        busy.joinpath("config.json").unlink()


def test_only_a_loopback_browser_counts_as_the_server_machine():
    assert all(identity._loopback(a) for a in (None, "localhost", "127.0.0.1", "::1", "::ffff:127.0.0.1"))
    assert not any(identity._loopback(a) for a in ("10.0.0.5", "::ffff:10.0.0.5", "school.example", ""))
