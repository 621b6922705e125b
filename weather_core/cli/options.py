"""What the commands share: the training options of `train` and `submit` and the TrainConfig they
describe, finding a run from a command line, and the one way --json output is printed."""

import json
from pathlib import Path

from .. import runs
from ..models import MODEL_ALIASES, MODELS
from ..training import DEFAULTS, SETTINGS, TrainConfig, recipes


def print_json(payload) -> None:
    """--json output, for every command: one JSON object on one line."""
    print(json.dumps(payload))


def add_train_options(parser):
    """The training settings `train` and `submit` share: one option per row of the settings table
    (runs/training_settings.py), given or None, so the recipe's value stays."""
    parser.add_argument("--data", required=True, help="a `prepare` output folder or a split folder")
    choices = {"recipe": list(recipes.RECIPES), "model": [*MODELS, *MODEL_ALIASES]}
    for setting in SETTINGS:
        if setting.flag is None:
            continue
        flags = [setting.flag, *(f"--{old}" for old in setting.old_keys)]
        if setting.kind is bool:
            _on_off(parser, setting.flag[2:], setting.help, setting.name)
        elif setting.kind is tuple:
            parser.add_argument(*flags, dest=setting.name, default=None, nargs="+", help=setting.help)
        else:
            shown = f"{setting.help} ({setting.range_text()})" if setting.low is not None else setting.help
            parser.add_argument(*flags, dest=setting.name, default=None, help=shown,
                                type=setting.kind, choices=choices.get(setting.name) or setting.choices or None)
    parser.add_argument("--runs", default=None, help="runs root (default: $WEATHER_RUNS_DIR or runs/)")


def _on_off(parser, name, help_text, dest):
    parser.add_argument(f"--{name}", dest=dest, action="store_true", default=None, help=help_text)
    parser.add_argument(f"--no-{name}", dest=dest, action="store_false")


def config_from(args):
    """The TrainConfig that `train` / `submit` options describe: the recipe's settings, the
    table's defaults for the rest, the options given on top."""
    given = {s.name: getattr(args, s.name) for s in SETTINGS if s.flag and s.name != "recipe"}
    recipe = args.recipe or DEFAULTS["recipe"]
    settings = recipes.resolve(recipe, **{k: v for k, v in given.items() if k in recipes.RECIPES[recipe]})
    per_run = {k: DEFAULTS[k] if v is None else v for k, v in given.items() if k not in settings}
    return TrainConfig(data=args.data, **settings, **per_run)


def run_path(run):
    """The CLI is a trusted local tool: accept a run folder anywhere, or a run id in the runs root."""
    path = Path(run)
    if path.is_dir():  # the folder itself, never where a link to it points (runs.is_run_folder)
        return runs.resolve_run(path.name, path.absolute().parent)
    return runs.resolve_run(run)
