"""Packaging: pyproject.toml's wheel (packages, data files, entry points, pins), the hash locks, a
fresh `pip install .` (WEATHER_TEST_INSTALL=1) and the Docker image (where a Docker engine runs)."""

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import tomllib
import urllib.request
from pathlib import Path

import pytest

from pages.ui import nav
from weather_core import settings

ROOT = settings.PROJECT_ROOT
PIN = re.compile(r"^([A-Za-z0-9_.\[\]-]+)==([^\s;\\]+)", re.MULTILINE)


def pins(path) -> dict:
    """name -> version of every `name==version` line (extras dropped, names normalised)."""
    text = (ROOT / path).read_text()
    return {_normalise(name): version for name, version in PIN.findall(text)}


def _normalise(name) -> str:
    return re.sub(r"[-_.]+", "-", name.split("[")[0]).lower()


def pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


# ---------------------------------------------------------------------------------------------
# Pins: requirements*.txt are the source; pyproject's extras and both locks agree with them


def test_extras_use_the_same_pins_as_the_requirements():
    extras = pyproject()["project"]["optional-dependencies"]
    runtime, dev = pins("requirements.txt"), pins("requirements-dev.txt")
    assert {"gpu", "cluster", "dev"} <= set(extras)
    assert {_normalise(n): v for n, v in PIN.findall("\n".join(extras["dev"]))} == dev
    assert PIN.findall(extras["gpu"][0]) == [("tensorflow[and-cuda]", runtime["tensorflow"])]
    assert PIN.findall(extras["cluster"][0])[0][0] == "ray[default]"  # pinned exactly
    assert "tensorboard" in runtime and "filelock" in runtime


def test_the_locks_hold_every_pin_with_hashes():
    runtime, dev = pins("requirements.txt"), pins("requirements-dev.txt")
    runtime_lock, dev_lock = pins("requirements.lock"), pins("requirements-dev.lock")
    assert runtime.items() <= runtime_lock.items()
    assert (runtime | dev).items() <= dev_lock.items()
    assert runtime_lock.items() <= dev_lock.items()  # the tests run on the versions `make run` serves
    for lock in ("requirements.lock", "requirements-dev.lock"):
        text = (ROOT / lock).read_text()
        entries = re.findall(r"^[A-Za-z0-9].*$", text, re.MULTILINE)  # one per package
        hashed = re.findall(r"^\S+==\S+ \\\n\s+--hash=sha256:[0-9a-f]{64}", text, re.MULTILINE)
        assert len(entries) > 60 and len(hashed) == len(entries), lock


# ---------------------------------------------------------------------------------------------
# The wheel, built and unpacked without dependencies


def _not_packaged(folder, names):
    """What the copy leaves out: the checkout's own data/ and runs/ (weather_core/data/ is code)."""
    anywhere = shutil.ignore_patterns(".venv", ".git", ".cache", "__pycache__", "build", "*.egg-info")(folder, names)
    at_root = {"data", "runs", "docs", "bench_out"} & set(names) if Path(folder) == ROOT else set()
    return anywhere | at_root


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("target")
    build = tmp_path_factory.mktemp("build")
    shutil.copytree(ROOT, build / "src", ignore=_not_packaged)
    result = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
                             "--target", str(target), str(build / "src")],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return target


def test_the_wheel_holds_the_app_pages_and_their_data(installed):
    assert (installed / "app.py").is_file()
    for page in nav.PAGES:
        assert (installed / page.path).is_file(), page.path
    for code in ("en", "ko"):
        assert (installed / "pages" / "ui" / "locales" / f"{code}.toml").is_file()
    assert (installed / "weather_core" / "streamlit_config" / "config.toml").read_bytes() == \
        (ROOT / ".streamlit" / "config.toml").read_bytes()
    assert not (installed / "tests").exists() and not (installed / "scripts").exists()


def test_the_wheel_metadata_entry_points_and_pins(installed):
    info = next(installed.glob("weather_cnn_classroom-*.dist-info"))
    entry_points = (info / "entry_points.txt").read_text()
    assert "weather-classroom = weather_core.cli:main" in entry_points
    assert "weather-classroom-app = weather_core.cli.serve:main" in entry_points
    metadata = (info / "METADATA").read_text()
    assert "Requires-Python: <3.14,>=3.11" in metadata
    assert "License-Expression: MIT" in metadata  # a school may reuse and adapt it
    assert (info / "licenses" / "LICENSE").read_text() == (ROOT / "LICENSE").read_text()
    required = {_normalise(n): v for n, v in PIN.findall(
        "\n".join(line.split(": ", 1)[1] for line in metadata.splitlines()
                  if line.startswith("Requires-Dist:") and "extra ==" not in line))}
    assert required == pins("requirements.txt")


def test_an_installed_package_serves_its_own_app_and_keeps_data_out_of_site_packages(installed,
                                                                                  tmp_path):
    probe = ("import json; from weather_core import settings; from weather_core.cli import serve; print(json.dumps("
             "{'command': serve.command(['--server.port=9']), 'home': str(settings.home()),"
             " 'runs': str(settings.runs_root())}))")
    env = {k: v for k, v in os.environ.items() if not k.startswith("WEATHER_")}
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            cwd=tmp_path, env={**env, "PYTHONPATH": str(installed)}, timeout=60)
    assert result.returncode == 0, result.stderr
    probed = json.loads(result.stdout)
    assert probed["command"][1:5] == ["-m", "streamlit", "run", str(installed / "app.py")]
    assert "--server.maxUploadSize=200" in probed["command"]
    assert "--runner.postScriptGC=false" in probed["command"]
    assert probed["command"][-1] == "--server.port=9"  # the caller's options come last and win
    assert probed["home"] == str(tmp_path) and probed["runs"] == str(tmp_path / "runs")


