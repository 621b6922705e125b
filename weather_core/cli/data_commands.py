"""The data side of the command line: `demo` generates the built-in photos, `prepare` sorts, splits
(duplicate groups kept together) and checks a dataset, its stages and counts on standard error."""

import json
import sys

from .. import data
from ..data.preparing import Throttled
from ..data import demo
from .options import print_json


# ---------------------------------------------------------------------------------------------
# demo


def add_demo(commands) -> None:
    parser = commands.add_parser("demo", help="generate the built-in demo photos (flat folder)")
    parser.add_argument("--out", required=True, help="folder to write cloudy1.jpg, rain1.jpg, ... into")
    parser.add_argument("--per-class", type=int, default=demo.DEMO_PER_CLASS)
    parser.add_argument("--seed", type=int, default=demo.DEMO_SEED)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(run=run_demo)


def run_demo(args) -> int:
    paths = demo.generate(args.out, per_class=args.per_class, seed=args.seed)
    if args.json:
        print_json({"out_dir": args.out, "images": len(paths), "per_class": args.per_class,
                    "seed": args.seed})
    else:
        print(f"Wrote {len(paths)} demo photos ({args.per_class} per class, seed {args.seed}) "
              f"to {args.out}")
    return 0


# ---------------------------------------------------------------------------------------------
# prepare


def add_prepare(commands) -> None:
    parser = commands.add_parser("prepare", help="sort by file name, split, and check a dataset")
    parser.add_argument("src", help="flat folder or .zip of photos named like cloudy12.jpg")
    parser.add_argument("--out", required=True, help="output folder (gets sorted/, split/, prepared.json)")
    parser.add_argument("--ratio", type=float, nargs="+", default=list(data.DEFAULT_RATIO),
                        metavar="R", help="train val [test] fractions (default 0.7 0.15 0.15)")
    parser.add_argument("--seed", type=int, default=data.DEFAULT_SEED)
    parser.add_argument("--split-like-report", action="store_true",
                        help="split file by file as the report did: copies of one photo may land in "
                             "train and test (a leak, for teaching); default keeps them together")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(run=run_prepare)


def progress_printer(as_json):
    """Progress on standard error (standard output keeps the one result): with --json one JSON
    object per line, {"stage": "decode", "done": 120, "total": 845}; otherwise `decode 120/845`
    lines on a terminal only, so a log or a pipe keeps just the result and any one-line error."""
    if not as_json and not sys.stderr.isatty():
        return None

    def report(stage, done, total):
        line = json.dumps({"stage": stage, "done": done, "total": total}) if as_json else f"{stage} {done}/{total}"
        print(line, file=sys.stderr, flush=True)

    return Throttled(report, interval=1.0)


def run_prepare(args) -> int:
    summary = data.prepare(args.src, args.out, ratio=args.ratio, seed=args.seed,
                           keep_twins_together=not args.split_like_report,
                           progress=progress_printer(args.json))
    if args.json:
        print_json(summary)
    else:
        print(describe_preparation(summary))
    return 0


def describe_preparation(summary) -> str:
    classes = ", ".join(f"{name} {n}" for name, n in summary["classes"].items())
    splits = ", ".join(f"{name} {sum(c.values())}" for name, c in summary["splits"].items())
    health = summary["health"]
    lines = [
        f"Sorted {sum(summary['classes'].values())} photos: {classes}",
        f"Split (ratio {'/'.join(f'{r:g}' for r in summary['ratio'])}, seed {summary['seed']}): {splits}",
        f"Imbalance: {health['imbalance']['ratio']}x ({health['imbalance']['note']})",
        f"Formats: {_counts(health['formats'])}; modes: {_counts(health['modes'])}",
        f"Duplicate groups: {_group_kinds(summary['duplicate_groups'])}; "
        f"files with a twin in another split: {summary['cross_split_twins']}",
        f"Skipped {len(summary['skipped'])} files",
    ]
    lines += [f"  {item['file']}: {item['reason']}" for item in summary["skipped"][:20]]
    if len(summary["skipped"]) > 20:
        lines.append(f"  ... and {len(summary['skipped']) - 20} more (see prepared.json)")
    lines.append(f"Written to {summary['out_dir']}")
    return "\n".join(lines)


def _group_kinds(groups) -> str:
    exact = sum(1 for g in groups if g["kind"] == "exact")
    return f"{exact} exact, {len(groups) - exact} near"


def _counts(counter) -> str:
    return ", ".join(f"{key} {n}" for key, n in counter.items())

