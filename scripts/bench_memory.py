"""Memory benchmark: does the input pipeline stay bounded when the dataset is 10x the real one?

It builds two flat folders of photos named like the data in --work-dir (default bench_out/,
which git ignores; removed afterwards unless --keep), never among the project's files:
  x1    one re-encoded copy of each source photo
  x10   --scale copies of each; copy k is cropped by k pixels and saved at JPEG quality 90-k,
        so its bytes differ and the decode cache (keyed on content) stores every copy apart
Copies are first shrunk to --max-side pixels to keep the run short (the cache then stores each
at --image-size, as it would a full-size photo). Then, in a fresh subprocess per folder (peak
RSS is per process), it times pipeline.load_split into an empty cache and one full epoch of
pipeline.make_dataset(shuffle=True, augmenter=build_augmenter(seed)) without training, and
prints the peak RSS of both and their ratio. Target: bounded, i.e. far below the data ratio
(PASS when the 10x run peaks at most 1.5x the 1x run).

Source: --images-dir (default ../shared/datasets/mwd, the real photos), else the demo generator.
Run:  .venv/bin/python -m scripts.bench_memory                       (all 845 photos: minutes)
      .venv/bin/python -m scripts.bench_memory --per-class 30 --scale 10    (a quick check)
"""

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # before TensorFlow loads

from weather_core import CLASSES, data, settings  # noqa: E402
from weather_core.data import demo
from weather_core.models import pipeline
from weather_core.data.images import DecodeCache, ImageError, open_rgb  # noqa: E402

SEED = 123
REAL_PHOTOS = settings.shared_photos()
BOUNDED = 1.5  # PASS when peak RSS(10x) <= BOUNDED * peak RSS(1x)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--images-dir", help=f"source photos (default {REAL_PHOTOS}, else demo)")
    parser.add_argument("--work-dir", default=str(ROOT / "bench_out" / "memory"))
    parser.add_argument("--scale", type=int, default=10, help="copies per photo in the big set")
    parser.add_argument("--per-class", type=int, help="at most this many source photos per class")
    parser.add_argument("--max-side", type=int, default=320, help="shrink copies to this size")
    parser.add_argument("--image-size", type=int, default=250)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--keep", action="store_true", help="keep photos and caches afterwards")
    parser.add_argument("--json-out", help="also write the figures to this JSON file")
    parser.add_argument("--measure", nargs=2, metavar=("FOLDER", "CACHE"), help=argparse.SUPPRESS)
    return parser.parse_args()


def source_photos(args, work: Path) -> list:
    """(path, class) pairs: the real photos, or demo pictures when there are none."""
    src = Path(args.images_dir) if args.images_dir else REAL_PHOTOS
    if not src.exists():
        src = work / "demo-raw"
        demo.generate(src, per_class=args.per_class or demo.DEMO_PER_CLASS)
        print(f"no real photos found: using demo pictures in {src}")
    pairs = data.list_images(src)
    if args.per_class:
        pairs = [p for c in CLASSES for p in [q for q in pairs if q[1] == c][:args.per_class]]
    return pairs


def write_copies(job):
    """Copy k of one photo goes to x<scale>; copy 0 also goes to x1."""
    index, (path, name), args, small, big = job
    try:
        image = open_rgb(path)
    except ImageError:
        return 0
    image.thumbnail((args.max_side, args.max_side))
    for k in range(args.scale):
        copy = image.crop((k, 0, image.width, image.height))
        target = big / f"{name}{index}_v{k}.jpg"
        copy.save(target, "JPEG", quality=max(50, 90 - k))
        if k == 0:
            shutil.copyfile(target, small / target.name)
    return 1


