"""Values as the pages show them: user text made plain, durations, run states, split names,
percentages, log tails."""

import math
import re
import string
from pathlib import Path

from pages.ui.i18n import has_text, t


def split_totals(summary) -> str:
    return " · ".join(f"{split_label(name)} {sum(counts.values())}"
                      for name, counts in summary["splits"].items())


def split_label(name) -> str:
    return t(f"split.{name}") if has_text(f"split.{name}") else str(name)



_MARKDOWN = re.compile("([" + re.escape(string.punctuation) + "])")


def plain(value, limit=120) -> str:
    """User-supplied text (a run id, a file name, a URL value, an error message) made safe for any
    Streamlit text that renders markdown: one line, every ASCII punctuation mark backslash-escaped
    (no bold, link, code span, colour or icon can be injected), at most `limit` characters."""
    text = " ".join(str(value).split())
    if limit and len(text) > limit:
        text = text[:limit] + "…"
    return _MARKDOWN.sub(r"\\\1", text)


def duration(seconds) -> str:
    """0:42-style durations; a hand-edited run's nonsense (Infinity, "x", None) shows as –."""
    seconds = 0 if seconds is None else seconds
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not math.isfinite(seconds) \
            or seconds > 10**9:
        return "–"
    seconds = int(round(max(0, seconds)))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return t("time.hours", h=hours, m=f"{minutes:02d}")
    return t("time.minutes", m=minutes, s=f"{secs:02d}") if minutes else t("time.seconds", s=secs)


def state_label(state) -> str:
    """A run state (finished, queued, interrupted, ...) in the active language."""
    return t(f"state.{state}") if has_text(f"state.{state}") else state



def run_label(info) -> str:
    """runs.RunInfo.label() in the UI language: the id with its test score, or its state when it
    did not finish (a cancelled run never passes for a finished one)."""
    acc = info.test_accuracy
    scored = isinstance(acc, (int, float))
    if info.finished and scored:
        return t("run.finished", run=info.run_id, acc=percent(acc))
    state = state_label(info.state).upper()  # loud: CANCELLED (Korean has no capitals: unchanged)
    if scored:
        return t("run.state_acc", run=info.run_id, state=state, acc=percent(acc))
    return t("run.state", run=info.run_id, state=state)


UNSURE_MARGIN = 0.05  # top two classes closer than this: the model cannot tell them apart


def close_call(probabilities, margin=UNSURE_MARGIN):
    """(first, p1, second, p2) when the two most probable classes are within `margin`, else None."""
    ranked = sorted(probabilities.items(), key=lambda item: -item[1])
    if len(ranked) < 2 or ranked[0][1] - ranked[1][1] > margin:
        return None
    return (*ranked[0], *ranked[1])


def log_tail(path, lines=30) -> str:
    """The last lines of a text file (a run's log.txt), or "" when it cannot be read."""
    try:
        return "\n".join(Path(path).read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def percent(value) -> str:
    return f"{value:.1%}" if isinstance(value, (int, float)) else "–"
