"""Command line: `python -m weather_core COMMAND ...` (see --help). With --json a command prints
exactly one JSON object on stdout; any expected error is one line on stderr and exit status 2.

The entry point and the model-side commands: summary, train, evaluate, predict, explain, export
(TensorFlow loads only when one runs) and the internal `worker` that trains a queued run
(weather_core/jobs/run_queue.py starts it: the life of a run is told there). The data side (demo, prepare) is in data_commands.py, the
instructor's submit/status/cancel in job_commands.py, the options they share in options.py."""

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # keep TensorFlow's start-up chatter off stdout

# The rest after it: no module below imports TensorFlow at the top, but it must see the setting.
from ..exceptions import EXPECTED_ERRORS, one_line  # noqa: E402
from ..jobs import main_worker, wait_for_slot  # noqa: E402
from ..models import DEFAULT_IMAGE_SIZE, MODEL_ALIASES, MODELS, summary  # noqa: E402
from ..training import train  # noqa: E402
from ..use.evaluation import evaluate_run  # noqa: E402
from ..use.explain import write_overlay  # noqa: E402
from ..use.export import export_zip  # noqa: E402
from ..use.inference import predict  # noqa: E402
from .data_commands import add_demo, add_prepare  # noqa: E402
from .job_commands import add_cancel, add_status, add_submit  # noqa: E402
from .options import add_train_options, config_from, print_json, run_path  # noqa: E402
from .server_commands import add_server_commands  # noqa: E402

EXIT_ERROR = 2


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args) or 0
    except EXPECTED_ERRORS as error:
        print(f"error: {one_line(error)}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130
    except Exception as error:  # a bug, not bad input: still one line, never a traceback
        print(f"error: internal error ({type(error).__name__}): {one_line(error)}", file=sys.stderr)
        return 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m weather_core",
                                     description="Weather CNN Classroom, without the dashboard.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for add_command in COMMANDS:
        add_command(commands)
    return parser


# ---------------------------------------------------------------------------------------------
# models and runs


def add_summary(commands):
    parser = commands.add_parser("summary", help="layer table of a model")
    parser.add_argument("model", choices=[*MODELS, *MODEL_ALIASES])
    parser.add_argument("--image-size", type=int, default=DEFAULT_IMAGE_SIZE)
    parser.add_argument("--json", action="store_true")
    parser.set_defaults(run=run_summary)


def run_summary(args):
    table = summary(args.model, args.image_size)
    if args.json:
        print_json(table)
        return 0
    print(f"{table['model']}  input {table['input_shape']}")
    for layer in table["layers"]:
        print(f"  {layer['name']:<28} {layer['type']:<24} {str(layer['output_shape']):<18} "
              f"{layer['params']:>12,}")
    print(f"Total params: {table['total_params']:,}  Trainable: {table['trainable_params']:,}  "
          f"Non-trainable: {table['non_trainable_params']:,}")
    return 0


def add_train(commands):
    parser = commands.add_parser("train", help="train a model into a new run folder")
    add_train_options(parser)
    parser.add_argument("--json", action="store_true",
                        help="print one JSON object on stdout (progress goes to stderr)")
    parser.set_defaults(run=run_train)


def run_train(args):
    config = config_from(args)
    run_dir, status = train(config, root=args.runs, wait_for_slot=wait_for_slot)
    result = {"run_dir": str(run_dir), "status": status["state"], "recipe": config.recipe,
              "test_accuracy": status.get("test_accuracy")}
    if args.json:
        print_json(result)
    else:
        accuracy = result["test_accuracy"]
        score = f"test accuracy {accuracy:.2%}" if accuracy is not None else "no test split"
        print(f"{result['status']}: {run_dir} ({score})")
    return 0 if status["state"] in ("finished", "cancelled") else 1


def add_worker(commands):
    # Listed last: the queue starts it, detached, on a run folder it has just created.
    parser = commands.add_parser("worker", help="(internal) train a queued run folder; the queue "
                                 "(jobs/run_queue.py) starts it")
    parser.add_argument("run_dir")
    parser.set_defaults(run=run_worker)


def run_worker(args):
    return main_worker(args.run_dir)


def add_evaluate(commands):
    parser = commands.add_parser("evaluate", help="score a run on its test split or any folder")
    parser.add_argument("run_ref", metavar="RUN", help="run id or run folder")
    parser.add_argument("--images", help="folder of class sub-folders, or flat and named like the data")
    parser.add_argument("--json", action="store_true")
    parser.set_defaults(run=run_evaluate)


def run_evaluate(args):
    report = evaluate_run(run_path(args.run_ref), images=args.images)
    if args.json:
        print_json(report)
        return 0
    print(f"accuracy {report['accuracy']:.2%} on {report['n']} photos, loss {report['loss']:.4f}")
    print("confusion matrix (rows: true, columns: predicted):", " ".join(report["classes"]))
    for name, row in zip(report["classes"], report["confusion_matrix"]):
        print(f"  {name:<8} {row}")
    for name, scores in report["per_class"].items():
        print(f"  {name:<8} precision {scores['precision']:.2f} recall {scores['recall']:.2f} "
              f"f1 {scores['f1']:.2f} (n={scores['support']})")
    print(f"{len(report['misclassified'])} misclassified")
    return 0


def add_predict(commands):
    parser = commands.add_parser("predict", help="classify image files with a trained run")
    parser.add_argument("run_ref", metavar="RUN", help="run id or run folder")
    parser.add_argument("images", nargs="+")
    parser.add_argument("--json", action="store_true")
    parser.set_defaults(run=run_predict)


def run_predict(args):
    results = predict(run_path(args.run_ref), args.images)
    if args.json:
        print_json(results)
    else:
        for item in results:
            if "error" in item:
                print(f"{item['file']}: error: {item['error']}")
            else:
                print(f"{item['file']}: {item['class']} ({item['probabilities'][item['class']]:.1%})")
    return 1 if all("error" in item for item in results) else 0


def add_explain(commands):
    parser = commands.add_parser("explain", help="Grad-CAM heat map of a photo for a trained run")
    parser.add_argument("run_ref", metavar="RUN", help="run id or run folder")
    parser.add_argument("image")
    parser.add_argument("--out", required=True, help="PNG to write (photo and overlay side by side)")
    parser.add_argument("--class", dest="class_name", help="class to explain (default: predicted)")
    parser.add_argument("--layer", help="convolution layer (default: the last one)")
    parser.add_argument("--json", action="store_true")
    parser.set_defaults(run=run_explain)


def run_explain(args):
    result = write_overlay(run_path(args.run_ref), args.image, args.out, args.class_name, args.layer)
    if args.json:
        print_json(result)
    else:
        print(f"{args.image}: explained class {result['class']}; wrote {result['out']}")
    return 0


def add_export(commands):
    parser = commands.add_parser("export", help="one zip: model, TFLite, labels, metrics, model card")
    parser.add_argument("run_ref", metavar="RUN", help="run id or run folder")
    parser.add_argument("--out", required=True, help="zip file to write")
    parser.set_defaults(run=run_export)


def run_export(args):
    payload = export_zip(run_path(args.run_ref), args.out)
    print(f"wrote {args.out} ({len(payload) / 2**20:.1f} MB)")
    return 0


def _job_commands(commands):
    for add in (add_submit, add_status, add_cancel, add_server_commands):
        add(commands)


COMMANDS = [add_demo, add_prepare, add_summary, add_train, add_evaluate, add_predict, add_explain,
            add_export, _job_commands, add_worker]
