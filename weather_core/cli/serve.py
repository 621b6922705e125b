"""`weather-classroom-app`: serve the dashboard (`streamlit run app.py`) from a checkout or an
installed package, with the classroom's Streamlit settings (.streamlit/config.toml) as options.
Streamlit runs as its own process: weather_core never imports it."""

import os
import subprocess
import sys
import tomllib
from pathlib import Path

from .. import settings

APP = settings.PROJECT_ROOT / "app.py"
# A checkout's .streamlit/config.toml; pyproject.toml installs the same file into the package.
CONFIG_FILES = (settings.PROJECT_ROOT / ".streamlit" / "config.toml",
                Path(__file__).resolve().parent.parent / "streamlit_config" / "config.toml")


def config_options() -> list[str]:
    """The classroom settings as Streamlit options: [server] maxUploadSize = 200 becomes
    --server.maxUploadSize=200. Streamlit reads config.toml only from the current folder."""
    path = next((path for path in CONFIG_FILES if path.exists()), None)
    if path is None:
        return []
    with open(path, "rb") as file:
        config = tomllib.load(file)
    return [f"--{section}.{key}={_option_value(value)}"
            for section, options in config.items() for key, value in options.items()]


def _option_value(value) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def command(args=()) -> list[str]:
    """Options given after the command (e.g. --server.port 8600) override the classroom's."""
    return [sys.executable, "-m", "streamlit", "run", str(APP), *config_options(), *args]


def main(argv=None) -> int:
    cmd = command(sys.argv[1:] if argv is None else argv)
    if os.name == "posix":
        os.execv(cmd[0], cmd)  # Streamlit takes this process over: signals reach the server
    return subprocess.call(cmd)
