"""Commands for whoever runs the classroom server: `health` (the Docker health check, behind a
proxy's sub-path too), `instructor` (set the instructor passphrase on the server itself) and `names`
(list claimed names; free one whose PIN was forgotten)."""

import getpass
import os
import sys
import urllib.request

from ..jobs import names


def add_server_commands(commands):
    health = commands.add_parser("health", help="exit 0 when the dashboard on this machine answers")
    health.add_argument("--port", type=int, default=int(os.environ.get("STREAMLIT_SERVER_PORT", "8501")))
    health.set_defaults(run=run_health)
    instructor = commands.add_parser("instructor", help="set the instructor passphrase (asked, not echoed)")
    instructor.add_argument("--passphrase-file", help="read it from this file instead of asking")
    instructor.set_defaults(run=run_instructor)
    names = commands.add_parser("names", help="list claimed names, or free one (--reset NAME)")
    names.add_argument("--reset", metavar="NAME", help="free NAME: its owner claims it again with a new PIN")
    names.set_defaults(run=run_names)


def health_url(port) -> str:
    """The health endpoint under the server's sub-path (STREAMLIT_SERVER_BASE_URL_PATH, as a proxy
    at https://school.example/weather/ needs), which is where Streamlit serves it."""
    base = os.environ.get("STREAMLIT_SERVER_BASE_URL_PATH", "").strip("/")
    return f"http://127.0.0.1:{port}{'/' + base if base else ''}/_stcore/health"


def run_health(args):
    try:
        with urllib.request.urlopen(health_url(args.port), timeout=4) as response:
            ok = response.read().strip() == b"ok"
    except OSError as error:
        print(f"unhealthy: {health_url(args.port)}: {error}", file=sys.stderr)
        return 1
    return 0 if ok else 1


def run_instructor(args):
    if args.passphrase_file:
        with open(args.passphrase_file, encoding="utf-8") as handle:
            passphrase = handle.read().strip()
    else:
        passphrase = getpass.getpass("instructor passphrase (8 characters or more): ")
        if getpass.getpass("again: ") != passphrase:
            print("error: the two passphrases differ", file=sys.stderr)
            return 2
    names.set_instructor_passphrase(passphrase)
    print("instructor passphrase set: unlock the role in the sidebar with it")
    return 0


def run_names(args):
    if args.reset:
        found = names.reset(args.reset)
        print(f"{args.reset}: freed" if found else f"{args.reset}: was not claimed")
        return 0 if found else 2
    for name in names.claimed_names():
        print(name)
    return 0
