"""Hardening of the classroom server's boundaries: paths outside the roots, models loaded only from
run folders with Keras safe_mode, and the upload limit and XSRF check measured against a live
`streamlit run app.py` (marked `browser`: it needs chromium and playwright, else it skips).
The load test is not here: `scripts/load_test.py` prints figures instead of asserting on them."""

import http.client
import os
import re
import shutil
import socket
import time
import tomllib
from pathlib import Path

import pytest

from weather_core.use import inference
from weather_core import jobs, runs, settings
from support import demo_photo, lambda_run

ROOT = Path(__file__).resolve().parent.parent


pytestmark = pytest.mark.usefixtures("roots")  # this module's own data, runs and cache roots


# ---------------------------------------------------------------------------------------------
# Path safety


def test_server_folder_inputs_stay_inside_the_allowed_roots(roots, tmp_path, monkeypatch):
    data_root = settings.data_root()
    data_root.mkdir(parents=True, exist_ok=True)
    (data_root / "inside").mkdir(exist_ok=True)
    outside = tmp_path / "outside"
    outside.mkdir()
    (data_root / "link_out").unlink(missing_ok=True)
    (data_root / "link_out").symlink_to(outside, target_is_directory=True)
    (data_root / "link_in").unlink(missing_ok=True)
    (data_root / "link_in").symlink_to(data_root / "inside", target_is_directory=True)
    monkeypatch.chdir(data_root / "inside")  # relative paths resolve against the server's cwd
    allowed = [data_root, data_root / "inside", f"{data_root}/inside/../inside", data_root / "link_in",
               ".", "..", "../inside"]  # ".." from data/inside is the data root itself
    refused = ["/", "/etc", "/etc/passwd", "../..", "../../runs", f"{data_root}/..", f"{data_root}/../runs",
               f"{data_root}-evil", str(outside), data_root / "link_out", data_root / "link_out" / "x",
               "~", "~root", str(settings.runs_root()), str(ROOT)]
    for path in allowed:
        assert settings.is_allowed_source(path), path
    for path in refused:
        assert not settings.is_allowed_source(path), path


def test_runs_and_model_files_never_resolve_outside_the_runs_root(tiny_run, tmp_path):
    root = tmp_path / "runs"
    root.mkdir()
    inside = shutil.copytree(tiny_run, root / "20990101-000000-model_1-good")
    outside = shutil.copytree(tiny_run, tmp_path / "elsewhere")
    (root / "20990101-000000-model_1-link").symlink_to(outside, target_is_directory=True)
    assert runs.resolve_run(inside.name, root) == inside
    for bad in ["../elsewhere", str(outside), "20990101-000000-model_1-link", str(root / "20990101-000000-model_1-link"),
                f"{inside.name}/../../elsewhere", "/", "", ".", "..", "~", "%2e%2e", inside.name + "/best.keras"]:
        with pytest.raises(ValueError):
            runs.resolve_run(bad, root)
    with pytest.raises(ValueError):
        jobs.discard(str(outside), root)
    assert outside.exists()
    # a model file that is a link out of its run folder is refused before Keras sees it
    (inside / runs.BEST_MODEL).unlink()
    (inside / runs.BEST_MODEL).symlink_to(outside / runs.BEST_MODEL)
    with pytest.raises(ValueError, match="outside the run folder"):
        inference.load_model(inside)


def test_keras_safe_mode_refuses_a_lambda_model(empty_runs, tmp_path, demo_raw):
    marker = tmp_path / "code_ran"
    run_dir = lambda_run(empty_runs, marker)
    with pytest.raises(ValueError, match="safe mode refuses") as error:
        inference.load_model(run_dir)
    assert "Lambda" in str(error.value) and "safe_mode=False" not in str(error.value)
    with pytest.raises(ValueError, match="safe mode"):
        inference.predict(run_dir, [demo_photo(demo_raw)], names=["sky.jpg"])
    assert not marker.exists()


# ---------------------------------------------------------------------------------------------
# Upload limit, XSRF, error details: the configuration, then a live server


CONFIG = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())


def test_streamlit_config_is_locked_down():
    assert CONFIG["server"]["maxUploadSize"] == 200  # MB: the real dataset's zip (~90 MB) fits
    assert CONFIG["server"]["enableXsrfProtection"] is True
    # Streamlit turns XSRF protection off when CORS is off: keep CORS on too.
    assert CONFIG["server"].get("enableCORS", True) is True
    assert CONFIG["client"]["showErrorDetails"] == "none"
    assert CONFIG["browser"]["gatherUsageStats"] is False
    assert CONFIG["server"].get("maxMessageSize", 200) <= 200
    assert CONFIG["runner"]["postScriptGC"] is False  # a full collection per run: see load_test.py


