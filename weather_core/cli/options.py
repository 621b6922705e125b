"""What the commands share: the training options of `train` and `submit` and the TrainConfig they
describe, finding a run from a command line, and the one way --json output is printed."""

import json
from pathlib import Path


def print_json(payload) -> None:
    """--json output, for every command: one JSON object on one line."""
    print(json.dumps(payload))


def add_train_options(parser):
    """The training settings `train` and `submit` share."""
    from ..models import MODEL_ALIASES, MODELS
    from ..models.recipes import DEFAULT_RECIPE, RECIPES
    from ..training import LR_SCHEDULES

    parser.add_argument("--data", required=True, help="a `prepare` output folder or a split folder")
    parser.add_argument("--recipe", choices=list(RECIPES), default=DEFAULT_RECIPE,
                        help="named settings (default %(default)s); options below override them")
    parser.add_argument("--model", choices=[*MODELS, *MODEL_ALIASES])
    parser.add_argument("--epochs", type=int)
    parser.add_argument("--batch-size", type=int)
    parser.add_argument("--image-size", type=int)
    parser.add_argument("--lr", "--learning-rate", dest="lr", type=float,
                        help="learning rate (peak rate for cosine); config.json calls it learning_rate")
    parser.add_argument("--lr-schedule", choices=LR_SCHEDULES)
    parser.add_argument("--warmup-epochs", type=int)
    parser.add_argument("--label-smoothing", type=float)
    _on_off(parser, "reduce-lr", "the report's ReduceLROnPlateau (constant schedule only)")
    _on_off(parser, "augment", "the report's augmentation on the training split")
    _on_off(parser, "flip", "random horizontal flips of training photos")
    _on_off(parser, "crop", "random-resized crops of training photos (scale 0.3-1, aspect 3/4-4/3)")
    parser.add_argument("--jitter", type=float, help="brightness and contrast jitter with --crop, +-")
    _on_off(parser, "ema", "score and keep a moving average of the weights")
    _on_off(parser, "tta", "test-time flip: average each photo's and its mirror's prediction")
    parser.add_argument("--mixup", type=float, help="mixup: blend pairs of training photos and their labels, "
                        "weights drawn from Beta(a, a) (0 = off, 0.2 is usual)")
    parser.add_argument("--early-stopping", type=int, default=0, metavar="PATIENCE")
    parser.add_argument("--seed", type=int, default=123)
    parser.add_argument("--no-mixed-precision", dest="mixed_precision", action="store_false",
                        default=True, help="train in float32 even where mixed precision pays")
    parser.add_argument("--runs", default=None, help="runs root (default: $WEATHER_RUNS_DIR or runs/)")


def _on_off(parser, name, help_text):
    dest = name.replace("-", "_")
    parser.add_argument(f"--{name}", dest=dest, action="store_true", default=None, help=help_text)
    parser.add_argument(f"--no-{name}", dest=dest, action="store_false")


def config_from(args):
    """The TrainConfig that `train` / `submit` options describe (recipe first, options on top)."""
    from ..models.recipes import resolve
    from ..training import TrainConfig

    settings = resolve(args.recipe, model=args.model, epochs=args.epochs,
                       batch_size=args.batch_size, image_size=args.image_size,
                       learning_rate=args.lr, lr_schedule=args.lr_schedule,
                       warmup_epochs=args.warmup_epochs, label_smoothing=args.label_smoothing,
                       reduce_lr=args.reduce_lr, augment=args.augment, flip=args.flip,
                       crop=args.crop, jitter=args.jitter, ema=args.ema, tta=args.tta,
                       mixup=args.mixup)
    return TrainConfig(data=args.data, early_stopping=args.early_stopping, seed=args.seed,
                       mixed_precision=args.mixed_precision, **settings)


def run_path(run):
    """The CLI is a trusted local tool: accept a run folder anywhere, or a run id in the runs root."""
    from .. import runs

    path = Path(run)
    if path.is_dir():  # the folder itself, never where a link to it points (runs.is_run_folder)
        return runs.resolve_run(path.name, path.absolute().parent)
    return runs.resolve_run(run)
