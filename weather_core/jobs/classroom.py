"""One server for a whole class: the class settings the instructor sets (default dataset, a cap on
epochs x image size per run, how long a run may take before it needs a confirmation or is refused),
who prepared which dataset, who may stop or delete a run, the
per-owner cap on queued and running trainings, and the leaderboard. Stored in data/classroom.json."""

import hmac
import math
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple
from urllib.parse import urlsplit

from filelock import FileLock

from .. import data, runs, settings
from ..runs.comparison import standard_error
from ..training import estimate, recipes

DEMO_DATASET = "demo"
# Every student's run has limits by default: epochs x image size at most the report's own recipe
# (50 x 250), and two hours of wall clock; the instructor raises or lifts them.
DEFAULTS = {"default_dataset": None, "max_epoch_pixels": 12500, "max_run_minutes": 120, "datasets": {},
            # a student's run estimated longer than this asks for a confirmation, or is refused
            "long_run_minutes": 15, "forbid_long_runs": False,
            # the address students reach the server at, for lesson links ("" = as the browser sees it)
            "public_address": ""}


class FairTurnError(ValueError):
    """A training refused by a fair-turn cap; the message says which cap and what to do."""


class LongRunError(FairTurnError):
    """A student's run estimated over the class's time limit, not confirmed: ask, then submit again."""

    def __init__(self, message, minutes, limit):
        super().__init__(message)
        self.minutes, self.limit = minutes, limit


# ---------------------------------------------------------------------------------------------
# The class settings file


def load() -> dict:
    stored = runs.read_json(settings.classroom_file(), {})
    stored = stored if isinstance(stored, dict) else {}
    merged = {**DEFAULTS, **stored}
    if not isinstance(merged["datasets"], dict):
        merged["datasets"] = {}
    return merged


@contextmanager
def _editing():
    """The settings, changed in place and written back under a file lock (two instructors' tabs)."""
    path = settings.classroom_file()
    path.parent.mkdir(parents=True, exist_ok=True)

    with FileLock(path.with_name(".classroom.lock")):
        current = load()
        yield current
        runs.write_json_atomic(path, current)


def set_default_dataset(dataset_id) -> None:
    if dataset_id is not None and dataset_path(dataset_id) is None:
        raise ValueError(f"no prepared dataset {dataset_id!r}")
    with _editing() as current:
        current["default_dataset"] = dataset_id


def set_max_epoch_pixels(limit) -> None:
    """Cap epochs x image size (px) of any one run; None or 0 lifts the cap."""
    with _editing() as current:
        current["max_epoch_pixels"] = int(limit) if limit else None


def set_max_run_minutes(minutes) -> None:
    """A student's run still training after this many minutes is stopped (it can be resumed);
    None or 0 lifts the limit for runs started afterwards."""
    with _editing() as current:
        current["max_run_minutes"] = max(1, int(minutes)) if minutes else None


def set_long_runs(minutes, forbid) -> None:
    """A student's run estimated over `minutes` needs a confirmation (or, with `forbid`, is refused)."""
    with _editing() as current:
        current["long_run_minutes"] = max(1, int(minutes))
        current["forbid_long_runs"] = bool(forbid)


def set_public_address(address) -> None:
    """The server's address as students reach it (https://school.example/weather): lesson links
    start with it. "" goes back to the address each browser used."""
    address = (address or "").strip().rstrip("/")
    parts = urlsplit(address)
    if address and (parts.scheme not in ("http", "https") or not parts.netloc or " " in address
                    or len(address) > 300 or parts.query or parts.fragment):
        raise ValueError(f"not a web address: {address[:80]!r} (e.g. http://10.0.0.5:8501 or "
                         "https://school.example/weather)")
    with _editing() as current:
        current["public_address"] = address


def estimated_minutes(config, summary=None) -> float:
    """The training's expected wall time on this kind of machine (training.estimate), in minutes;
    `summary`: the dataset's prepared.json when the caller has it already (else it is read)."""
    try:
        summary = summary if summary is not None else data.load_summary(config.data)
        train_count = sum(summary["splits"]["train"].values())
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return 0.0  # no summary to count from: the run itself will say what is wrong
    return estimate.estimate_seconds(config.model, config.image_size, config.epochs, train_count) / 60


# ---------------------------------------------------------------------------------------------
# Datasets: the demo and the prepared folders under data/prepared/, each with an id for links


def dataset_id(path) -> str:
    path = Path(path).resolve()
    return DEMO_DATASET if path == settings.demo_dir().resolve() else path.name


def dataset_path(dataset_id_) -> Path | None:
    """The prepared folder of an id from a link (`?dataset=`), or None: ids never leave the data root."""
    text = str(dataset_id_ or "")
    if text == DEMO_DATASET:
        return settings.demo_dir()
    if not runs.RUN_ID.match(text):
        return None
    for path in (settings.prepared_root() / text, settings.data_root() / text):  # the page's, the CLI's
        if (path / "prepared.json").is_file():
            return path
    return None


def record_dataset_owner(path, owner) -> None:
    with _editing() as current:
        current["datasets"][dataset_id(path)] = {"owner": owner}


def dataset_owner(path) -> str:
    entry = load()["datasets"].get(dataset_id(path)) or {}
    return str(entry.get("owner") or "") if isinstance(entry, dict) else ""