@pytest.fixture(scope="module")
def live_server(tiny_run, roots, tmp_path_factory):
    """`streamlit run app.py` on a free loopback port; its runs root holds a copy of tiny_run."""
    from browser_support import streamlit_server  # skips without chromium or playwright

    base = tmp_path_factory.mktemp("live")
    shutil.copytree(tiny_run, base / "runs" / tiny_run.name)
    env = {**os.environ, "WEATHER_RUNS_DIR": str(base / "runs"), "WEATHER_DATA_DIR": str(base / "data"),
           "WEATHER_CACHE_DIR": str(base / "cache")}
    log = base / "server.log"
    with streamlit_server(log, env=env, extra_args=["--server.address", "127.0.0.1"]) as url:
        yield int(url.rsplit(":", 1)[1]), log


def _put(port, path, headers, length=None, body=b""):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.putrequest("PUT", path)
        for key, value in headers.items():
            connection.putheader(key, value)
        connection.putheader("Content-Length", str(len(body) if length is None else length))
        connection.endheaders()
        if body:
            connection.send(body)
        response = connection.getresponse()
        return response.status, response.read().decode(errors="replace")
    finally:
        connection.close()


def _put_chunked(port, path, headers, total_bytes):
    """Stream a multipart body of total_bytes without Content-Length; returns the status line."""
    with socket.create_connection(("127.0.0.1", port), timeout=60) as sock:
        head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        sock.sendall(f"PUT {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{head}Transfer-Encoding: chunked\r\n\r\n".encode())
        part = (b'--xx\r\nContent-Disposition: form-data; name="file"; filename="big.jpg"\r\n'
                b"Content-Type: image/jpeg\r\n\r\n")
        block = b"\0" * 2**20
        try:
            sock.sendall(b"%x\r\n%s\r\n" % (len(part), part))
            for _ in range(total_bytes // len(block) + 1):
                sock.sendall(b"%x\r\n%s\r\n" % (len(block), block))
        except OSError:
            pass  # the server may hang up once it has refused the body
        reply = b""
        try:
            while b"\r\n" not in reply:
                chunk = sock.recv(4096)
                if not chunk:
                    break
                reply += chunk
        except OSError:
            pass
        return reply.split(b"\r\n", 1)[0].decode(errors="replace")


@pytest.mark.browser
def test_live_server_enforces_upload_limit_and_xsrf(live_server, demo_raw, tmp_path):
    from browser_support import chromium

    port, log = live_server
    limit = CONFIG["server"]["maxUploadSize"] * 2**20
    photo = tmp_path / "rain1.jpg"
    photo.write_bytes(demo_photo(demo_raw))
    too_big = tmp_path / "too_big.jpg"
    with open(too_big, "wb") as handle:  # sparse: costs no disk
        handle.truncate(limit + 2**20)
    with chromium() as browser:
        context = browser.new_context()
        page = context.new_page()
        page.set_default_timeout(120_000)
        uploads = []
        page.on("request", lambda r: uploads.append(r.url) if r.method == "PUT" else None)
        page.goto(f"http://127.0.0.1:{port}/classify", wait_until="domcontentloaded")
        chooser = page.locator('input[type="file"]')
        chooser.wait_for(state="attached")
        chooser.set_input_files(str(photo))
        page.get_by_text(re.compile(r"rain1\.jpg: (cloudy|rain|shine|sunrise)")).first.wait_for()
        assert len(uploads) == 1
        # the browser refuses a file over the limit and says so
        chooser.set_input_files(str(too_big))
        page.get_by_text(re.compile(r"File must be 200(\.0)?\s?MB or smaller")).first.wait_for(timeout=30_000)
        assert len(uploads) == 1  # nothing was sent

        # the server refuses it too, for a client that skips the browser's check
        session = re.search(r"/_stcore/upload_file/([^/]+)/", uploads[0]).group(1)
        xsrf = next(c["value"] for c in context.cookies() if c["name"] == "_streamlit_xsrf")
        path = f"/_stcore/upload_file/{session}/hardening-test"
        boundary = {"Content-Type": "multipart/form-data; boundary=xx"}
        token = {**boundary, "Cookie": f"_streamlit_xsrf={xsrf}", "X-Xsrftoken": xsrf}
        small = (b'--xx\r\nContent-Disposition: form-data; name="file"; filename="a.jpg"\r\n'
                 b"Content-Type: image/jpeg\r\n\r\n" + photo.read_bytes() + b"\r\n--xx--\r\n")
        assert _put(port, path, token, body=small)[0] == 204  # control: a legal upload passes
        assert _put(port, path, boundary, body=small)[0] == 403  # no XSRF token
        wrong = {**token, "X-Xsrftoken": "2|00000000|" + "0" * 64 + "|0"}
        assert _put(port, path, wrong, body=small)[0] == 403  # a forged token
        assert _put(port, path, token, length=limit + 2**20) == (413, "File too large")
        start = time.monotonic()
        assert " 413 " in _put_chunked(port, path, token, limit + 3 * 2**20)  # no Content-Length
        assert time.monotonic() - start < 120
        context.close()
    assert "Traceback" not in log.read_text(errors="replace")