def build_datasets(pairs, args, work: Path):
    small, big = work / "x1", work / f"x{args.scale}"
    for folder in (small, big):
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
    jobs = [(i, pair, args, small, big) for i, pair in enumerate(pairs)]
    with ThreadPoolExecutor(os.cpu_count() or 2) as pool:
        used = sum(pool.map(write_copies, jobs))
    return small, big, used


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def measure(folder, cache_dir, args) -> dict:
    """In the child: load_split into an empty cache, then one augmented epoch; figures as a dict."""
    from weather_core.models.augment_layers import build_augmenter

    augmenter = build_augmenter(seed=SEED)  # imports TensorFlow: part of the baseline
    baseline = peak_rss_mib()
    cache = DecodeCache(cache_dir)
    start = time.perf_counter()
    split = pipeline.load_split(folder, args.image_size, cache=cache)
    load_s, after_load = time.perf_counter() - start, peak_rss_mib()
    ds = pipeline.make_dataset(split, args.image_size, args.batch_size, len(CLASSES),
                               shuffle=True, seed=SEED, augmenter=augmenter)
    start = time.perf_counter()
    images = sum(int(x.shape[0]) for x, _ in ds)
    epoch_s = time.perf_counter() - start
    return dict(photos=len(split), errors=len(split.errors), images=images, load_s=load_s,
                epoch_s=epoch_s, baseline_mib=baseline, after_load_mib=after_load,
                peak_mib=peak_rss_mib(), cache_mib=cache.size_bytes() / 2**20)


def run_child(folder: Path, args, work: Path) -> dict:
    cache = work / f"cache-{folder.name}"
    shutil.rmtree(cache, ignore_errors=True)
    command = [sys.executable, __file__, "--measure", str(folder), str(cache),
               "--image-size", str(args.image_size), "--batch-size", str(args.batch_size)]
    done = subprocess.run(command, capture_output=True, text=True)
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    if done.returncode or not lines:
        sys.exit(f"measuring {folder} failed:\n{done.stderr[-3000:]}")
    return json.loads(lines[-1][len("RESULT "):])


def report(results: dict, args):
    print(f"\n{'dataset':<8}{'photos':>8}{'load_split s':>14}{'epoch s':>9}{'img/s':>7}"
          f"{'baseline MiB':>14}{'after load':>12}{'peak MiB':>10}{'growth MiB':>12}"
          f"{'cache MiB':>11}")
    for name, r in results.items():
        print(f"{name:<8}{r['photos']:>8}{r['load_s']:>14.1f}{r['epoch_s']:>9.1f}"
              f"{r['images'] / r['epoch_s']:>7.0f}{r['baseline_mib']:>14.0f}"
              f"{r['after_load_mib']:>12.0f}{r['peak_mib']:>10.0f}"
              f"{r['peak_mib'] - r['baseline_mib']:>12.0f}{r['cache_mib']:>11.0f}")
    small, big = results.values()
    ratio = big["peak_mib"] / small["peak_mib"]
    growth = ((big["peak_mib"] - big["baseline_mib"])
              / max(1.0, small["peak_mib"] - small["baseline_mib"]))
    print(f"\ndata ratio {big['photos'] / small['photos']:.1f}x; peak RSS ratio {ratio:.2f}x; "
          f"growth-above-baseline ratio {growth:.2f}x; the disk cache grows with the data instead")
    print(f"{'PASS' if ratio <= BOUNDED else 'MISS'}  memory bounded: peak RSS at {args.scale}x "
          f"is {ratio:.2f}x the 1x peak (target <= {BOUNDED}x, far below {args.scale}x)")
    return dict(peak_ratio=ratio, growth_ratio=growth, runs=results)


def main():
    args = parse_args()
    if args.measure:
        print("RESULT " + json.dumps(measure(Path(args.measure[0]), Path(args.measure[1]), args)))
        return
    work = Path(args.work_dir)
    print(f"load average {os.getloadavg()[0]:.2f}")
    start = time.perf_counter()
    small, big, used = build_datasets(source_photos(args, work), args, work)
    print(f"wrote {used} + {used * args.scale} photos in {time.perf_counter() - start:.0f} s")
    needed = used * args.scale * args.image_size**2 * 3
    if needed > settings.cache_max_bytes():  # load_split's prune() would delete live entries
        print(f"WARNING: the {args.scale}x cache needs {needed / 2**20:.0f} MiB, more than "
              f"WEATHER_CACHE_MB={settings.cache_max_bytes() / 2**20:.0f}: expect read errors")
    results = {}
    for name, folder in (("1x", small), (f"{args.scale}x", big)):
        results[name] = run_child(folder, args, work)
        print(f"measured {name}: peak RSS {results[name]['peak_mib']:.0f} MiB")
    figures = report(results, args)
    figures.update(args=vars(args), load_end=os.getloadavg()[0])
    if args.json_out:
        Path(args.json_out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json_out).write_text(json.dumps(figures, indent=2))
    if not args.keep:  # only what this script made: --work-dir may be a shared folder
        made = (small, big, work / "cache-x1", work / f"cache-{big.name}", work / "demo-raw")
        for folder in made:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
