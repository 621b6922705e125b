"""Load test of the classroom server: many browser sessions classifying photos at once.

Starts the real server (`streamlit run app.py`) on a free loopback port with temporary WEATHER_*
roots and one small trained run (model_1 at 64 px, 2 epochs on the demo data; or --runs), then
drives --sessions simulated students with at most --concurrency at a time. Each session is a
Playwright browser context in one headless chromium (one Streamlit session each): it opens the
Classify page and uploads --photos photos one at a time; for each it times upload -> result shown
(the "<file>: <class> (p %)" line), then removes the photo again, so that every upload is one
classification rather than a growing batch. The server's RSS (its process and any
children, from /proc) is sampled every 0.5 s.

Prints: sessions, classifications, errors, p50 / p95 / max latency, server RSS at start / peak /
end and after each batch of --concurrency sessions (to show whether memory keeps growing).
Bounded: stops by itself after --max-seconds (default 600) and always kills the server.
Loopback only. Photos: ../shared/datasets/mwd when present (each session gets its own), else demo.

Run:  .venv/bin/python -m scripts.load_test --sessions 3 --photos 3      (a quick check)
      .venv/bin/python -m scripts.load_test                               (30 x 20, minutes)
This prints figures; it asserts nothing (it is not a test).
"""

import argparse
import asyncio
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from scripts.proctree import RssSampler, tree_cpu_seconds
from weather_core import CLASSES, settings

ROOT = Path(__file__).resolve().parent.parent

REAL_PHOTOS = settings.shared_photos()
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
RESULT_TIMEOUT_MS = 120_000


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sessions", type=int, default=30)
    parser.add_argument("--photos", type=int, default=20, help="photos classified by each session")
    parser.add_argument("--concurrency", type=int, default=10, help="sessions at once")
    parser.add_argument("--max-seconds", type=float, default=600, help="hard cap on the whole load phase")
    parser.add_argument("--runs", help="a run folder or a runs root to serve (default: train a small run)")
    parser.add_argument("--images-dir", help=f"photos (default {REAL_PHOTOS}, else demo photos)")
    parser.add_argument("--settle", type=float, default=5, help="seconds after the last session before 'end'")
    parser.add_argument("--keep", action="store_true", help="keep the temporary roots and server log")
    parser.add_argument("--json-out", help="also write the figures to this JSON file")
    return parser.parse_args()


def log(message):
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# ---------------------------------------------------------------------------------------------
# Set-up: roots, a trained run, photos, the server


