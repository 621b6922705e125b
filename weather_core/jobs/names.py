"""Who is who on a server without sign-in: a name is claimed with a PIN the student picks (a salted
scrypt hash in data/names.json), the instructor role with a passphrase; guesses of either are slowed
per name and then locked; signed tokens (a cookie) keep an identity across reloads, never a URL."""

import base64
import hashlib
import hmac
import os
import re
import secrets
import time
from contextlib import contextmanager

from filelock import FileLock

from .. import atomic, settings
from ..exceptions import UserError
from ..runs import read_json

SCRYPT = {"n": 2**14, "r": 8, "p": 1}  # about 50 ms and 16 MiB per check: slow to guess offline
MIN_PIN = 4
FREE_GUESSES = 3  # wrong guesses before each next one must wait (1 s, 2 s, 4 s ... up to a minute)
LOCK_AFTER = 10  # wrong guesses in a row that lock the name
LOCK_SECONDS = 15 * 60
GUEST_PREFIX = "guest-"
INSTRUCTOR = "instructor"  # the throttle's key for instructor passphrase guesses


class NameError(UserError):  # noqa: A001  (a name problem; the page says it in the UI's language)
    """A name that cannot be claimed or used, a wrong PIN, or guesses that must wait."""


class GuessesLocked(NameError):
    """Too many wrong guesses: wait `seconds` before the next one."""

    def __init__(self, message, key, seconds):
        super().__init__(message, key, seconds=seconds, minutes=max(1, round(seconds / 60)))
        self.seconds = seconds


def clean_name(text) -> str:
    """A name as shown and stored: letters, digits, spaces and . _ @ - only, at most 40 characters."""
    return re.sub(r"\s+", " ", re.sub(r"[^\w .@-]", "", str(text or ""))).strip()[:40]


def _key(name) -> str:
    return clean_name(name).casefold()


# ---------------------------------------------------------------------------------------------
# The files: names.json (claims), .guesses.json (the throttle), .server_key (token signing)


@contextmanager
def _editing(path):
    path.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(path.with_name(f".{path.name}.lock")):
        current = read_json(path, {})
        current = current if isinstance(current, dict) else {}
        yield current
        atomic.write_json(path, current)


def _names_file():
    return settings.data_root() / "names.json"


def _guesses_file():
    return settings.data_root() / ".guesses.json"


def _server_key() -> bytes:
    """32 random bytes made on first use, readable by the server's user only."""
    path = settings.data_root() / ".server_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as handle:
                handle.write(secrets.token_bytes(32))
        except FileExistsError:  # another process made it first
            pass
    return path.read_bytes()


def _hash(secret, salt) -> str:
    return hashlib.scrypt(str(secret).encode(), salt=bytes.fromhex(salt), dklen=32, **SCRYPT).hex()


def _new_record(secret) -> dict:
    salt = secrets.token_hex(16)
    return {"salt": salt, "hash": _hash(secret, salt)}


def _matches(secret, record) -> bool:
    ok = isinstance(record, dict) and isinstance(record.get("salt"), str) and isinstance(record.get("hash"), str)
    return ok and hmac.compare_digest(_hash(secret, record["salt"]), record["hash"])


# ---------------------------------------------------------------------------------------------
# The throttle: per name, shared by every session and process of the server


def _throttled(key, now):
    """Raise GuessesLocked while `key` must wait before its next guess."""
    entry = read_json(_guesses_file(), {}).get(key) or {}
    failures, last = entry.get("failures", 0), entry.get("last", 0)
    if failures >= LOCK_AFTER:
        wait = LOCK_SECONDS - (now - last)
    elif failures >= FREE_GUESSES:
        wait = min(2 ** (failures - FREE_GUESSES), 60) - (now - last)
    else:
        wait = 0
    if wait > 0:
        locked = failures >= LOCK_AFTER
        raise GuessesLocked(f"too many wrong guesses for this name: try again in {wait:.0f} s"
                            + (" (or ask the instructor to reset the PIN)" if locked else ""),
                            "names_locked" if locked else "names_wait", wait)


def _record_guess(key, right, now):
    with _editing(_guesses_file()) as guesses:
        if right:
            guesses.pop(key, None)
            return
        entry = guesses.get(key) or {}
        failures = entry.get("failures", 0)
        if failures >= LOCK_AFTER:  # a lock that ran out allows one guess, then locks again
            failures = LOCK_AFTER - 1
        guesses[key] = {"failures": failures + 1, "last": now}


def _checked_guess(key, check, now=None) -> bool:
    now = time.time() if now is None else now
    _throttled(key, now)
    right = check()
    _record_guess(key, right, now)
    return right


# ---------------------------------------------------------------------------------------------
# Names


def claimed_names() -> list[str]:
    names = read_json(_names_file(), {}).get("names") or {}
    return sorted(record.get("name", key) for key, record in names.items() if isinstance(record, dict))