# ---------------------------------------------------------------------------------------------
# A real `pip install .` into a fresh venv (minutes, even from pip's cache): WEATHER_TEST_INSTALL=1


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_healthy(url, timeout=120) -> bool:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            if urllib.request.urlopen(url, timeout=5).read() == b"ok":
                return True
        except OSError:
            time.sleep(1)
    return False


@pytest.mark.slow
@pytest.mark.skipif(os.environ.get("WEATHER_TEST_INSTALL") != "1",
                    reason="installs TensorFlow into a fresh venv: set WEATHER_TEST_INSTALL=1")
def test_pip_install_in_a_fresh_venv_gives_working_commands(tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    bin_dir = venv / "bin"
    install = subprocess.run([bin_dir / "pip", "install", "--quiet", str(ROOT)],
                             capture_output=True, text=True, timeout=1800)
    assert install.returncode == 0, install.stderr[-3000:]
    work = tmp_path / "class"  # a folder of its own: data/ and runs/ land here
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("WEATHER_")}

    def run(command):
        return subprocess.run(command, shell=True, cwd=work, env=env, capture_output=True,
                              text=True, timeout=600)

    cli = bin_dir / "weather-classroom"
    assert run(f"{cli} demo --out raw --per-class 12").returncode == 0
    assert run(f"{cli} prepare raw --out prepared").returncode == 0
    piped = run(f"{cli} train --data prepared --model model_1 --epochs 1 --image-size 32 --json"
                f" | {bin_dir / 'python'} -c 'import json,sys; print(len([json.loads(l) for l in sys.stdin]))'")
    assert piped.returncode == 0 and int(piped.stdout) >= 1, piped.stderr[-2000:]
    (run_dir,) = [path for path in (work / "runs").iterdir() if not path.name.startswith(".")]
    assert (run_dir / "best.keras").exists() and list((run_dir / "tensorboard").rglob("events.*"))

    port = _free_port()
    server = subprocess.Popen([bin_dir / "weather-classroom-app", f"--server.port={port}"],
                              cwd=work, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        assert _wait_healthy(f"http://127.0.0.1:{port}/_stcore/health")
    finally:
        server.terminate()
        server.wait(timeout=30)
    # The installed app.py runs every page's imports and the Home page without an exception.
    check = ("import importlib.util, sys; from streamlit.testing.v1 import AppTest;"
             "app = importlib.util.find_spec('app').origin;"
             "at = AppTest.from_file(app, default_timeout=120).run();"
             "sys.exit(f'exception: {at.exception}' if at.exception else 0)")
    result = run(f"{bin_dir / 'python'} -c \"{check}\"")
    assert result.returncode == 0, result.stderr[-2000:] + result.stdout[-2000:]


# ---------------------------------------------------------------------------------------------
# The Docker image (built and started only where a Docker engine answers)


def _docker_missing() -> str | None:
    if shutil.which("docker") is None:
        return "no docker command on this machine"
    info = subprocess.run(["docker", "info"], capture_output=True, text=True, timeout=60)
    if info.returncode != 0:
        lines = (info.stderr or info.stdout).strip().splitlines() or ["no reason given"]
        return f"`docker info` failed: {lines[-1]}"
    return None


@pytest.mark.slow
def test_docker_image_builds_starts_and_reports_healthy():
    missing = _docker_missing()
    if missing:
        pytest.skip(f"Docker engine unavailable ({missing}): image not built")
    tag, name = "weather-classroom:test", f"weather-classroom-test-{os.getpid()}"
    build = subprocess.run(["docker", "build", "-t", tag, str(ROOT)], capture_output=True,
                           text=True, timeout=1800)
    assert build.returncode == 0, build.stderr[-3000:]
    port = _free_port()
    subprocess.run(["docker", "run", "-d", "--name", name, "-p", f"127.0.0.1:{port}:8501", tag],
                   check=True, capture_output=True, timeout=120)
    try:
        assert _wait_healthy(f"http://127.0.0.1:{port}/_stcore/health")
        inspect = json.loads(subprocess.run(["docker", "inspect", name], capture_output=True,
                                            text=True, check=True).stdout)[0]
        assert inspect["Config"]["User"] == "classroom"
        assert set(inspect["Config"]["Volumes"]) == {"/srv/weather/data", "/srv/weather/runs"}
        assert "/_stcore/health" in " ".join(inspect["Config"]["Healthcheck"]["Test"])
    finally:
        subprocess.run(["docker", "rm", "-f", name], capture_output=True, timeout=120)


def test_secrets_stay_out_of_git_and_of_the_image():
    """secrets.toml is ignored by git and by `docker build` (the Dockerfile's COPY . would bake it in)."""
    ignored = subprocess.run(["git", "check-ignore", "-q", ".streamlit/secrets.toml"], cwd=ROOT)
    assert ignored.returncode == 0
    patterns = [line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines()]
    assert ".streamlit/secrets.toml" in patterns
    assert "secrets.toml:ro" in (ROOT / "Dockerfile").read_text()  # the README's read-only mount
