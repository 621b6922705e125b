"""What a run's config.json and evaluation.json must look like before anything uses them: a hand-edited
or hostile file becomes a one-line problem ("model is not a text"), never a crash in a page."""

from .kinds import KIND_OF_TYPE, TABLE, TEXT, TEXTS, finite, is_kind
from .training_settings import SETTINGS

CONFIG_KINDS = {
    **{s.name: KIND_OF_TYPE[s.kind] for s in SETTINGS},
    "data": TEXT, "class_names": TEXTS, "callbacks": TEXTS, "split": TABLE, "augment_settings": TABLE,
    "device": TABLE, "packages": TABLE,
}


STATUS_NUMBERS = ("epoch", "epochs", "batch", "steps", "started", "updated", "created", "position",
                  "test_accuracy", "eta_seconds", "pid")


def clean_status(status) -> dict:
    """status.json with numbers that are not finite numbers (and an error that is not text) dropped:
    progress bars, estimates and labels then need no checks of their own."""
    if not isinstance(status, dict):
        return {}
    wrong = [key for key in STATUS_NUMBERS if key in status and status[key] is not None
             and not finite(status[key])]
    if "error" in status and not isinstance(status["error"], str):
        wrong.append("error")
    return {key: value for key, value in status.items() if key not in wrong}


def clean_config(config) -> tuple[dict, str | None]:
    """The config with every known key of the wrong type dropped, and the first problem found."""
    if not isinstance(config, dict):
        return {}, "config.json is not a JSON object"
    wrong = [key for key, kind in CONFIG_KINDS.items() if key in config and not is_kind(config[key], kind)]
    clean = {key: value for key, value in config.items() if key not in wrong}
    if not wrong:
        return clean, None
    return clean, f"config.json: {wrong[0]} is not {CONFIG_KINDS[wrong[0]]}"


def evaluation_problem(report) -> str | None:
    """Why an evaluation.json cannot be shown (None when it can): classes, a square matrix of
    counts, n and accuracy."""
    if not isinstance(report, dict):
        return "evaluation.json is not a JSON object"
    classes, matrix = report.get("classes"), report.get("confusion_matrix")
    if not is_kind(classes, TEXTS) or not classes or len(set(classes)) != len(classes):
        return "evaluation.json: classes is not a list of distinct class names"
    square = isinstance(matrix, list) and len(matrix) == len(classes) and all(
        isinstance(row, list) and len(row) == len(classes)
        and all(type(n) is int and 0 <= n < 10**9 for n in row) for row in matrix)
    if not square:
        return f"evaluation.json: confusion_matrix is not {len(classes)}x{len(classes)} counts"
    if type(report.get("n")) is not int or report["n"] < 0:
        return "evaluation.json: n is not a whole number"
    if "accuracy" in report and not (finite(report["accuracy"]) and 0 <= report["accuracy"] <= 1):
        return "evaluation.json: accuracy is not a number between 0 and 1"
    return None


def good_prediction(row, classes) -> bool:
    """A prediction row the Errors page can list: a file name, two known classes, a confidence."""
    return (isinstance(row, dict) and isinstance(row.get("file"), str) and row.get("true") in classes
            and row.get("predicted") in classes and finite(row.get("confidence"))
            and isinstance(row.get("probabilities"), dict)
            and all(finite(p) for p in row["probabilities"].values()))


def clean_evaluation(report) -> tuple[dict | None, str | None]:
    """(report, None) with malformed prediction rows dropped, or (None, problem)."""
    problem = evaluation_problem(report)
    if problem:
        return None, problem
    report = dict(report)
    if "predictions" in report:
        rows = report["predictions"] if isinstance(report["predictions"], list) else []
        report["predictions"] = [r for r in rows if good_prediction(r, report["classes"])]
    return report, None