def is_claimed(name) -> bool:
    return _key(name) in (read_json(_names_file(), {}).get("names") or {})


def sign_in(name, pin, now=None) -> str:
    """The name, claimed with `pin` the first time it is used; later the same PIN is needed.
    Raises NameError for a name that cannot be used, a short or wrong PIN, GuessesLocked when the
    name must wait."""
    name, pin = clean_name(name), str(pin or "")
    if not name:
        raise NameError("type a name (letters, digits, spaces, . _ @ -)", "names_empty")
    if name.casefold().startswith(GUEST_PREFIX):
        raise NameError(f"names starting with {GUEST_PREFIX!r} are the server's own", "names_reserved")
    key = _key(name)
    with _editing(_names_file()) as stored:
        names = stored.setdefault("names", {})
        if key not in names:
            if len(pin) < MIN_PIN:
                raise NameError(f"pick a PIN of at least {MIN_PIN} characters to claim this name",
                                "names_short_pin", least=MIN_PIN)
            names[key] = {"name": name, **_new_record(pin)}
            return name
        record = names[key]
    if not _checked_guess(f"pin:{key}", lambda: _matches(pin, record), now):
        raise NameError("that is not the PIN of this name", "names_wrong_pin")
    return record.get("name", name)


def reset(name) -> bool:
    """The instructor frees a name (its owner claims it again with a new PIN); True if it was claimed.
    Its tokens stop working: they were signed with the old claim."""
    key = _key(name)
    with _editing(_names_file()) as stored:
        found = stored.setdefault("names", {}).pop(key, None) is not None
    with _editing(_guesses_file()) as guesses:
        guesses.pop(f"pin:{key}", None)
    return found


# ---------------------------------------------------------------------------------------------
# The instructor: a passphrase set on the server itself, or the secret of secrets.toml


def instructor_claimed() -> bool:
    return isinstance(read_json(_names_file(), {}).get(INSTRUCTOR), dict)


def set_instructor_passphrase(passphrase) -> None:
    if len(str(passphrase or "")) < 8:
        raise NameError("pick an instructor passphrase of at least 8 characters", "names_short_passphrase")
    with _editing(_names_file()) as stored:
        stored[INSTRUCTOR] = _new_record(passphrase)


def check_instructor(given, secret=None, now=None) -> bool:
    """Whether `given` is the instructor passphrase (or secrets.toml's `secret`); slowed and locked
    after wrong guesses like a PIN. Raises GuessesLocked while it must wait."""
    record = read_json(_names_file(), {}).get(INSTRUCTOR)

    def right():
        by_secret = bool(given) and bool(secret) and hmac.compare_digest(str(given).encode(), str(secret).encode())
        return by_secret or (bool(given) and _matches(given, record))

    return _checked_guess(INSTRUCTOR, right, now)


# ---------------------------------------------------------------------------------------------
# Tokens: what a browser keeps (a cookie) so that a reload keeps who it is


def _stamp(name, secret=None) -> str:
    """What a token of `name` is signed with: its claim's salt (a reset invalidates old tokens); the
    instructor's: the passphrase's salt and secrets.toml's secret, whichever are set."""
    if name == INSTRUCTOR:
        record = read_json(_names_file(), {}).get(INSTRUCTOR)
        salt = record.get("salt", "") if isinstance(record, dict) else ""
        return salt + (hashlib.sha256(str(secret).encode()).hexdigest() if secret else "")
    if name.casefold().startswith(GUEST_PREFIX):
        return "guest"
    else:
        record = (read_json(_names_file(), {}).get("names") or {}).get(_key(name))
    return record.get("salt", "") if isinstance(record, dict) else ""


def _mac(name, stamp) -> str:
    return hmac.new(_server_key(), f"{name}\n{stamp}".encode(), hashlib.sha256).hexdigest()


def token_for(name, secret=None) -> str:
    """A token naming `name` (a claimed name, a guest name, or INSTRUCTOR for the role; `secret`:
    secrets.toml's instructor secret, when set)."""
    encoded = base64.urlsafe_b64encode(name.encode()).decode().rstrip("=")
    return f"{encoded}.{_mac(name, _stamp(name, secret))}"


def name_from_token(token, secret=None) -> str:
    """The name a token names, or "" when it is forged, malformed or its claim was reset."""
    try:
        encoded, mac = str(token or "").split(".")
        name = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)).decode()
    except (ValueError, UnicodeDecodeError):
        return ""
    stamp = _stamp(name, secret)
    if name != INSTRUCTOR and clean_name(name) != name:
        return ""
    if not stamp or not hmac.compare_digest(_mac(name, stamp), mac):
        return ""
    return name


def new_guest_name() -> str:
    return f"{GUEST_PREFIX}{secrets.token_hex(3)}"