def visible_datasets(paths, user, instructor=False) -> list:
    """What a sidebar lists: everything for the instructor; for a student the demo, the class
    default and the datasets they prepared (or nobody's: prepared before owners were recorded)."""
    if instructor:
        return list(paths)
    default = load()["default_dataset"]
    return [p for p in paths if dataset_id(p) in (DEMO_DATASET, default)
            or dataset_owner(p) in ("", user)]


# ---------------------------------------------------------------------------------------------
# Roles: names are not authentication; the instructor proves a secret or is an allowed login


def secret_matches(given, expected) -> bool:
    """Constant-time comparison, so the time taken says nothing about how much of a guess was right."""
    if not given or not expected:
        return False
    return hmac.compare_digest(str(given).encode(), str(expected).encode())


def is_allowed_login(login, allowed) -> bool:
    return bool(login) and str(login).strip().lower() in {str(a).strip().lower() for a in allowed or ()}


class Who(NamedTuple):
    """Who asks to change a run (a page passes it; the command line is the server's operator)."""
    user: str = ""
    instructor: bool = False
    single_user: bool = False  # nobody on this server has an identity to prove


def can_manage(info, user, instructor=False, single_user=False) -> bool:
    """Only a run's owner or the instructor may cancel, resume or discard it. A run without an owner
    (trained before owners were recorded, or from the command line) is the instructor's, and
    anyone's only on a single-user server (nobody has an identity there)."""
    if instructor or (single_user and not info.owner):
        return True
    return bool(user) and info.owner == user


def require_manage(info, user, instructor=False, single_user=False) -> None:
    if not can_manage(info, user, instructor, single_user):
        raise PermissionError(f"run {info.run_id} belongs to {info.owner or 'the instructor'}; "
                              "only its owner or the instructor can change it")


# ---------------------------------------------------------------------------------------------
# Fair turns


def check_fair_turn(config, owner, root=None, instructor=False, confirmed_long=False) -> None:
    """Raise FairTurnError when this run would break a cap: the epochs x image size the instructor
    allows, the class's time limit (LongRunError while not `confirmed_long`; refused outright where
    the instructor forbids long runs), or the owner's number of queued and running trainings."""
    if instructor:
        return
    current = load()
    limit = current["max_epoch_pixels"]
    if limit and config.epochs * config.image_size > limit:
        raise FairTurnError(
            f"{config.epochs} epochs x {config.image_size} px = {config.epochs * config.image_size} is over "
            f"the class limit of {limit} set by the instructor: use fewer epochs or smaller images")
    minutes, most = estimated_minutes(config), current["long_run_minutes"]
    if isinstance(most, (int, float)) and minutes > most:
        if current["forbid_long_runs"]:
            raise FairTurnError(f"this training would take about {minutes:.0f} min, over the class's limit of "
                                f"{most:g} min set by the instructor: use fewer epochs, smaller images or "
                                "a quicker model")
        if not confirmed_long:
            raise LongRunError(f"this training would take about {minutes:.0f} min, over the class's "
                               f"{most:g} min: confirm to start it", minutes, most)
    check_owner_cap(owner, root)


def check_owner_cap(owner, root=None) -> None:
    """Raise FairTurnError when `owner` already has the cap's number of queued and running trainings
    (a new run or a resumed one). Callers hold the runs folder's submit lock, so parallel
    submissions are counted one after the other."""
    if not owner:
        raise FairTurnError("sign in or claim a name before training: runs need an owner on a shared server")
    cap = settings.max_runs_per_owner()
    mine = [r for r in runs.list_runs(root) if r.state in runs.ACTIVE and r.owner == owner]
    if len(mine) >= cap:
        raise FairTurnError(f"{owner} already has {len(mine)} trainings queued or running (the "
                            f"limit is {cap}): wait for one to finish or cancel one")


# ---------------------------------------------------------------------------------------------
# The leaderboard


def leaderboard(all_runs, dataset=None) -> list:
    """Finished runs with a test score (on `dataset` only, when given: scores on different test
    photos do not rank), best first; equal scores: the faster training first. Each row names its
    dataset and recipe (`custom` when its settings differ from the recipe: `changed` names them),
    has its score's standard error and says whether it is `tied` with the top: within one standard
    error of the difference, sqrt(se_top^2 + se^2), a gap its test split cannot tell."""
    done = [r for r in all_runs if r.finished and isinstance(r.test_accuracy, (int, float))
            and (dataset is None or run_dataset(r) == str(dataset))]
    ranked = sorted(done, key=lambda r: (-r.test_accuracy, r.training_seconds))
    board = []
    for rank, r in enumerate(ranked, start=1):
        n = r.status.get("test_n")
        n = n if isinstance(n, int) and not isinstance(n, bool) and n > 0 else None
        changed = sorted(recipes.differences(r.config))
        board.append({"rank": rank, "run": r.run_id, "owner": r.owner, "recipe": r.config.get("recipe", ""),
                      "custom": bool(changed), "changed": changed, "dataset": run_dataset(r),
                      "model": r.config.get("model", ""), "test_accuracy": r.test_accuracy,
                      "n": n, "standard_error": standard_error(r.test_accuracy, n),
                      "seconds": r.training_seconds})
    top = board[0] if board else None
    for row in board:
        errors = (top["standard_error"], row["standard_error"])
        known = row is not top and None not in errors  # a score without its n cannot be weighed
        row["tied"] = known and top["test_accuracy"] - row["test_accuracy"] <= math.hypot(*errors)
    return board


def run_dataset(info) -> str:
    """The prepared dataset a run trained on, as a resolved path ("" when its config has none)."""
    data = info.config.get("data")
    return str(Path(data).resolve()) if isinstance(data, str) and data else ""