def run_cli(*args, env):
    subprocess.run([sys.executable, "-m", "weather_core", *map(str, args)], cwd=ROOT, env=env,
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def prepare_runs(args, base: Path, env) -> Path:
    runs_root = base / "runs"
    if args.runs:
        source = Path(args.runs).resolve()
        if (source / "config.json").exists():  # one run folder: serve a copy of it
            shutil.copytree(source, runs_root / source.name)
            return runs_root
        return source  # a runs root: served as it is (read-only use)
    start = time.time()
    run_cli("demo", "--out", base / "demo_raw", "--per-class", 12, env=env)
    run_cli("prepare", base / "demo_raw", "--out", base / "demo_prepared", env=env)
    run_cli("train", "--data", base / "demo_prepared", "--model", "model_1", "--epochs", 2,
            "--image-size", 64, "--batch-size", 16, "--runs", runs_root, env=env)
    log(f"trained model_1 at 64 px for 2 epochs in {time.time() - start:.0f} s")
    return runs_root


def pick_photos(args, base: Path, count: int) -> list[Path]:
    """`count` readable photos, all different when the source has enough (round robin by class)."""
    from weather_core.data.images import ImageError, decode

    source = Path(args.images_dir) if args.images_dir else REAL_PHOTOS
    if not source.is_dir():
        source = base / "demo_raw"
        if not source.is_dir():
            run_cli("demo", "--out", source, "--per-class", 12, env=os.environ)
    by_class = {name: sorted(p for p in source.iterdir() if p.is_file() and p.name.lower().startswith(name)
                             and p.suffix.lower() in (".jpg", ".jpeg", ".png"))
                for name in CLASSES}
    ordered = [p for group in zip(*by_class.values()) for p in group]
    chosen = []
    for path in ordered:
        if len(chosen) == count:
            break
        try:
            decode(path, 32)
        except (ImageError, OSError):
            continue
        chosen.append(path)
    if not chosen:
        raise SystemExit(f"no readable photos in {source}")
    log(f"{len(chosen)} distinct photos from {source} (needed {count}; reused round robin if fewer)")
    return chosen


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(env, base: Path):
    port = free_port()
    out = open(base / "server.log", "wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    out.close()
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server exited with {process.returncode}; see {base / 'server.log'}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=5) as response:
                if response.read() == b"ok":
                    return process, url
        except OSError:
            pass
        time.sleep(0.5)
    stop_server(process)
    raise SystemExit("server did not answer /_stcore/health within 120 s")


def stop_server(process):
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    except ProcessLookupError:
        pass


# ---------------------------------------------------------------------------------------------
# Sessions


class Figures:
    def __init__(self):
        self.result_latencies, self.errors, self.skipped = [], [], []
        self.sessions_done, self.batches = 0, []
        self.cold_rss = self.start_rss = None
        self.cpu = {}  # "server" / "browser": CPU seconds used during the load phase


async def one_session(browser, url, index, photos, figures, deadline):
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(RESULT_TIMEOUT_MS)
    page = await context.new_page()
    try:
        await page.goto(f"{url}/classify", wait_until="domcontentloaded")
        chooser = page.locator('[data-testid="stFileUploaderDropzoneInput"], input[type="file"]').first
        await chooser.wait_for(state="attached")
        for photo in photos:
            if time.monotonic() > deadline:
                figures.skipped.append((index, photo.name))
                continue
            name = re.escape(photo.name)
            result = page.get_by_text(re.compile(rf"^{name}: ({'|'.join(CLASSES)})\b"))
            failed = page.locator('[data-testid="stAlertContentError"], [data-testid="stException"]')
            start = time.perf_counter()
            await chooser.set_input_files(str(photo))
            try:
                await result.or_(failed).first.wait_for(state="visible")
                if await failed.count():
                    message = (await failed.first.inner_text())[:200]
                    figures.errors.append((index, photo.name, message))
                    continue
                figures.result_latencies.append(time.perf_counter() - start)
            except Exception as error:  # a timeout or a closed page: an error for this photo
                figures.errors.append((index, photo.name, f"{type(error).__name__}: {str(error)[:160]}"))
                continue
            # remove it again, so the next upload is one classification, not a growing batch
            await page.locator('[data-testid="stFileChipDeleteBtn"]').first.locator("button").first.click()
            await result.wait_for(state="detached")
    except Exception as error:
        figures.errors.append((index, "(session)", f"{type(error).__name__}: {str(error)[:160]}"))
    finally:
        await context.close()


async def drive(args, url, photos, sampler, figures):
    from playwright.async_api import async_playwright

    deadline = time.monotonic() + args.max_seconds
    gate = asyncio.Semaphore(args.concurrency)
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        # Warm-up (not counted): the first classification imports TensorFlow and loads the model.
        figures.cold_rss = sampler.now()
        warm = Figures()
        await one_session(browser, url, -1, [photos[-1]], warm, deadline)
        if warm.errors:
            log(f"warm-up failed: {warm.errors}")
        figures.start_rss = sampler.now()
        cpu_start = {"server": tree_cpu_seconds(sampler.pid), "browser": tree_cpu_seconds(os.getpid())}
        log(f"warm-up: first classification {warm.result_latencies[0] if warm.result_latencies else float('nan'):.1f} s, "
            f"server RSS {figures.cold_rss:.0f} -> {figures.start_rss:.0f} MiB")

        async def session(index):
            mine = [photos[(index * args.photos + k) % len(photos)] for k in range(args.photos)]
            async with gate:
                if time.monotonic() > deadline:
                    figures.skipped.extend((index, p.name) for p in mine)
                    return
                await one_session(browser, url, index, mine, figures, deadline)
            figures.sessions_done += 1
            if figures.sessions_done % args.concurrency == 0 or figures.sessions_done == args.sessions:
                done = len(figures.result_latencies)
                figures.batches.append((figures.sessions_done, done, sampler.now(),
                                        statistics.median(figures.result_latencies) if done else None))
                log(f"{figures.sessions_done} sessions done, {done} classifications, "
                    f"server RSS {figures.batches[-1][2]:.0f} MiB")

        try:
            await asyncio.wait_for(asyncio.gather(*(session(i) for i in range(args.sessions))),
                                   timeout=args.max_seconds + 60)
        except asyncio.TimeoutError:
            figures.errors.append((-1, "(all)", "stopped by --max-seconds"))
        # This process's tree is Playwright's driver and Chromium: the students' side.
        cpu_end = {"server": tree_cpu_seconds(sampler.pid), "browser": tree_cpu_seconds(os.getpid())}
        figures.cpu = {side: cpu_end[side] - cpu_start[side] for side in cpu_start}
        await browser.close()


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def report(args, figures, sampler, end_rss, seconds):
    start_rss = figures.start_rss
    peak = max((rss for _, rss in sampler.samples), default=start_rss)
    out = {"sessions": args.sessions, "sessions_done": figures.sessions_done,
           "photos_per_session": args.photos, "concurrency": args.concurrency,
           "classifications": len(figures.result_latencies), "errors": len(figures.errors),
           "skipped_by_time_cap": len(figures.skipped),
           "seconds": round(seconds, 1), "rss_start_mib": round(start_rss), "rss_peak_mib": round(peak),
           "rss_end_mib": round(end_rss), "rss_cold_mib": round(figures.cold_rss),
           "batches": [{"sessions": s, "classifications": c, "rss_mib": round(r),
                        "p50_s": round(p, 3) if p else None} for s, c, r, p in figures.batches],
           "cpu_seconds": {side: round(value, 1) for side, value in figures.cpu.items()}}
    values = figures.result_latencies
    if values:
        out["latency_s"] = {"p50": round(statistics.median(values), 3),
                            "p95": round(percentile(values, 0.95), 3), "max": round(max(values), 3)}
    print()
    print(f"sessions          {out['sessions_done']} of {args.sessions} ({args.concurrency} at once), "
          f"{args.photos} photos each, {out['seconds']} s")
    print(f"classifications   {out['classifications']}")
    print(f"errors            {out['errors']}")
    if figures.skipped:
        print(f"not run           {len(figures.skipped)} photos (--max-seconds {args.max_seconds:g} reached)")
    for index, name, message in figures.errors[:10]:
        print(f"    session {index} {name}: {message}")
    if "latency_s" in out:
        latency = out["latency_s"]
        print(f"latency           upload -> result: p50 {latency['p50']:.2f} s   p95 {latency['p95']:.2f} s   "
              f"max {latency['max']:.2f} s")
    if figures.cpu and values:
        per = {side: value / len(values) for side, value in figures.cpu.items()}
        out["cpu_seconds_per_classification"] = {side: round(v, 3) for side, v in per.items()}
        print(f"CPU per classification: server {per['server']:.2f} s, browsers {per['browser']:.2f} s "
              f"(of {seconds * os.cpu_count():.0f} core-seconds in all: server "
              f"{figures.cpu['server']:.0f}, browsers {figures.cpu['browser']:.0f})")
    print(f"server RSS        cold {figures.cold_rss:.0f} MiB   start (after warm-up) {start_rss:.0f} MiB   "
          f"peak {peak:.0f} MiB   end {end_rss:.0f} MiB (after {args.settle:g} s idle)")
    print("RSS after each batch of sessions:")
    for batch in out["batches"]:
        p50 = f"{batch['p50_s']:.2f} s" if batch["p50_s"] is not None else "-"
        print(f"    {batch['sessions']:>4} sessions  {batch['classifications']:>5} classifications  "
              f"{batch['rss_mib']:>6} MiB   p50 so far {p50}")
    return out


def main():
    args = parse_args()
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"chromium not found at {CHROMIUM}")
    base = Path(tempfile.mkdtemp(prefix="weather-load-"))
    env = {**os.environ, "WEATHER_DATA_DIR": str(base / "data"), "WEATHER_CACHE_DIR": str(base / "cache"),
           "TF_CPP_MIN_LOG_LEVEL": "2"}
    process = None
    try:
        env["WEATHER_RUNS_DIR"] = str(prepare_runs(args, base, env))
        photos = pick_photos(args, base, args.sessions * args.photos)
        process, url = start_server(env, base)
        sampler = RssSampler(process.pid)
        sampler.start()
        log(f"server {url} pid {process.pid}, RSS {sampler.now():.0f} MiB; "
            f"{args.sessions} sessions x {args.photos} photos, {args.concurrency} at once")
        figures, start = Figures(), time.monotonic()
        asyncio.run(drive(args, url, photos, sampler, figures))
        seconds = time.monotonic() - start
        time.sleep(args.settle)
        end_rss = sampler.now()
        sampler.stop()
        out = report(args, figures, sampler, end_rss, seconds)
        if args.json_out:
            Path(args.json_out).write_text(json.dumps(out, indent=2))
    finally:
        if process is not None:
            stop_server(process)
        if args.keep:
            log(f"kept {base} (server.log inside)")
        else:
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
